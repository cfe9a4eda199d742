/**
 * Loop's carb, dose and override uploads over Nightscout v1 (worker/nightscout/treatments.ts):
 * ported whole from nightscout/cgm-remote-monitor tests/carb-dose-upload.test.js and
 * tests/gap-treat-012.test.js, with the fixtures of tests/fixtures/loop-override.js. Nightscout
 * mounts the API at `/api/`; production (and GlucoLens) serve it at `/api/v1/`. Where Nightscout
 * reads its database (`ctx.treatments.list`), these tests read the same documents back through
 * GET with the same `find`. Nightscout's tests run with UUID_HANDLING at its default (true), the
 * one behaviour GlucoLens has: a non-ObjectId `_id` becomes the `identifier`
 * (lib/server/treatments.js normalizeTreatmentId).
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { register } from "./helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";

const MIN = 60_000;
const HEX24 = /^[0-9a-f]{24}$/;

type Doc = Record<string, any>;

/** A fresh user and its uploader: each test has its own data, as Nightscout's beforeEach clears the treatments. */
async function setup() {
  const a = await register();
  const up = await uploader(a.access, "Loop");
  const call = (path: string, init: { method?: string; body?: unknown } = {}) => ns(up.apiSecret, path, init);
  const post = async (body: unknown): Promise<Doc[]> => {
    const res = await call("/api/v1/treatments/", { body });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json;
  };
  // ctx.treatments.list({ find: { field: value } }), or every treatment for an empty `find`.
  const list = async (find: Record<string, string> = {}): Promise<Doc[]> => {
    const query = Object.entries(find).map(([k, v]) => `find[${k}]=${encodeURIComponent(v)}`);
    const res = await call(`/api/v1/treatments?${[...query, "count=1000"].join("&")}`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json;
  };
  return { call, post, list };
}

const iso = (ms = 0) => new Date(Date.now() + ms).toISOString();
const minutesAgo = (m: number) => iso(-m * MIN);
const hoursAgo = (h: number) => iso(-h * 60 * MIN);

// tests/fixtures/loop-override.js: Loop's OverrideTreatment.swift sends a UUID as `_id`. Built on
// each call, as each Nightscout test requires the module fresh within its run.
const loopOverride = () => ({
  standardOverride: { _id: "A1B2C3D4-E5F6-7890-ABCD-EF1234567890", eventType: "Temporary Override", created_at: minutesAgo(30), enteredBy: "Loop", duration: 60, correctionRange: [90, 110], insulinNeedsScaleFactor: 1.2, reason: "Custom Override" },
  indefiniteOverride: { _id: "B2C3D4E5-F6A7-8901-BCDE-F23456789012", eventType: "Temporary Override", created_at: minutesAgo(15), enteredBy: "Loop", durationType: "indefinite", correctionRange: [100, 120], insulinNeedsScaleFactor: 1.0, reason: "Running Low" },
  remoteOverride: { _id: "C3D4E5F6-A7B8-9012-CDEF-345678901234", eventType: "Temporary Override", created_at: minutesAgo(5), enteredBy: "Loop (via remote command)", duration: 120, correctionRange: [150, 180], insulinNeedsScaleFactor: 0.5, reason: "Workout" },
  updateScenario: {
    original: { _id: "E5F6A7B8-C9D0-1234-EFAB-567890123456", eventType: "Temporary Override", created_at: hoursAgo(2), enteredBy: "Loop", duration: 60, correctionRange: [100, 120], insulinNeedsScaleFactor: 1.0, reason: "Original Override" },
    updated: { _id: "E5F6A7B8-C9D0-1234-EFAB-567890123456", eventType: "Temporary Override", created_at: hoursAgo(1), enteredBy: "Loop", duration: 120, correctionRange: [110, 130], insulinNeedsScaleFactor: 0.8, reason: "Updated Override" },
  },
  deleteScenario: {
    toDelete: { _id: "F6A7B8C9-D0E1-2345-FABC-678901234567", eventType: "Temporary Override", created_at: minutesAgo(45), enteredBy: "Loop", duration: 90, correctionRange: [95, 115], insulinNeedsScaleFactor: 1.1, reason: "To Be Deleted" },
  },
  batchOverrides: [
    { _id: "11111111-1111-1111-1111-111111111111", eventType: "Temporary Override", created_at: hoursAgo(3), enteredBy: "Loop", duration: 30, correctionRange: [90, 100], insulinNeedsScaleFactor: 1.0, reason: "First Override" },
    { _id: "22222222-2222-2222-2222-222222222222", eventType: "Temporary Override", created_at: hoursAgo(2), enteredBy: "Loop", duration: 45, correctionRange: [100, 110], insulinNeedsScaleFactor: 0.9, reason: "Second Override" },
    { _id: "33333333-3333-3333-3333-333333333333", eventType: "Temporary Override", created_at: hoursAgo(1), enteredBy: "Loop", duration: 60, correctionRange: [80, 90], insulinNeedsScaleFactor: 1.2, reason: "Third Override" },
  ],
  duplicateScenario: {
    first: { _id: "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE", eventType: "Temporary Override", created_at: minutesAgo(60), enteredBy: "Loop", duration: 60, correctionRange: [100, 110], insulinNeedsScaleFactor: 1.0, reason: "Original Post" },
    repost: { _id: "AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE", eventType: "Temporary Override", created_at: minutesAgo(30), enteredBy: "Loop", duration: 90, correctionRange: [110, 120], insulinNeedsScaleFactor: 1.1, reason: "Reposted Override" },
  },
  mixedBatch: [
    // Not a UUID ("UUID1234"): normalizeTreatmentId moves any non-ObjectId string `_id`.
    { _id: "UUID1234-5678-90AB-CDEF-111111111111", eventType: "Temporary Override", created_at: minutesAgo(20), enteredBy: "Loop", duration: 60, correctionRange: [100, 110], insulinNeedsScaleFactor: 1.0, reason: "Override With UUID" },
    { eventType: "Carb Correction", carbs: 15, created_at: minutesAgo(15), enteredBy: "loop://iPhone", absorptionTime: 180 },
    { eventType: "Bolus", insulin: 2.5, created_at: minutesAgo(10), enteredBy: "loop://iPhone" },
  ],
});

describe("tests/carb-dose-upload.test.js", () => {
  describe("Loop Carb Upload Tests", () => {
    describe("TEST-CARB-001: Create carb entry with syncIdentifier", () => {
      it("creates carb with syncIdentifier, absorptionTime preserved", async () => {
        const { post } = await setup();
        const syncId = `loop-carb-${Date.now()}`;
        const [created] = await post([{ eventType: "Carb Correction", carbs: 25, created_at: iso(), enteredBy: "loop://iPhone", syncIdentifier: syncId, absorptionTime: 180 }]);
        expect(created!.syncIdentifier).toBe(syncId);
        expect(created!.carbs).toBe(25);
        expect(created!.absorptionTime).toBe(180);
        expect(created!._id).toMatch(HEX24);
      });

      it("creates carb with fat and protein (Warsaw method)", async () => {
        const { post } = await setup();
        const [created] = await post([{ eventType: "Carb Correction", carbs: 30, fat: 15, protein: 20, created_at: iso(), enteredBy: "loop://iPhone", syncIdentifier: `loop-fpu-${Date.now()}`, absorptionTime: 240 }]);
        expect(created!.carbs).toBe(30);
        expect(created!.fat).toBe(15);
        expect(created!.protein).toBe(20);
      });
    });

    describe("TEST-CARB-002: Create carb with id (from cache)", () => {
      it("POST with both id and syncIdentifier (cache rebuild scenario)", async () => {
        const { post } = await setup();
        const syncId = `loop-carb-cached-${Date.now()}`;
        const cachedId = "507f1f77bcf86cd799439020";
        const [created] = await post([{ _id: cachedId, eventType: "Carb Correction", carbs: 20, created_at: iso(), enteredBy: "loop://iPhone", syncIdentifier: syncId, absorptionTime: 180 }]);
        expect(created!.syncIdentifier).toBe(syncId);
        expect(created!._id).toMatch(HEX24);
        // normalizeTreatmentId keeps a valid ObjectId `_id` (upsertQueryFor files the document under it).
        expect(created!._id).toBe(cachedId);
        expect(created!.identifier).toBeUndefined();
      });
    });

    describe("TEST-CARB-003: Update carb via cached id", () => {
      it("PUT with cached _id updates carb values", async () => {
        const { call, post, list } = await setup();
        const syncId = `loop-carb-update-${Date.now()}`;
        const [original] = await post([{ eventType: "Carb Correction", carbs: 25, created_at: iso(), enteredBy: "loop://iPhone", syncIdentifier: syncId, absorptionTime: 180 }]);
        const serverId = original!._id;
        const put = await call("/api/v1/treatments/", { method: "PUT", body: { _id: serverId, eventType: "Carb Correction", carbs: 35, created_at: iso(), enteredBy: "loop://iPhone", syncIdentifier: syncId, absorptionTime: 240 } });
        expect(put.status, JSON.stringify(put.json)).toBe(200);
        const found = await list({ syncIdentifier: syncId });
        expect(found).toHaveLength(1);
        expect(found[0]!.carbs).toBe(35);
        expect(found[0]!.absorptionTime).toBe(240);
        expect(found[0]!._id).toBe(serverId);
      });
    });

    describe("TEST-CARB-004: Delete carb via cached id", () => {
      it("DELETE with cached _id removes carb", async () => {
        const { call, post, list } = await setup();
        const syncId = `loop-carb-delete-${Date.now()}`;
        const [carb] = await post([{ eventType: "Carb Correction", carbs: 15, created_at: iso(), enteredBy: "loop://iPhone", syncIdentifier: syncId }]);
        expect(await list({ syncIdentifier: syncId })).toHaveLength(1);
        const del = await call(`/api/v1/treatments/${carb!._id}`, { method: "DELETE" });
        expect(del.status, JSON.stringify(del.json)).toBe(200);
        expect(await list({ syncIdentifier: syncId })).toHaveLength(0);
      });
    });
  });

  describe("Loop Dose Upload Tests", () => {
    describe("TEST-DOSE-001: Bolus with syncIdentifier", () => {
      it("creates bolus with syncIdentifier and insulin", async () => {
        const { post } = await setup();
        const syncId = `loop-bolus-${Date.now()}`;
        const [created] = await post([{ eventType: "Bolus", insulin: 2.5, created_at: iso(), enteredBy: "loop://iPhone", syncIdentifier: syncId }]);
        expect(created!.syncIdentifier).toBe(syncId);
        expect(created!.insulin).toBe(2.5);
        expect(created!.eventType).toBe("Bolus");
        expect(created!._id).toMatch(HEX24);
      });

      it("creates meal bolus with carbs and insulin", async () => {
        const { post } = await setup();
        const [created] = await post([{ eventType: "Meal Bolus", insulin: 5.0, carbs: 45, created_at: iso(), enteredBy: "loop://iPhone", syncIdentifier: `loop-mealbolus-${Date.now()}` }]);
        expect(created!.insulin).toBe(5.0);
        expect(created!.carbs).toBe(45);
      });
    });

    describe("TEST-DOSE-002: Temp basal with syncIdentifier", () => {
      it("creates temp basal with rate and duration", async () => {
        const { post } = await setup();
        const syncId = `loop-tempbasal-${Date.now()}`;
        const [created] = await post([{ eventType: "Temp Basal", rate: 1.5, absolute: 1.5, duration: 30, created_at: iso(), enteredBy: "loop://iPhone", syncIdentifier: syncId }]);
        expect(created!.syncIdentifier).toBe(syncId);
        expect(created!.rate).toBe(1.5);
        expect(created!.duration).toBe(30);
        expect(created!._id).toMatch(HEX24);
      });

      it("creates suspend (zero rate temp basal)", async () => {
        const { post } = await setup();
        const [created] = await post([{ eventType: "Temp Basal", rate: 0, absolute: 0, duration: 30, created_at: iso(), enteredBy: "loop://iPhone", syncIdentifier: `loop-suspend-${Date.now()}` }]);
        expect(created!.rate).toBe(0);
        // prepareData drops only a NaN `absolute` (deleteIfNaN), so a zero rate is kept.
        expect(created!.absolute).toBe(0);
      });
    });

    describe("TEST-DOSE-003: Update dose via cached id", () => {
      it("PUT bolus with cached _id updates insulin", async () => {
        const { call, post, list } = await setup();
        const syncId = `loop-bolus-update-${Date.now()}`;
        const [original] = await post([{ eventType: "Bolus", insulin: 2.0, created_at: iso(), enteredBy: "loop://iPhone", syncIdentifier: syncId }]);
        const put = await call("/api/v1/treatments/", { method: "PUT", body: { _id: original!._id, eventType: "Bolus", insulin: 2.5, created_at: iso(), enteredBy: "loop://iPhone", syncIdentifier: syncId } });
        expect(put.status, JSON.stringify(put.json)).toBe(200);
        const found = await list({ syncIdentifier: syncId });
        expect(found).toHaveLength(1);
        expect(found[0]!.insulin).toBe(2.5);
      });
    });

    describe("TEST-DOSE-005: Hex string syncIdentifier (pump events)", () => {
      it("hex-encoded pump event ID preserved as syncIdentifier", async () => {
        const { post } = await setup();
        // Loop uses hex-encoded pump event raw data as syncIdentifier.
        const hexSyncId = "deadbeef0123456789abcdef01234567";
        const [created] = await post([{ eventType: "Bolus", insulin: 1.0, created_at: iso(), enteredBy: "loop://iPhone", syncIdentifier: hexSyncId }]);
        expect(created!.syncIdentifier).toBe(hexSyncId);
        expect(created!._id).toMatch(HEX24);
        expect(created!._id).not.toBe(hexSyncId);
      });

      it("short hex string also preserved", async () => {
        const { post } = await setup();
        const shortHex = "aabbccdd";
        const [created] = await post([{ eventType: "Temp Basal", rate: 0.5, duration: 30, created_at: iso(), enteredBy: "loop://iPhone", syncIdentifier: shortHex }]);
        expect(created!.syncIdentifier).toBe(shortHex);
      });
    });

    describe("Mixed Dose Batch", () => {
      it("batch with bolus and temp basals maintains order", async () => {
        const { post } = await setup();
        const now = Date.now();
        const created = await post([
          { eventType: "Bolus", insulin: 2.0, created_at: iso(), enteredBy: "loop://iPhone", syncIdentifier: `batch-bolus-${now}` },
          { eventType: "Temp Basal", rate: 1.2, duration: 30, created_at: iso(MIN), enteredBy: "loop://iPhone", syncIdentifier: `batch-tb1-${now}` },
          { eventType: "Temp Basal", rate: 0.8, duration: 30, created_at: iso(2 * MIN), enteredBy: "loop://iPhone", syncIdentifier: `batch-tb2-${now}` },
        ]);
        expect(created).toHaveLength(3);
        expect(created.map((t) => t.eventType)).toEqual(["Bolus", "Temp Basal", "Temp Basal"]);
        expect(created.map((t) => t.rate)).toEqual([undefined, 1.2, 0.8]);
      });
    });
  });
});

describe("tests/gap-treat-012.test.js", () => {
  describe("GAP-TREAT-012: Loop Override UUID Handling", () => {
    describe("TEST-GAP-001: Loop override POST with UUID as _id", () => {
      it("accepts UUID _id and promotes to identifier field", async () => {
        const { post } = await setup();
        const fixture = loopOverride().standardOverride;
        const body = await post([fixture]);
        expect(Array.isArray(body)).toBe(true);
        expect(body).toHaveLength(1);
        const created = body[0]!;
        expect(created.identifier).toBe(fixture._id);
        expect(created._id).toMatch(HEX24);
        expect(created._id).not.toBe(fixture._id);
        expect(created.eventType).toBe("Temporary Override");
        expect(created.reason).toBe("Custom Override");
      });

      it("indefinite override UUID is preserved in identifier", async () => {
        const { post } = await setup();
        const fixture = loopOverride().indefiniteOverride;
        const [created] = await post([fixture]);
        expect(created!.identifier).toBe(fixture._id);
        expect(created!._id).toMatch(HEX24);
        expect(created!.durationType).toBe("indefinite");
      });

      it("remote command override UUID is preserved in identifier", async () => {
        const { post } = await setup();
        const fixture = loopOverride().remoteOverride;
        const [created] = await post([fixture]);
        expect(created!.identifier).toBe(fixture._id);
        expect(created!.enteredBy).toBe("Loop (via remote command)");
      });
    });

    describe("TEST-GAP-002: Loop override DELETE by UUID", () => {
      it("can delete override using identifier query", async () => {
        const { call, post, list } = await setup();
        const fixture = loopOverride().deleteScenario.toDelete;
        const [created] = await post([fixture]);
        expect(await list({ identifier: fixture._id })).toHaveLength(1);
        // Deleted by the server-assigned _id (the standard method).
        const del = await call(`/api/v1/treatments/${created!._id}`, { method: "DELETE" });
        expect(del.status, JSON.stringify(del.json)).toBe(200);
        expect(await list({ identifier: fixture._id })).toHaveLength(0);
      });

      it("can find override by identifier after creation", async () => {
        const { post, list } = await setup();
        const fixture = loopOverride().standardOverride;
        await post([fixture]);
        const found = await list({ identifier: fixture._id });
        expect(found).toHaveLength(1);
        expect(found[0]!.identifier).toBe(fixture._id);
      });
    });

    describe("TEST-GAP-003: Loop override UPDATE by UUID", () => {
      it("PUT with UUID _id updates existing override", async () => {
        const { call, post, list } = await setup();
        const scenario = loopOverride().updateScenario;
        const [original] = await post([scenario.original]);
        const put = await call("/api/v1/treatments/", { method: "PUT", body: scenario.updated });
        expect(put.status, JSON.stringify(put.json)).toBe(200);
        const found = await list({ identifier: scenario.original._id });
        expect(found).toHaveLength(1);
        const updated = found[0]!;
        expect(updated.identifier).toBe(scenario.original._id);
        expect(updated.duration).toBe(120);
        expect(updated.reason).toBe("Updated Override");
        // replaceOne: the whole document is the new one.
        expect(updated.correctionRange).toEqual([110, 130]);
        expect(updated.insulinNeedsScaleFactor).toBe(0.8);
        expect(updated.created_at).toBe(scenario.updated.created_at);
        // save: the update by identifier keeps the document's _id (REQ-SYNC-072 findOne).
        expect(updated._id).toBe(original!._id);
        expect(put.json._id).toBe(original!._id);
      });
    });

    describe("TEST-GAP-004: Loop override re-POST (upsert by identifier)", () => {
      it("re-POST same UUID updates instead of creating duplicate", async () => {
        const { post, list } = await setup();
        const scenario = loopOverride().duplicateScenario;
        const [first] = await post([scenario.first]);
        const [again] = await post([scenario.repost]);
        // create: a document updated by identifier is answered with its existing _id.
        expect(again!._id).toBe(first!._id);
        const found = await list({ identifier: scenario.first._id });
        expect(found, "Re-POST should update, not create duplicate").toHaveLength(1);
        expect(found[0]!.duration).toBe(90);
        expect(found[0]!.reason).toBe("Reposted Override");
        expect(found[0]!.correctionRange).toEqual([110, 120]);
        expect(found[0]!.created_at).toBe(scenario.repost.created_at);
      });
    });

    describe("Batch Override Upload", () => {
      it("batch of overrides with UUIDs all get identifier fields", async () => {
        const { post, list } = await setup();
        const batch = loopOverride().batchOverrides;
        const created = await post(batch);
        expect(created).toHaveLength(3);
        expect(created.map((t) => t.identifier)).toEqual(batch.map((t) => t._id));
        for (const t of created) expect(t._id).toMatch(HEX24);
        expect(await list()).toHaveLength(3);
      });

      it("mixed batch with UUID and non-UUID treatments", async () => {
        const { post } = await setup();
        const batch = loopOverride().mixedBatch;
        const created = await post(batch);
        expect(created).toHaveLength(3);
        const override = created.find((t) => t.eventType === "Temporary Override");
        expect(override?.identifier).toBe(batch[0]!._id);
        expect(override?._id).toMatch(HEX24);
        const carb = created.find((t) => t.eventType === "Carb Correction");
        expect(carb?._id).toMatch(HEX24);
        const bolus = created.find((t) => t.eventType === "Bolus");
        expect(bolus?._id).toMatch(HEX24);
      });
    });

    describe("Edge Cases", () => {
      it("handles uppercase UUID", async () => {
        const { post } = await setup();
        const fixture = { _id: "ABCDEF01-2345-6789-ABCD-EF0123456789", eventType: "Temporary Override", created_at: iso(), enteredBy: "Loop", duration: 30, correctionRange: [100, 110], reason: "Uppercase UUID Test" };
        const [created] = await post([fixture]);
        expect(created!.identifier).toBe(fixture._id);
      });

      it("handles lowercase UUID", async () => {
        const { post } = await setup();
        const fixture = { _id: "abcdef01-2345-6789-abcd-ef0123456789", eventType: "Temporary Override", created_at: iso(), enteredBy: "Loop", duration: 30, correctionRange: [100, 110], reason: "Lowercase UUID Test" };
        const [created] = await post([fixture]);
        expect(created!.identifier).toBe(fixture._id);
      });

      it("valid ObjectId string is NOT promoted to identifier", async () => {
        const { post } = await setup();
        const objectIdString = "507f1f77bcf86cd799439011";
        const [created] = await post([{ _id: objectIdString, eventType: "Note", created_at: iso(), enteredBy: "Test", notes: "ObjectId format test" }]);
        expect(created!._id).toMatch(HEX24);
        // normalizeTreatmentId keeps a 24-hex `_id` as the ObjectId and sets no identifier.
        expect(created!._id).toBe(objectIdString);
        expect(created!.identifier).toBeUndefined();
      });
    });
  });
});
