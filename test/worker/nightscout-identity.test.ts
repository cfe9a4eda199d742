/**
 * Nightscout v1 treatment identity (worker/nightscout/treatments.ts): ported whole from
 * nightscout/cgm-remote-monitor tests/identity-matrix.test.js and
 * tests/issue-6923-legacy-uuid.test.js. Nightscout mounts the API at `/api/`; production (and
 * GlucoLens) serve it at `/api/v1/`. Its site-wide API secret is here the user's uploader secret
 * (SHA-1 as `api-secret`), one fresh user per test as Nightscout's beforeEach empties the
 * collection. Where Nightscout reads MongoDB (`ctx.treatments.list`, the raw collection), these tests
 * read the same documents back through GET, or the stored row in D1 where its shape is the point.
 * Nightscout runs these with its default UUID_HANDLING=true; GlucoLens has that one behaviour
 * (lib/server/treatments.js normalizeTreatmentId, upsertQueryFor; lib/server/query.js updateIdQuery).
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { register } from "./helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";
import { userD1ByEmail } from "./shard-helpers.ts";

const HEX24 = /^[0-9a-f]{24}$/;

type Doc = Record<string, any>;

/** A fresh user and its uploader: each test has its own data, as Nightscout's beforeEach clears the collection. */
async function setup() {
  const a = await register();
  const up = await uploader(a.access);
  const call = (path: string, init: { method?: string; body?: unknown } = {}) => ns(up.apiSecret, path, init);
  /** POST /api/v1/treatments/ with one document in an array: 200 and the stored document. */
  const postOne = async (doc: Doc): Promise<Doc> => {
    const res = await call("/api/v1/treatments/", { body: [doc] });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toHaveLength(1);
    return res.json[0];
  };
  return { a, call, postOne };
}

describe("tests/identity-matrix.test.js (Identity Field Test Matrix)", () => {
  describe("Client Pattern Tests", () => {
    it("TEST-ID-001: Loop Override with UUID _id is promoted to identifier", async () => {
      const { postOne } = await setup();
      const uuid = "A1B2C3D4-E5F6-7890-ABCD-EF1234567890";
      const created = await postOne({ _id: uuid, eventType: "Temporary Override", created_at: new Date().toISOString(), enteredBy: "Loop", duration: 60, correctionRange: [90, 110], reason: "Test Override" });
      expect(created.identifier).toBe(uuid);
      expect(created._id).toMatch(HEX24);
      expect(created._id).not.toBe(uuid);
      expect(created).toMatchObject({ correctionRange: [90, 110], reason: "Test Override", duration: 60 });
    });

    it("TEST-ID-002: Loop Override with identifier field is preserved", async () => {
      const { postOne } = await setup();
      const uuid = "B2C3D4E5-F6A7-8901-BCDE-F23456789012";
      const created = await postOne({ identifier: uuid, eventType: "Temporary Override", created_at: new Date().toISOString(), enteredBy: "Loop", duration: 60, correctionRange: [100, 120], reason: "Test Override 2" });
      expect(created.identifier).toBe(uuid);
      expect(created._id).toMatch(HEX24);
    });

    it("TEST-ID-003: Loop Carb with syncIdentifier (no _id) gets ObjectId", async () => {
      const { postOne } = await setup();
      const syncId = `loop-carb-uuid-${Date.now()}`;
      const created = await postOne({ eventType: "Carb Correction", carbs: 25, created_at: new Date().toISOString(), enteredBy: "loop://iPhone", syncIdentifier: syncId, absorptionTime: 180 });
      // syncIdentifier is the client's field, kept as sent; normalizeTreatmentId only moves a UUID `_id`.
      expect(created.syncIdentifier).toBe(syncId);
      expect(created._id).toMatch(HEX24);
      expect(created.identifier).toBeUndefined();
    });

    it("TEST-ID-004: AAPS with identifier: null gets server-generated id", async () => {
      const { call, postOne } = await setup();
      const created = await postOne({ identifier: null, eventType: "Bolus", insulin: 2.5, created_at: new Date().toISOString(), enteredBy: "AAPS", pumpId: 12345, pumpType: "OMNIPOD_DASH", pumpSerial: "ABC123" });
      expect(created._id).toMatch(HEX24);
      expect(created.pumpId).toBe(12345);
      // Nightscout only logs the identifier here. Its source keeps the sent `identifier: null` in the
      // document (normalizeTreatmentId and prepareData leave it; upsertQueryFor falls back to
      // created_at + eventType) and answers it: so does GlucoLens, under the new `_id`.
      expect(created).toHaveProperty("identifier", null);
      const listed = await call(`/api/v1/treatments?find[_id]=${created._id}`);
      expect(listed.json).toEqual([expect.objectContaining({ _id: created._id, identifier: null, insulin: 2.5, pumpSerial: "ABC123" })]);
    });

    it("TEST-ID-005: AAPS with identifier: ObjectId uses provided id", async () => {
      const { postOne } = await setup();
      const existingId = "507f1f77bcf86cd799439011";
      const created = await postOne({ identifier: existingId, eventType: "Bolus", insulin: 3.0, created_at: new Date().toISOString(), enteredBy: "AAPS", pumpId: 12345, pumpType: "OMNIPOD_DASH", pumpSerial: "ABC123" });
      expect(created.identifier).toBe(existingId);
      expect(created._id).toMatch(HEX24);
    });

    it("TEST-ID-006: xDrip+ with uuid + _id fields both preserved", async () => {
      const { postOne } = await setup();
      const xdripUuid = `xdrip-uuid-${Date.now()}`;
      const xdripId = "507f1f77bcf86cd799439012";
      const created = await postOne({ _id: xdripId, uuid: xdripUuid, eventType: "BG Check", glucose: 120, glucoseType: "Finger", created_at: new Date().toISOString(), enteredBy: "xDrip+" });
      expect(created.uuid).toBe(xdripUuid);
      expect(created._id).toMatch(HEX24);
      // Nightscout logs the `_id`: a valid ObjectId `_id` is the upsert key and the stored id (normalizeTreatmentId, upsertQueryFor).
      expect(created._id).toBe(xdripId);
    });
  });

  describe("v1 API Identity Behavior", () => {
    it("TEST-V1-ID-001: No id field generates ObjectId", async () => {
      const { postOne } = await setup();
      const created = await postOne({ eventType: "Note", notes: "Test note without id", created_at: new Date().toISOString(), enteredBy: "Test" });
      expect(created._id).toMatch(HEX24);
    });

    it("TEST-V1-ID-002: Valid ObjectId _id is used as-is", async () => {
      const { postOne } = await setup();
      const objectId = "507f1f77bcf86cd799439013";
      const created = await postOne({ _id: objectId, eventType: "Note", notes: "Test with valid ObjectId", created_at: new Date().toISOString(), enteredBy: "Test" });
      expect(created._id).toBe(objectId);
    });

    it("TEST-V1-ID-003: UUID string _id promoted to identifier (REQ-SYNC-072)", async () => {
      const { postOne } = await setup();
      const uuid = "C3D4E5F6-A7B8-9012-CDEF-345678901234";
      const created = await postOne({ _id: uuid, eventType: "Temporary Override", created_at: new Date().toISOString(), enteredBy: "Loop", duration: 60, reason: "UUID test" });
      expect(created.identifier).toBe(uuid);
      expect(created._id).toMatch(HEX24);
      expect(created._id).not.toBe(uuid);
    });

    it("TEST-V1-ID-004: syncIdentifier NOT copied to identifier (scope fix)", async () => {
      const { postOne } = await setup();
      const syncId = `sync-id-${Date.now()}`;
      const created = await postOne({ eventType: "Carb Correction", carbs: 20, created_at: new Date().toISOString(), enteredBy: "loop://iPhone", syncIdentifier: syncId });
      expect(created.syncIdentifier).toBe(syncId);
      expect(created.identifier).toBeUndefined();
      expect(created._id).toMatch(HEX24);
    });
  });

  describe("Deduplication by Identity Fields", () => {
    it("duplicate identifier does not create second document", async () => {
      const { call, postOne } = await setup();
      const identifier = `dedup-test-${Date.now()}`;
      const first = await postOne({ identifier, eventType: "Note", notes: "First", created_at: new Date().toISOString(), enteredBy: "Test" });
      const second = await call("/api/v1/treatments/", { body: [{ identifier, eventType: "Note", notes: "Second (should update)", created_at: new Date(Date.now() + 1000).toISOString(), enteredBy: "Test" }] });
      expect(second.status, JSON.stringify(second.json)).toBe(200);
      // ctx.treatments.list({ find: { identifier } }).
      const list = await call(`/api/v1/treatments?find[identifier]=${identifier}`);
      expect(list.json).toHaveLength(1);
      // The update keeps the stored `_id` and answers it (REQ-SYNC-072's lookup after an update by identifier).
      expect(second.json[0]._id).toBe(first._id);
      expect(list.json[0]).toMatchObject({ _id: first._id, notes: "Second (should update)" });
    });

    it("different identifiers create separate documents", async () => {
      const { call } = await setup();
      const at = new Date().toISOString();
      const id1 = `unique-1-${Date.now()}`;
      const id2 = `unique-2-${Date.now()}`;
      const res = await call("/api/v1/treatments/", {
        body: [
          { identifier: id1, eventType: "Note", notes: "Note 1", created_at: at, enteredBy: "Test" },
          { identifier: id2, eventType: "Note", notes: "Note 2", created_at: at, enteredBy: "Test" },
        ],
      });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json).toHaveLength(2);
      // ctx.treatments.list({}).
      const list = await call("/api/v1/treatments");
      expect(list.json).toHaveLength(2);
      expect(list.json.map((d: Doc) => d.identifier).sort()).toEqual([id1, id2].sort());
    });
  });
});

describe("tests/issue-6923-legacy-uuid.test.js (Legacy UUID override edit/delete)", () => {
  const LEGACY_UUID = "69F15FD2-8075-4DEB-AEA3-4352F455840D";
  const LEGACY_OVERRIDE = {
    _id: LEGACY_UUID,
    eventType: "Temporary Override",
    created_at: "2026-02-17T02:00:16.000Z",
    timestamp: "2026-02-17T02:00:16Z",
    durationType: "indefinite",
    correctionRange: [90, 110],
    insulinNeedsScaleFactor: 1.2,
    reason: "Legacy Override",
    enteredBy: "Loop",
    utcOffset: 0,
  };
  // Outside the 4-day default window, so reads of the whole collection name a date.
  const SINCE = "find[created_at][$gte]=2026-01-01T00:00:00.000Z";

  /**
   * Nightscout inserts the override straight into MongoDB with the UUID as `_id` and no
   * identifier, as it stored Loop's overrides before normalizeTreatmentId. GlucoLens has never
   * stored a `_id` that is not 24 hex digits (the `ns_id` column; before migration 0009 a sent `_id`
   * was dropped, since then a UUID one becomes the identifier), so the override a user has is the
   * one Loop's upload left: posted here, and its row checked in place of Nightscout's
   * `stored._id === UUID` / no identifier.
   */
  async function insertLegacyDoc() {
    const s = await setup();
    const res = await s.call("/api/v1/treatments/", { body: { ...LEGACY_OVERRIDE } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const db = await userD1ByEmail(s.a.email);
    const rows = await db.prepare("SELECT ns_id, identifier, doc FROM nightscout_treatments WHERE identifier = ? AND is_valid = 1").bind(LEGACY_UUID).all<{ ns_id: string; identifier: string; doc: string }>();
    expect(rows.results).toHaveLength(1);
    const row = rows.results[0]!;
    expect(row.ns_id).toMatch(HEX24);
    expect(JSON.parse(row.doc)).not.toHaveProperty("_id");
    return { ...s, nsId: row.ns_id };
  }

  describe("DELETE legacy UUID override via API", () => {
    it("DELETE /api/v1/treatments/:uuid should actually remove the legacy document", async () => {
      const { call } = await insertLegacyDoc();
      const res = await call(`/api/v1/treatments/${LEGACY_UUID}`, { method: "DELETE" });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json.deletedCount).toBeGreaterThan(0);
      expect((await call(`/api/v1/treatments/?${SINCE}`)).json).toEqual([]);
    });
  });

  describe("PUT (edit/save) legacy UUID override via API", () => {
    it("PUT /api/v1/treatments/ with UUID _id should update in place, not create a duplicate", async () => {
      const { call, nsId } = await insertLegacyDoc();
      const updated = { ...LEGACY_OVERRIDE, reason: "Edited Override", insulinNeedsScaleFactor: 1.5 };
      // Nightscout's answer may never arrive (data-received processing); here it is the saved document.
      const put = await call("/api/v1/treatments/", { method: "PUT", body: updated });
      expect(put.status, JSON.stringify(put.json)).toBe(200);
      expect(put.json).toMatchObject({ _id: nsId, identifier: LEGACY_UUID, reason: "Edited Override" });
      // rawCollection().find({ eventType: 'Temporary Override' }).
      const docs = (await call(`/api/v1/treatments/?find[eventType]=Temporary%20Override&${SINCE}`)).json;
      expect(docs).toHaveLength(1);
      expect(docs[0]).toMatchObject({ _id: nsId, identifier: LEGACY_UUID, reason: "Edited Override", insulinNeedsScaleFactor: 1.5 });
    });
  });

  describe("GET legacy UUID override via API", () => {
    it("GET /api/v1/treatments/?find[_id]=UUID should find the legacy document", async () => {
      const { call, nsId } = await insertLegacyDoc();
      const res = await call(`/api/v1/treatments/?find[_id]=${LEGACY_UUID}`);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(Array.isArray(res.json)).toBe(true);
      expect(res.json).toHaveLength(1);
      expect(res.json[0]).toMatchObject({ _id: nsId, identifier: LEGACY_UUID, reason: "Legacy Override" });
    });
  });
});
