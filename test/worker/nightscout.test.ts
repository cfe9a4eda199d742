/**
 * Nightscout API v1 compatibility: uploader secrets, entries, treatments, device status, status
 * and verifyauth, as uploader apps and followers use them (worker/nightscout/). Routing, queries
 * and client replays: nightscout-routes, nightscout-query and nightscout-clients.test.ts.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { api, expectFieldError, register } from "./helpers.ts";
import { ns, sha512Hex, uploader } from "./interop-helpers.ts";

const MIN = 60_000;
const base = Date.now() - 3 * 3600_000;
const sgv = (i: number, value = 100 + i, device = "xDrip-DexcomG6") => ({ type: "sgv", sgv: value, date: base + i * 5 * MIN, dateString: new Date(base + i * 5 * MIN).toISOString(), direction: "Flat", device, noise: 1, filtered: 123000, unfiltered: 125000, rssi: 100 });

describe("uploader secrets", () => {
  it("creates a secret shown once, lists without it, and revokes it", async () => {
    const a = await register();
    const created = await api("/api/v1/uploaders", { token: a.access, body: { name: "Loop" } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: expect.any(String), name: "Loop", secret: expect.stringMatching(/^[A-Za-z0-9]{20,}$/) });
    expect(created.json.nightscout_url).toBe(`https://${created.json.secret}@api.test/api/v1/`);
    const list = await api("/api/v1/uploaders", { token: a.access });
    expect(list.status).toBe(200);
    expect(list.json.items).toHaveLength(1);
    expect(JSON.stringify(list.json)).not.toContain(created.json.secret);
    expect((await api(`/api/v1/uploaders/${created.json.id}`, { method: "DELETE", token: a.access })).status).toBe(204);
    expect((await api("/api/v1/uploaders", { token: a.access })).json.items).toHaveLength(0);
    expect((await api(`/api/v1/uploaders/${created.json.id}`, { method: "DELETE", token: a.access })).status).toBe(404);
  });

  it("requires a bearer token and a name", async () => {
    expect((await api("/api/v1/uploaders", { body: { name: "x" } })).status).toBe(401);
    const a = await register();
    expectFieldError(await api("/api/v1/uploaders", { token: a.access, body: {} }), 422, "name");
  });

  it("a revoked secret no longer authenticates", async () => {
    const a = await register();
    const up = await uploader(a.access);
    expect((await ns(up.apiSecret, "/api/v1/verifyauth")).status).toBe(200);
    await expect.poll(async () => (await api("/api/v1/uploaders", { token: a.access })).json.items[0].last_used_at).toEqual(expect.any(String));
    await api(`/api/v1/uploaders/${up.id}`, { method: "DELETE", token: a.access });
    // lib/api/verifyauth.js answers 200 with message UNAUTHORIZED; the data routes 401.
    expect((await ns(up.apiSecret, "/api/v1/verifyauth")).json.message.message).toBe("UNAUTHORIZED");
    expect((await ns(up.apiSecret, "/api/v1/entries.json")).status).toBe(401);
  });
});

describe("authentication", () => {
  it("accepts the SHA-1 or SHA-512 api-secret, ?token= and a bearer token; refuses the rest", async () => {
    const a = await register();
    const up = await uploader(a.access);
    expect((await ns(up.apiSecret, "/api/v1/entries.json")).status).toBe(200);
    expect((await ns(up.apiSecret.toUpperCase(), "/api/v1/entries.json")).status).toBe(200);
    expect((await ns(await sha512Hex(up.secret), "/api/v1/entries.json")).status).toBe(200);
    expect((await api(`/api/v1/entries.json?token=${up.secret}`)).status).toBe(200);
    expect((await api("/api/v1/entries.json", { token: a.access })).status).toBe(200);
    expect((await api("/api/v1/entries.json")).status).toBe(401);
    expect((await ns("0".repeat(40), "/api/v1/entries.json")).status).toBe(401);
    // lib/authorization/index.js resolve: an access token is accepted as api-secret too.
    expect((await ns(up.secret, "/api/v1/entries.json")).status).toBe(200);
    expect((await ns(up.secret.slice(1), "/api/v1/entries.json")).status).toBe(401);
    expect((await api("/api/v1/entries.json?token=nope")).status).toBe(401);
  });

  it("a wrong secret stores nothing", async () => {
    const a = await register();
    const up = await uploader(a.access);
    const res = await ns("f".repeat(40), "/api/v1/entries", { body: [sgv(0)] });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ status: 401, message: "Unauthorized", description: "Invalid/Missing", error: { code: "unauthorized" } });
    expect((await ns(up.apiSecret, "/api/v1/entries.json")).json).toEqual([]);
  });

  it("verifyauth answers the permissions", async () => {
    const a = await register();
    const up = await uploader(a.access);
    const res = await ns(up.apiSecret, "/api/v1/verifyauth");
    expect(res.json.message).toMatchObject({ canRead: true, canWrite: true, message: "OK" });
  });
});

describe("entries", () => {
  it("stores a batch, answers it with _id, and never stores a duplicate", async () => {
    const a = await register();
    const up = await uploader(a.access);
    const batch = Array.from({ length: 12 }, (_, i) => sgv(i));
    const first = await ns(up.apiSecret, "/api/v1/entries", { body: batch });
    expect(first.status).toBe(200);
    expect(first.json).toHaveLength(12);
    expect(first.json[0]).toMatchObject({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), type: "sgv", sgv: 100, date: base, direction: "Flat", device: "xDrip-DexcomG6", noise: 1, rssi: 100 });
    const again = await ns(up.apiSecret, "/api/v1/entries", { body: [...batch, sgv(20)] });
    expect(again.status).toBe(200);
    expect(again.json[0]._id).toBe(first.json[0]._id);
    const all = await ns(up.apiSecret, "/api/v1/entries.json?count=100");
    expect(all.json).toHaveLength(13);
    // The same reading is a native reading too.
    const native = await api("/api/v1/glucose/readings?limit=100", { token: a.access });
    expect(native.json.items).toHaveLength(13);
    expect(native.json.items[0]).toMatchObject({ value: 100, source: "xDrip-DexcomG6", trend: "Flat" });
  });

  it("takes a single entry, an empty array, mbg and cal entries", async () => {
    const a = await register();
    const up = await uploader(a.access);
    const one = await ns(up.apiSecret, "/api/v1/entries", { body: sgv(1, 140) });
    expect(one.json).toHaveLength(1);
    expect((await ns(up.apiSecret, "/api/v1/entries", { body: [] })).json).toEqual([]);
    const mbg = await ns(up.apiSecret, "/api/v1/entries", { body: { type: "mbg", mbg: 131, date: base + MIN, device: "Contour" } });
    expect(mbg.json[0]).toMatchObject({ type: "mbg", mbg: 131, device: "Contour" });
    const cal = await ns(up.apiSecret, "/api/v1/entries", { body: { type: "cal", date: base + 2 * MIN, slope: 850, intercept: 30000, scale: 1, device: "xDrip" } });
    expect(cal.status).toBe(200);
    expect(cal.json[0]).toMatchObject({ type: "cal", slope: 850, _id: expect.any(String) });
    const sgvOnly = await ns(up.apiSecret, "/api/v1/entries/sgv.json");
    expect(sgvOnly.json.map((e: { type: string }) => e.type)).toEqual(["sgv"]);
    const mbgOnly = await ns(up.apiSecret, "/api/v1/entries/mbg.json");
    expect(mbgOnly.json).toHaveLength(1);
    expect(mbgOnly.json[0]).toMatchObject({ type: "mbg", mbg: 131 });
    const native = await api("/api/v1/glucose/readings", { token: a.access });
    expect(native.json.items.map((r: { source: string }) => r.source).sort()).toEqual(["Contour (meter)", "xDrip-DexcomG6"]);
  });

  it("refuses bad entries naming the field; the good ones of a batch are stored", async () => {
    const a = await register();
    const up = await uploader(a.access);
    const mixed = await ns(up.apiSecret, "/api/v1/entries", { body: [sgv(0), { type: "sgv", date: base + MIN }] });
    expect(mixed.status).toBe(200);
    expect(mixed.headers.get("x-rejected-items")).toBe("1");
    expect(mixed.json[1].error.fields.map((f: { path: string }) => f.path)).toEqual(["1.sgv"]);
    expect((await ns(up.apiSecret, "/api/v1/entries.json")).json.map((e: { sgv: number }) => e.sgv)).toEqual([100]);
    expectFieldError(await ns(up.apiSecret, "/api/v1/entries", { body: [{ type: "sgv", date: base }, { type: "sgv", sgv: 1000, date: base }] }), 422, "1.sgv");
    expectFieldError(await ns(up.apiSecret, "/api/v1/entries", { body: { type: "sgv", date: base } }), 422, "0.sgv");
    expectFieldError(await ns(up.apiSecret, "/api/v1/entries", { body: [{ type: "sgv", sgv: 5, date: base }] }), 422, "0.sgv");
    expectFieldError(await ns(up.apiSecret, "/api/v1/entries", { body: [{ type: "sgv", sgv: 100 }] }), 422, "0.date");
    expectFieldError(await ns(up.apiSecret, "/api/v1/entries", { body: [{ type: "xyz", sgv: 100, date: base }] }), 422, "0.type");
    expectFieldError(await ns(up.apiSecret, "/api/v1/entries", { body: [{ type: "sgv", sgv: 100, date: "yesterday" }] }), 422, "0.date");
    expect((await api("/api/v1/entries", { headers: { "api-secret": up.apiSecret }, raw: "{not json" })).status).toBe(400);
    expect((await ns(up.apiSecret, "/api/v1/entries.json")).json).toHaveLength(1);
  });

  it("stores sgv 13–39 as 39 (LOW) and takes dateString without date", async () => {
    const a = await register();
    const up = await uploader(a.access);
    const res = await ns(up.apiSecret, "/api/v1/entries", { body: { type: "sgv", sgv: 20, dateString: new Date(base).toISOString(), device: "G6" } });
    expect(res.json[0]).toMatchObject({ sgv: 39, date: base });
  });

  it("reads newest first with count (default 10), current, by id and find filters", async () => {
    const a = await register();
    const up = await uploader(a.access);
    await ns(up.apiSecret, "/api/v1/entries", { body: Array.from({ length: 15 }, (_, i) => sgv(i)) });
    const list = await ns(up.apiSecret, "/api/v1/entries.json");
    expect(list.json).toHaveLength(10);
    expect(list.json[0].date).toBe(base + 14 * 5 * MIN);
    expect(list.json.map((e: { date: number }) => e.date)).toEqual([...list.json.map((e: { date: number }) => e.date)].sort((x, y) => y - x));
    expect((await ns(up.apiSecret, "/api/v1/entries.json?count=3")).json).toHaveLength(3);
    expect((await ns(up.apiSecret, "/api/v1/entries")).json).toHaveLength(10);
    const current = await ns(up.apiSecret, "/api/v1/entries/current.json");
    expect(current.json).toHaveLength(1);
    expect(current.json[0].sgv).toBe(114);
    const byId = await ns(up.apiSecret, `/api/v1/entries/${current.json[0]._id}`);
    expect(byId.json[0]).toEqual(current.json[0]);
    expect((await ns(up.apiSecret, "/api/v1/entries/0123456789abcdef01234567")).status).toBe(404);
    const gte = await ns(up.apiSecret, `/api/v1/entries.json?count=100&find[date][$gte]=${base + 10 * 5 * MIN}`);
    expect(gte.json).toHaveLength(5);
    const window = await ns(up.apiSecret, `/api/v1/entries/sgv.json?count=100&find[date][$gt]=${base}&find[date][$lt]=${base + 3 * 5 * MIN}`);
    expect(window.json.map((e: { sgv: number }) => e.sgv)).toEqual([102, 101]);
    const lte = await ns(up.apiSecret, `/api/v1/entries.json?count=100&find[dateString][$lte]=${encodeURIComponent(new Date(base + 5 * MIN).toISOString())}`);
    expect(lte.json.map((e: { sgv: number }) => e.sgv)).toEqual([101, 100]);
    expectFieldError(await ns(up.apiSecret, "/api/v1/entries.json?count=0"), 422, "count");
    expectFieldError(await ns(up.apiSecret, "/api/v1/entries.json?find[date][$gte]=soon"), 422, "find[date][$gte]");
  });
});

describe("treatments", () => {
  it("maps carbs, insulin and exercise onto records and de-duplicates", async () => {
    const a = await register();
    const up = await uploader(a.access);
    const t0 = new Date(base).toISOString();
    const res = await ns(up.apiSecret, "/api/v1/treatments", {
      body: [
        { eventType: "Meal Bolus", created_at: t0, carbs: 45, insulin: 4.5, enteredBy: "AndroidAPS", notes: "lunch" },
        { eventType: "Exercise", created_at: new Date(base + 60 * MIN).toISOString(), duration: 40, notes: "running" },
        { eventType: "Note", created_at: new Date(base + 90 * MIN).toISOString(), notes: "new sensor" },
        { eventType: "Correction Bolus", created_at: new Date(base + 120 * MIN).toISOString(), insulin: 1.5, identifier: "abc-1" },
      ],
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toHaveLength(4);
    expect(res.json[0]).toMatchObject({ _id: expect.any(String), eventType: "Meal Bolus", carbs: 45, insulin: 4.5, created_at: t0 });
    const meals = await api("/api/v1/meals", { token: a.access });
    expect(meals.json.items).toHaveLength(1);
    expect(meals.json.items[0]).toMatchObject({ carbs: 45, source: "AndroidAPS" });
    const insulin = await api("/api/v1/insulin", { token: a.access });
    expect(insulin.json.items.map((x: { units: number }) => x.units)).toEqual([4.5, 1.5]);
    const activities = await api("/api/v1/activities", { token: a.access });
    expect(activities.json.items[0]).toMatchObject({ type: "running" });
    // Retried upload: same created_at + eventType, or same identifier with another time.
    const again = await ns(up.apiSecret, "/api/v1/treatments", {
      body: [
        { eventType: "Meal Bolus", created_at: t0, carbs: 45, insulin: 4.5 },
        { eventType: "Correction Bolus", created_at: new Date(base + 121 * MIN).toISOString(), insulin: 1.5, identifier: "abc-1" },
      ],
    });
    expect(again.json.map((t: { _id: string }) => t._id)).toEqual([res.json[0]._id, res.json[3]._id]);
    expect((await api("/api/v1/insulin", { token: a.access })).json.items).toHaveLength(2);
    const list = await ns(up.apiSecret, "/api/v1/treatments");
    expect(list.json.map((t: { eventType: string }) => t.eventType)).toEqual(["Correction Bolus", "Note", "Exercise", "Meal Bolus"]);
    const filtered = await ns(up.apiSecret, `/api/v1/treatments?find[created_at][$gte]=${encodeURIComponent(new Date(base + 60 * MIN).toISOString())}&count=2`);
    expect(filtered.json.map((t: { eventType: string }) => t.eventType)).toEqual(["Correction Bolus", "Note"]);
  });

  it("turns notes and announcements into notes, and shows GlucoLens notes to followers as Note treatments", async () => {
    const a = await register();
    const up = await uploader(a.access);
    const at = (m: number) => new Date(base + m * MIN).toISOString();
    const res = await ns(up.apiSecret, "/api/v1/treatments", {
      body: [
        { eventType: "Note", created_at: at(0), notes: "new sensor", enteredBy: "xDrip+" },
        { eventType: "Announcement", created_at: at(5), notes: "pump site sore" },
        { eventType: "Site Change", created_at: at(10), notes: "left arm" },
        { eventType: "Temp Basal", created_at: at(15), absolute: 0.4, duration: 30 },
        { eventType: "Note", created_at: at(20), notes: "" },
      ],
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const notes = await api("/api/v1/notes", { token: a.access });
    expect(notes.json.items.map((n: { text: string; tags: string[]; source: string }) => [n.text, n.tags, n.source])).toEqual([
      ["new sensor", ["Note"], "xDrip+"],
      ["pump site sore", ["Announcement"], "nightscout"],
      ["Site Change: left arm", ["Site Change"], "nightscout"],
    ]);
    // A note typed in GlucoLens reaches followers once; the Nightscout ones are not listed twice.
    const typed = await api("/api/v1/notes", { token: a.access, body: { time: at(30), text: "sick day", tags: ["illness"] } });
    expect(typed.status, JSON.stringify(typed.json)).toBe(201);
    const list = await ns(up.apiSecret, "/api/v1/treatments");
    expect(list.json.map((t: { eventType: string; notes?: string }) => [t.eventType, t.notes ?? null])).toEqual([
      ["Note", "sick day"],
      // prepareData drops empty notes.
      ["Note", null],
      ["Temp Basal", null],
      ["Site Change", "left arm"],
      ["Announcement", "pump site sore"],
      ["Note", "new sensor"],
    ]);
    expect(list.json[0]).toMatchObject({ _id: `ffffffff${Number(typed.json.id).toString(16).padStart(16, "0")}`, created_at: at(30), enteredBy: "glucolens", tags: ["illness"] });
    const onlyNotes = await ns(up.apiSecret, "/api/v1/treatments.json?find[eventType]=Note&count=2");
    expect(onlyNotes.json.map((t: { notes?: string }) => t.notes ?? null)).toEqual(["sick day", null]);
    const announcements = await ns(up.apiSecret, "/api/v1/treatments.json?find[eventType]=Announcement");
    expect(announcements.json.map((t: { notes: string }) => t.notes)).toEqual(["pump site sore"]);
    // Another account's follower sees none of it.
    const b = await register();
    const other = await uploader(b.access);
    expect((await ns(other.apiSecret, "/api/v1/treatments")).json).toEqual([]);
    expectFieldError(await ns(up.apiSecret, "/api/v1/treatments", { body: { eventType: "Note", created_at: at(40), notes: "x".repeat(2001) } }), 422, "0.notes");
  });

  it("defaults created_at to now (lib/api/treatments/index.js post_response) and requires valid amounts", async () => {
    const a = await register();
    const up = await uploader(a.access);
    const now = await ns(up.apiSecret, "/api/v1/treatments", { body: { eventType: "Carb Correction", carbs: 10 } });
    expect(now.status).toBe(200);
    expect(Math.abs(Date.parse(now.json[0].created_at) - Date.now())).toBeLessThan(60_000);
    expectFieldError(await ns(up.apiSecret, "/api/v1/treatments", { body: { eventType: "Carb Correction", carbs: 10, created_at: "yesterday" } }), 422, "0.created_at");
    expectFieldError(await ns(up.apiSecret, "/api/v1/treatments", { body: { eventType: "Carb Correction", carbs: 5000, created_at: new Date(base).toISOString() } }), 422, "0.carbs");
    expectFieldError(await ns(up.apiSecret, "/api/v1/treatments", { body: { eventType: "Bolus", insulin: "lots", created_at: new Date(base).toISOString() } }), 422, "0.insulin");
    expect((await ns(up.apiSecret, "/api/v1/treatments")).json).toHaveLength(1);
  });
});

describe("devicestatus and status", () => {
  it("stores device status as received and answers the latest first", async () => {
    const a = await register();
    const up = await uploader(a.access);
    const docs = [
      { device: "openaps://phone", created_at: new Date(base).toISOString(), uploaderBattery: 80, pump: { reservoir: 120 } },
      { device: "openaps://phone", created_at: new Date(base + 5 * MIN).toISOString(), uploaderBattery: 79, loop: { iob: { iob: 1.2 } } },
    ];
    const res = await ns(up.apiSecret, "/api/v1/devicestatus", { body: docs });
    expect(res.status).toBe(200);
    expect(res.json[0]).toMatchObject({ ...docs[0], _id: expect.any(String) });
    const list = await ns(up.apiSecret, "/api/v1/devicestatus.json?count=1");
    expect(list.json).toHaveLength(1);
    expect(list.json[0]).toMatchObject({ uploaderBattery: 79, loop: { iob: { iob: 1.2 } } });
    expectFieldError(await ns(up.apiSecret, "/api/v1/devicestatus", { body: [42] }), 422, "0");
  });

  it("status.json carries the user's unit and thresholds", async () => {
    const a = await register({ unit: "mmol/L" });
    const up = await uploader(a.access);
    const res = await ns(up.apiSecret, "/api/v1/status.json");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: "ok", apiEnabled: true, settings: { units: "mmol", thresholds: { bgHigh: expect.any(Number), bgTargetTop: expect.any(Number), bgTargetBottom: expect.any(Number), bgLow: expect.any(Number) } } });
    expect(res.json.settings.thresholds.bgLow).toBeLessThan(res.json.settings.thresholds.bgTargetBottom);
  });
});

describe("isolation", () => {
  it("B's secret and token can neither read nor change A's data", async () => {
    const a = await register();
    const b = await register();
    const upA = await uploader(a.access);
    const upB = await uploader(b.access);
    const stored = await ns(upA.apiSecret, "/api/v1/entries", { body: [sgv(0)] });
    await ns(upA.apiSecret, "/api/v1/treatments", { body: { eventType: "Carb Correction", carbs: 10, created_at: new Date(base).toISOString() } });
    await ns(upA.apiSecret, "/api/v1/devicestatus", { body: { device: "a", created_at: new Date(base).toISOString() } });
    for (const path of ["/api/v1/entries.json", "/api/v1/entries/current.json", "/api/v1/treatments", "/api/v1/devicestatus.json"]) {
      expect((await ns(upB.apiSecret, path)).json).toEqual([]);
      expect((await api(path, { token: b.access })).json).toEqual([]);
    }
    expect((await ns(upB.apiSecret, `/api/v1/entries/${stored.json[0]._id}`)).status).toBe(404);
    // B's upload of the same entry lands in B's account only.
    await ns(upB.apiSecret, "/api/v1/entries", { body: [sgv(0, 250)] });
    expect((await ns(upA.apiSecret, "/api/v1/entries.json")).json.map((e: { sgv: number }) => e.sgv)).toEqual([100]);
    // B cannot revoke A's uploader.
    expect((await api(`/api/v1/uploaders/${upA.id}`, { method: "DELETE", token: b.access })).status).toBe(404);
    expect((await ns(upA.apiSecret, "/api/v1/verifyauth")).status).toBe(200);
  });
});

describe("documentation", () => {
  it("lists the interop routes in /openapi.json", async () => {
    const doc = await api("/openapi.json");
    expect(doc.status).toBe(200);
    for (const path of ["/api/v1/entries", "/api/v1/entries.json", "/api/v1/treatments", "/api/v1/devicestatus", "/api/v1/status.json", "/api/v1/verifyauth", "/api/v1/uploaders", "/api/v1/webhooks/cgm/{source}", "/api/v1/imports", "/api/v1/export"]) {
      expect(Object.keys(doc.json.paths), path).toContain(path);
    }
    expect(doc.json.components.securitySchemes.NightscoutSecret).toMatchObject({ type: "apiKey", name: "api-secret" });
  });
});
