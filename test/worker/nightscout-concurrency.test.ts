/**
 * Concurrent Nightscout v1 writes and the notifications ack (worker/nightscout/): ported whole from
 * nightscout/cgm-remote-monitor tests/concurrent-writes.test.js (with the pump identifiers of
 * tests/fixtures/aaps-patterns.json) and tests/notifications-api.test.js. Nightscout mounts the
 * API at `/api/`; production (and GlucoLens) serve it at `/api/v1/`. Its site-wide API secret is
 * here a fresh user's uploader secret (SHA-1 as `api-secret`), one user per test, as Nightscout's
 * beforeEach/afterEach empty the collections. Where Nightscout reads its database
 * (`ctx.treatments.list`, `ctx.entries.list`, `ctx.devicestatus.list`), these tests read the same
 * documents back through GET; each user holds only what the test sent, so the counts Nightscout
 * checks as "at least" are checked exactly (nothing lost, nothing stored twice).
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, register } from "./helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";
import { MIN, postReading, settle } from "./monitor-helpers.ts";
import { SioClient } from "./socketio-helpers.ts";
import { shardBindings } from "./shard-helpers.ts";
import { INSERT_DEVICE_STATUS_SQL } from "../../worker/nightscout/devicestatus.ts";
import { INSERT_TREATMENT_SQL } from "../../worker/nightscout/treatments.ts";

const HEX24 = /^[0-9a-f]{24}$/;
const DAY = 86_400_000;
const JSON_ACCEPT = { accept: "application/json" };

// tests/fixtures/aaps-patterns.json PUMP_IDENTIFIERS.ACCU_CHEK_INSIGHT
const ACCU_CHEK_INSIGHT = { pumpType: "ACCU_CHEK_INSIGHT_BLUETOOTH", pumpSerial: "33013206" };

type Doc = Record<string, any>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh user and its uploader ("the site's API secret"). */
async function setup() {
  const a = await register();
  const up = await uploader(a.access);
  const call = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => ns(up.apiSecret, path, init);
  // POST as supertest's `.post(path).set('api-secret', known).send(body)`; entries answer JSON for it.
  const post = (collection: "treatments" | "devicestatus" | "entries", body: unknown) => call(`/api/v1/${collection}/`, { body, headers: JSON_ACCEPT });
  const since = `find[created_at][$gte]=${new Date(Date.now() - DAY).toISOString()}`;
  // ctx.treatments.list({}) / ctx.devicestatus.list({}) / ctx.entries.list({}): every document of the test.
  const treatments = async (find = ""): Promise<Doc[]> => (await call(`/api/v1/treatments.json?count=1000&${since}${find}`)).json;
  const devicestatus = async (): Promise<Doc[]> => (await call(`/api/v1/devicestatus.json?count=1000&${since}`)).json;
  const entries = async (find = ""): Promise<Doc[]> => (await call(`/api/v1/entries.json?count=1000&find[date][$gte]=${Date.now() - DAY}${find}`)).json;
  return { a, up, call, post, treatments, devicestatus, entries };
}

/** Each answer 200 with an array (supertest's `.expect(200)`, `result.should.be.instanceof(Array)`). */
function expectArrays(results: { status: number; json: unknown }[]) {
  for (const r of results) {
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(Array.isArray(r.json), JSON.stringify(r.json)).toBe(true);
  }
}

describe("tests/concurrent-writes.test.js (Concurrent Write Tests - MongoDB 5.x Compatibility)", () => {
  describe("Simultaneous POST requests to treatments", () => {
    it("handles 5 simultaneous single object POSTs", async () => {
      const { post, treatments } = await setup();
      const baseTime = Date.now();
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => post("treatments", { eventType: "Note", created_at: new Date(baseTime + i * 1000).toISOString(), notes: `concurrent single ${i}` })),
      );
      expect(results).toHaveLength(5);
      expectArrays(results);
      for (const r of results) expect(r.json.length).toBeGreaterThanOrEqual(1);
      const list = await treatments();
      expect(list).toHaveLength(5);
      expect(list.map((t) => t.notes).sort()).toEqual(Array.from({ length: 5 }, (_, i) => `concurrent single ${i}`));
    });

    it("handles 5 simultaneous array POSTs", async () => {
      const { post, treatments } = await setup();
      const baseTime = Date.now();
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          post("treatments", [
            { eventType: "Note", created_at: new Date(baseTime + i * 10000).toISOString(), notes: `concurrent array batch ${i} item 1` },
            { eventType: "Note", created_at: new Date(baseTime + i * 10000 + 1000).toISOString(), notes: `concurrent array batch ${i} item 2` },
          ]),
        ),
      );
      expect(results).toHaveLength(5);
      expectArrays(results);
      expect(results.reduce((n, r) => n + r.json.length, 0)).toBe(10);
      const list = await treatments();
      expect(list).toHaveLength(10);
      expect(new Set(list.map((t) => t._id)).size).toBe(10);
    });

    it("handles rapid sequential POSTs (10 in 100ms)", async () => {
      const { post, treatments } = await setup();
      const baseTime = Date.now();
      const results = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          await sleep(i * 10);
          return post("treatments", { eventType: "Note", created_at: new Date(baseTime + i * 100).toISOString(), notes: `rapid sequential ${i}` });
        }),
      );
      expect(results).toHaveLength(10);
      expectArrays(results);
      const list = await treatments();
      expect(list).toHaveLength(10);
      expect(list.map((t) => t.notes).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `rapid sequential ${i}`).sort());
    });
  });

  describe("Simultaneous POST requests to devicestatus", () => {
    it("handles 5 simultaneous single object POSTs", async () => {
      const { post, devicestatus } = await setup();
      const baseTime = Date.now();
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => post("devicestatus", { device: `concurrent-device-${i}`, created_at: new Date(baseTime + i * 1000).toISOString(), uploaderBattery: 80 + i })),
      );
      expect(results).toHaveLength(5);
      expectArrays(results);
      for (const r of results) expect(r.json).toHaveLength(1);
      const list = await devicestatus();
      expect(list).toHaveLength(5);
      expect(list.map((s) => s.uploaderBattery).sort()).toEqual([80, 81, 82, 83, 84]);
    });

    it("handles 5 simultaneous array POSTs", async () => {
      const { post, devicestatus } = await setup();
      const baseTime = Date.now();
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          post("devicestatus", [
            { device: `concurrent-batch-${i}-a`, created_at: new Date(baseTime + i * 10000).toISOString(), uploaderBattery: 70 + i },
            { device: `concurrent-batch-${i}-b`, created_at: new Date(baseTime + i * 10000 + 1000).toISOString(), uploaderBattery: 75 + i },
          ]),
        ),
      );
      expect(results).toHaveLength(5);
      expectArrays(results);
      expect(results.reduce((n, r) => n + r.json.length, 0)).toBe(10);
      const list = await devicestatus();
      expect(list).toHaveLength(10);
      expect(new Set(list.map((s) => s._id)).size).toBe(10);
    });
  });

  describe("Simultaneous POST requests to entries", () => {
    it("handles 5 simultaneous single entry POSTs", async () => {
      const { post, entries } = await setup();
      const baseTime = Date.now();
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => {
          const date = baseTime + i * 300000;
          return post("entries", { type: "sgv", sgv: 100 + i * 5, date, dateString: new Date(date).toISOString() });
        }),
      );
      expect(results).toHaveLength(5);
      expectArrays(results);
      // ctx.entries.list({ count: 20 })
      const list = await entries("&count=20");
      expect(list).toHaveLength(5);
      expect(list.map((e) => e.sgv).sort()).toEqual([100, 105, 110, 115, 120]);
    });

    it("handles 5 simultaneous array entry POSTs", async () => {
      const { post, entries } = await setup();
      const baseTime = Date.now();
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => {
          const first = baseTime + i * 1000000;
          return post("entries", [
            { type: "sgv", sgv: 100 + i * 10, date: first, dateString: new Date(first).toISOString() },
            { type: "sgv", sgv: 105 + i * 10, date: first + 300000, dateString: new Date(first + 300000).toISOString() },
          ]);
        }),
      );
      expect(results).toHaveLength(5);
      expectArrays(results);
      expect(results.reduce((n, r) => n + r.json.length, 0)).toBe(10);
      const list = await entries("&count=20");
      expect(list).toHaveLength(10);
      expect(new Set(list.map((e) => e._id)).size).toBe(10);
    });
  });

  describe("Cross-collection concurrent writes", () => {
    it("handles simultaneous writes to treatments, devicestatus, and entries", async () => {
      const { post, treatments, devicestatus, entries } = await setup();
      const baseTime = Date.now();
      const [treatmentResult, devicestatusResult, entriesResult] = await Promise.all([
        post("treatments", [
          { eventType: "Note", created_at: new Date(baseTime).toISOString(), notes: "cross-collection 1" },
          { eventType: "Note", created_at: new Date(baseTime + 1000).toISOString(), notes: "cross-collection 2" },
        ]),
        post("devicestatus", [
          { device: "cross-device-1", created_at: new Date(baseTime).toISOString(), uploaderBattery: 80 },
          { device: "cross-device-2", created_at: new Date(baseTime + 1000).toISOString(), uploaderBattery: 75 },
        ]),
        post("entries", [
          { type: "sgv", sgv: 120, date: baseTime, dateString: new Date(baseTime).toISOString() },
          { type: "sgv", sgv: 125, date: baseTime + 300000, dateString: new Date(baseTime + 300000).toISOString() },
        ]),
      ]);
      expectArrays([treatmentResult!, devicestatusResult!, entriesResult!]);
      expect(treatmentResult!.json).toHaveLength(2);
      expect(devicestatusResult!.json).toHaveLength(2);
      expect(entriesResult!.json).toHaveLength(2);
      expect(await treatments()).toHaveLength(2);
      expect(await devicestatus()).toHaveLength(2);
      expect(await entries()).toHaveLength(2);
    });
  });

  describe("Data integrity under concurrent load", () => {
    it("all documents have unique _id after concurrent inserts", async () => {
      const { post, treatments } = await setup();
      const baseTime = Date.now();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => post("treatments", { eventType: "Note", created_at: new Date(baseTime + Math.random() * 10000).toISOString(), notes: `unique id test ${Math.random()}` })),
      );
      expectArrays(results);
      const ids = results.map((r) => r.json[0]._id as string);
      expect(ids).toHaveLength(10);
      for (const id of ids) expect(id).toMatch(HEX24);
      expect(new Set(ids).size).toBe(10);
      expect((await treatments()).map((t) => t._id).sort()).toEqual([...ids].sort());
    });

    it("response count matches request count under concurrent load", async () => {
      const { post, treatments } = await setup();
      const baseTime = Date.now();
      const batches = Array.from({ length: 5 }, (_, i) =>
        Array.from({ length: 3 }, (__, j) => ({ eventType: "Note", created_at: new Date(baseTime + i * 100000 + j * 1000).toISOString(), notes: `batch ${i} item ${j}` })),
      );
      const results = await Promise.all(batches.map((batch) => post("treatments", batch)));
      expectArrays(results);
      for (const [i, r] of results.entries()) {
        expect(r.json).toHaveLength(batches[i]!.length);
        // The answer is the stored documents in the order sent.
        expect(r.json.map((t: Doc) => t.notes)).toEqual(batches[i]!.map((t) => t.notes));
      }
      expect(await treatments()).toHaveLength(15);
    });
  });

  describe("AAPS Sync Catch-up Simulation", () => {
    it("handles 50 rapid sequential SMB-style POSTs (AAPS offline recovery simulation)", async () => {
      const { post, treatments } = await setup();
      const baseTime = Date.now();
      const totalRequests = 50;
      const results = await Promise.all(
        Array.from({ length: totalRequests }, async (_, index) => {
          await sleep(index * 5);
          return post("treatments", {
            eventType: "Correction Bolus",
            insulin: 0.1 + Math.random() * 0.4,
            isSMB: true,
            pumpId: 10000 + index,
            ...ACCU_CHEK_INSIGHT,
            created_at: new Date(baseTime + index * 300000).toISOString(),
            notes: `AAPS sync catch-up ${index}`,
          });
        }),
      );
      const successCount = results.filter((r) => r.status === 200).length;
      expect(successCount, JSON.stringify(results.find((r) => r.status !== 200)?.json)).toBe(totalRequests);
      expect(results.length - successCount).toBe(0);
      // ctx.treatments.list({ find: { eventType: 'Correction Bolus' } })
      const list = await treatments("&find[eventType]=Correction%20Bolus");
      expect(list).toHaveLength(totalRequests);
      expect(list.map((t) => t.pumpId).sort()).toEqual(Array.from({ length: totalRequests }, (_, i) => 10000 + i));
      for (const t of list) expect(t).toMatchObject({ isSMB: true, ...ACCU_CHEK_INSIGHT });
    });

    it("handles 100 rapid sequential SGV-style POSTs to entries", async () => {
      const { post, entries } = await setup();
      const baseTime = Date.now();
      const totalRequests = 100;
      const directions = ["Flat", "FortyFiveUp", "SingleUp", "FortyFiveDown"];
      const results = await Promise.all(
        Array.from({ length: totalRequests }, async (_, index) => {
          await sleep(index * 3);
          const date = baseTime + index * 300000;
          return post("entries", {
            type: "sgv",
            sgv: 80 + Math.floor(Math.random() * 100),
            date,
            dateString: new Date(date).toISOString(),
            device: "AndroidAPS-DexcomG6",
            direction: directions[index % 4],
          });
        }),
      );
      const successCount = results.filter((r) => r.status === 200).length;
      expect(successCount, JSON.stringify(results.find((r) => r.status !== 200)?.json)).toBe(totalRequests);
      expect(results.length - successCount).toBe(0);
      // ctx.entries.list({ find: { device: 'AndroidAPS-DexcomG6' } })
      const list = await entries("&find[device]=AndroidAPS-DexcomG6");
      expect(list).toHaveLength(totalRequests);
      expect(list.map((e) => e.date).sort((x, y) => x - y)).toEqual(Array.from({ length: totalRequests }, (_, i) => baseTime + i * 300000));
    });

    it("handles concurrent cross-collection sync (treatments + entries + devicestatus)", async () => {
      const { post, treatments, devicestatus, entries } = await setup();
      const baseTime = Date.now();
      const requests: Promise<{ type: string; status: number; json: any }>[] = [];
      for (let idx = 0; idx < 10; idx++) {
        const at = baseTime + idx * 60000;
        requests.push(
          post("treatments", { eventType: "Correction Bolus", insulin: 0.2, created_at: new Date(at).toISOString(), notes: `cross-collection treatment ${idx}` }).then((r) => ({ type: "treatment", ...r })),
          post("entries", { type: "sgv", sgv: 100 + idx * 5, date: at, device: "cross-collection-test" }).then((r) => ({ type: "entry", ...r })),
          post("devicestatus", { device: `cross-collection-device-${idx}`, created_at: new Date(at).toISOString(), uploaderBattery: 90 }).then((r) => ({ type: "devicestatus", ...r })),
        );
      }
      const results = await Promise.all(requests);
      expect(results).toHaveLength(30);
      for (const r of results) expect(r.status, `${r.type}: ${JSON.stringify(r.json)}`).toBe(200);
      expect(await treatments()).toHaveLength(10);
      expect(await entries("&find[device]=cross-collection-test")).toHaveLength(10);
      expect(await devicestatus()).toHaveLength(10);
    });
  });
});

describe("tests/notifications-api.test.js (Notifications API)", () => {
  it("ack notifications", async () => {
    const a = await register();
    const up = await uploader(a.access);
    // env.enclave.isApiKey(known): the uploader secret's SHA-1 is the user's API secret.
    const auth = await ns(up.apiSecret, "/api/v1/verifyauth");
    expect(auth.json).toMatchObject({ message: { message: "OK", canRead: true, canWrite: true } });

    // notifications.requestNotify(exampleWarn) + process(): a WARN (level 1) alarm goes out on the
    // bus; here a low reading raises GlucoLens's warning, emitted as Nightscout's `alarm`.
    const c = await SioClient.websocket(4);
    await c.connect("/alarm");
    await c.until(() => c.connects.some((p) => p.nsp === "/alarm"));
    expect(await c.emit("/alarm", "subscribe", { accessToken: up.secret })).toEqual([{ success: true, message: "Subscribed for alarms", read: true, ack: true }]);
    await postReading(a, 65, Date.now() - MIN);
    const [alarm] = await c.next("alarm", "/alarm");
    expect(alarm).toMatchObject({ level: 1, group: "default" });

    // makeRequest(): GET /notifications/ack?level=1 with the API secret → 200, and the ack sends
    // the clear (notifications.ack with sendClear: the `notification` with `clear: true`).
    const makeRequest = async () => {
      const res = await SELF.fetch(`${BASE}/api/v1/notifications/ack?level=1`, { headers: { "api-secret": up.apiSecret } });
      return { status: res.status, text: await res.text() };
    };
    expect(await makeRequest()).toEqual({ status: 200, text: "OK" });
    const [clear] = await c.next("clear_alarm", "/alarm");
    expect(clear).toMatchObject({ clear: true, title: "All Clear", group: "default" });

    // "2nd call should have no effect, done should NOT be called again": 200 again, no second clear
    // (notifications.ack: "Alarm has already been snoozed, don't snooze it again").
    expect(await makeRequest()).toEqual({ status: 200, text: "OK" });
    await settle(300);
    expect(c.count("clear_alarm", "/alarm")).toBe(1);
    c.close();
  });
});


// Not in Nightscout's file: the same document sent by concurrent requests (an uploader's retry
// while its first try is still in flight). Nightscout's upserts are atomic per document in MongoDB
// (lib/server/treatments.js upsertQueryFor, devicestatus by identifier); here each is stored once.
describe("concurrent retries of one document (GlucoLens)", () => {
  it("stores each document once whichever key matches it, every request answered 200 with its _id", async () => {
    const { a, post, treatments, devicestatus, entries } = await setup();
    const at = new Date(Date.now() - MIN).toISOString();
    const date = Date.now() - 2 * MIN;
    const times = <T>(n: number, f: () => Promise<T>) => Array.from({ length: n }, f);
    const [notes, boluses, statuses, uuidStatuses, sgvs] = await Promise.all([
      // created_at + eventType, then identifier (a unique index), then created_at + device, identifier.
      Promise.all(times(6, () => post("treatments", { eventType: "Note", created_at: at, notes: "sent six times" }))),
      Promise.all(times(6, () => post("treatments", { eventType: "Correction Bolus", insulin: 1, created_at: at, identifier: "0b6f1a52-3e5c-4d9c-9a7e-1f2d3c4b5a69" }))),
      Promise.all(times(6, () => post("devicestatus", { device: "openaps://phone", created_at: at, uploaderBattery: 50 }))),
      Promise.all(times(6, () => post("devicestatus", { device: "loop://iPhone", created_at: at, identifier: "5c1f7a0e-2b3d-4e5f-8a9b-0c1d2e3f4a5b", uploaderBattery: 60 }))),
      Promise.all(times(6, () => post("entries", { type: "sgv", sgv: 111, date, device: "xDrip-DexcomG6" }))),
    ]);
    for (const group of [notes, boluses, statuses, uuidStatuses, sgvs]) {
      expectArrays(group);
      expect(new Set(group.map((r) => r.json[0]._id)).size).toBe(1);
    }
    const stored = await treatments();
    expect(stored).toHaveLength(2);
    expect(stored.map((t) => t._id).sort()).toEqual([notes[0]!.json[0]._id, boluses[0]!.json[0]._id].sort());
    expect((await devicestatus()).map((s) => s._id).sort()).toEqual([statuses[0]!.json[0]._id, uuidStatuses[0]!.json[0]._id].sort());
    expect(await entries()).toHaveLength(1);
    // The bolus's insulin record exists once (the losing requests' records were removed).
    const doses = await api("/api/v1/insulin", { token: a.access });
    expect(doses.json.items).toMatchObject([{ units: 1 }]);
  });
});

// The conditional inserts read one index entry per key, never the user's other rows (D1 bills rows read).
describe("conditional inserts use the indexes", () => {
  const plan = async (sql: string, params: number) => {
    const rows = await shardBindings()[0]!.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...Array.from({ length: params }, () => null)).all<{ detail: string }>();
    return rows.results.map((r) => r.detail);
  };

  it("a treatment's and a device status's NOT EXISTS checks each search an index by user and key", async () => {
    for (const [sql, params, table] of [[INSERT_TREATMENT_SQL, 11, "nightscout_treatments"], [INSERT_DEVICE_STATUS_SQL, 8, "device_statuses"]] as const) {
      const searches = (await plan(sql, params)).filter((d) => d.includes(table));
      expect(searches, table).toHaveLength(3);
      for (const d of searches) expect(d, table).toMatch(/^SEARCH .* USING (COVERING )?INDEX \w+ \(user_id=\? AND (ns_id|identifier|time)=\?/);
    }
  });
});
