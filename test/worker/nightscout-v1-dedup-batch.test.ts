/**
 * Nightscout v1 de-duplication, batches and `_id` validation (worker/nightscout/): ported whole
 * from nightscout/cgm-remote-monitor tests/api.deduplication.test.js,
 * tests/api.v1-batch-operations.test.js, tests/api.id-validation.test.js and
 * tests/api.objectid-validation.test.js, with the fixtures of tests/fixtures/{deduplication,
 * loop-batch,trio-pipeline,edge-cases}.js. Nightscout mounts the API at `/api/`; production (and
 * GlucoLens) serve it at `/api/v1/`. Where Nightscout reads its database (`ctx.treatments.list`,
 * `ctx.entries.list`), these tests read the same documents back through GET.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { expectFieldError, register } from "./helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";

const MIN = 60_000;
const HEX24 = /^[0-9a-f]{24}$/;
const JSON_ACCEPT = { accept: "application/json" };

type Doc = Record<string, any>;

/** A fresh user and its uploader: each test has its own data, as Nightscout's beforeEach clears the collections. */
async function setup() {
  const a = await register();
  const up = await uploader(a.access);
  const call = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => ns(up.apiSecret, path, init);
  // ctx.treatments.list({}) / ctx.entries.list({}): every document around now.
  const treatments = async (): Promise<Doc[]> => (await call("/api/v1/treatments?count=1000")).json;
  const entries = async (): Promise<Doc[]> => (await call(`/api/v1/entries.json?count=1000&find[date][$gte]=${Date.now() - 86_400_000}`)).json;
  return { a, call, treatments, entries };
}

// The fixtures compute their times once, when required: `first` and `duplicate` share created_at.
function dedupFixtures(now = Date.now()) {
  const at = new Date(now).toISOString();
  const aapsBolus = { eventType: "Correction Bolus", insulin: 0.25, created_at: at, date: now, type: "SMB", isValid: true, isSMB: true, pumpId: 4148, pumpType: "ACCU_CHEK_INSIGHT_BLUETOOTH", pumpSerial: "33013206", app: "AAPS" };
  const aapsEntry = { type: "sgv", sgv: 120, date: now, dateString: at, device: "AndroidAPS-DexcomG6", direction: "Flat", app: "AAPS" };
  const loopCarbs = { eventType: "Carb Correction", carbs: 15, syncIdentifier: "loop-sync-abc123", created_at: at, enteredBy: "loop://iPhone" };
  const loopDose = { eventType: "Temp Basal", duration: 30, rate: 1.5, absolute: 1.5, syncIdentifier: "loop-dose-xyz789", created_at: at, enteredBy: "loop://iPhone" };
  const trioMeal = { eventType: "Meal Bolus", id: "trio-uuid-abc123", insulin: 5.0, carbs: 45, created_at: at, enteredBy: "Trio" };
  const trioTarget = { eventType: "Temporary Target", id: "trio-tt-def456", duration: 60, targetTop: 110, targetBottom: 110, reason: "Eating Soon", created_at: at, enteredBy: "Trio" };
  return {
    aapsDuplicatePumpId: { first: aapsBolus, duplicate: { ...aapsBolus } },
    aapsDuplicateEntry: { first: aapsEntry, duplicate: { ...aapsEntry } },
    loopDuplicateSyncId: { first: loopCarbs, duplicate: { ...loopCarbs } },
    loopDuplicateDose: { first: loopDose, duplicate: { ...loopDose } },
    trioDuplicateId: { first: trioMeal, duplicate: { ...trioMeal } },
    trioDuplicateTempTarget: { first: trioTarget, duplicate: { ...trioTarget } },
    batchWithDuplicates: [
      { eventType: "Note", created_at: at, notes: "First note", id: "note-1" },
      { eventType: "Note", created_at: new Date(now + MIN).toISOString(), notes: "Second note", id: "note-2" },
      { eventType: "Note", created_at: at, notes: "First note", id: "note-1" },
      { eventType: "Note", created_at: new Date(now + 2 * MIN).toISOString(), notes: "Third note", id: "note-3" },
    ],
    crossClientDuplicates: {
      aapsUpload: { eventType: "Correction Bolus", insulin: 0.25, pumpId: 4148, pumpType: "OMNIPOD_DASH", pumpSerial: "PDM-12345", app: "AAPS" },
      trioUploadSameEvent: { eventType: "Correction Bolus", insulin: 0.25, id: "trio-smb-4148", enteredBy: "Trio" },
    },
  };
}

function batchFixtures(now = Date.now()) {
  const at = (ms: number) => new Date(now + ms).toISOString();
  const sgv = (value: number, ms: number, direction: string, device: string) => ({ type: "sgv", sgv: value, date: now + ms, dateString: at(ms), direction, device });
  return {
    loop: {
      glucoseBatch: [sgv(120, 0, "Flat", "loop://iPhone"), sgv(125, 5 * MIN, "FortyFiveUp", "loop://iPhone"), sgv(130, 10 * MIN, "SingleUp", "loop://iPhone")],
      carbsBatch: [
        { eventType: "Carb Correction", carbs: 15, created_at: at(0), enteredBy: "loop://iPhone", absorptionTime: 180 },
        { eventType: "Carb Correction", carbs: 30, created_at: at(60 * MIN), enteredBy: "loop://iPhone", absorptionTime: 240 },
      ],
      doseBatch: [
        { eventType: "Temp Basal", duration: 30, rate: 1.5, absolute: 1.5, created_at: at(0), enteredBy: "loop://iPhone" },
        { eventType: "Bolus", insulin: 2.0, created_at: at(MIN), enteredBy: "loop://iPhone" },
        { eventType: "Temp Basal", duration: 30, rate: 0.5, absolute: 0.5, created_at: at(2 * MIN), enteredBy: "loop://iPhone" },
      ],
      largeBatch: Array.from({ length: 100 }, (_, i) => sgv(100 + (i % 50), i * 5 * MIN, "Flat", "loop://iPhone")),
    },
    trio: {
      glucosePipeline: [sgv(110, 0, "Flat", "Trio"), sgv(115, 5 * MIN, "FortyFiveUp", "Trio"), sgv(120, 10 * MIN, "Flat", "Trio")],
      treatmentPipeline: [
        { eventType: "Meal Bolus", insulin: 5.0, carbs: 45, created_at: at(0), enteredBy: "Trio", id: "trio-uuid-meal-1" },
        { eventType: "Correction Bolus", insulin: 1.5, created_at: at(MIN), enteredBy: "Trio", id: "trio-uuid-corr-1" },
      ],
    },
    edgeCases: {
      singleItemArray: [{ type: "sgv", sgv: 120, date: now, direction: "Flat", device: "test" }],
      mixedValidityBatch: [
        { type: "sgv", sgv: 120, date: now, direction: "Flat", isValid: true },
        { type: "sgv", sgv: 115, date: now - 5 * MIN, direction: "Flat", isValid: false },
        { type: "sgv", sgv: 125, date: now + 5 * MIN, direction: "FortyFiveUp", isValid: true },
      ],
    },
  };
}

describe("tests/api.deduplication.test.js (v1 API Deduplication Behavior)", () => {
  it("AAPS Deduplication: duplicate pumpId+pumpType+pumpSerial is detected and rejected", async () => {
    const { call, treatments } = await setup();
    const fixture = dedupFixtures().aapsDuplicatePumpId;
    const first = await call("/api/v1/treatments/", { body: [fixture.first] });
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    const firstId = first.json[0]._id;
    expect(firstId).toMatch(HEX24);
    expect((await call("/api/v1/treatments/", { body: [fixture.duplicate] })).status).toBe(200);
    const list = await treatments();
    expect(list).toHaveLength(1);
    expect(list[0]!._id).toBe(firstId);
  });

  it("AAPS Deduplication: duplicate entry with same date+device+type is detected", async () => {
    const { call, entries } = await setup();
    const fixture = dedupFixtures().aapsDuplicateEntry;
    const first = await call("/api/v1/entries/", { body: [fixture.first], headers: JSON_ACCEPT });
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json[0]._id).toMatch(HEX24);
    const again = await call("/api/v1/entries/", { body: [fixture.duplicate], headers: JSON_ACCEPT });
    expect(again.status).toBe(200);
    const list = await entries();
    expect(list).toHaveLength(1);
    // The one stored entry is the one both answers name.
    expect([again.json[0]._id, list[0]!._id]).toEqual([first.json[0]._id, first.json[0]._id]);
  });

  it("Loop Deduplication: duplicate syncIdentifier is detected and rejected", async () => {
    const { call, treatments } = await setup();
    const fixture = dedupFixtures().loopDuplicateSyncId;
    const first = await call("/api/v1/treatments/", { body: [fixture.first] });
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json[0]._id).toMatch(HEX24);
    await call("/api/v1/treatments/", { body: [fixture.duplicate] });
    const list = await treatments();
    expect(list).toHaveLength(1);
    expect(list[0]!.syncIdentifier).toBe(fixture.first.syncIdentifier);
  });

  it("Loop Deduplication: duplicate dose with syncIdentifier is detected", async () => {
    const { call, treatments } = await setup();
    const fixture = dedupFixtures().loopDuplicateDose;
    expect((await call("/api/v1/treatments/", { body: [fixture.first] })).status).toBe(200);
    await call("/api/v1/treatments/", { body: [fixture.duplicate] });
    expect(await treatments()).toHaveLength(1);
  });

  it("Trio Deduplication: duplicate id field (UUID) is detected and rejected", async () => {
    const { call, treatments } = await setup();
    const fixture = dedupFixtures().trioDuplicateId;
    const first = await call("/api/v1/treatments/", { body: [fixture.first] });
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json[0]._id).toMatch(HEX24);
    await call("/api/v1/treatments/", { body: [fixture.duplicate] });
    const list = await treatments();
    expect(list).toHaveLength(1);
    expect(list[0]!.id).toBe(fixture.first.id);
  });

  it("Trio Deduplication: duplicate temporary target with id is detected", async () => {
    const { call, treatments } = await setup();
    const fixture = dedupFixtures().trioDuplicateTempTarget;
    expect((await call("/api/v1/treatments/", { body: [fixture.first] })).status).toBe(200);
    await call("/api/v1/treatments/", { body: [fixture.duplicate] });
    expect(await treatments()).toHaveLength(1);
  });

  it("Batch with Mixed Duplicates: batch containing duplicates inserts only unique items", async () => {
    const { call, treatments } = await setup();
    const batch = dedupFixtures().batchWithDuplicates;
    // note-1, note-2, note-1 (dup), note-3: 3 unique notes.
    const res = await call("/api/v1/treatments/", { body: batch });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const list = await treatments();
    expect(new Set(list.map((t) => t.id)).size).toBe(3);
    expect(list).toHaveLength(3);
    // The repeated note is answered with the first one's _id, in the order sent.
    expect(res.json.map((t: Doc) => t.id)).toEqual(["note-1", "note-2", "note-1", "note-3"]);
    expect(res.json[2]._id).toBe(res.json[0]._id);
    expect(new Set(res.json.map((t: Doc) => t._id))).toEqual(new Set(list.map((t) => t._id)));
  });

  it("Cross-Client Duplicate Detection: AAPS and Trio uploads of same event do NOT deduplicate (different fields)", async () => {
    const { call, treatments } = await setup();
    const crossClient = dedupFixtures().crossClientDuplicates;
    const aaps = await call("/api/v1/treatments/", { body: [crossClient.aapsUpload] });
    expect(aaps.status, JSON.stringify(aaps.json)).toBe(200);
    // Neither sends created_at, so each is stamped "now"; Nightscout's test relies on the two POSTs
    // falling on different milliseconds (the same created_at + eventType would be one treatment).
    await new Promise((r) => setTimeout(r, 5));
    const trio = await call("/api/v1/treatments/", { body: [crossClient.trioUploadSameEvent] });
    expect(trio.status, JSON.stringify(trio.json)).toBe(200);
    const list = await treatments();
    expect(list).toHaveLength(2);
    expect(list.map((t) => t._id)).toEqual(expect.arrayContaining([aaps.json[0]._id, trio.json[0]._id]));
  });

  it("Deduplication Response Format: deduplicated item returns original _id in response", async () => {
    const { call } = await setup();
    const fixture = dedupFixtures().loopDuplicateSyncId;
    const originalId = (await call("/api/v1/treatments/", { body: [fixture.first] })).json[0]._id;
    const res = await call("/api/v1/treatments/", { body: [fixture.duplicate] });
    // Nightscout only logs this; the original _id is what it calls the ideal behaviour.
    expect(res.status).toBe(200);
    expect(res.json[0]._id).toBe(originalId);
  });
});

describe("tests/api.v1-batch-operations.test.js (v1 API Batch Operations)", () => {
  it("Batch Insert Semantics: POST /api/treatments with Loop carbs batch creates multiple documents", async () => {
    const { call, treatments } = await setup();
    const batch = batchFixtures().loop.carbsBatch;
    const res = await call("/api/v1/treatments/", { body: batch });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(Array.isArray(res.json)).toBe(true);
    expect(res.json).toHaveLength(batch.length);
    for (const item of res.json) expect(item._id).toMatch(HEX24);
    expect(await treatments()).toHaveLength(batch.length);
  });

  it("Batch Insert Semantics: POST /api/treatments with Loop dose batch creates multiple documents", async () => {
    const { call } = await setup();
    const batch = batchFixtures().loop.doseBatch;
    const res = await call("/api/v1/treatments/", { body: batch });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toHaveLength(batch.length);
    expect(new Set(res.json.map((t: Doc) => t._id)).size).toBe(batch.length);
  });

  it("Batch Insert Semantics: POST /api/entries with Loop glucose batch creates multiple documents", async () => {
    const { call, entries } = await setup();
    const batch = batchFixtures().loop.glucoseBatch;
    const res = await call("/api/v1/entries/", { body: batch, headers: JSON_ACCEPT });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(Array.isArray(res.json)).toBe(true);
    expect(res.json).toHaveLength(batch.length);
    expect(await entries()).toHaveLength(batch.length);
  });

  it("Batch Insert Semantics: POST /api/entries with single-item array creates one document", async () => {
    const { call } = await setup();
    const res = await call("/api/v1/entries/", { body: batchFixtures().edgeCases.singleItemArray, headers: JSON_ACCEPT });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toHaveLength(1);
    expect(res.json[0]._id).toMatch(HEX24);
  });

  it("Batch Insert Semantics: POST /api/treatments with empty array succeeds without error", async () => {
    const { call, treatments } = await setup();
    const res = await call("/api/v1/treatments/", { body: [] });
    expect([res.status, res.json]).toEqual([200, []]);
    // The test sends `fixtures.edgeCases.emptyBatch`, which the fixtures do not define: supertest
    // then sends no body, and Nightscout stores one treatment holding only created_at (hence its
    // "length ≤ 1"). Here no body is no documents: 200 `[]`, nothing stored.
    const none = await call("/api/v1/treatments/", { method: "POST" });
    expect(none.status).toBe(200);
    expect(none.json.length).toBeLessThanOrEqual(1);
    expect(await treatments()).toHaveLength(none.json.length);
  });

  it("Large Batch Operations: POST /api/entries with 100-item batch succeeds", async () => {
    const { call } = await setup();
    const batch = batchFixtures().loop.largeBatch;
    const res = await call("/api/v1/entries/", { body: batch, headers: JSON_ACCEPT });
    expect(res.status, JSON.stringify(res.json).slice(0, 500)).toBe(200);
    expect(res.json).toHaveLength(batch.length);
    expect(res.json.filter((item: Doc) => item._id).length).toBeGreaterThanOrEqual(batch.length * 0.9);
  });

  it("Response Format: Response contains _id field for each submitted item", async () => {
    const { call } = await setup();
    const res = await call("/api/v1/treatments/", { body: batchFixtures().loop.carbsBatch });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    for (const item of res.json) {
      expect(typeof item._id).toBe("string");
      expect(item._id.length).toBeGreaterThan(0);
    }
  });

  it("Trio Pipeline Scenarios: POST /api/treatments with Trio treatment pipeline batch", async () => {
    const { call } = await setup();
    const batch = batchFixtures().trio.treatmentPipeline;
    const res = await call("/api/v1/treatments/", { body: batch });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toHaveLength(batch.length);
    batch.forEach((submitted, index) => {
      expect(res.json[index].id).toBe(submitted.id);
      expect(res.json[index].enteredBy).toBe(submitted.enteredBy);
    });
  });

  it("Trio Pipeline Scenarios: POST /api/entries with Trio glucose pipeline batch", async () => {
    const { call } = await setup();
    const batch = batchFixtures().trio.glucosePipeline;
    const res = await call("/api/v1/entries/", { body: batch, headers: JSON_ACCEPT });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toHaveLength(batch.length);
  });

  // Nightscout skips this one (it.skip, "times out") and names an undefined fixture
  // (`edgeCases.mixedValidity`); its intent is run here with `edgeCases.mixedValidityBatch`.
  it("Mixed Valid/Invalid Documents: Batch with mixed valid/invalid documents handles appropriately (isValid is a data field, not validation)", async () => {
    const { call, entries } = await setup();
    const batch = batchFixtures().edgeCases.mixedValidityBatch;
    const res = await call("/api/v1/entries/", { body: batch, headers: JSON_ACCEPT });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toHaveLength(batch.length);
    for (const item of res.json) expect(item._id).toMatch(HEX24);
    expect(await entries()).toHaveLength(batch.length);
  });
});

describe("tests/api.id-validation.test.js (_id Validation API Tests)", () => {
  it("Activity API _id validation: should return 400 for POST with invalid UUID _id", async () => {
    const { call } = await setup();
    const res = await call("/api/v1/activity/", { body: { _id: "my-uuid-12345", created_at: "2024-01-01T00:00:00Z", steps: 1000 } });
    expectFieldError(res, 400, "0._id");
    expect(res.json.status).toBe(400);
    expect(res.json.message).toMatch(/Invalid _id format/i);
  });

  it("Activity API _id validation: should return 400 for PUT with invalid _id", async () => {
    const { call } = await setup();
    expectFieldError(await call("/api/v1/activity/", { method: "PUT", body: { _id: "not-valid", created_at: "2024-01-01T00:00:00Z", steps: 1000 } }), 400, "0._id");
  });

  it("Activity API _id validation: should return 400 for DELETE with invalid _id", async () => {
    const { call } = await setup();
    expectFieldError(await call("/api/v1/activity/invalid-id", { method: "DELETE" }), 400, "_id");
  });

  it("Activity API _id validation: should accept POST without _id (auto-generate)", async () => {
    const { call } = await setup();
    const res = await call("/api/v1/activity/", { body: { created_at: "2024-01-01T00:00:00Z", steps: 1000 } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json[0]._id).toMatch(HEX24);
  });

  it("Food API _id validation: should return 400 for POST with invalid UUID _id", async () => {
    const { call } = await setup();
    const res = await call("/api/v1/food/", { body: { _id: "my-uuid-12345", name: "Apple", type: "food", carbs: 15 } });
    expectFieldError(res, 400, "0._id");
    expect(res.json.status).toBe(400);
    expect(res.json.message).toMatch(/Invalid _id format/i);
  });

  it("Food API _id validation: should return 400 for PUT with invalid _id", async () => {
    const { call } = await setup();
    expectFieldError(await call("/api/v1/food/", { method: "PUT", body: { _id: "not-valid", name: "Apple", type: "food", carbs: 15 } }), 400, "0._id");
  });

  it("Food API _id validation: should return 400 for DELETE with invalid _id", async () => {
    const { call } = await setup();
    expectFieldError(await call("/api/v1/food/invalid-id", { method: "DELETE" }), 400, "_id");
  });

  it("Food API _id validation: should accept POST without _id (auto-generate)", async () => {
    const { call } = await setup();
    const res = await call("/api/v1/food/", { body: { name: "Banana", type: "food", carbs: 27 } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    // Food API returns array (consistent with treatments pattern).
    expect(Array.isArray(res.json)).toBe(true);
    expect(res.json).toHaveLength(1);
    expect(res.json[0]).toMatchObject({ name: "Banana", _id: expect.stringMatching(HEX24) });
  });
});

// tests/api.objectid-validation.test.js unit-tests lib/api/shared/objectid-validation.js
// (isValidObjectId, findInvalidId). The helper guards the POST/PUT/DELETE of activity, device
// status, food and profile (lib/api/*/index.js), so each case is run here as those routes show it.
describe("tests/api.objectid-validation.test.js (API ObjectId validation helper)", () => {
  const profileStore = { defaultProfile: "Default", startDate: "2024-01-01T00:00:00.000Z", store: { Default: { dia: 3, carbratio: [{ time: "00:00", value: 10 }], sens: [{ time: "00:00", value: 50 }], basal: [{ time: "00:00", value: 1 }], target_low: [{ time: "00:00", value: 90 }], target_high: [{ time: "00:00", value: 120 }], units: "mg/dl", timezone: "UTC" } } };
  // `idPath`: where a single document's refused `_id` is named (profile names a single document's fields without an index).
  const routes = [
    { name: "activity", path: "/api/v1/activity/", idPath: "0._id", doc: (n: number) => ({ created_at: new Date(Date.now() - n * MIN).toISOString(), steps: n }) },
    { name: "devicestatus", path: "/api/v1/devicestatus/", idPath: "0._id", doc: (n: number) => ({ device: `test-${n}`, created_at: new Date(Date.now() - n * MIN).toISOString(), uploaderBattery: 50 + n }) },
    { name: "food", path: "/api/v1/food/", idPath: "0._id", doc: (n: number) => ({ name: `Food ${n}`, type: "food", carbs: n }) },
    { name: "profile", path: "/api/v1/profile/", idPath: "_id", doc: (n: number) => ({ ...profileStore, startDate: new Date(Date.UTC(2024, 0, 1 + n)).toISOString() }) },
  ];

  it("accepts missing ids for create-tolerant routes (undefined and null)", async () => {
    const { call } = await setup();
    for (const r of routes) {
      const res = await call(r.path, { body: [r.doc(1), { ...r.doc(2), _id: null }] });
      expect(res.status, `${r.name} ${JSON.stringify(res.json)}`).toBe(200);
      expect(res.json.map((d: Doc) => d._id), r.name).toEqual([expect.stringMatching(HEX24), expect.stringMatching(HEX24)]);
    }
  });

  it("accepts 24-character hex ids and rejects non-hex values (a UUID, a number)", async () => {
    const { call } = await setup();
    for (const r of routes) {
      const kept = await call(r.path, { body: { ...r.doc(3), _id: "507f1f77bcf86cd799439011" } });
      expect(kept.status, `${r.name} ${JSON.stringify(kept.json)}`).toBe(200);
      expect([kept.json].flat()[0]._id, r.name).toBe("507f1f77bcf86cd799439011");
      for (const bad of ["550e8400-e29b-41d4-a716-446655440000", 123]) {
        const res = await call(r.path, { body: { ...r.doc(4), _id: bad } });
        expect(res.status, `${r.name} ${JSON.stringify(res.json)}`).toBe(400);
        expect(res.json.message, r.name).toMatch(/Invalid _id format/i);
        expect(res.json.error.fields.map((f: { path: string }) => f.path), r.name).toContain(r.idPath);
      }
      expect((await call(`${r.path}550e8400-e29b-41d4-a716-446655440000`, { method: "DELETE" })).status, r.name).toBe(400);
    }
  });

  it("finds the first invalid id in a batch: 400 naming index 1, nothing of the batch stored", async () => {
    const { call } = await setup();
    for (const r of routes) {
      const res = await call(r.path, { body: [{ ...r.doc(5), _id: "507f1f77bcf86cd799439011" }, { ...r.doc(6), _id: "invalid-id" }, { ...r.doc(7), _id: "507f191e810c19729de860ea" }] });
      expect(res.status, `${r.name} ${JSON.stringify(res.json)}`).toBe(400);
      expect(res.json.error.fields.map((f: { path: string }) => f.path), r.name).toEqual(["1._id"]);
    }
    // Nightscout validates before storing: neither valid id of the refused batch exists.
    expect((await call("/api/v1/activity?find[created_at][$gte]=2000-01-01")).json).toEqual([]);
    expect((await call("/api/v1/devicestatus?count=100")).json).toEqual([]);
    expect((await call("/api/v1/food/")).json).toEqual([]);
    expect((await call("/api/v1/profiles?count=100")).json).toEqual([]);
  });

  it("returns null when all ids are valid or omitted: the whole batch is stored", async () => {
    const { call } = await setup();
    for (const r of routes) {
      const res = await call(r.path, { body: [{ ...r.doc(8), _id: "507f1f77bcf86cd799439011" }, r.doc(9), { ...r.doc(10), _id: null }] });
      expect(res.status, `${r.name} ${JSON.stringify(res.json)}`).toBe(200);
      expect(res.json.map((d: Doc) => d._id), r.name).toEqual(["507f1f77bcf86cd799439011", expect.stringMatching(HEX24), expect.stringMatching(HEX24)]);
    }
  });
});
