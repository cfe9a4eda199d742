/**
 * Nightscout API v3: DELETE, the `/storage` socket, and what API v3's storage layer promises a
 * client, ported from nightscout/cgm-remote-monitor's tests/api3.delete.test.js,
 * tests/api3.socket.test.js, tests/api3.storage.find.test.js and tests/api3.storage.modify.test.js
 * (one describe each; every `it` names the test it follows). Fixtures are those of
 * tests/fixtures/api3/const.json.
 *
 * The two storage files call lib/api3/storage/mongoCollection/{find,modify,index}.js with stub Mongo
 * collections. What those helpers decide is seen here through `/api/v3` (limit/skip as parsed,
 * identifier normalisation, insert/replace/update/delete outcomes, version, lastModified); what
 * is Mongo plumbing only (promise-based cursors, argument counts, `{normalize: false}` for the
 * cache layer of mongoCachedCollection, the filter objects handed to Mongo, deleteManyOr for
 * API3_AUTOPRUNE, which GlucoLens does not have) is left out, said at each place.
 */
// Nightscout's v1 documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { api } from "./helpers.ts";
import { ns, sha1Hex } from "./interop-helpers.ts";
import { v3Client, type V3Client } from "./nightscout-v3-helpers.ts";
import { SioClient } from "./socketio-helpers.ts";

/** tests/fixtures/api3/const.json. */
const TEST_APP = "cgm-remote-monitor.test";
const TEST_DEVICE = "Samsung XCover 4-123456735643809";

/** lib/api3/const.json MSG. */
const MSG = {
  MISSING_OR_BAD_TOKEN: "Missing or bad access token or JWT",
  BAD_OPERATION: "Bad operation or collection",
  SOCKET_MISSING_OR_BAD_ACCESS_TOKEN: "Missing or bad accessToken",
  SOCKET_UNAUTHORIZED_TO_ANY: "Unauthorized to receive any collection",
  BAD_LIMIT: "Parameter limit out of tolerance",
  BAD_SKIP: "Parameter skip out of tolerance",
};

type Doc = Record<string, any>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** tests/fixtures/api3/utils.js randomString(length, 'aA#'). */
function randomString(length: number): string {
  const mask = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => mask[b % mask.length]).join("");
}

/** The v3 error shape: Nightscout's `{status, message}` and the GlucoLens envelope naming the field. */
function expectV3Error(res: { status: number; json: any }, status: number, message: string, field?: string) {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.json.status).toBe(status);
  expect(res.json.message).toBe(message);
  expect(res.json.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  expect(res.json.error.fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(field ? [field] : []));
}

async function create(c: V3Client, col: string, doc: Doc, status = 201) {
  const res = await c.call(`/api/v3/${col}`, { body: doc });
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  return res;
}

async function read(c: V3Client, col: string, identifier: string) {
  return c.call(`/api/v3/${col}/${encodeURIComponent(identifier)}`);
}

describe("API3 UPDATE (tests/api3.delete.test.js)", () => {
  it("should require authentication", async () => {
    const c = await v3Client();
    const doc = { identifier: randomString(32), date: Date.now(), utcOffset: 0, app: TEST_APP, device: TEST_DEVICE, eventType: "Correction Bolus", insulin: 1 };
    await create(c, "treatments", doc);
    expectV3Error(await api("/api/v3/treatments/FAKE_IDENTIFIER", { method: "DELETE" }), 401, MSG.MISSING_OR_BAD_TOKEN);
    // GlucoLens adds: without a credential a stored document is not deleted either.
    expectV3Error(await api(`/api/v3/treatments/${doc.identifier}`, { method: "DELETE" }), 401, MSG.MISSING_OR_BAD_TOKEN);
    expect((await read(c, "treatments", doc.identifier)).status).toBe(200);
  });

  it("should not found not existing collection", async () => {
    const c = await v3Client();
    const res = await c.call("/api/v3/NOT_EXIST", { method: "DELETE", body: { identifier: "x" } });
    expectV3Error(res, 404, MSG.BAD_OPERATION);
    // delete/operation.js validateDelete: an unknown identifier of a known collection is 404 too.
    const missing = await c.call(`/api/v3/treatments/${randomString(32)}`, { method: "DELETE" });
    expect(missing.status).toBe(404);
    expect(missing.json.status).toBe(404);
  });

  it("(GlucoLens adds) another user's DELETE of a document is 404 and leaves it alone", async () => {
    const a = await v3Client();
    const b = await v3Client();
    const doc = { identifier: randomString(32), date: Date.now(), utcOffset: 0, app: TEST_APP, device: TEST_DEVICE, eventType: "Correction Bolus", insulin: 1 };
    await create(a, "treatments", doc);
    expect((await b.call(`/api/v3/treatments/${doc.identifier}`, { method: "DELETE" })).status).toBe(404);
    expect((await b.call(`/api/v3/treatments/${doc.identifier}?permanent=true`, { method: "DELETE" })).status).toBe(404);
    expect((await read(a, "treatments", doc.identifier)).json.result).toMatchObject({ insulin: 1 });
  });
});

describe("Socket.IO in REST API3 (tests/api3.socket.test.js)", () => {
  const colName = "treatments";

  /** instance.create({storageSocket: true}) + clientSocket: a socket on `/storage` and a v3 client of a new user. */
  async function setup() {
    const c = await v3Client();
    const socket = await SioClient.websocket(4);
    await socket.connect("/storage");
    await socket.until(() => socket.connects.some((p) => p.nsp === "/storage"));
    return { c, socket };
  }

  async function subscribed(collections = ["entries", "treatments"]) {
    const s = await setup();
    const [data] = (await s.socket.emit("/storage", "subscribe", { accessToken: s.c.secret, collections })) as [Doc];
    expect(data.success).toBe(true);
    return s;
  }

  /** self.docOriginal: a brand new identifier, no utcOffset (collection.js parseDate adds it). */
  const docOriginal = () => ({ identifier: randomString(32), eventType: "Correction Bolus", insulin: 1, date: Date.now(), app: TEST_APP });

  /** 'should emit create event on CREATE': the document as stored, `subject` taken off as the test does. */
  async function created(c: V3Client, socket: SioClient) {
    const doc = docOriginal();
    await create(c, colName, doc);
    const [event] = await socket.next("create", "/storage", ([e]) => e.colName === colName);
    expect(event.colName).toBe(colName);
    expect(event.doc).toMatchObject(doc);
    const { subject: _subject, ...docActual } = event.doc as Doc;
    return { doc, docActual };
  }

  it("should not subscribe without accessToken", async () => {
    const { socket } = await setup();
    const [data] = (await socket.emit("/storage", "subscribe", {})) as [Doc];
    expect(data.success).not.toBe(true);
    expect(data.message).toBe(MSG.SOCKET_MISSING_OR_BAD_ACCESS_TOKEN);
    socket.close();
  });

  it("should not subscribe by invalid accessToken", async () => {
    const { socket } = await setup();
    const [data] = (await socket.emit("/storage", "subscribe", { accessToken: "INVALID" })) as [Doc];
    expect(data.success).not.toBe(true);
    expect(data.message).toBe(MSG.SOCKET_MISSING_OR_BAD_ACCESS_TOKEN);
    socket.close();
  });

  // Nightscout subscribes a subject of the role `denied` here: a valid access token without
  // `api:*:read`, answered SOCKET_UNAUTHORIZED_TO_ANY. GlucoLens has no such credential: every
  // uploader secret holds Nightscout's admin role over its own user's data (docs/nightscout.md,
  // API v3 "Credential"). The same answer comes when none of the asked collections may be given
  // (storageSocket.js subscribeAuthorized: nothing subscribed), and a revoked secret, the nearest
  // to a credential without rights, is a bad access token.
  it("should not subscribe by subject with no rights (GlucoLens: no collection grantable; a revoked secret)", async () => {
    const { c, socket } = await setup();
    const [none] = (await socket.emit("/storage", "subscribe", { accessToken: c.secret, collections: ["foods", "NOT_EXIST"] })) as [Doc];
    expect(none.success).not.toBe(true);
    expect(none.message).toBe(MSG.SOCKET_UNAUTHORIZED_TO_ANY);
    const listed = await api("/api/v1/uploaders", { token: c.access });
    const id = listed.json.items?.[0]?.id ?? listed.json[0]?.id;
    expect((await api(`/api/v1/uploaders/${id}`, { method: "DELETE", token: c.access })).status).toBeLessThan(300);
    const other = await setup();
    const [revoked] = (await other.socket.emit("/storage", "subscribe", { accessToken: c.secret, collections: ["treatments"] })) as [Doc];
    expect(revoked.success).not.toBe(true);
    expect(revoked.message).toBe(MSG.SOCKET_MISSING_OR_BAD_ACCESS_TOKEN);
    socket.close();
    other.socket.close();
  });

  it("should subscribe by valid accessToken", async () => {
    const { c, socket } = await setup();
    const cols = ["entries", "treatments"];
    const [data] = (await socket.emit("/storage", "subscribe", { accessToken: c.secret, collections: cols })) as [Doc];
    expect(data.success).toBe(true);
    expect([...data.collections].sort()).toEqual(cols);
    socket.close();
  });

  it("should emit create event on CREATE (and none to another user's socket)", async () => {
    const { c, socket } = await subscribed();
    const other = await subscribed();
    const { doc, docActual } = await created(c, socket);
    expect(docActual).toMatchObject({ identifier: doc.identifier, srvCreated: expect.any(Number), srvModified: expect.any(Number) });
    // insert.js emits the document after insertOne took its `_id` off (modify.js insertOne).
    expect(docActual).not.toHaveProperty("_id");
    await sleep(300);
    expect(other.socket.count("create", "/storage")).toBe(0);
    socket.close();
    other.socket.close();
  });

  it("should emit update event on UPDATE", async () => {
    const { c, socket } = await subscribed();
    const { docActual } = await created(c, socket);
    docActual.insulin = 0.5;
    const res = await c.call(`/api/v3/${colName}/${docActual.identifier}`, { method: "PUT", body: docActual });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const [event] = await socket.next("update", "/storage", ([e]) => e.colName === colName);
    const { srvModified: _srvModified, ...expected } = docActual;
    expect(event.colName).toBe(colName);
    expect(event.doc).toMatchObject(expected);
    expect(event.doc.srvModified).toBe(res.json.lastModified);
    socket.close();
  });

  it("should emit update event on PATCH", async () => {
    const { c, socket } = await subscribed();
    const { docActual } = await created(c, socket);
    docActual.carbs = 5;
    docActual.insulin = 0.4;
    const res = await c.call(`/api/v3/${colName}/${docActual.identifier}`, { method: "PATCH", body: { carbs: docActual.carbs, insulin: docActual.insulin } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const [event] = await socket.next("update", "/storage", ([e]) => e.colName === colName);
    const { srvModified: _srvModified, ...expected } = docActual;
    expect(event.colName).toBe(colName);
    expect(event.doc).toMatchObject(expected);
    expect(event.doc.srvModified).toBeGreaterThan(docActual.srvModified);
    socket.close();
  });

  it("should emit delete event on DELETE", async () => {
    const { c, socket } = await subscribed();
    const { doc } = await created(c, socket);
    const res = await c.call(`/api/v3/${colName}/${doc.identifier}`, { method: "DELETE" });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const [event] = await socket.next("delete", "/storage", ([e]) => e.colName === colName);
    expect(event).toEqual({ colName, identifier: doc.identifier });
    socket.close();
  });
});

describe("API3 mongoCollection find helpers (tests/api3.storage.find.test.js)", () => {
  /** Ten treatments a minute apart (the oldest first), to page through with limit and skip. */
  async function tenTreatments(c: V3Client): Promise<Doc[]> {
    const base = Date.now() - 60 * 60_000;
    const docs: Doc[] = [];
    for (let i = 0; i < 10; i++) {
      const doc = { identifier: randomString(32), date: base + i * 60_000, utcOffset: 0, app: TEST_APP, device: TEST_DEVICE, eventType: "Correction Bolus", insulin: i + 1 };
      await create(c, "treatments", doc);
      docs.push(doc);
    }
    return docs;
  }

  const identifiers = (res: { json: any }) => (res.json.result as Doc[]).map((d) => d.identifier);

  // findMany's toSafeInt: query strings arrive as strings; parseLimit/parseSkip
  // (generic/collection.js, search/input.js) parseInt them before the storage sees them.
  it("coerces string limit and skip before calling Mongo", async () => {
    const c = await v3Client();
    const docs = await tenTreatments(c);
    const res = await c.call("/api/v3/treatments?sort=date&limit=5&skip=2");
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(identifiers(res)).toEqual(docs.slice(2, 7).map((d) => d.identifier));
    const desc = await c.call("/api/v3/treatments?sort$desc=date&limit=5&skip=2");
    expect(identifiers(desc)).toEqual(docs.slice(3, 8).reverse().map((d) => d.identifier));
  });

  it("coerces float-like values to integers before calling Mongo", async () => {
    const c = await v3Client();
    const docs = await tenTreatments(c);
    const res = await c.call("/api/v3/treatments?sort=date&limit=5.9&skip=2.4");
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(identifiers(res)).toEqual(docs.slice(2, 7).map((d) => d.identifier));
    // Values that are no number, or out of tolerance, are 400 with the parameter named.
    for (const limit of ["abc", "0", "-1", "1001"]) expectV3Error(await c.call(`/api/v3/treatments?limit=${limit}`), 400, MSG.BAD_LIMIT, "limit");
    for (const skip of ["abc", "-1"]) expectV3Error(await c.call(`/api/v3/treatments?skip=${skip}`), 400, MSG.BAD_SKIP, "skip");
  });

  // utils.js normalizeDoc: a document without identifier is served with its `_id` as identifier, and no `_id`.
  it("normalizes findOne results when using promise-based cursors", async () => {
    const c = await v3Client();
    const secret = await sha1Hex(c.secret);
    const _id = "5f0e6f2b9c1d4a3b2c1d0e9f";
    const posted = await ns(secret, "/api/v1/treatments", { body: { _id, eventType: "Note", notes: "v1 note", created_at: new Date(Date.now() - 5 * 60_000).toISOString() } });
    expect(posted.status, JSON.stringify(posted.json)).toBe(200);
    const one = await read(c, "treatments", _id);
    expect(one.status, JSON.stringify(one.json)).toBe(200);
    expect(one.json.result).toMatchObject({ identifier: _id, eventType: "Note", notes: "v1 note" });
    expect(one.json.result).not.toHaveProperty("_id");
    // findMany normalises its documents alike.
    const many = await c.call(`/api/v3/treatments?identifier=${_id}`);
    expect(many.json.result).toHaveLength(1);
    expect(many.json.result[0]).toMatchObject({ identifier: _id });
    expect(many.json.result[0]).not.toHaveProperty("_id");

    // The same for a reading (the test's `{type: 'sgv'}` document).
    const entry = await ns(secret, "/api/v1/entries", { body: [{ type: "sgv", sgv: 120, date: Date.now() - 5 * 60_000, direction: "Flat", device: TEST_DEVICE }] });
    expect(entry.status, JSON.stringify(entry.json)).toBe(200);
    const entryId = entry.json[0]._id as string;
    const sgv = await read(c, "entries", entryId);
    expect(sgv.json.result).toMatchObject({ identifier: entryId, type: "sgv", sgv: 120 });
    expect(sgv.json.result).not.toHaveProperty("_id");
  });

  // `{normalize: false}` is for mongoCachedCollection's own lookups only (no HTTP answer carries a
  // raw `_id`); what findOneFilter is used for over HTTP is the identifyingFilter lookup of create,
  // update and patch (generic/*/operation.js): a document without identifier found by its `_id`.
  it("supports promise-based findOneFilter without normalization when requested (the lookup of PATCH and PUT by a v1 `_id`)", async () => {
    const c = await v3Client();
    const secret = await sha1Hex(c.secret);
    const created = new Date(Date.now() - 10 * 60_000).toISOString();
    const posted = await ns(secret, "/api/v1/treatments", { body: { eventType: "Carb Correction", carbs: 10, created_at: created } });
    const _id = posted.json[0]._id as string;
    const patched = await c.call(`/api/v3/treatments/${_id}`, { method: "PATCH", body: { carbs: 12 } });
    expect(patched.status, JSON.stringify(patched.json)).toBe(200);
    expect((await read(c, "treatments", _id)).json.result).toMatchObject({ identifier: _id, carbs: 12 });
    const replaced = await c.call(`/api/v3/treatments/${_id}`, { method: "PUT", body: { date: Date.parse(created), utcOffset: 0, app: TEST_APP, eventType: "Carb Correction", carbs: 14 } });
    expect(replaced.status, JSON.stringify(replaced.json)).toBe(200);
    expect((await read(c, "treatments", _id)).json.result).toMatchObject({ identifier: _id, carbs: 14 });
    // Still one document, which v1 finds by its `_id`.
    const listed = await ns(secret, `/api/v1/treatments?find[_id]=${_id}`);
    expect(listed.json).toHaveLength(1);
    expect(listed.json[0]).toMatchObject({ _id, carbs: 14 });
  });
});

describe("API3 mongoCollection promise-based helpers (tests/api3.storage.modify.test.js)", () => {
  const treatment = (over: Doc = {}): Doc => ({ identifier: randomString(32), date: Date.now() - 60_000, utcOffset: 0, app: TEST_APP, device: TEST_DEVICE, eventType: "Correction Bolus", insulin: 0.5, ...over });

  describe("modify helpers", () => {
    // modify.js insertOne: the identifier answered is the document's own; the stored document has no `_id`.
    it("insertOne uses promise-based collection methods and keeps existing behavior", async () => {
      const c = await v3Client();
      const doc = treatment({ identifier: "record-1" });
      const res = await create(c, "treatments", doc);
      expect(res.json.identifier).toBe("record-1");
      const stored = await read(c, "treatments", "record-1");
      expect(stored.json.result).toMatchObject({ ...doc, identifier: "record-1" });
      expect(stored.json.result).not.toHaveProperty("_id");
      // A document sent without identifier gets the calculated one (operationTools.resolveIdentifier), never a storage id.
      const { identifier: _none, ...noIdentifier } = treatment({ date: Date.now() - 120_000 });
      const calculated = await create(c, "treatments", noIdentifier);
      expect(calculated.json.identifier).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });

    // modify.js replaceOne(identifier, doc) with {upsert: true}: PUT of an unknown identifier
    // inserts (update/operation.js), of a stored one replaces it (matchedCount 1), found by
    // identifier or, for a document without one, by its `_id` (utils.js filterForOne).
    it("replaceOne uses promise-based upsert without a callback", async () => {
      const c = await v3Client();
      const doc = treatment();
      const { identifier, ...body } = doc;
      const inserted = await c.call(`/api/v3/treatments/${identifier}`, { method: "PUT", body: { ...body, value: 42 } });
      expect(inserted.status, JSON.stringify(inserted.json)).toBe(201);
      expect(inserted.json).toMatchObject({ status: 201, identifier, lastModified: expect.any(Number) });
      const replaced = await c.call(`/api/v3/treatments/${identifier}`, { method: "PUT", body: { ...body, value: 84 } });
      expect(replaced.status, JSON.stringify(replaced.json)).toBe(200);
      expect(replaced.json).toEqual({ status: 200, lastModified: expect.any(Number) });
      const stored = (await read(c, "treatments", identifier)).json.result;
      expect(stored).toMatchObject({ identifier, value: 84, srvCreated: inserted.json.lastModified, srvModified: replaced.json.lastModified });
      // One document, not two.
      const all = await c.call(`/api/v3/treatments?identifier=${identifier}`);
      expect(all.json.result).toHaveLength(1);
    });

    // modify.js updateOne ($set, {updated}) backs PATCH and the soft DELETE; deleteOne ({deleted})
    // the permanent one. Nothing matched is 404 (patch/operation.js, delete/operation.js).
    it("update and delete helpers use promise-based collection methods", async () => {
      const c = await v3Client();
      const doc = treatment({ identifier: "record-2", value: 42 });
      await create(c, "treatments", doc);
      const patched = await c.call("/api/v3/treatments/record-2", { method: "PATCH", body: { value: 84 } });
      expect(patched.status, JSON.stringify(patched.json)).toBe(200);
      expect((await read(c, "treatments", "record-2")).json.result).toMatchObject({ ...doc, value: 84 });

      // markAsDeleted: isValid false and a new srvModified, seen in history; the read is 410.
      const deleted = await c.call("/api/v3/treatments/record-2", { method: "DELETE" });
      expect(deleted.json).toEqual({ status: 200 });
      expect((await read(c, "treatments", "record-2")).status).toBe(410);
      const history = await c.call(`/api/v3/treatments/history/${doc.date - 1}`);
      expect(history.json.result).toEqual([expect.objectContaining({ identifier: "record-2", isValid: false, value: 84 })]);
      // deletePermanently: gone from reads (404) and from history; a second one finds nothing (404).
      const gone = await c.call("/api/v3/treatments/record-2?permanent=true", { method: "DELETE" });
      expect(gone.json).toEqual({ status: 200 });
      expect((await read(c, "treatments", "record-2")).status).toBe(404);
      expect((await c.call(`/api/v3/treatments/history/${doc.date - 1}`)).json.result).toEqual([]);
      expect((await c.call("/api/v3/treatments/record-2?permanent=true", { method: "DELETE" })).status).toBe(404);
      expect((await c.call("/api/v3/treatments/record-2", { method: "PATCH", body: { value: 1 } })).status).toBe(404);

      // The same for a reading (the test's `kind: 'sgv'`): soft, then permanent.
      const entry = { identifier: randomString(32), date: Date.now() - 3 * 60_000, utcOffset: 0, app: TEST_APP, device: TEST_DEVICE, type: "sgv", sgv: 140, direction: "Flat" };
      await create(c, "entries", entry);
      expect((await c.call(`/api/v3/entries/${entry.identifier}`, { method: "DELETE" })).status).toBe(200);
      expect((await read(c, "entries", entry.identifier)).status).toBe(410);
      expect((await c.call(`/api/v3/entries/${entry.identifier}?permanent=true`, { method: "DELETE" })).status).toBe(200);
      expect((await read(c, "entries", entry.identifier)).status).toBe(404);
    });

    // deleteManyOr (a permanent delete of every document matching any filter) is called by
    // collection.js autoPrune only (API3_AUTOPRUNE_*), which GlucoLens does not have
    // (docs/nightscout.md, API v3 "Differences and gaps"): no HTTP route reaches it.
  });

  describe("collection metadata helpers", () => {
    // storage.version() feeds `/version`'s `storage` (storageTools.js getVersionInfo). Nightscout
    // answers `{storage: 'mongodb', version: <buildInfo().version>}`; GlucoLens stores in D1 and
    // says so: `{storage: 'cloudflare-d1', version: '1'}` (worker/nightscout/v3/specific.ts).
    it("version uses promise-based buildInfo (GlucoLens: the storage is D1)", async () => {
      const res = await api("/api/v3/version");
      expect(res.status).toBe(200);
      expect(res.json.result.storage).toEqual({ storage: "cloudflare-d1", version: "1" });
      const c = await v3Client();
      const status = await c.call("/api/v3/status");
      expect(status.json.result.storage).toEqual({ storage: "cloudflare-d1", version: "1" });
    });

    // getLastModified(field): the newest value of the field over every document, deleted ones
    // included (find() with no filter, sort desc, limit 1); lastModified.js asks it for srvModified
    // and for the collection's fallbackDateField and answers the later of the two.
    it("getLastModified uses promise-based cursor methods", async () => {
      const c = await v3Client();
      const first = await create(c, "treatments", treatment());
      expect((await c.call("/api/v3/lastModified")).json.result.collections.treatments).toBe(first.json.lastModified);
      const doc = treatment();
      const second = await create(c, "treatments", doc);
      expect((await c.call("/api/v3/lastModified")).json.result.collections.treatments).toBe(second.json.lastModified);
      await sleep(5);
      // A soft delete sets srvModified: lastModified follows it.
      expect((await c.call(`/api/v3/treatments/${doc.identifier}`, { method: "DELETE" })).status).toBe(200);
      const history = await c.call(`/api/v3/treatments/history/${second.json.lastModified}`);
      const deletedAt = history.json.result[0].srvModified as number;
      expect(deletedAt).toBeGreaterThan(second.json.lastModified);
      const after = await c.call("/api/v3/lastModified");
      expect(after.json.result.collections.treatments).toBe(deletedAt);
      // Only collections with documents are listed (lastModified.js keeps truthy values).
      expect(after.json.result.collections).not.toHaveProperty("food");

      // The fallbackDateField (created_at): a treatment filed after every srvModified (a future
      // Temporary Target) makes it the collection's lastModified.
      const ahead = Date.now() + 60 * 60_000;
      await create(c, "treatments", treatment({ date: ahead, eventType: "Temporary Target", targetTop: 140, targetBottom: 120, duration: 60, insulin: undefined }));
      expect((await c.call("/api/v3/lastModified")).json.result.collections.treatments).toBe(ahead);
      // Another user's lastModified shows nothing of these.
      const other = await v3Client();
      expect((await other.call("/api/v3/lastModified")).json.result.collections).toEqual({});
    });
  });
});
