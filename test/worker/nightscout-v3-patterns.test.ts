/**
 * Nightscout API v3 (`/api/v3`) with the upload patterns of AndroidAPS and the shape of a create
 * body, following nightscout/cgm-remote-monitor's tests/api3.aaps-patterns.test.js
 * (deduplication by identifier, SMB bursts, a meal, SGV batches, profile sync) and
 * tests/api3.shape-handling.test.js (one object accepted, arrays and empty bodies refused, the
 * answer an object, deduplication of a re-POST); each `it` names the test it ports. Fixtures are
 * those of tests/fixtures/aaps-patterns.json and tests/fixtures/api3/const.json. Where Nightscout
 * looks into Mongo or its cache monitor, the documents are read back through the API.
 */
import { describe, expect, it } from "vitest";
import { calculateIdentifier } from "../../worker/nightscout/v3/identifier.ts";
import { ns, sha1Hex } from "./interop-helpers.ts";
import { v3Client, type V3Client } from "./nightscout-v3-helpers.ts";

/** tests/fixtures/api3/const.json. */
const TEST_APP = "cgm-remote-monitor.test";
const TEST_DEVICE = "Samsung XCover 4-123456735643809";

/** tests/fixtures/aaps-patterns.json, the parts the tests read. */
const AAPS = {
  PUMP_IDENTIFIERS: { DANA_R: { pumpType: "DANA_R", pumpSerial: "ABC12345" } },
  DEDUPLICATION_TESTS: { ORIGINAL: { eventType: "Correction Bolus", insulin: 0.5, pumpId: 4148, pumpType: "DANA_R", pumpSerial: "12345", isValid: true } },
  SMB_BURSTS: {
    CORRECTION_SEQUENCE: [
      { eventType: "Correction Bolus", insulin: 0.25, isSMB: true, pumpId: 4148, pumpType: "ACCU_CHEK_INSIGHT_BLUETOOTH", pumpSerial: "33013206", type: "NORMAL", isValid: true },
      { eventType: "Correction Bolus", insulin: 0.3, isSMB: true, pumpId: 4149, pumpType: "ACCU_CHEK_INSIGHT_BLUETOOTH", pumpSerial: "33013206", type: "NORMAL", isValid: true },
      { eventType: "Correction Bolus", insulin: 0.15, isSMB: true, pumpId: 4150, pumpType: "ACCU_CHEK_INSIGHT_BLUETOOTH", pumpSerial: "33013206", type: "NORMAL", isValid: true },
    ],
  },
  MEAL_SCENARIO: {
    CARB_ENTRY: { eventType: "Carb Correction", carbs: 45, isValid: true },
    MEAL_BOLUS: { eventType: "Meal Bolus", insulin: 8.1, pumpId: 4102, pumpType: "ACCU_CHEK_INSIGHT_BLUETOOTH", pumpSerial: "33013206" },
    BOLUS_WIZARD: { eventType: "Bolus Wizard", glucose: 134, glucoseType: "Sensor", carbs: 45, insulin: 8.1 },
  },
  SGV_ENTRIES: {
    HIGH_FREQUENCY_BATCH: [
      { type: "sgv", sgv: 120, direction: "Flat", utcOffset: 0 },
      { type: "sgv", sgv: 125, direction: "FortyFiveUp", utcOffset: 0 },
      { type: "sgv", sgv: 130, direction: "SingleUp", utcOffset: 0 },
    ],
  },
};

type Doc = Record<string, any>;

/** opTools.calculateIdentifier, as the Nightscout tests set `identifier` before posting. */
const withIdentifier = async (doc: Doc): Promise<Doc> => ({ ...doc, identifier: await calculateIdentifier(doc) });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** getDoc: GET /api/v3/<col>/<identifier>, 200, its result. */
async function getDoc(c: V3Client, col: string, identifier: string): Promise<Doc> {
  const res = await c.call(`/api/v3/${col}/${identifier}`);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json.result;
}

/** deleteDoc: DELETE /api/v3/<col>/<identifier>?permanent=true, 200. */
async function deleteDoc(c: V3Client, col: string, identifier: string): Promise<void> {
  const res = await c.call(`/api/v3/${col}/${identifier}?permanent=true`, { method: "DELETE" });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
}

async function post(c: V3Client, col: string, body: unknown, status: number) {
  const res = await c.call(`/api/v3/${col}`, { body });
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.json.status).toBe(status);
  return res;
}

describe("Nightscout API v3 AAPS patterns: deduplication by identifier (device + date + eventType) (api3.aaps-patterns.test.js)", () => {
  it("returns 201 for new treatment with unique identifier and persists AAPS fields", async () => {
    const c = await v3Client();
    const base = AAPS.DEDUPLICATION_TESTS.ORIGINAL;
    const doc = await withIdentifier({ device: `test-device-unique-${Date.now()}`, date: Date.now(), app: TEST_APP, eventType: base.eventType, insulin: base.insulin, pumpId: base.pumpId, pumpType: base.pumpType, pumpSerial: base.pumpSerial, isValid: base.isValid });
    const res = await post(c, "treatments", doc, 201);
    expect(res.json.identifier).toBe(doc.identifier);
    const persisted = await getDoc(c, "treatments", doc.identifier);
    expect(persisted).toMatchObject({ pumpId: base.pumpId, pumpType: base.pumpType, pumpSerial: base.pumpSerial, insulin: base.insulin });
    await deleteDoc(c, "treatments", doc.identifier);
  });

  it("returns 200 for duplicate with same device+date+eventType (deduplication)", async () => {
    const c = await v3Client();
    const doc = await withIdentifier({ device: `test-device-dedup-${Date.now()}`, date: Date.now(), app: TEST_APP, eventType: "Correction Bolus", insulin: 0.5, isValid: true });
    await post(c, "treatments", doc, 201);
    const res2 = await post(c, "treatments", doc, 200);
    expect(res2.json.identifier).toBe(doc.identifier);
    await deleteDoc(c, "treatments", doc.identifier);
  });

  it("different pumpId but same device+date+eventType triggers dedup (pumpId not in identifier)", async () => {
    const c = await v3Client();
    const baseTime = Date.now();
    const device = `test-device-pumpid-${baseTime}`;
    const doc1 = await withIdentifier({ device, date: baseTime, app: TEST_APP, eventType: "Correction Bolus", insulin: 0.5, pumpId: 9998, pumpType: "DANA_R", pumpSerial: "12345" });
    const doc2 = await withIdentifier({ device, date: baseTime, app: TEST_APP, eventType: "Correction Bolus", insulin: 0.5, pumpId: 9999, pumpType: "DANA_R", pumpSerial: "12345" });
    await post(c, "treatments", doc1, 201);
    const res2 = await post(c, "treatments", doc2, 200);
    expect(res2.json.identifier).toBe(doc1.identifier);
    await deleteDoc(c, "treatments", doc1.identifier);
  });

  it("different date creates new unique treatment (201)", async () => {
    const c = await v3Client();
    const baseTime = Date.now();
    const device = `test-device-date-${baseTime}`;
    const doc1 = await withIdentifier({ device, date: baseTime, app: TEST_APP, eventType: "Correction Bolus", insulin: 0.5 });
    const doc2 = await withIdentifier({ device, date: baseTime + 300_000, app: TEST_APP, eventType: "Correction Bolus", insulin: 0.5 });
    const res1 = await post(c, "treatments", doc1, 201);
    const res2 = await post(c, "treatments", doc2, 201);
    expect(res2.json.identifier).not.toBe(res1.json.identifier);
    await deleteDoc(c, "treatments", doc1.identifier);
    await deleteDoc(c, "treatments", doc2.identifier);
  });

  it("different eventType creates new unique treatment (201)", async () => {
    const c = await v3Client();
    const baseTime = Date.now();
    const device = `test-device-event-${baseTime}`;
    const doc1 = await withIdentifier({ device, date: baseTime, app: TEST_APP, eventType: "Correction Bolus", insulin: 0.5 });
    const doc2 = await withIdentifier({ device, date: baseTime, app: TEST_APP, eventType: "Meal Bolus", insulin: 0.5 });
    const res1 = await post(c, "treatments", doc1, 201);
    const res2 = await post(c, "treatments", doc2, 201);
    expect(res2.json.identifier).not.toBe(res1.json.identifier);
    await deleteDoc(c, "treatments", doc1.identifier);
    await deleteDoc(c, "treatments", doc2.identifier);
  });

  it("rapid duplicate submissions result in single persisted document with latest srvModified", async () => {
    const c = await v3Client();
    const baseTime = Date.now();
    const device = `test-device-rapid-dedup-${baseTime}`;
    const doc = await withIdentifier({ device, date: baseTime, app: TEST_APP, eventType: "Correction Bolus", insulin: 0.5, pumpId: 8888, pumpType: AAPS.PUMP_IDENTIFIERS.DANA_R.pumpType, pumpSerial: AAPS.PUMP_IDENTIFIERS.DANA_R.pumpSerial });
    const res1 = await post(c, "treatments", doc, 201);
    const first = res1.json.lastModified as number;
    await sleep(50);
    const res2 = await post(c, "treatments", doc, 200);
    expect(res2.json.identifier).toBe(doc.identifier);
    const second = res2.json.lastModified as number;
    expect(second, "Second srvModified should be strictly greater than first").toBeGreaterThan(first);
    await sleep(50);
    const res3 = await post(c, "treatments", doc, 200);
    expect(res3.json.identifier).toBe(doc.identifier);
    const third = res3.json.lastModified as number;
    expect(third, "Third srvModified should be strictly greater than second").toBeGreaterThan(second);

    const persisted = await getDoc(c, "treatments", doc.identifier);
    expect(persisted.identifier).toBe(doc.identifier);
    expect(persisted.pumpId).toBe(8888);
    expect(persisted.srvModified, "Persisted srvModified should be strictly greater than srvCreated after updates").toBeGreaterThan(persisted.srvCreated);
    expect(persisted.srvModified, "Persisted srvModified must exactly match the lastModified from the final API response").toBe(third);

    const byIdentifier = await c.call(`/api/v3/treatments?identifier=${doc.identifier}`);
    expect(byIdentifier.status).toBe(200);
    expect(byIdentifier.json.result, "Exactly one document should exist when searching by identifier").toHaveLength(1);
    expect(byIdentifier.json.result[0]).toMatchObject({ identifier: doc.identifier, srvModified: third });
    const byDeviceDate = await c.call(`/api/v3/treatments?device=${device}&date$eq=${baseTime}`);
    expect(byDeviceDate.status).toBe(200);
    expect(byDeviceDate.json.result, "Exactly one document should exist when searching by device + date").toHaveLength(1);
    expect(byDeviceDate.json.result[0]).toMatchObject({ identifier: doc.identifier, srvModified: third });
    await deleteDoc(c, "treatments", doc.identifier);
  });

  it("full AAPS fixture payload with created_at and dateString persists correctly", async () => {
    const c = await v3Client();
    const baseTime = Date.now();
    const base = AAPS.DEDUPLICATION_TESTS.ORIGINAL;
    const doc = await withIdentifier({
      device: `test-device-full-fixture-${baseTime}`,
      date: baseTime,
      created_at: new Date(baseTime).toISOString(),
      dateString: new Date(baseTime).toISOString(),
      app: TEST_APP,
      eventType: base.eventType,
      insulin: base.insulin,
      pumpId: base.pumpId,
      pumpType: base.pumpType,
      pumpSerial: base.pumpSerial,
      isValid: base.isValid,
      isSMB: false,
      type: "NORMAL",
    });
    await post(c, "treatments", doc, 201);
    const persisted = await getDoc(c, "treatments", doc.identifier);
    expect(persisted).toMatchObject({ identifier: doc.identifier, pumpId: base.pumpId, pumpType: base.pumpType, pumpSerial: base.pumpSerial, insulin: base.insulin, eventType: base.eventType });
    expect(persisted).toHaveProperty("srvCreated");
    expect(persisted).toHaveProperty("srvModified");
    await deleteDoc(c, "treatments", doc.identifier);
  });
});

describe("Nightscout API v3 AAPS patterns: SMB burst, meal, SGV batch (api3.aaps-patterns.test.js)", () => {
  it("handles sequential SMB corrections with full AAPS-realistic payloads", async () => {
    const c = await v3Client();
    const baseTime = Date.now();
    const device = `test-device-smb-${baseTime}`;
    const identifiers: string[] = [];
    for (const [i, fixture] of AAPS.SMB_BURSTS.CORRECTION_SEQUENCE.entries()) {
      const smb = await withIdentifier({
        device,
        date: baseTime + i * 300_000,
        created_at: new Date(baseTime + i * 300_000).toISOString(),
        app: TEST_APP,
        eventType: fixture.eventType,
        insulin: fixture.insulin,
        isSMB: fixture.isSMB,
        pumpId: fixture.pumpId,
        pumpType: fixture.pumpType,
        pumpSerial: fixture.pumpSerial,
        type: fixture.type,
        isValid: fixture.isValid,
      });
      const res = await post(c, "treatments", smb, 201);
      identifiers.push(res.json.identifier);
      const persisted = await getDoc(c, "treatments", res.json.identifier);
      expect(persisted.pumpId).toBe(fixture.pumpId);
      expect(persisted.isSMB).toBe(true);
      expect(persisted.insulin).toBe(fixture.insulin);
    }
    expect(new Set(identifiers).size).toBe(3);
    for (const id of identifiers) await deleteDoc(c, "treatments", id);
  });

  it("creates all meal-related treatments with full AAPS payloads and verifies persisted fields", async () => {
    const c = await v3Client();
    const baseTime = Date.now();
    const device = `test-device-meal-${baseTime}`;
    const identifiers: string[] = [];
    const { CARB_ENTRY: carbsFixture, BOLUS_WIZARD: wizardFixture, MEAL_BOLUS: bolusFixture } = AAPS.MEAL_SCENARIO;

    const carbs = await withIdentifier({ device, date: baseTime, created_at: new Date(baseTime).toISOString(), app: TEST_APP, eventType: carbsFixture.eventType, carbs: carbsFixture.carbs, isValid: carbsFixture.isValid });
    const res1 = await post(c, "treatments", carbs, 201);
    identifiers.push(res1.json.identifier);
    const persistedCarbs = await getDoc(c, "treatments", res1.json.identifier);
    expect(persistedCarbs).toMatchObject({ carbs: carbsFixture.carbs, eventType: carbsFixture.eventType });
    expect(persistedCarbs).toHaveProperty("srvCreated");

    const wizard = await withIdentifier({
      device,
      date: baseTime + 1000,
      created_at: new Date(baseTime + 1000).toISOString(),
      app: TEST_APP,
      eventType: wizardFixture.eventType,
      glucose: wizardFixture.glucose,
      glucoseType: wizardFixture.glucoseType,
      carbs: wizardFixture.carbs,
      insulin: wizardFixture.insulin,
    });
    const res2 = await post(c, "treatments", wizard, 201);
    identifiers.push(res2.json.identifier);
    const persistedWizard = await getDoc(c, "treatments", res2.json.identifier);
    expect(persistedWizard).toMatchObject({ glucose: wizardFixture.glucose, insulin: wizardFixture.insulin });
    expect(persistedWizard).toHaveProperty("srvCreated");

    const bolus = await withIdentifier({
      device,
      date: baseTime + 2000,
      created_at: new Date(baseTime + 2000).toISOString(),
      app: TEST_APP,
      eventType: bolusFixture.eventType,
      insulin: bolusFixture.insulin,
      pumpId: bolusFixture.pumpId,
      pumpType: bolusFixture.pumpType,
      pumpSerial: bolusFixture.pumpSerial,
    });
    const res3 = await post(c, "treatments", bolus, 201);
    identifiers.push(res3.json.identifier);
    const persistedBolus = await getDoc(c, "treatments", res3.json.identifier);
    expect(persistedBolus).toMatchObject({ pumpId: bolusFixture.pumpId, pumpType: bolusFixture.pumpType, pumpSerial: bolusFixture.pumpSerial, insulin: bolusFixture.insulin });
    expect(persistedBolus).toHaveProperty("srvCreated");

    expect(new Set(identifiers).size).toBe(3);
    for (const id of identifiers) await deleteDoc(c, "treatments", id);
  });

  it("handles rapid sequential SGV entries with full AAPS payloads and verifies persisted fields", async () => {
    const c = await v3Client();
    const baseTime = Date.now();
    const device = `test-device-sgv-${baseTime}`;
    const identifiers: string[] = [];
    for (const [i, fixture] of AAPS.SGV_ENTRIES.HIGH_FREQUENCY_BATCH.entries()) {
      const sgv = await withIdentifier({
        device,
        date: baseTime + i * 300_000,
        dateString: new Date(baseTime + i * 300_000).toISOString(),
        app: TEST_APP,
        type: fixture.type,
        sgv: fixture.sgv,
        direction: fixture.direction,
        utcOffset: fixture.utcOffset,
      });
      const res = await post(c, "entries", sgv, 201);
      identifiers.push(res.json.identifier);
      const persisted = await getDoc(c, "entries", res.json.identifier);
      expect(persisted).toMatchObject({ sgv: fixture.sgv, direction: fixture.direction });
      expect(persisted).toHaveProperty("srvCreated");
      expect(persisted).toHaveProperty("srvModified");
    }
    expect(new Set(identifiers).size).toBe(3);
    for (const id of identifiers) await deleteDoc(c, "entries", id);
  });
});

/**
 * "Profile sync via REST (V3) - AAPS createProfileStore behavior". Nightscout empties the profile
 * collection of `aaps-v3-test` documents before each test; here each test has an account of its
 * own, and counts them by a v3 search rather than in Mongo.
 */
describe("Nightscout API v3 AAPS patterns: profile sync via REST (api3.aaps-patterns.test.js)", () => {
  /** aapsV3Profile: a profile store as AndroidAPS's createProfileStore sends it (no device, no identifier). */
  const aapsV3Profile = (dateMs: number, carbratio = 10): Doc => {
    const iso = new Date(dateMs).toISOString();
    return {
      app: "AAPS",
      date: dateMs,
      created_at: iso,
      startDate: iso,
      defaultProfile: "aaps-v3-test",
      units: "mg/dl",
      store: {
        "aaps-v3-test": {
          dia: 5,
          carbratio: [{ time: "00:00", value: carbratio }],
          sens: [{ time: "00:00", value: 50 }],
          basal: [{ time: "00:00", value: 0.5 }],
          target_low: [{ time: "00:00", value: 100 }],
          target_high: [{ time: "00:00", value: 120 }],
          timezone: "UTC",
        },
      },
    };
  };
  const testProfiles = async (c: V3Client) => {
    const res = await c.call("/api/v3/profile?defaultProfile=aaps-v3-test");
    expect(res.status).toBe(200);
    return res.json.result as Doc[];
  };

  it("first AAPS V3 profile POST returns 201 and inserts a new doc", async () => {
    const c = await v3Client();
    const res = await c.call("/api/v3/profile", { body: aapsV3Profile(Date.now()) });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    expect(await testProfiles(c)).toHaveLength(1);
  });

  it("resending the SAME profile (same date) returns 200 and dedups in place", async () => {
    const c = await v3Client();
    const profile = aapsV3Profile(Date.now());
    const res1 = await c.call("/api/v3/profile", { body: profile });
    expect(res1.status, JSON.stringify(res1.json)).toBe(201);
    // The identical payload again, as a retry after a network failure.
    const res2 = await c.call("/api/v3/profile", { body: profile });
    expect(res2.status, JSON.stringify(res2.json)).toBe(200);
    expect(res2.json.identifier).toBe(res1.json.identifier);
    expect(await testProfiles(c)).toHaveLength(1);
  });

  it("AAPS edit (new date from LocalProfileLastChange) creates a SECOND doc, not an update", async () => {
    const c = await v3Client();
    // Two edits in AndroidAPS: two distinct LocalProfileLastChange values.
    const first = aapsV3Profile(Date.now() - 60_000, 8);
    const second = aapsV3Profile(Date.now(), 14);
    const res1 = await c.call("/api/v3/profile", { body: first });
    expect(res1.status, JSON.stringify(res1.json)).toBe(201);
    const res2 = await c.call("/api/v3/profile", { body: second });
    // A new document: the identifier (UUID v5 of "undefined_<date>") differs.
    expect(res2.status, JSON.stringify(res2.json)).toBe(201);
    expect(res2.json.identifier).not.toBe(res1.json.identifier);
    expect(await testProfiles(c)).toHaveLength(2);
    // ctx.profile.last() (newest startDate first) is what /api/v1/profile/current serves.
    const current = await ns(await sha1Hex(c.secret), "/api/v1/profile/current");
    expect(current.status).toBe(200);
    expect(current.json.store["aaps-v3-test"].carbratio[0].value).toBe(14);
  });
});

/**
 * tests/api3.shape-handling.test.js. Its cache-monitor checks (`nextShouldEql`,
 * `nextShouldDeleteLast`, `shouldBeEmpty`) count the `data-update` events of Nightscout's
 * in-process bus, which GlucoLens does not have (its socket deltas are tested in
 * socketio.test.ts); the document they expect is read back through the API instead.
 */
describe("Nightscout API v3 shape handling: treatments (api3.shape-handling.test.js)", () => {
  it("POST accepts single valid object", async () => {
    const c = await v3Client();
    const doc = await withIdentifier({ date: Date.now(), app: TEST_APP, device: `${TEST_DEVICE} shape-single`, eventType: "Note", notes: "single object test" });
    const res = await post(c, "treatments", doc, 201);
    expect(res.json.identifier).toBe(doc.identifier);
    expect(await getDoc(c, "treatments", doc.identifier)).toMatchObject(doc);
    await deleteDoc(c, "treatments", doc.identifier);
  });

  it("POST rejects array input with 400", async () => {
    const c = await v3Client();
    const docs = [
      { date: Date.now(), app: TEST_APP, device: `${TEST_DEVICE} shape-array-1`, eventType: "Note", notes: "array test 1" },
      { date: Date.now() + 1000, app: TEST_APP, device: `${TEST_DEVICE} shape-array-2`, eventType: "Note", notes: "array test 2" },
    ];
    await post(c, "treatments", docs, 400);
    expect((await c.call("/api/v3/treatments")).json.result).toEqual([]);
  });

  it("POST rejects empty array with 400", async () => {
    const c = await v3Client();
    const res = await c.call("/api/v3/treatments", { body: [] });
    expect(res.status).toBe(400);
    expect(res.json.status).toBe(400);
  });

  it("POST rejects empty object with 400", async () => {
    const c = await v3Client();
    const res = await c.call("/api/v3/treatments", { body: {} });
    expect(res.status).toBe(400);
    expect(res.json.status).toBe(400);
  });

  it("response format is object not array", async () => {
    const c = await v3Client();
    const doc = await withIdentifier({ date: Date.now(), app: TEST_APP, device: `${TEST_DEVICE} shape-format`, eventType: "Correction Bolus", insulin: 0.5 });
    const res = await post(c, "treatments", doc, 201);
    expect(typeof res.json).toBe("object");
    expect(Array.isArray(res.json)).toBe(false);
    expect(await getDoc(c, "treatments", doc.identifier)).toMatchObject(doc);
    await deleteDoc(c, "treatments", doc.identifier);
  });
});

describe("Nightscout API v3 shape handling: entries and devicestatus (api3.shape-handling.test.js)", () => {
  it("POST accepts single SGV entry", async () => {
    const c = await v3Client();
    const doc = await withIdentifier({ date: Date.now(), app: TEST_APP, device: `${TEST_DEVICE} sgv-single`, type: "sgv", sgv: 120, direction: "Flat" });
    const res = await post(c, "entries", doc, 201);
    expect(res.json.identifier).toBe(doc.identifier);
    expect(await getDoc(c, "entries", doc.identifier)).toMatchObject(doc);
    await deleteDoc(c, "entries", doc.identifier);
  });

  it("POST rejects array of entries with 400", async () => {
    const c = await v3Client();
    const now = Date.now();
    const docs = [
      { date: now, app: TEST_APP, device: `${TEST_DEVICE} sgv-array-1`, type: "sgv", sgv: 115 },
      { date: now + 300_000, app: TEST_APP, device: `${TEST_DEVICE} sgv-array-2`, type: "sgv", sgv: 125 },
    ];
    await post(c, "entries", docs, 400);
    expect((await c.call("/api/v3/entries")).json.result).toEqual([]);
  });

  it("POST accepts single devicestatus", async () => {
    const c = await v3Client();
    const doc = await withIdentifier({ date: Date.now(), app: TEST_APP, device: `${TEST_DEVICE} status-single`, uploaderBattery: 85 });
    const res = await post(c, "devicestatus", doc, 201);
    expect(res.json.identifier).toBe(doc.identifier);
    expect(await getDoc(c, "devicestatus", doc.identifier)).toMatchObject(doc);
    await deleteDoc(c, "devicestatus", doc.identifier);
  });

  it("POST rejects array of devicestatus with 400", async () => {
    const c = await v3Client();
    const now = Date.now();
    const docs = [
      { date: now, app: TEST_APP, device: `${TEST_DEVICE} status-array-1`, uploaderBattery: 80 },
      { date: now + 1000, app: TEST_APP, device: `${TEST_DEVICE} status-array-2`, uploaderBattery: 75 },
    ];
    await post(c, "devicestatus", docs, 400);
    expect((await c.call("/api/v3/devicestatus")).json.result).toEqual([]);
  });
});

describe("Nightscout API v3 shape handling: cross-API consistency (api3.shape-handling.test.js)", () => {
  it("document created via API v3 is readable via API v3 GET", async () => {
    const c = await v3Client();
    const doc = await withIdentifier({ date: Date.now(), app: TEST_APP, device: `${TEST_DEVICE} cross-api`, eventType: "Note", notes: "cross-api test" });
    await post(c, "treatments", doc, 201);
    const read = await c.call(`/api/v3/treatments/${doc.identifier}`);
    expect(read.status).toBe(200);
    expect(read.json.status).toBe(200);
    expect(read.json.result.notes).toBe("cross-api test");
    await deleteDoc(c, "treatments", doc.identifier);
  });

  it("deduplication handles re-POST of same document", async () => {
    const c = await v3Client();
    const doc = await withIdentifier({ date: Date.now(), app: TEST_APP, device: `${TEST_DEVICE} dedup-test`, eventType: "Note", notes: "original note" });
    await post(c, "treatments", doc, 201);
    expect(await getDoc(c, "treatments", doc.identifier)).toMatchObject(doc);
    const updatedDoc = { ...doc, notes: "updated note" };
    const res2 = await post(c, "treatments", updatedDoc, 200);
    expect(res2.json.isDeduplication).toBe(true);
    expect(await getDoc(c, "treatments", doc.identifier)).toMatchObject(updatedDoc);
    await deleteDoc(c, "treatments", doc.identifier);
  });
});
