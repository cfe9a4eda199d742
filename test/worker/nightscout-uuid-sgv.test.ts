/**
 * Nightscout v1 UUID `_id` handling, Loop readings and Loop device status (worker/nightscout/):
 * ported whole from nightscout/cgm-remote-monitor tests/uuid-handling.test.js and
 * tests/sgv-devicestatus.test.js. Nightscout mounts the API at `/api/` with a site-wide
 * API_SECRET and `authDefaultRoles: readable`; here every test registers its own user and sends its
 * uploader secret (SHA-1, `api-secret`) on reads too (GlucoLens answers as AUTH_DEFAULT_ROLES=denied).
 * Where Nightscout writes or reads its database directly (`ctx.treatments.create`,
 * `ctx.treatments.list`, `ctx.entries.list`), these tests POST and GET the same documents.
 *
 * UUID_HANDLING is not a setting here: GlucoLens always behaves as Nightscout's default
 * (lib/server/env.js `uuidHandling`, true since 15.0.7), so the `UUID_HANDLING=false` cases assert
 * that one behaviour.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { register } from "./helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";

const HEX24 = /^[0-9a-f]{24}$/;
const JSON_ACCEPT = { accept: "application/json" };
const TEST_UUID = "550e8400-e29b-41d4-a716-446655440000";
const TEST_UUID_2 = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";

type Doc = Record<string, any>;

/** A fresh user and its uploader: each test has its own data, as Nightscout's afterEach/beforeEach clear the collections. */
async function setup() {
  const a = await register();
  const up = await uploader(a.access);
  const call = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => ns(up.apiSecret, path, init);
  /** ctx.treatments.create([doc]) */
  const createTreatment = async (doc: Doc) => {
    const res = await call("/api/v1/treatments/", { body: [doc] });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json[0] as Doc;
  };
  /** ctx.treatments.list({}) */
  const treatments = async (): Promise<Doc[]> => (await call("/api/v1/treatments?count=1000")).json;
  /** ctx.entries.list({}): every entry around now. */
  const entries = async (): Promise<Doc[]> => (await call(`/api/v1/entries.json?count=1000&find[date][$gte]=${Date.now() - 86_400_000}`)).json;
  /** GET /api/treatments?find[_id]=… */
  const findById = (id: string) => call(`/api/v1/treatments?find[_id]=${encodeURIComponent(id)}`);
  return { call, createTreatment, treatments, entries, findById };
}

/** `new ObjectID()`: the creation second, then random hex. */
const objectId = () =>
  Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, "0") + Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("");

describe("tests/uuid-handling.test.js", () => {
  describe("UUID_HANDLING=false (explicit)", () => {
    // GlucoLens has no UUID_HANDLING setting: these three assert its one behaviour, Nightscout's
    // default (UUID_HANDLING=true), where the `false` case answers empty / deletes nothing / drops the UUID.
    it("UUID-OFF-001: GET by UUID returns empty (no crash)", async () => {
      const { createTreatment, findById } = await setup();
      await createTreatment({ eventType: "Note", notes: "Test note", identifier: TEST_UUID, created_at: new Date().toISOString() });
      const res = await findById(TEST_UUID);
      expect(res.status).toBe(200);
      expect(Array.isArray(res.json)).toBe(true);
      // Nightscout with UUID_HANDLING=false: 0. With its default (ours), query.js updateIdQuery
      // searches `identifier` too and finds the treatment.
      expect(res.json).toHaveLength(1);
      expect(res.json[0].identifier).toBe(TEST_UUID);
    });

    it("UUID-OFF-002: DELETE by UUID deletes nothing (no crash)", async () => {
      const { call, createTreatment, treatments } = await setup();
      await createTreatment({ eventType: "Note", notes: "Test for delete", identifier: TEST_UUID, created_at: new Date().toISOString() });
      const res = await call(`/api/v1/treatments/${TEST_UUID}`, { method: "DELETE" });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      // Nightscout with UUID_HANDLING=false keeps the treatment (1); with its default (ours) the
      // DELETE finds it by identifier and removes it.
      expect(await treatments()).toHaveLength(0);
    });

    it("UUID-OFF-003: POST with UUID _id strips UUID, does not copy to identifier", async () => {
      const { createTreatment, treatments } = await setup();
      const created = await createTreatment({ _id: TEST_UUID, eventType: "Note", notes: "UUID stripped write test", created_at: new Date().toISOString() });
      // The UUID is stripped from _id in both modes: a server ObjectId is assigned.
      expect(created._id).toMatch(HEX24);
      const list = await treatments();
      expect(list).toHaveLength(1);
      expect(list[0]!._id).toBe(created._id);
      // Nightscout with UUID_HANDLING=false has no identifier; with its default (ours)
      // treatments.js normalizeTreatmentId keeps the UUID as the identifier.
      expect(list[0]!.identifier).toBe(TEST_UUID);
    });
  });

  describe("UUID_HANDLING=true", () => {
    it("UUID-ON-001: GET by UUID finds treatment via identifier", async () => {
      const { createTreatment, findById } = await setup();
      await createTreatment({ eventType: "Note", notes: "Found by UUID", identifier: TEST_UUID, created_at: new Date().toISOString() });
      const res = await findById(TEST_UUID);
      expect(res.status).toBe(200);
      expect(res.json).toHaveLength(1);
      expect(res.json[0].notes).toBe("Found by UUID");
      expect(res.json[0].identifier).toBe(TEST_UUID);
    });

    it("UUID-ON-002: DELETE by UUID removes treatment via identifier", async () => {
      const { call, createTreatment, treatments } = await setup();
      await createTreatment({ eventType: "Note", notes: "Will be deleted", identifier: TEST_UUID, created_at: new Date().toISOString() });
      const res = await call(`/api/v1/treatments/${TEST_UUID}`, { method: "DELETE" });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(await treatments()).toHaveLength(0);
    });

    it("UUID-ON-003: ObjectId still works normally", async () => {
      const { createTreatment, findById } = await setup();
      const testId = objectId();
      const created = await createTreatment({ _id: testId, eventType: "Note", notes: "ObjectId test", created_at: new Date().toISOString() });
      expect(created._id).toBe(testId);
      const res = await findById(testId);
      expect(res.status).toBe(200);
      expect(res.json).toHaveLength(1);
      expect(res.json[0].notes).toBe("ObjectId test");
    });

    it("UUID-ON-004: Non-matching UUID returns empty", async () => {
      const { createTreatment, findById } = await setup();
      await createTreatment({ eventType: "Note", notes: "Different UUID", identifier: TEST_UUID_2, created_at: new Date().toISOString() });
      const res = await findById(TEST_UUID);
      expect(res.status).toBe(200);
      expect(res.json).toEqual([]);
    });

    it("UUID-ON-005: POST with UUID _id extracts UUID to identifier", async () => {
      const { createTreatment, treatments } = await setup();
      const created = await createTreatment({ _id: TEST_UUID, eventType: "Note", notes: "UUID write test", created_at: new Date().toISOString() });
      expect(created._id).toMatch(HEX24);
      const list = await treatments();
      expect(list).toHaveLength(1);
      expect(list[0]!.identifier).toBe(TEST_UUID);
      expect(list[0]!._id).toBe(created._id);
    });
  });

  describe("UUID Edge Cases", () => {
    it("UUID-EDGE-001: 23-char hex (invalid ObjectId) returns empty", async () => {
      const { createTreatment, findById } = await setup();
      // Something to miss: a fresh user has no treatments at all.
      await createTreatment({ eventType: "Note", notes: "Test note", created_at: new Date().toISOString() });
      const res = await findById("507f1f77bcf86cd79943901");
      expect(res.status).toBe(200);
      expect(res.json).toEqual([]);
    });

    it("UUID-EDGE-002: 25-char hex (too long) returns empty", async () => {
      const { createTreatment, findById } = await setup();
      await createTreatment({ eventType: "Note", notes: "Test note", created_at: new Date().toISOString() });
      const res = await findById("507f1f77bcf86cd7994390112");
      expect(res.status).toBe(200);
      expect(res.json).toEqual([]);
    });

    it("UUID-EDGE-003: UUID without hyphens not recognized as UUID", async () => {
      const { createTreatment, findById } = await setup();
      await createTreatment({ eventType: "Note", notes: "Hyphenated UUID", identifier: TEST_UUID, created_at: new Date().toISOString() });
      const res = await findById("550e8400e29b41d4a716446655440000");
      expect(res.status).toBe(200);
      expect(res.json).toEqual([]);
    });

    it("UUID-EDGE-004: Empty _id query returns all with date filter", async () => {
      const { createTreatment, findById } = await setup();
      await createTreatment({ eventType: "Note", notes: "Test note", created_at: new Date().toISOString() });
      const res = await findById("");
      expect(res.status).toBe(200);
      // Nightscout's test only checks for an array. In its source (query.js create) the empty `_id`
      // is falsy, so the date filter is added, and updateIdQuery keeps `_id: ""`, which no
      // document has: the answer is empty.
      expect(res.json).toEqual([]);
    });

    it("UUID-EDGE-005: Multiple treatments same identifier - documents upsert behavior", async () => {
      const { createTreatment, findById, treatments } = await setup();
      const now = Date.now();
      const first = await createTreatment({ eventType: "Note", notes: "First", identifier: TEST_UUID, created_at: new Date(now).toISOString() });
      const second = await createTreatment({ eventType: "Note", notes: "Second", identifier: TEST_UUID, created_at: new Date(now + 1000).toISOString() });
      // upsertQueryFor matches by identifier: the second replaces the first under its _id.
      expect(second._id).toBe(first._id);
      const res = await findById(TEST_UUID);
      expect(res.status).toBe(200);
      expect(res.json).toHaveLength(1);
      expect(res.json[0].notes).toBe("Second");
      expect(await treatments()).toHaveLength(1);
    });

    it("UUID-EDGE-006: Uppercase UUID matches case-insensitively", async () => {
      const { createTreatment, findById } = await setup();
      await createTreatment({ eventType: "Note", notes: "Lowercase UUID", identifier: TEST_UUID.toLowerCase(), created_at: new Date().toISOString() });
      const res = await findById(TEST_UUID.toUpperCase());
      expect(res.status).toBe(200);
      // Nightscout's test only checks for an array. In its source UUID_RE is case-insensitive, so the
      // uppercase value is searched as `identifier` (or `_id`), which MongoDB compares exactly:
      // the lowercase identifier is not found.
      expect(res.json).toEqual([]);
    });

    it("UUID-EDGE-007: Valid ObjectId still works normally", async () => {
      const { createTreatment, findById } = await setup();
      const testId = objectId();
      await createTreatment({ _id: testId, eventType: "Note", notes: "ObjectId test", created_at: new Date().toISOString() });
      const res = await findById(testId);
      expect(res.status).toBe(200);
      expect(res.json).toHaveLength(1);
      expect(res.json[0].notes).toBe("ObjectId test");
    });
  });
});

describe("tests/sgv-devicestatus.test.js", () => {
  describe("Loop SGV Entry Upload Tests", () => {
    describe("TEST-SGV-001: Single SGV entry", () => {
      it("creates SGV with required fields", async () => {
        const { call } = await setup();
        const now = Date.now();
        const res = await call("/api/v1/entries/", { body: [{ type: "sgv", sgv: 120, date: now, dateString: new Date(now).toISOString(), direction: "Flat" }], headers: JSON_ACCEPT });
        expect(res.status, JSON.stringify(res.json)).toBe(200);
        expect(res.json).toHaveLength(1);
        expect(res.json[0].sgv).toBe(120);
        expect(res.json[0].direction).toBe("Flat");
        expect(res.json[0]._id).toMatch(HEX24);
      });

      it("handles all direction values", async () => {
        const { call, entries } = await setup();
        const directions = ["DoubleUp", "SingleUp", "FortyFiveUp", "Flat", "FortyFiveDown", "SingleDown", "DoubleDown", "NOT COMPUTABLE"];
        const now = Date.now();
        const batch = directions.map((direction, idx) => ({ type: "sgv", sgv: 100 + idx * 10, date: now + idx * 300_000, dateString: new Date(now + idx * 300_000).toISOString(), direction }));
        const res = await call("/api/v1/entries/", { body: batch, headers: JSON_ACCEPT });
        expect(res.status, JSON.stringify(res.json)).toBe(200);
        expect(res.json).toHaveLength(directions.length);
        // Each is stored with its direction (Nightscout stores the documents as sent).
        expect(res.json.map((e: Doc) => e.direction)).toEqual(directions);
        const stored = await entries();
        expect(stored.map((e) => e.direction).sort()).toEqual([...directions].sort());
      });
    });

    describe("TEST-SGV-004: SGV with device field", () => {
      it("preserves Loop device identifier", async () => {
        const { call } = await setup();
        const res = await call("/api/v1/entries/", { body: [{ type: "sgv", sgv: 115, date: Date.now(), dateString: new Date().toISOString(), direction: "FortyFiveUp", device: "loop://iPhone" }], headers: JSON_ACCEPT });
        expect(res.status, JSON.stringify(res.json)).toBe(200);
        expect(res.json[0].device).toBe("loop://iPhone");
      });

      it("preserves Dexcom device identifier", async () => {
        const { call, entries } = await setup();
        const sgv = { type: "sgv", sgv: 125, date: Date.now(), dateString: new Date().toISOString(), direction: "Flat", device: "share2", filtered: 150000, unfiltered: 155000, noise: 1 };
        const res = await call("/api/v1/entries/", { body: [sgv], headers: JSON_ACCEPT });
        expect(res.status, JSON.stringify(res.json)).toBe(200);
        expect(res.json[0].device).toBe("share2");
        expect(res.json[0].noise).toBe(1);
        // Nightscout logs "Dexcom device with filtered/unfiltered/noise": they are stored and served back.
        const stored = await entries();
        expect(stored).toHaveLength(1);
        expect(stored[0]).toMatchObject({ device: "share2", filtered: 150000, unfiltered: 155000, noise: 1 });
      });
    });

    describe("TEST-SGV-005: SGV deduplication", () => {
      it("duplicate date+device does not create second entry", async () => {
        const { call, entries } = await setup();
        const timestamp = Date.now();
        const device = "loop://iPhone";
        const first = { type: "sgv", sgv: 120, date: timestamp, dateString: new Date(timestamp).toISOString(), direction: "Flat", device };
        expect((await call("/api/v1/entries/", { body: [first], headers: JSON_ACCEPT })).status).toBe(200);
        const duplicate = { type: "sgv", sgv: 125, date: timestamp, dateString: new Date(timestamp).toISOString(), direction: "FortyFiveUp", device };
        const again = await call("/api/v1/entries/", { body: [duplicate], headers: JSON_ACCEPT });
        expect(again.status, JSON.stringify(again.json)).toBe(200);
        const list = await entries();
        expect(list, "Duplicate should not create second entry").toHaveLength(1);
        // entries.js create upserts by sysTime + type with `$set`: the stored entry takes the second's values.
        expect(list[0]).toMatchObject({ sgv: 125, direction: "FortyFiveUp", device });
      });

      it("different devices create separate entries", async () => {
        const { call, entries } = await setup();
        const timestamp = Date.now();
        const entry1 = { type: "sgv", sgv: 120, date: timestamp, dateString: new Date(timestamp).toISOString(), direction: "Flat", device: "loop://iPhone" };
        const entry2 = { type: "sgv", sgv: 122, date: timestamp + 1, dateString: new Date(timestamp + 1).toISOString(), direction: "Flat", device: "xDrip+" };
        expect((await call("/api/v1/entries/", { body: [entry1], headers: JSON_ACCEPT })).status).toBe(200);
        const res = await call("/api/v1/entries/", { body: [entry2], headers: JSON_ACCEPT });
        expect(res.status, JSON.stringify(res.json)).toBe(200);
        expect(res.json).toHaveLength(1);
        expect(res.json[0].device).toBe("xDrip+");
        // Nightscout logs "Different devices create separate entries": both are stored.
        const list = await entries();
        expect(list.map((e) => [e.device, e.sgv, e.date]).sort()).toEqual([
          ["loop://iPhone", 120, timestamp],
          ["xDrip+", 122, timestamp + 1],
        ]);
      });
    });

    describe("MBG (Manual BG Check) Entries", () => {
      it("creates manual BG check entry", async () => {
        const { call } = await setup();
        const res = await call("/api/v1/entries/", { body: [{ type: "mbg", mbg: 110, date: Date.now(), dateString: new Date().toISOString(), device: "loop://iPhone" }], headers: JSON_ACCEPT });
        expect(res.status, JSON.stringify(res.json)).toBe(200);
        expect(res.json[0].type).toBe("mbg");
        expect(res.json[0].mbg).toBe(110);
      });
    });
  });

  describe("Loop DeviceStatus Upload Tests", () => {
    /** POST /api/devicestatus/ [ds]: the stored documents. */
    async function postStatus(ds: Doc) {
      const { call } = await setup();
      const res = await call("/api/v1/devicestatus/", { body: [ds] });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      return { res, call };
    }
    const at = () => new Date().toISOString();

    describe("TEST-DS-001: Loop status with IOB/COB", () => {
      it("creates deviceStatus with loop IOB and COB", async () => {
        const { res } = await postStatus({ device: "loop://iPhone", created_at: at(), loop: { version: "3.0.0", timestamp: at(), iob: { iob: 2.5, timestamp: at() }, cob: { cob: 15, timestamp: at() } } });
        expect(res.json).toHaveLength(1);
        expect(res.json[0].loop.iob.iob).toBe(2.5);
        expect(res.json[0].loop.cob.cob).toBe(15);
      });
    });

    describe("TEST-DS-002: Loop status with predicted", () => {
      it("creates deviceStatus with prediction values array", async () => {
        const predictions = [120, 118, 115, 112, 110, 108, 105, 102, 100];
        const { res } = await postStatus({ device: "loop://iPhone", created_at: at(), loop: { version: "3.0.0", timestamp: at(), predicted: { startDate: at(), values: predictions } } });
        expect(Array.isArray(res.json[0].loop.predicted.values)).toBe(true);
        expect(res.json[0].loop.predicted.values).toHaveLength(predictions.length);
        expect(res.json[0].loop.predicted.values).toEqual(predictions);
      });
    });

    describe("TEST-DS-003: Loop status with enacted", () => {
      it("creates deviceStatus with enacted temp basal", async () => {
        const { res } = await postStatus({ device: "loop://iPhone", created_at: at(), loop: { version: "3.0.0", timestamp: at(), enacted: { timestamp: at(), rate: 1.5, duration: 30, received: true } } });
        expect(res.json[0].loop.enacted.rate).toBe(1.5);
        expect(res.json[0].loop.enacted.duration).toBe(30);
        expect(res.json[0].loop.enacted.received).toBe(true);
      });
    });

    describe("TEST-DS-004: Pump status", () => {
      it("creates deviceStatus with pump reservoir and battery", async () => {
        const { res } = await postStatus({ device: "loop://iPhone", created_at: at(), pump: { clock: at(), reservoir: 150.5, battery: { percent: 75 }, status: { status: "normal", timestamp: at() } } });
        expect(res.json[0].pump.reservoir).toBe(150.5);
        expect(res.json[0].pump.battery.percent).toBe(75);
      });

      it("handles Omnipod specific fields", async () => {
        const { res } = await postStatus({ device: "loop://iPhone", created_at: at(), pump: { clock: at(), reservoir: 50, reservoir_display_override: "50+ U", pumpID: "pod-12345", manufacturer: "Insulet", model: "Eros" } });
        expect(res.json[0].pump.manufacturer).toBe("Insulet");
        expect(res.json[0].pump.model).toBe("Eros");
        expect(res.json[0].pump.reservoir_display_override).toBe("50+ U");
      });
    });

    describe("TEST-DS-005: Override in deviceStatus", () => {
      it("creates deviceStatus with active override", async () => {
        const override = { active: true, timestamp: at(), name: "Pre-Meal", currentCorrectionRange: { minValue: 80, maxValue: 80 }, multiplier: 1.0 };
        const { res } = await postStatus({ device: "loop://iPhone", created_at: at(), loop: { version: "3.0.0", timestamp: at(), override } });
        expect(res.json[0].loop.override.active).toBe(true);
        expect(res.json[0].loop.override.name).toBe("Pre-Meal");
        expect(res.json[0].loop.override.currentCorrectionRange.minValue).toBe(80);
      });

      it("handles override with insulinNeedsScaleFactor", async () => {
        const override = { active: true, timestamp: at(), name: "Workout", currentCorrectionRange: { minValue: 140, maxValue: 160 }, multiplier: 0.5 };
        const { res } = await postStatus({ device: "loop://iPhone", created_at: at(), loop: { version: "3.0.0", timestamp: at(), override } });
        expect(res.json[0].loop.override.multiplier).toBe(0.5);
      });
    });

    describe("Full Loop DeviceStatus", () => {
      it("creates complete Loop deviceStatus with all fields", async () => {
        const ds = {
          device: "loop://iPhone",
          created_at: at(),
          uploaderBattery: 85,
          loop: {
            version: "3.0.0",
            timestamp: at(),
            name: "Loop",
            iob: { iob: 2.5, timestamp: at() },
            cob: { cob: 15, timestamp: at() },
            predicted: { startDate: at(), values: [120, 118, 115, 112, 110] },
            enacted: { timestamp: at(), rate: 1.2, duration: 30, received: true },
            recommendedBolus: 0,
            failureReason: null,
          },
          pump: { clock: at(), reservoir: 150, battery: { percent: 75 } },
          uploader: { battery: 85 },
        };
        const { res, call } = await postStatus(ds);
        const created = res.json[0];
        for (const part of [created.loop, created.pump, created.loop?.iob, created.loop?.cob, created.loop?.predicted, created.loop?.enacted]) expect(part).toBeDefined();
        expect(created._id).toMatch(HEX24);
        // Stored as sent (devicestatus.js create inserts the document): read back whole.
        const stored = (await call("/api/v1/devicestatus.json?count=10")).json as Doc[];
        expect(stored).toHaveLength(1);
        expect(stored[0]).toMatchObject({ _id: created._id, uploaderBattery: 85, uploader: { battery: 85 }, loop: { ...ds.loop, failureReason: null }, pump: ds.pump });
      });
    });
  });
});
