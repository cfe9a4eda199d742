/**
 * Nightscout v1 request shapes (worker/nightscout/): nightscout/cgm-remote-monitor
 * tests/api.shape-handling.test.js ported whole. A single document or an array is accepted on
 * treatments, devicestatus, entries and profile POSTs and always answered as an array of the stored
 * documents, one per document sent (NightscoutKit checks `insertedEntries.count == json.count`);
 * the test's NightscoutKit fixtures (tests/fixtures/nightscoutkit-*.js) are copied below; a
 * legacy PUT of food and activity updates the document of its `_id`.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { register } from "./helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";

const HEX24 = /^[0-9a-f]{24}$/;

type Init = { method?: string; body?: unknown };

/** A fresh user and a call with its uploader secret as `api-secret` (the test's `known`). */
async function setup() {
  const a = await register();
  const up = await uploader(a.access);
  return (path: string, init: Init = {}) => ns(up.apiSecret, path, init);
}

/** POSTs `body` and expects Nightscout's 200 with an array. */
async function post(call: Awaited<ReturnType<typeof setup>>, path: string, body: unknown) {
  const res = await call(path, { body });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  expect(Array.isArray(res.json), JSON.stringify(res.json)).toBe(true);
  return res.json as Record<string, any>[];
}

const iso = (ms: number) => new Date(ms).toISOString();

// tests/fixtures/nightscoutkit-profiles.js scheduleItem and generateUniqueProfile.
function scheduleItem(hours: number, minutes: number, value: number) {
  return { time: `${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`, timeAsSeconds: hours * 3600 + minutes * 60, value };
}
function generateUniqueProfile(suffix: string) {
  const now = Date.now();
  return {
    defaultProfile: "Default",
    startDate: iso(now),
    mills: String(now),
    units: "mg/dl",
    enteredBy: `Loop-${suffix}`,
    loopSettings: { dosingEnabled: true, overridePresets: [] },
    store: {
      Default: {
        dia: 6,
        carbs_hr: "0",
        delay: "0",
        timezone: "ETC/GMT+5",
        target_low: [scheduleItem(0, 0, 100)],
        target_high: [scheduleItem(0, 0, 110)],
        sens: [scheduleItem(0, 0, 45)],
        basal: [scheduleItem(0, 0, 1.0)],
        carbratio: [scheduleItem(0, 0, 10)],
        units: "mg/dl",
      },
    },
  };
}

// tests/fixtures/nightscoutkit-treatments.js helpers (undefined fields dropped, as JSON sends them).
function baseTreatment(eventType: string, ts: string, options: { syncIdentifier?: string } = {}) {
  return { created_at: ts, timestamp: ts, enteredBy: "Loop", eventType, ...(options.syncIdentifier ? { syncIdentifier: options.syncIdentifier } : {}) };
}
const bolusTreatment = (ts: string, amount: number, options: { syncIdentifier?: string }) => ({
  ...baseTreatment("Correction Bolus", ts, options),
  type: "normal",
  insulin: amount,
  programmed: amount,
  duration: 0,
  automatic: false,
});
const carbTreatment = (ts: string, carbs: number, options: { syncIdentifier?: string; absorptionTime?: number }) => ({
  ...baseTreatment("Carb Correction", ts, options),
  carbs,
  ...(options.absorptionTime !== undefined ? { absorptionTime: options.absorptionTime } : {}),
});
const tempBasalTreatment = (ts: string, rate: number, durationMinutes: number, options: { syncIdentifier?: string }) => ({
  ...baseTreatment("Temp Basal", ts, options),
  temp: "absolute",
  rate,
  absolute: rate,
  duration: durationMinutes,
  automatic: true,
});

// tests/fixtures/nightscoutkit-devicestatus.js helpers.
const deviceStatus = (device: string, ts: string, options: Record<string, unknown> = {}) => ({ device, created_at: ts, ...options });
const uploaderStatus = (name: string, ts: string, battery: number) => ({ name, timestamp: ts, battery });
const loopStatus = (name: string, version: string, ts: string, options: Record<string, unknown>) => ({ name, version, timestamp: ts, ...options });
const iobStatus = (ts: string, iob: number, basaliob: number) => ({ timestamp: ts, iob, basaliob });
const cobStatus = (ts: string, cob: number) => ({ timestamp: ts, cob });

describe("tests/api.shape-handling.test.js › Treatments API - /api/treatments/", () => {
  it("POST accepts single object", async () => {
    const call = await setup();
    const res = await post(call, "/api/v1/treatments/", { eventType: "Note", created_at: iso(Date.now()), notes: "single object test" });
    expect(res.length).toBeGreaterThanOrEqual(1);
    expect(res[0]!.notes).toBe("single object test");
  });

  it("POST accepts array with single element", async () => {
    const call = await setup();
    const res = await post(call, "/api/v1/treatments/", [{ eventType: "Note", created_at: iso(Date.now()), notes: "array single element test" }]);
    expect(res.length).toBeGreaterThanOrEqual(1);
    expect(res[0]!.notes).toBe("array single element test");
  });

  it("POST accepts array with multiple elements", async () => {
    const call = await setup();
    const now = Date.now();
    const res = await post(call, "/api/v1/treatments/", [
      { eventType: "Note", created_at: iso(now), notes: "first treatment" },
      { eventType: "BG Check", created_at: iso(now + 1000), glucose: 120, glucoseType: "Finger", units: "mg/dl" },
    ]);
    expect(res).toHaveLength(2);
  });

  it("POST handles large batch array", async () => {
    const call = await setup();
    const base = Date.now();
    const treatments = Array.from({ length: 10 }, (_, i) => ({ eventType: "Note", created_at: iso(base + i * 1000), notes: `batch item ${i}` }));
    const res = await post(call, "/api/v1/treatments/", treatments);
    expect(res).toHaveLength(10);
    expect(res.map((t) => t.notes)).toEqual(treatments.map((t) => t.notes));
  });
});

describe("tests/api.shape-handling.test.js › Devicestatus API - /api/devicestatus/", () => {
  it("POST accepts single object", async () => {
    const call = await setup();
    const res = await post(call, "/api/v1/devicestatus/", { device: "test-device", created_at: iso(Date.now()), uploaderBattery: 85 });
    expect(res).toHaveLength(1);
    expect(res[0]!.uploaderBattery).toBe(85);
  });

  it("POST accepts array with single element", async () => {
    const call = await setup();
    const res = await post(call, "/api/v1/devicestatus/", [{ device: "test-device-array", created_at: iso(Date.now()), uploaderBattery: 90 }]);
    expect(res).toHaveLength(1);
    expect(res[0]!.uploaderBattery).toBe(90);
  });

  it("POST accepts array with multiple elements", async () => {
    const call = await setup();
    const now = Date.now();
    const res = await post(call, "/api/v1/devicestatus/", [
      { device: "device-1", created_at: iso(now), uploaderBattery: 80 },
      { device: "device-2", created_at: iso(now + 1000), uploaderBattery: 75 },
      { device: "device-3", created_at: iso(now + 2000), uploaderBattery: 70 },
    ]);
    expect(res).toHaveLength(3);
  });

  it("POST handles large batch array", async () => {
    const call = await setup();
    const base = Date.now();
    const res = await post(
      call,
      "/api/v1/devicestatus/",
      Array.from({ length: 10 }, (_, i) => ({ device: `batch-device-${i}`, created_at: iso(base + i * 1000), uploaderBattery: 50 + i })),
    );
    expect(res).toHaveLength(10);
    expect(res.map((d) => d.uploaderBattery)).toEqual(Array.from({ length: 10 }, (_, i) => 50 + i));
  });
});

describe("tests/api.shape-handling.test.js › Response Shape Consistency", () => {
  it("treatments single object input returns array response", async () => {
    const call = await setup();
    expect(await post(call, "/api/v1/treatments/", { eventType: "Note", created_at: iso(Date.now()), notes: "response shape test" })).toHaveLength(1);
  });

  it("treatments array input returns array response", async () => {
    const call = await setup();
    expect(await post(call, "/api/v1/treatments/", [{ eventType: "Note", created_at: iso(Date.now()), notes: "response shape test array" }])).toHaveLength(1);
  });

  it("devicestatus single object input returns array response", async () => {
    const call = await setup();
    expect(await post(call, "/api/v1/devicestatus/", { device: "test", created_at: iso(Date.now()) })).toHaveLength(1);
  });

  it("devicestatus array input returns array response", async () => {
    const call = await setup();
    expect(await post(call, "/api/v1/devicestatus/", [{ device: "test", created_at: iso(Date.now()) }])).toHaveLength(1);
  });
});

describe("tests/api.shape-handling.test.js › Edge Cases - Empty and Malformed Input", () => {
  it("treatments POST with empty object", async () => {
    const call = await setup();
    const before = Date.now();
    // Nightscout stores `{}` as a document of its own with created_at now (treatments.js prepareData).
    const res = await post(call, "/api/v1/treatments/", {});
    expect(res).toEqual([expect.objectContaining({ _id: expect.stringMatching(HEX24) })]);
    expect(Date.parse(res[0]!.created_at)).toBeGreaterThanOrEqual(before - 1000);
    expect((await call("/api/v1/treatments")).json.map((t: { _id: string }) => t._id)).toEqual([res[0]!._id]);
  });

  it("treatments POST with empty array", async () => {
    const call = await setup();
    expect(await post(call, "/api/v1/treatments/", [])).toEqual([]);
  });

  it("devicestatus POST with empty object", async () => {
    const call = await setup();
    const before = Date.now();
    // Nightscout stores `{}` with created_at now (devicestatus.js create).
    const res = await post(call, "/api/v1/devicestatus/", {});
    expect(res).toEqual([expect.objectContaining({ _id: expect.stringMatching(HEX24) })]);
    expect(Date.parse(res[0]!.created_at)).toBeGreaterThanOrEqual(before - 1000);
    expect((await call("/api/v1/devicestatus")).json.map((d: { _id: string }) => d._id)).toEqual([res[0]!._id]);
  });

  it("devicestatus POST with empty array", async () => {
    const call = await setup();
    expect(await post(call, "/api/v1/devicestatus/", [])).toEqual([]);
  });
});

describe("tests/api.shape-handling.test.js › Mixed Array Content Types", () => {
  it("treatments array with different eventTypes", async () => {
    const call = await setup();
    const now = Date.now();
    const res = await post(call, "/api/v1/treatments/", [
      { eventType: "Note", created_at: iso(now), notes: "a note" },
      { eventType: "BG Check", created_at: iso(now + 1000), glucose: 100, glucoseType: "Finger", units: "mg/dl" },
      { eventType: "Meal Bolus", created_at: iso(now + 2000), carbs: 30, insulin: 2 },
      { eventType: "Correction Bolus", created_at: iso(now + 3000), insulin: 1.5 },
    ]);
    expect(res).toHaveLength(4);
    expect(res.map((t) => t.eventType)).toEqual(["Note", "BG Check", "Meal Bolus", "Correction Bolus"]);
  });
});

describe("tests/api.shape-handling.test.js › Entries API - /api/entries/", () => {
  it("POST accepts single SGV entry object", async () => {
    const call = await setup();
    const now = Date.now();
    const res = await post(call, "/api/v1/entries/", { type: "sgv", sgv: 120, date: now, dateString: iso(now) });
    expect(res.length).toBeGreaterThanOrEqual(1);
    expect(res[0]!.sgv).toBe(120);
  });

  it("POST accepts array with single SGV entry", async () => {
    const call = await setup();
    const now = Date.now();
    const res = await post(call, "/api/v1/entries/", [{ type: "sgv", sgv: 115, date: now, dateString: iso(now) }]);
    expect(res.length).toBeGreaterThanOrEqual(1);
    expect(res[0]!.sgv).toBe(115);
  });

  it("POST accepts array with multiple SGV entries", async () => {
    const call = await setup();
    const now = Date.now();
    const res = await post(call, "/api/v1/entries/", [
      { type: "sgv", sgv: 100, date: now, dateString: iso(now) },
      { type: "sgv", sgv: 110, date: now + 300_000, dateString: iso(now + 300_000) },
      { type: "sgv", sgv: 120, date: now + 600_000, dateString: iso(now + 600_000) },
    ]);
    expect(res).toHaveLength(3);
  });

  it("POST accepts single MBG entry object", async () => {
    const call = await setup();
    const now = Date.now();
    const res = await post(call, "/api/v1/entries/", { type: "mbg", mbg: 95, date: now, dateString: iso(now) });
    expect(res.length).toBeGreaterThanOrEqual(1);
    expect(res[0]!.mbg).toBe(95);
  });

  it("POST accepts mixed entry types in array", async () => {
    const call = await setup();
    const now = Date.now();
    const res = await post(call, "/api/v1/entries/", [
      { type: "sgv", sgv: 110, date: now, dateString: iso(now) },
      { type: "mbg", mbg: 100, date: now + 60_000, dateString: iso(now + 60_000) },
    ]);
    expect(res).toHaveLength(2);
    expect(res.map((e) => e.type)).toEqual(["sgv", "mbg"]);
  });

  it("POST handles large batch of entries", async () => {
    const call = await setup();
    const base = Date.now();
    const res = await post(
      call,
      "/api/v1/entries/",
      Array.from({ length: 10 }, (_, i) => ({ type: "sgv", sgv: 100 + i, date: base + i * 300_000, dateString: iso(base + i * 300_000) })),
    );
    expect(res).toHaveLength(10);
    expect(res.map((e) => e.sgv)).toEqual(Array.from({ length: 10 }, (_, i) => 100 + i));
  });

  it("POST with empty array returns empty array", async () => {
    const call = await setup();
    expect(await post(call, "/api/v1/entries/", [])).toEqual([]);
  });

  it("single entry input returns array response", async () => {
    const call = await setup();
    const now = Date.now();
    expect(await post(call, "/api/v1/entries/", { type: "sgv", sgv: 105, date: now, dateString: iso(now) })).toHaveLength(1);
  });

  it("array input returns array response", async () => {
    const call = await setup();
    const now = Date.now();
    expect(await post(call, "/api/v1/entries/", [{ type: "sgv", sgv: 108, date: now, dateString: iso(now) }])).toHaveLength(1);
  });
});

describe("tests/api.shape-handling.test.js › Profile API - /api/profile/", () => {
  it("POST accepts single profile object", async () => {
    const call = await setup();
    const res = await post(call, "/api/v1/profile/", generateUniqueProfile("single-obj"));
    expect(res).toHaveLength(1);
    expect(res[0]!.defaultProfile).toBe("Default");
    expect(res[0]!._id).toMatch(HEX24);
  });

  it("POST accepts array with single profile (NightscoutKit format)", async () => {
    const call = await setup();
    const res = await post(call, "/api/v1/profile/", [generateUniqueProfile("array-single")]);
    expect(res).toHaveLength(1);
    expect(res[0]!.defaultProfile).toBe("Default");
    expect(res[0]!._id).toMatch(HEX24);
  });

  it("POST accepts array with multiple profiles (batch upload)", async () => {
    const call = await setup();
    const res = await post(call, "/api/v1/profile/", [generateUniqueProfile("batch-1"), generateUniqueProfile("batch-2"), generateUniqueProfile("batch-3")]);
    expect(res).toHaveLength(3);
    for (const p of res) expect(p._id).toMatch(HEX24);
  });

  it("POST response count equals input count", async () => {
    const call = await setup();
    const profiles = [generateUniqueProfile("count-1"), generateUniqueProfile("count-2")];
    const res = await post(call, "/api/v1/profile/", profiles);
    expect(res).toHaveLength(profiles.length);
  });

  it("POST with empty array returns empty array", async () => {
    const call = await setup();
    expect(await post(call, "/api/v1/profile/", [])).toEqual([]);
  });

  it("single profile input returns array response", async () => {
    const call = await setup();
    expect(await post(call, "/api/v1/profile/", generateUniqueProfile("response-shape"))).toHaveLength(1);
  });

  it("array input returns array response", async () => {
    const call = await setup();
    expect(await post(call, "/api/v1/profile/", [generateUniqueProfile("array-response")])).toHaveLength(1);
  });
});

describe("tests/api.shape-handling.test.js › NightscoutKit Fixtures Integration", () => {
  describe("Treatments with NightscoutKit fixtures", () => {
    it("accepts single bolus array", async () => {
      const call = await setup();
      const res = await post(call, "/api/v1/treatments/", [bolusTreatment(iso(Date.now()), 1.5, { syncIdentifier: `test-bolus-${Date.now()}` })]);
      expect(res).toHaveLength(1);
      expect(res[0]!.insulin).toBe(1.5);
      expect(res[0]!.eventType).toBe("Correction Bolus");
    });

    it("accepts carb entry with syncIdentifier", async () => {
      const call = await setup();
      const res = await post(call, "/api/v1/treatments/", [carbTreatment(iso(Date.now()), 45, { syncIdentifier: `test-carb-${Date.now()}`, absorptionTime: 180 })]);
      expect(res[0]!.carbs).toBe(45);
      expect(res[0]!.eventType).toBe("Carb Correction");
    });

    it("accepts temp basal array", async () => {
      const call = await setup();
      const res = await post(call, "/api/v1/treatments/", [tempBasalTreatment(iso(Date.now()), 1.2, 30, { syncIdentifier: `test-tb-${Date.now()}` })]);
      expect(res[0]!.rate).toBe(1.2);
      expect(res[0]!.duration).toBe(30);
      expect(res[0]!.eventType).toBe("Temp Basal");
    });

    it("accepts mixed batch array", async () => {
      const call = await setup();
      const now = Date.now();
      const res = await post(call, "/api/v1/treatments/", [
        bolusTreatment(iso(now), 2.0, { syncIdentifier: `batch-bolus-${now}` }),
        carbTreatment(iso(now + 1000), 30, { syncIdentifier: `batch-carb-${now}` }),
        tempBasalTreatment(iso(now + 2000), 0.8, 30, { syncIdentifier: `batch-tb-${now}` }),
      ]);
      expect(res).toHaveLength(3);
    });
  });

  describe("DeviceStatus with NightscoutKit fixtures", () => {
    it("accepts Loop devicestatus array", async () => {
      const call = await setup();
      const now = iso(Date.now());
      const status = deviceStatus("loop://iPhone-test", now, {
        identifier: `test-ds-${Date.now()}`,
        uploader: uploaderStatus("iPhone", now, 85),
        loop: loopStatus("Loop", "3.4.1", now, { iob: iobStatus(now, 2.5, 0.8), cob: cobStatus(now, 25) }),
      });
      const res = await post(call, "/api/v1/devicestatus/", [status]);
      expect(res).toHaveLength(1);
      expect(res[0]!.loop.iob.iob).toBe(2.5);
      expect(res[0]!.loop.cob.cob).toBe(25);
    });

    it("accepts batch devicestatus array", async () => {
      const call = await setup();
      const now = Date.now();
      const res = await post(call, "/api/v1/devicestatus/", [
        deviceStatus("loop://iPhone-1", iso(now), { identifier: `batch-ds-1-${now}` }),
        deviceStatus("loop://iPhone-2", iso(now + 1000), { identifier: `batch-ds-2-${now}` }),
      ]);
      expect(res).toHaveLength(2);
    });
  });

  describe("Profile with NightscoutKit fixtures", () => {
    it("accepts Loop profile array", async () => {
      const call = await setup();
      const res = await post(call, "/api/v1/profile/", [generateUniqueProfile("loop-test")]);
      expect(res).toHaveLength(1);
      expect(res[0]!.defaultProfile).toBe("Default");
      expect(res[0]!.loopSettings.dosingEnabled).toBe(true);
    });

    it("accepts batch profile array (historical sync)", async () => {
      const call = await setup();
      const res = await post(call, "/api/v1/profile/", [generateUniqueProfile("hist-1"), generateUniqueProfile("hist-2"), generateUniqueProfile("hist-3")]);
      expect(res).toHaveLength(3);
      for (const p of res) expect(p._id).toMatch(HEX24);
      // The fixture's "up to 400 per batch": LoopKit NightscoutService settingsDataLimit is 400
      // stored settings per uploadProfiles POST. Each is stored once, and a retry stores nothing new.
      const history = Array.from({ length: 400 }, (_, i) => generateUniqueProfile(`hist-batch-${i}`));
      const big = await post(call, "/api/v1/profile/", history);
      expect(big).toHaveLength(400);
      expect(new Set(big.map((p) => p._id)).size).toBe(400);
      expect(big.map((p) => p.enteredBy)).toEqual(history.map((p) => p.enteredBy));
      const again = await post(call, "/api/v1/profile/", history);
      expect(again.map((p) => p._id)).toEqual(big.map((p) => p._id));
      expect((await call("/api/v1/profile?count=1000")).json).toHaveLength(403);
    });
  });

  describe("Legacy PUT update semantics", () => {
    it("PUT /api/food/ updates an existing record by _id when created_at changes", async () => {
      const call = await setup();
      // Nightscout creates the food through ctx.food.create; here through the API's POST.
      const created = await post(call, "/api/v1/food/", { name: "API shape food", category: "Test", carbs: 20, protein: 10, fat: 5 });
      const id = created[0]!._id;
      const put = await call("/api/v1/food/", { method: "PUT", body: { _id: id, name: "API shape food", category: "Test", carbs: 25, protein: 10, fat: 5, created_at: "2024-10-26T21:32:49.173Z" } });
      expect(put.status, JSON.stringify(put.json)).toBe(200);
      const updated = (await call("/api/v1/food/")).json.filter((f: { _id: string }) => f._id === id);
      expect(updated).toHaveLength(1);
      expect(updated[0].carbs).toBe(25);
      expect(updated[0].created_at).toBe("2024-10-26T21:32:49.173Z");
      expect((await call("/api/v1/food/")).json).toHaveLength(1);
    });

    it("PUT /api/activity/ updates an existing record by _id", async () => {
      const call = await setup();
      // Nightscout creates the activity through ctx.activity.create; here through the API's POST.
      const created = await post(call, "/api/v1/activity/", [{ created_at: "2024-10-26T20:32:49.173Z", heartrate: 80, steps: 100, activitylevel: "walking" }]);
      const id = created[0]!._id;
      const put = await call("/api/v1/activity/", { method: "PUT", body: { _id: id, created_at: "2024-10-26T21:32:49.173Z", heartrate: 95, steps: 250, activitylevel: "running" } });
      expect(put.status, JSON.stringify(put.json)).toBe(200);
      const all = (await call("/api/v1/activity/?find[created_at][$gte]=2024-10-26T00:00:00Z&find[created_at][$lte]=2024-10-27T00:00:00Z")).json;
      const updated = all.filter((d: { _id: string }) => d._id === id);
      expect(updated).toHaveLength(1);
      expect(updated[0]).toMatchObject({ heartrate: 95, steps: 250, activitylevel: "running" });
      expect(all).toHaveLength(1);
    });
  });
});
