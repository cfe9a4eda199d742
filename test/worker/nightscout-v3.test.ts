/**
 * Nightscout API v3 (`/api/v3`), following nightscout/cgm-remote-monitor's own tests of lib/api3/:
 * tests/api3.basic, .security, .create, .read, .search, .update, .patch, .delete and
 * .generic.workflow .test.js (each `it` names the test it ports), with GlucoLens's additions:
 * fields named in every 400, documents written through v1 seen by v3 (and v1 changes in v3
 * history), entries over readings, and isolation between users.
 */
// Nightscout's v1 documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { api } from "./helpers.ts";
import { ns, sha1Hex } from "./interop-helpers.ts";
import { v3Client, type V3Client } from "./nightscout-v3-helpers.ts";
import { countOnShards } from "./shard-helpers.ts";

const APP = "cgm-remote-monitor.test";
const DEVICE = "openaps://samsung SM-G970F";

/** tests/api3.create.test.js validDoc: a Correction Bolus with date, utcOffset, app and device. */
const validDoc = (over: Record<string, unknown> = {}): Record<string, any> => ({ date: Date.now() - 60_000, utcOffset: -180, app: APP, device: DEVICE, eventType: "Correction Bolus", insulin: 0.3, ...over });

const expectV3Error = (res: { status: number; json: any }, status: number, message: string, field?: string) => {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.json.status).toBe(status);
  expect(res.json.message).toBe(message);
  if (field) expect(res.json.error.fields.map((f: { path: string }) => f.path)).toContain(field);
};

describe("Nightscout API v3: version, status, lastModified, security", () => {
  it("GET /version answers without a credential (api3.basic.test.js 'GET /version')", async () => {
    const res = await api("/api/v3/version");
    expect(res.status).toBe(200);
    expect(res.json.status).toBe(200);
    expect(res.json.result.apiVersion).toMatch(/^3\.\d+\.\d+/);
    expect(typeof res.json.result.version).toBe("string");
    expect(typeof res.json.result.srvDate).toBe("number");
    expect(typeof res.json.result.storage.storage).toBe("string");
    expect(typeof res.json.result.storage.version).toBe("string");
  });

  it("requires a token, refuses a bad one (api3.security.test.js 'should require token', 'should require valid token')", async () => {
    expectV3Error(await api("/api/v3/status"), 401, "Missing or bad access token or JWT");
    expectV3Error(await api("/api/v3/entries"), 401, "Missing or bad access token or JWT");
    // AndroidAPS's NSAuthInterceptor sends an empty bearer first, then fetches a JWT on the 401.
    expectV3Error(await api("/api/v3/status", { headers: { authorization: "Bearer " } }), 401, "Missing or bad access token or JWT");
    expectV3Error(await api("/api/v3/status", { headers: { authorization: "Bearer not-a-token" } }), 401, "Bad access token or JWT");
    expectV3Error(await api("/api/v3/treatments?token=wrong-secret"), 401, "Bad access token or JWT");
    // The v1 api-secret header is not a v3 credential (security.js reads only the bearer token).
    const c = await v3Client();
    expectV3Error(await api("/api/v3/status", { headers: { "api-secret": await sha1Hex(c.secret) } }), 401, "Missing or bad access token or JWT");
  });

  it("accepts the JWT, the uploader secret as a token (Bearer or ?token=) and a GlucoLens access token (authorization.resolve)", async () => {
    const c = await v3Client();
    for (const res of [await c.call("/api/v3/status"), await api(`/api/v3/status?token=${c.jwt}`), await api(`/api/v3/status?token=${c.secret}`), await api("/api/v3/status", { token: c.secret }), await api("/api/v3/status", { token: c.access })]) {
      expect(res.status).toBe(200);
      expect(res.json.result.apiPermissions).toEqual({ devicestatus: "crud", entries: "crud", food: "crud", profile: "crud", settings: "crud", treatments: "crud" });
    }
  });

  it("a revoked uploader's JWT stops working at once", async () => {
    const c = await v3Client();
    const list = await api("/api/v1/uploaders", { token: c.access });
    const id = list.json.items?.[0]?.id ?? list.json[0]?.id;
    expect((await api(`/api/v1/uploaders/${id}`, { method: "DELETE", token: c.access })).status).toBeLessThan(300);
    expectV3Error(await c.call("/api/v3/status"), 401, "Bad access token or JWT");
  });

  it("lastModified answers srvDate and each collection's newest change (api3.generic.workflow.test.js 'LAST MODIFIED')", async () => {
    const c = await v3Client();
    const empty = await c.call("/api/v3/lastModified");
    expect(empty.status).toBe(200);
    expect(typeof empty.json.result.srvDate).toBe("number");
    expect(empty.json.result.collections).toEqual({});
    const created = await c.call("/api/v3/treatments", { body: validDoc() });
    const res = await c.call("/api/v3/lastModified");
    expect(res.json.result.collections.treatments).toBe(created.json.lastModified);
  });

  it("an unknown collection or operation is 404 'Bad operation or collection' (api3.*.test.js 'should not found not existing collection')", async () => {
    const c = await v3Client();
    expectV3Error(await c.call("/api/v3/NOT_EXIST"), 404, "Bad operation or collection");
    expectV3Error(await c.call("/api/v3/NOT_EXIST", { body: validDoc() }), 404, "Bad operation or collection");
  });
});

describe("Nightscout API v3: create (api3.create.test.js)", () => {
  it("should accept valid document: 201, identifier, Location, Last-Modified, srvCreated = srvModified = lastModified", async () => {
    const c = await v3Client();
    const doc = validDoc({ identifier: "a-valid-identifier-1" });
    const res = await c.call("/api/v3/treatments", { body: doc });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ status: 201, identifier: doc.identifier, lastModified: expect.any(Number) });
    expect(res.headers.get("location")).toBe(`/api/v3/treatments/${doc.identifier}`);
    const read = await c.call(`/api/v3/treatments/${doc.identifier}`);
    expect(read.status).toBe(200);
    expect(read.json.result).toMatchObject(doc);
    expect(read.json.result.srvModified).toBe(res.json.lastModified);
    expect(read.json.result.srvCreated).toBe(res.json.lastModified);
    const ms = read.json.result.srvModified % 1000;
    expect(read.json.result.srvModified - ms).toBe(new Date(res.headers.get("last-modified")!).getTime());
  });

  it("should reject empty body, missing/invalid date, utcOffset and app, each naming the field", async () => {
    const c = await v3Client();
    expectV3Error(await c.call("/api/v3/treatments", { body: {} }), 400, "Bad or missing request body", "body");
    expectV3Error(await c.call("/api/v3/treatments", { raw: "{not json" }), 400, "Bad or missing request body", "body");
    const { date: _d, ...noDate } = validDoc();
    expectV3Error(await c.call("/api/v3/treatments", { body: noDate }), 400, "Bad or missing date field", "date");
    for (const date of [null, "ABC", -1, 1, "2019-20-60T08:07:08,576+02:00"]) expectV3Error(await c.call("/api/v3/treatments", { body: validDoc({ date }) }), 400, "Bad or missing date field", "date");
    for (const utcOffset of [-5000, "ABC", null]) expectV3Error(await c.call("/api/v3/treatments", { body: validDoc({ utcOffset }) }), 400, "Bad or missing utcOffset field", "utcOffset");
    const { app: _a, ...noApp } = validDoc();
    expectV3Error(await c.call("/api/v3/treatments", { body: noApp }), 400, "Bad or missing app field", "app");
    for (const app of [null, ""]) expectV3Error(await c.call("/api/v3/treatments", { body: validDoc({ app }) }), 400, "Bad or missing app field", "app");
    // GlucoLens adds: a treatment field v1 refuses is named too; nothing was stored.
    expectV3Error(await c.call("/api/v3/treatments", { body: validDoc({ carbs: "lots" }) }), 400, "Bad or missing carbs field", "carbs");
    expect((await c.call("/api/v3/treatments")).json.result).toEqual([]);
  });

  it("should accept valid utcOffset, and normalize date and store utcOffset", async () => {
    const c = await v3Client();
    const res = await c.call("/api/v3/treatments", { body: validDoc({ identifier: "tz-1", date: "2019-06-10T08:07:08,576+02:00", utcOffset: undefined }) });
    expect(res.status).toBe(201);
    const body = (await c.call("/api/v3/treatments/tz-1")).json.result;
    expect(body.date).toBe(1560146828576);
    expect(body.utcOffset).toBe(120);
    expect(body.created_at).toBe("2019-06-10T06:07:08.576Z");
  });

  it("should upsert document (matched by identifier): 200 with isDeduplication", async () => {
    const c = await v3Client();
    const doc = validDoc({ identifier: "upsert-me" });
    expect((await c.call("/api/v3/treatments", { body: doc })).status).toBe(201);
    const again = await c.call("/api/v3/treatments", { body: { ...doc, insulin: 0.5 } });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ status: 200, identifier: "upsert-me", isDeduplication: true });
    expect(again.json.deduplicatedIdentifier).toBeUndefined();
    expect((await c.call("/api/v3/treatments/upsert-me")).json.result.insulin).toBe(0.5);
    expect((await c.call("/api/v3/treatments")).json.result).toHaveLength(1);
  });

  it("should deduplicate document by created_at+eventType (a v1 document: its _id was the identifier)", async () => {
    const c = await v3Client();
    const date = Date.now() - 120_000;
    const v1 = await ns(await sha1Hex(c.secret), "/api/v1/treatments", { body: { eventType: "Correction Bolus", insulin: 0.3, created_at: new Date(date).toISOString() } });
    const v1Id = v1.json[0]._id as string;
    const res = await c.call("/api/v3/treatments", { body: validDoc({ date, insulin: 0.4, identifier: "new-identifier" }) });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ identifier: "new-identifier", isDeduplication: true, deduplicatedIdentifier: v1Id });
    const read = (await c.call("/api/v3/treatments/new-identifier")).json.result;
    expect(read.insulin).toBe(0.4);
    // One document, the v1 one, and v1 still finds it by its _id.
    const listed = await ns(await sha1Hex(c.secret), "/api/v1/treatments");
    expect(listed.json.map((t: { _id: string }) => t._id)).toEqual([v1Id]);
    expect(listed.json[0].insulin).toBe(0.4);
  });

  it("should not deduplicate treatment only by created_at (another eventType is a new document)", async () => {
    const c = await v3Client();
    const date = Date.now() - 120_000;
    await ns(await sha1Hex(c.secret), "/api/v1/treatments", { body: { eventType: "Correction Bolus", insulin: 0.3, created_at: new Date(date).toISOString() } });
    const res = await c.call("/api/v3/treatments", { body: validDoc({ date, eventType: "Meal Bolus", insulin: 0.4, identifier: "meal-1" }) });
    expect(res.status).toBe(201);
    expect(res.json.isDeduplication).toBeUndefined();
    expect((await c.call("/api/v3/treatments")).json.result).toHaveLength(2);
  });

  it("should overwrite deleted document (200, the new date)", async () => {
    const c = await v3Client();
    const date1 = Date.now() - 600_000;
    await c.call("/api/v3/treatments", { body: validDoc({ identifier: "phoenix", date: new Date(date1).toISOString() }) });
    expect((await c.call("/api/v3/treatments/phoenix", { method: "DELETE" })).status).toBe(200);
    const date2 = Date.now() - 60_000;
    const res = await c.call("/api/v3/treatments", { body: validDoc({ identifier: "phoenix", date: new Date(date2).toISOString() }) });
    expect(res.status).toBe(200);
    expect(res.json.identifier).toBe("phoenix");
    const body = (await c.call("/api/v3/treatments/phoenix")).json.result;
    expect(body.date).toBe(date2);
    expect(body.isValid).toBeUndefined();
  });

  it("should calculate the identifier (uuid v5 of device_date_eventType) and deduplicate by it", async () => {
    const c = await v3Client();
    // Vector from Python: uuid.uuid5(uuid.UUID(bytes=b"NightscoutRocks!"), "openaps://samsung SM-G970F_1700000000000_Correction Bolus").
    const expected = "f31fd7f5-ab30-5545-98be-47b4d6799c7c";
    const doc = validDoc({ date: 1_700_000_000_000 });
    const res = await c.call("/api/v3/treatments", { body: doc });
    expect(res.status).toBe(201);
    expect(res.json.identifier).toBe(expected);
    expect(res.headers.get("location")).toBe(`/api/v3/treatments/${expected}`);
    const again = await c.call("/api/v3/treatments", { body: doc });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ identifier: expected, isDeduplication: true });
    expect(again.json.deduplicatedIdentifier).toBeUndefined();
    expect((await c.call(`/api/v3/treatments?date$eq=${doc.date}`)).json.result).toHaveLength(1);
  });

  it("a v3 treatment is mapped onto GlucoLens records like a v1 one, and a v3 delete removes them", async () => {
    const c = await v3Client();
    await c.call("/api/v3/treatments", { body: validDoc({ identifier: "meal-bolus", eventType: "Meal Bolus", carbs: 30, insulin: 2 }) });
    const meals = await api("/api/v1/meals", { token: c.access });
    const insulin = await api("/api/v1/insulin", { token: c.access });
    expect(meals.json.items.map((m: { carbs: number }) => m.carbs)).toEqual([30]);
    expect(insulin.json.items.map((m: { units: number }) => m.units)).toEqual([2]);
    await c.call("/api/v3/treatments/meal-bolus", { method: "DELETE" });
    expect((await api("/api/v1/meals", { token: c.access })).json.items).toEqual([]);
    expect((await api("/api/v1/insulin", { token: c.access })).json.items).toEqual([]);
  });
});

describe("Nightscout API v3: read (api3.read.test.js)", () => {
  async function created(c: V3Client) {
    const doc = validDoc({ identifier: "read-me" });
    const res = await c.call("/api/v3/treatments", { body: doc });
    expect(res.status).toBe(201);
    return doc;
  }

  it("should not found not existing document; should read just created document; fields", async () => {
    const c = await v3Client();
    const missing = await c.call("/api/v3/treatments/FAKE_IDENTIFIER");
    expect(missing.status).toBe(404);
    expect(missing.json.status).toBe(404);
    const doc = await created(c);
    const res = await c.call("/api/v3/treatments/read-me");
    expect(res.json.status).toBe(200);
    expect(res.json.result).toMatchObject(doc);
    expect(res.json.result._id).toBeUndefined();
    // insert.js: `subject` is the credential's subject, here the uploader the JWT was issued for.
    expect(res.json.result.subject).toBe("AndroidAPS");
    // should contain only selected fields / all fields
    expect((await c.call("/api/v3/treatments/read-me?fields=date,device,subject")).json.result).toEqual({ date: doc.date, device: doc.device, subject: "AndroidAPS" });
    expect((await c.call("/api/v3/treatments/read-me?fields=_all")).json.result).toMatchObject({ ...doc, srvCreated: expect.any(Number), srvModified: expect.any(Number), subject: "AndroidAPS" });
  });

  it("should not send unmodified document since (304), should send modified document since", async () => {
    const c = await v3Client();
    await created(c);
    const later = new Date(Date.now() + 2000).toUTCString();
    const res = await c.call("/api/v3/treatments/read-me", { headers: { "if-modified-since": later } });
    expect(res.status).toBe(304);
    const earlier = new Date(Date.now() - 3_600_000).toUTCString();
    expect((await c.call("/api/v3/treatments/read-me", { headers: { "if-modified-since": earlier } })).status).toBe(200);
  });

  it("should recognize softly deleted document (410), should not find permanently deleted document (404)", async () => {
    const c = await v3Client();
    await created(c);
    expect((await c.call("/api/v3/treatments/read-me", { method: "DELETE" })).json).toEqual({ status: 200 });
    const gone = await c.call("/api/v3/treatments/read-me");
    expect(gone.status).toBe(410);
    expect(gone.json.status).toBe(410);
    expect((await c.call("/api/v3/treatments/read-me?permanent=true", { method: "DELETE" })).status).toBe(200);
    expect((await c.call("/api/v3/treatments/read-me")).status).toBe(404);
  });

  it("should find document created by APIv1 (by its _id), for treatments, devicestatus and food", async () => {
    const c = await v3Client();
    const secret = await sha1Hex(c.secret);
    const t = (await ns(secret, "/api/v1/treatments", { body: { eventType: "Note", notes: "hello", created_at: new Date().toISOString() } })).json[0];
    const res = await c.call(`/api/v3/treatments/${t._id}`);
    expect(res.status).toBe(200);
    expect(res.json.result).toMatchObject({ identifier: t._id, eventType: "Note", notes: "hello" });
    const d = (await ns(secret, "/api/v1/devicestatus", { body: { device: "loop://iPhone", created_at: new Date().toISOString(), loop: { iob: { iob: 1 } } } })).json[0];
    expect((await c.call(`/api/v3/devicestatus/${d._id}`)).json.result).toMatchObject({ identifier: d._id, device: "loop://iPhone" });
    const f = (await ns(secret, "/api/v1/food", { body: { name: "apple", carbs: 12, type: "food" } })).json;
    const foodId = (Array.isArray(f) ? f[0] : f)._id;
    expect((await c.call(`/api/v3/food/${foodId}`)).json.result).toMatchObject({ identifier: foodId, name: "apple" });
  });
});

describe("Nightscout API v3: search (api3.search.test.js)", () => {
  async function seeded() {
    const c = await v3Client();
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < 12; i++) {
      const res = await c.call("/api/v3/treatments", { body: validDoc({ identifier: `s-${String(i).padStart(2, "0")}`, date: base + i * 60_000, insulin: i / 10, eventType: i % 2 ? "Correction Bolus" : "Meal Bolus" }) });
      expect(res.status).toBe(201);
    }
    return { c, base };
  }

  it("limit, skip and sort validation names the parameter", async () => {
    const c = await v3Client();
    for (const limit of ["INVALID", "-1", "0", "1001"]) expectV3Error(await c.call(`/api/v3/entries?limit=${limit}`), 400, "Parameter limit out of tolerance", "limit");
    for (const skip of ["INVALID", "-5"]) expectV3Error(await c.call(`/api/v3/entries?skip=${skip}`), 400, "Parameter skip out of tolerance", "skip");
    expectV3Error(await c.call("/api/v3/entries?sort=date&sort$desc=created_at"), 400, "Parameters sort and sort_desc cannot be combined", "sort$desc");
    expectV3Error(await c.call("/api/v3/entries?date$bad=1"), 400, "Unsupported filter operator bad", "date$bad");
    expectV3Error(await c.call("/api/v3/treatments?notes$re=(unclosed"), 400, "Bad regular expression for notes", "notes$re");
  });

  it("should sort well by date field, skip documents, project fields, not exceed the limit", async () => {
    const { c, base } = await seeded();
    const asc = (await c.call("/api/v3/treatments?sort=date&limit=5")).json.result;
    expect(asc.map((d: { date: number }) => d.date)).toEqual([0, 1, 2, 3, 4].map((i) => base + i * 60_000));
    const desc = (await c.call("/api/v3/treatments?sort$desc=date&limit=3")).json.result;
    expect(desc.map((d: { identifier: string }) => d.identifier)).toEqual(["s-11", "s-10", "s-09"]);
    const skipped = (await c.call("/api/v3/treatments?sort$desc=date&limit=3&skip=3")).json.result;
    expect(skipped.map((d: { identifier: string }) => d.identifier)).toEqual(["s-08", "s-07", "s-06"]);
    const projected = (await c.call("/api/v3/treatments?sort=date&limit=2&fields=date,app,subject")).json.result;
    expect(projected).toEqual([{ date: base, app: APP, subject: "AndroidAPS" }, { date: base + 60_000, app: APP, subject: "AndroidAPS" }]);
    expect((await c.call("/api/v3/treatments?limit=10")).json.result).toHaveLength(10);
  });

  it("filters: eq ne gt gte lt lte in nin re, on columns and on document fields", async () => {
    const { c, base } = await seeded();
    const ids = async (q: string) => (await c.call(`/api/v3/treatments?sort=date&${q}`)).json.result.map((d: { identifier: string }) => d.identifier);
    expect(await ids(`date$gte=${base + 10 * 60_000}`)).toEqual(["s-10", "s-11"]);
    expect(await ids(`date$lt=${base + 2 * 60_000}`)).toEqual(["s-00", "s-01"]);
    expect(await ids(`created_at$gt=${new Date(base + 9 * 60_000).toISOString()}`)).toEqual(["s-10", "s-11"]);
    expect(await ids(`date$lte=${base + 60_000}&eventType=Correction Bolus`)).toEqual(["s-01"]);
    expect(await ids(`eventType$ne=Correction Bolus&date$gt=${base + 7 * 60_000}`)).toEqual(["s-08", "s-10"]);
    expect(await ids("insulin$gte=0.9")).toEqual(["s-09", "s-10", "s-11"]);
    expect(await ids("insulin=0.3")).toEqual(["s-03"]);
    expect(await ids("identifier$in=s-01|s-05|nope")).toEqual(["s-01", "s-05"]);
    expect((await ids("identifier$nin=s-01|s-05")).length).toBe(10);
    expect(await ids("identifier$re=^s-1")).toEqual(["s-10", "s-11"]);
    expect(await ids("app$ne=" + APP)).toEqual([]);
  });
});

describe("Nightscout API v3: update and patch (api3.update.test.js, api3.patch.test.js)", () => {
  it("should upsert not existing document (201), update the document (200), ignore identifier alteration in body", async () => {
    const c = await v3Client();
    const doc = validDoc();
    const created = await c.call("/api/v3/treatments/put-1", { method: "PUT", body: doc });
    expect(created.status).toBe(201);
    expect(created.json.identifier).toBe("put-1");
    const updated = await c.call("/api/v3/treatments/put-1", { method: "PUT", body: { ...doc, insulin: 0.5, identifier: "MODIFIED" } });
    expect(updated.status).toBe(200);
    expect(updated.json.identifier).toBeUndefined();
    const body = (await c.call("/api/v3/treatments/put-1")).json.result;
    expect(body).toMatchObject({ identifier: "put-1", insulin: 0.5 });
    expect(body.srvModified).toBe(updated.json.lastModified);
    expect(body.srvCreated).toBe(created.json.lastModified);
  });

  it("should update unmodified document since, and not update document modified since (412)", async () => {
    const c = await v3Client();
    const doc = validDoc();
    await c.call("/api/v3/treatments/put-2", { method: "PUT", body: doc });
    const ok = await c.call("/api/v3/treatments/put-2", { method: "PUT", body: { ...doc, insulin: 0.6 }, headers: { "if-unmodified-since": new Date(Date.now() + 2000).toUTCString() } });
    expect(ok.status).toBe(200);
    const stale = await c.call("/api/v3/treatments/put-2", { method: "PUT", body: { ...doc, insulin: 0.7 }, headers: { "if-unmodified-since": new Date(Date.now() - 3_600_000).toUTCString() } });
    expect(stale.status).toBe(412);
    expect((await c.call("/api/v3/treatments/put-2")).json.result.insulin).toBe(0.6);
  });

  it("should reject date, utcOffset, eventType, device, app, srvCreated, subject, srvModified, modifiedBy, isValid alteration (PUT and PATCH)", async () => {
    const c = await v3Client();
    // The subject is stamped by the server (the JWT's uploader), modifiedBy kept as sent.
    const doc = validDoc({ subject: "AndroidAPS", modifiedBy: "modifier-1" });
    await c.call("/api/v3/treatments/immutable", { method: "PUT", body: doc });
    const stored = (await c.call("/api/v3/treatments/immutable")).json.result;
    const changes: Record<string, unknown> = { date: doc.date + 10_000, utcOffset: 60, eventType: "Meal Bolus", device: "MODIFIED", app: "MODIFIED", srvCreated: stored.srvCreated + 1, subject: "MODIFIED", srvModified: stored.srvModified + 1, modifiedBy: "MODIFIED", isValid: false };
    for (const [field, value] of Object.entries(changes)) {
      expectV3Error(await c.call("/api/v3/treatments/immutable", { method: "PUT", body: { ...doc, [field]: value } }), 400, `Field ${field} cannot be modified by the client`, field);
      expectV3Error(await c.call("/api/v3/treatments/immutable", { method: "PATCH", body: { [field]: value } }), 400, `Field ${field} cannot be modified by the client`, field);
    }
    expectV3Error(await c.call("/api/v3/treatments/immutable", { method: "PATCH", body: { identifier: "MODIFIED" } }), 400, "Field identifier cannot be modified by the client", "identifier");
  });

  it("should patch document; not found 404; deleted 410 (update: should not update deleted document)", async () => {
    const c = await v3Client();
    expect((await c.call("/api/v3/treatments/nope", { method: "PATCH", body: { insulin: 1 } })).status).toBe(404);
    await c.call("/api/v3/treatments/patch-1", { method: "PUT", body: validDoc() });
    const res = await c.call("/api/v3/treatments/patch-1", { method: "PATCH", body: { carbs: 10, insulin: 0.4 } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 200 });
    const body = (await c.call("/api/v3/treatments/patch-1")).json.result;
    // patch/operation.js stamps modifiedBy with the subject's name; the subject stays the creator.
    expect(body).toMatchObject({ carbs: 10, insulin: 0.4, eventType: "Correction Bolus", app: APP, subject: "AndroidAPS", modifiedBy: "AndroidAPS" });
    expect(body.srvModified).toBeGreaterThanOrEqual(body.srvCreated);
    await c.call("/api/v3/treatments/patch-1", { method: "DELETE" });
    expect((await c.call("/api/v3/treatments/patch-1", { method: "PATCH", body: { insulin: 1 } })).status).toBe(410);
    expect((await c.call("/api/v3/treatments/patch-1", { method: "PUT", body: validDoc() })).status).toBe(410);
  });

  // delete/operation.js sets isValid false, srvModified and modifiedBy (the subject's name).
  it("a soft delete stamps modifiedBy with the uploader's name, seen in history, for treatments, device status, food and entries", async () => {
    const c = await v3Client("xDrip-phone");
    const date = Date.now() - 60_000;
    const docs = {
      treatments: validDoc({ identifier: "del-t" }),
      devicestatus: { identifier: "del-d", date, utcOffset: 0, app: APP, device: "phone" },
      food: { identifier: "del-f", date, utcOffset: 0, app: APP, name: "apple" },
      entries: { identifier: "del-e", date, utcOffset: 0, app: APP, device: "xDrip", type: "sgv", sgv: 120 },
    };
    for (const [collection, doc] of Object.entries(docs)) {
      expect((await c.call(`/api/v3/${collection}`, { method: "POST", body: doc })).status, collection).toBe(201);
      expect((await c.call(`/api/v3/${collection}/${doc.identifier}`, { method: "DELETE" })).status, collection).toBe(200);
      const history = (await c.call(`/api/v3/${collection}/history/${date - 1000}`)).json.result as Record<string, unknown>[];
      expect(history.find((d) => d.identifier === doc.identifier), collection).toMatchObject({ isValid: false, modifiedBy: "xDrip-phone", subject: "xDrip-phone" });
    }
  });

  it("should not modify read-only document (422; api3.generic.workflow.test.js)", async () => {
    const c = await v3Client();
    await c.call("/api/v3/treatments/ro", { method: "PUT", body: validDoc({ isReadOnly: true }) });
    expectV3Error(await c.call("/api/v3/treatments/ro", { method: "PATCH", body: { insulin: 1 } }), 422, "Trying to modify read-only document", "isReadOnly");
    expectV3Error(await c.call("/api/v3/treatments/ro", { method: "DELETE" }), 422, "Trying to modify read-only document", "isReadOnly");
  });
});

describe("Nightscout API v3: the generic workflow with history (api3.generic.workflow.test.js)", () => {
  it("CREATE, READ, SEARCH, HISTORY, UPDATE, PATCH, soft DELETE, permanent DELETE", async () => {
    const c = await v3Client();
    const doc = validDoc({ identifier: "workflow", insulin: 1 });
    const start = (await c.call("/api/v3/lastModified")).json.result.srvDate as number;
    expect((await c.call("/api/v3/treatments/workflow")).status).toBe(404);
    expect((await c.call("/api/v3/treatments?identifier=workflow")).json.result).toEqual([]);
    expect((await c.call("/api/v3/treatments/workflow", { method: "DELETE" })).status).toBe(404);
    expect((await c.call("/api/v3/treatments", { body: doc })).status).toBe(201);
    expect((await c.call("/api/v3/treatments?identifier=workflow")).json.result).toHaveLength(1);

    const history = async () => {
      const res = await c.call(`/api/v3/treatments/history/${start - 1}`);
      expect(res.status).toBe(200);
      return res;
    };
    let h = await history();
    expect(h.json.result.map((d: { identifier: string }) => d.identifier)).toEqual(["workflow"]);
    const first = h.json.result[0].srvModified as number;
    expect(h.headers.get("etag")).toBe(`W/"${first}"`);
    expect(h.headers.get("last-modified")).toBe(new Date(first).toUTCString());

    await c.call("/api/v3/treatments/workflow", { method: "PUT", body: { ...doc, insulin: 0.5 } });
    h = await history();
    expect(h.json.result[0].insulin).toBe(0.5);
    await c.call("/api/v3/treatments/workflow", { method: "PATCH", body: { carbs: 10 } });
    expect((await c.call("/api/v3/treatments/workflow")).json.result).toMatchObject({ insulin: 0.5, carbs: 10 });

    await c.call("/api/v3/treatments/workflow", { method: "DELETE" });
    expect((await c.call("/api/v3/treatments/workflow")).status).toBe(410);
    expect((await c.call("/api/v3/treatments?identifier=workflow")).json.result).toEqual([]);
    h = await history();
    expect(h.json.result).toHaveLength(1);
    expect(h.json.result[0]).toMatchObject({ identifier: "workflow", isValid: false });

    // history with the Last-Modified header instead of a path (inclusive, whole seconds).
    const byHeader = await c.call("/api/v3/treatments/history", { headers: { "last-modified": new Date(start - 1000).toUTCString() } });
    expect(byHeader.json.result.map((d: { identifier: string }) => d.identifier)).toEqual(["workflow"]);
    expectV3Error(await c.call("/api/v3/treatments/history"), 400, "Bad or missing Last-Modified header/parameter", "Last-Modified");
    expectV3Error(await c.call("/api/v3/treatments/history/NOT-A-DATE"), 400, "Bad or missing Last-Modified header/parameter", "lastModified");

    await c.call("/api/v3/treatments/workflow?permanent=true", { method: "DELETE" });
    expect((await c.call("/api/v3/treatments/workflow")).status).toBe(404);
    h = await history();
    expect(h.json.result).toEqual([]);
    expect(h.headers.get("etag")).toBeNull();
  });

  it("v1 writes and deletes show in v3 history (srvModified bumped by lib/api/ routes)", async () => {
    const c = await v3Client();
    const secret = await sha1Hex(c.secret);
    const since = Date.now() - 1;
    const t = (await ns(secret, "/api/v1/treatments", { body: { eventType: "Carb Correction", carbs: 12, created_at: new Date().toISOString() } })).json[0];
    let h = (await c.call(`/api/v3/treatments/history/${since}`)).json.result;
    expect(h.map((d: { identifier: string }) => d.identifier)).toEqual([t._id]);
    await ns(secret, `/api/v1/treatments/${t._id}`, { method: "DELETE" });
    h = (await c.call(`/api/v3/treatments/history/${since}`)).json.result;
    expect(h).toEqual([expect.objectContaining({ identifier: t._id, isValid: false })]);
  });
});

describe("Nightscout API v3: entries over readings, profile and settings", () => {
  const sgv = (over: Record<string, unknown> = {}) => ({ type: "sgv", sgv: 120, date: Date.now() - 300_000, direction: "Flat", device: "AndroidAPS-DexcomG6", app: "AAPS", utcOffset: 60, units: "mg/dl", ...over });

  it("creates a reading, reads it by identifier, serves it to v1 and GlucoLens, deletes it with a tombstone", async () => {
    const c = await v3Client();
    const doc = sgv({ identifier: "bg-1" });
    const res = await c.call("/api/v3/entries", { body: doc });
    expect(res.status).toBe(201);
    const read = (await c.call("/api/v3/entries/bg-1")).json.result;
    expect(read).toMatchObject({ ...doc, srvCreated: res.json.lastModified, srvModified: res.json.lastModified });
    const readings = await api("/api/v1/glucose/readings", { token: c.access });
    expect(readings.json.items.map((r: { value: number }) => r.value)).toEqual([120]);
    const v1 = await ns(await sha1Hex(c.secret), "/api/v1/entries.json");
    expect(v1.json[0]).toMatchObject({ sgv: 120, identifier: "bg-1" });
    // Deduplicated by identifier; then by date + type for a reading stored without identifier.
    expect((await c.call("/api/v3/entries", { body: { ...doc, sgv: 125 } })).json).toMatchObject({ status: 200, isDeduplication: true });
    expect((await c.call("/api/v3/entries/bg-1")).json.result.sgv).toBe(125);
    await c.call("/api/v3/entries/bg-1", { method: "DELETE" });
    expect((await c.call("/api/v3/entries/bg-1")).status).toBe(410);
    expect((await api("/api/v1/glucose/readings", { token: c.access })).json.items).toEqual([]);
    const h = (await c.call(`/api/v3/entries/history/${doc.date - 1}`)).json.result;
    expect(h).toEqual([expect.objectContaining({ identifier: "bg-1", isValid: false })]);
    // Re-created after deletion: valid again, the tombstone gone.
    expect((await c.call("/api/v3/entries", { body: doc })).status).toBe(200);
    expect((await c.call("/api/v3/entries/bg-1")).status).toBe(200);
  });

  it("a reading uploaded through v1 (xDrip+) is found by date + type and takes the v3 identifier", async () => {
    const c = await v3Client();
    const date = Date.now() - 300_000;
    await ns(await sha1Hex(c.secret), "/api/v1/entries", { body: [{ type: "sgv", sgv: 110, date, direction: "Flat", device: "xDrip-DexcomG6" }] });
    const v1Id = (await c.call("/api/v3/entries?sort$desc=date&type=sgv")).json.result[0].identifier as string;
    expect(v1Id).toMatch(/^[0-9a-f]{24}$/);
    expect((await c.call(`/api/v3/entries/${v1Id}`)).json.result).toMatchObject({ sgv: 110, date });
    const res = await c.call("/api/v3/entries", { body: sgv({ date, identifier: "aaps-bg" }) });
    expect(res.json).toMatchObject({ status: 200, isDeduplication: true, identifier: "aaps-bg", deduplicatedIdentifier: v1Id });
    expect((await c.call("/api/v3/entries?date$gte=" + (date - 1))).json.result).toHaveLength(1);
  });

  it("bad entries are 400 naming the field; cal is refused", async () => {
    const c = await v3Client();
    expectV3Error(await c.call("/api/v3/entries", { body: sgv({ sgv: "high" }) }), 400, "Bad or missing sgv field", "sgv");
    expectV3Error(await c.call("/api/v3/entries", { body: sgv({ type: "cal", sgv: undefined }) }), 400, "Bad or missing type field", "type");
    expect((await c.call("/api/v3/entries")).json.result).toEqual([]);
  });

  it("profile: create, dedup, last by sort$desc=date&limit=1, served by v1 too; settings need no date field beyond v3's", async () => {
    const c = await v3Client();
    const profile = { defaultProfile: "Default", date: Date.now() - 60_000, app: "AAPS", utcOffset: 0, startDate: new Date(Date.now() - 60_000).toISOString(), store: { Default: { dia: 5, carbratio: [{ time: "00:00", value: 10 }], sens: [{ time: "00:00", value: 50 }], units: "mg/dl", timezone: "UTC", basal: [{ time: "00:00", value: 0.5, timeAsSeconds: 0 }] } } };
    const created = await c.call("/api/v3/profile", { body: profile });
    expect(created.status).toBe(201);
    expect((await c.call("/api/v3/profile", { body: profile })).status).toBe(200);
    const last = await c.call("/api/v3/profile?sort$desc=date&limit=1");
    expect(last.json.result).toHaveLength(1);
    expect(last.json.result[0]).toMatchObject({ identifier: created.json.identifier, defaultProfile: "Default", date: profile.date });
    const v1 = await ns(await sha1Hex(c.secret), "/api/v1/profile");
    expect(v1.json[0].store.Default.dia).toBe(5);
    // A profile v1 would refuse is refused, naming the field, and nothing is stored.
    expectV3Error(await c.call("/api/v3/profile", { body: { ...profile, date: profile.date + 1000, store: { Default: { dia: 5 } } } }), 400, "Bad or missing store.Default.carbratio field", "store.Default.carbratio");
    expect((await c.call("/api/v3/profile")).json.result).toHaveLength(1);

    const s = await c.call("/api/v3/settings", { body: { identifier: "aaps-settings", date: Date.now(), utcOffset: 0, app: "AAPS", key: "value" } });
    expect(s.status).toBe(201);
    expect((await c.call("/api/v3/settings")).json.result).toEqual([expect.objectContaining({ identifier: "aaps-settings", key: "value" })]);
  });
});

describe("Nightscout API v3: isolation between users", () => {
  it("user B never reads, changes or deletes user A's documents, by any route", async () => {
    const a = await v3Client("A");
    const b = await v3Client("B");
    await a.call("/api/v3/treatments", { body: validDoc({ identifier: "a-private" }) });
    await a.call("/api/v3/entries", { body: { type: "sgv", sgv: 99, date: Date.now() - 60_000, app: "AAPS", utcOffset: 0, identifier: "a-bg" } });
    const aSecret = await sha1Hex(a.secret);
    const v1 = (await ns(aSecret, "/api/v1/treatments", { body: { eventType: "Note", notes: "a", created_at: new Date().toISOString() } })).json[0];
    for (const [col, id] of [["treatments", "a-private"], ["entries", "a-bg"], ["treatments", v1._id]] as const) {
      expect((await b.call(`/api/v3/${col}/${id}`)).status).toBe(404);
      expect((await b.call(`/api/v3/${col}/${id}`, { method: "PATCH", body: { insulin: 9 } })).status).toBe(404);
      expect((await b.call(`/api/v3/${col}/${id}`, { method: "DELETE" })).status).toBe(404);
      expect((await b.call(`/api/v3/${col}/${id}?permanent=true`, { method: "DELETE" })).status).toBe(404);
      expect((await b.call(`/api/v3/${col}?identifier=${id}`)).json.result).toEqual([]);
      expect((await b.call(`/api/v3/${col}/history/${Date.now() - 86_400_000}`)).json.result).toEqual([]);
    }
    // A PUT by B under A's identifier creates B's own document; A's stays as it was.
    expect((await b.call("/api/v3/treatments/a-private", { method: "PUT", body: validDoc({ insulin: 9 }) })).status).toBe(201);
    expect((await a.call("/api/v3/treatments/a-private")).json.result.insulin).toBe(0.3);
    expect((await a.call("/api/v3/entries/a-bg")).json.result.sgv).toBe(99);
    expect((await b.call("/api/v3/lastModified")).json.result.collections.entries).toBeUndefined();
    // A and B may live on different shards: count over every shard.
    expect(await countOnShards("SELECT count(*) AS n FROM nightscout_treatments WHERE identifier = 'a-private'")).toBe(2);
  });
});
