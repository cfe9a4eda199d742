/**
 * Read-only Nightscout credentials: an uploader secret created with `role: "readable"`, for
 * follower apps (Nightguard, xDrip+ follower, GlucoDataHandler, Nightscout Reporter) that should
 * see the user's data and never change it. The role is Nightscout's default `readable` role
 * (nightscout/cgm-remote-monitor lib/authorization/storage.js defaultRoles: `*:*:read`), and each
 * answer follows the Nightscout code that checks it:
 * - v1 writes: lib/authorization/index.js isPermitted (401 "Unauthorized" / "Invalid/Missing"),
 *   as lib/api/entries/index.js, treatments/index.js, devicestatus/index.js and profile/index.js
 *   wrap their POST/PUT/DELETE routes;
 * - lib/api/verifyauth.js: canRead / canWrite / isAdmin from `*:*:read|write|admin`;
 * - lib/authorization/index.js authorize (`/api/v2/authorization/request/<token>`): the role's
 *   permissionGroups in the answer;
 * - lib/api3/security.js demandPermission (403 "Missing permission api:<col>:<op>") and
 *   lib/api3/specific/status.js apiPermissions;
 * - lib/server/websocket.js: the `authorize` ack's read / write / write_treatment, and
 *   checkConditions' "Not permitted" for dbAdd / dbUpdate / dbRemove.
 */
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { api, expectFieldError, register, type Account } from "./helpers.ts";
import { ns, sha1Hex } from "./interop-helpers.ts";
import { MIN } from "./monitor-helpers.ts";
import { SioClient } from "./socketio-helpers.ts";

const UNAUTHORIZED = { status: 401, message: "Unauthorized", description: "Invalid/Missing" };

async function createUploader(access: string, body: Record<string, unknown>) {
  const res = await api("/api/v1/uploaders", { token: access, body });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { id: res.json.id as string, role: res.json.role as string, secret: res.json.secret as string, apiSecret: await sha1Hex(res.json.secret) };
}

/** A user with data written by its admin uploader, and a readable secret for a follower app. */
async function setup(): Promise<{ a: Account; admin: { secret: string; apiSecret: string }; reader: { id: string; secret: string; apiSecret: string } }> {
  const a = await register();
  const admin = await createUploader(a.access, { name: "xDrip+" });
  const reader = await createUploader(a.access, { name: "Nightguard", role: "readable" });
  const t = Date.now() - 5 * MIN;
  expect((await ns(admin.apiSecret, "/api/v1/entries", { body: [{ type: "sgv", sgv: 120, date: t, direction: "Flat", device: "xDrip-DexcomG6" }] })).status).toBe(200);
  expect((await ns(admin.apiSecret, "/api/v1/treatments", { body: [{ eventType: "Meal Bolus", carbs: 20, insulin: 2, created_at: new Date(t).toISOString(), enteredBy: "xDrip+" }] })).status).toBe(200);
  return { a, admin, reader };
}

describe("POST /api/v1/uploaders with a role", () => {
  it("creates an admin secret by default and a readable one when asked; the list names each role", async () => {
    const a = await register();
    expect((await createUploader(a.access, { name: "xDrip+" })).role).toBe("admin");
    expect((await createUploader(a.access, { name: "Nightguard", role: "readable" })).role).toBe("readable");
    const list = await api("/api/v1/uploaders", { token: a.access });
    expect(list.json.items.map((u: { name: string; role: string }) => [u.name, u.role])).toEqual([
      ["xDrip+", "admin"],
      ["Nightguard", "readable"],
    ]);
  });

  it("refuses an unknown role naming the field, and creates nothing", async () => {
    const a = await register();
    const res = await api("/api/v1/uploaders", { token: a.access, body: { name: "Spike", role: "careportal" } });
    expectFieldError(res, 422, "role");
    expect((await api("/api/v1/uploaders", { token: a.access })).json.items).toEqual([]);
  });
});

describe("API v1 with a readable secret (lib/authorization/index.js isPermitted)", () => {
  it("reads every collection, as the api-secret header and as ?token=", async () => {
    const { reader } = await setup();
    for (const path of ["/api/v1/entries.json", "/api/v1/treatments.json", "/api/v1/devicestatus.json", "/api/v1/profile.json", "/api/v1/status.json", "/pebble", "/api/v2/properties"]) {
      expect((await ns(reader.apiSecret, path)).status, path).toBe(200);
      const sep = path.includes("?") ? "&" : "?";
      expect((await api(`${path}${sep}token=${reader.secret}`)).status, path).toBe(200);
    }
    const entries = await api(`/api/v1/entries.json?token=${reader.secret}`);
    expect(entries.json).toEqual([expect.objectContaining({ sgv: 120, direction: "Flat" })]);
    const treatments = await ns(reader.apiSecret, "/api/v1/treatments.json");
    expect(treatments.json).toEqual([expect.objectContaining({ eventType: "Meal Bolus", carbs: 20 })]);
  });

  it("is refused every write with Nightscout's 401, and nothing stored changes", async () => {
    const { admin, reader } = await setup();
    const stored = (await ns(admin.apiSecret, "/api/v1/treatments.json")).json;
    const id = stored[0]._id as string;
    const now = new Date().toISOString();
    const writes: [string, string, unknown?][] = [
      ["POST", "/api/v1/entries", [{ type: "sgv", sgv: 55, date: Date.now(), device: "Nightguard" }]],
      ["POST", "/api/v1/entries.json", { type: "sgv", sgv: 55, date: Date.now() }],
      ["POST", "/api/v1/treatments", [{ eventType: "Note", notes: "from a follower", created_at: now }]],
      ["PUT", "/api/v1/treatments", { _id: id, eventType: "Meal Bolus", carbs: 99, created_at: stored[0].created_at }],
      ["DELETE", `/api/v1/treatments/${id}`],
      ["DELETE", "/api/v1/entries?find[sgv]=120"],
      ["POST", "/api/v1/devicestatus", { device: "Nightguard", created_at: now, uploaderBattery: 50 }],
      ["POST", "/api/v1/profile", { defaultProfile: "Default", startDate: now, store: { Default: { dia: 4, carbratio: [{ time: "00:00", value: 10 }], sens: [{ time: "00:00", value: 50 }] } } }],
      ["POST", "/api/v1/food", { name: "Apple", carbs: 15, type: "food" }],
      ["POST", "/api/v1/activity", { created_at: now, steps: 100 }],
    ];
    for (const [method, path, body] of writes) {
      for (const res of [await ns(reader.apiSecret, path, { method, body }), await api(`${path}${path.includes("?") ? "&" : "?"}token=${reader.secret}`, { method, body })]) {
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.json).toMatchObject({ ...UNAUTHORIZED, error: { code: "unauthorized" } });
      }
    }
    expect((await ns(admin.apiSecret, "/api/v1/treatments.json")).json).toEqual(stored);
    expect((await ns(admin.apiSecret, "/api/v1/entries.json")).json).toEqual([expect.objectContaining({ sgv: 120 })]);
    expect((await ns(admin.apiSecret, "/api/v1/devicestatus.json")).json).toEqual([]);
    expect((await ns(admin.apiSecret, "/api/v1/food.json")).json).toEqual([]);
    // The admin secret of the same user still writes.
    expect((await ns(admin.apiSecret, "/api/v1/treatments", { body: [{ eventType: "Note", notes: "from the phone", created_at: now }] })).status).toBe(200);
  });

  it("verifyauth answers what the role permits (lib/api/verifyauth.js)", async () => {
    const { admin, reader } = await setup();
    const asReader = await api(`/api/v1/verifyauth?token=${reader.secret}`);
    expect(asReader.json).toEqual({ status: 200, message: { canRead: true, canWrite: false, isAdmin: false, message: "OK", rolefound: "FOUND", permissions: "ROLE" } });
    const asAdmin = await api(`/api/v1/verifyauth?token=${admin.secret}`);
    expect(asAdmin.json.message).toMatchObject({ canRead: true, canWrite: true, isAdmin: true, message: "OK" });
  });
});

describe("API v2 and v3 with a readable secret", () => {
  it("the JWT carries the role's permissions; v3 reads, and refuses writes with 403 naming the permission (lib/api3/security.js)", async () => {
    const { reader } = await setup();
    const auth = await api(`/api/v2/authorization/request/${reader.secret}`);
    expect(auth.status).toBe(200);
    expect(auth.json.permissionGroups).toEqual([["*:*:read"]]);
    const headers = { authorization: `Bearer ${auth.json.token}` };

    const status = await api("/api/v3/status", { headers });
    expect(status.json.result.apiPermissions).toEqual({ devicestatus: "r", entries: "r", food: "r", profile: "r", settings: "r", treatments: "r" });
    const entries = await api("/api/v3/entries?limit=10", { headers });
    expect(entries.status).toBe(200);
    expect(entries.json.result).toEqual([expect.objectContaining({ sgv: 120 })]);
    const treatments = await api("/api/v3/treatments?limit=10", { headers });
    const identifier = treatments.json.result[0].identifier as string;

    const create = await api("/api/v3/treatments", { headers, body: { eventType: "Note", notes: "x", date: Date.now(), app: "Nightguard", utcOffset: 0 } });
    expect(create.status).toBe(403);
    expect(create.json).toMatchObject({ status: 403, message: "Missing permission api:treatments:create" });
    const patch = await api(`/api/v3/treatments/${identifier}`, { method: "PATCH", headers, body: { carbs: 99 } });
    expect(patch.json).toMatchObject({ status: 403, message: "Missing permission api:treatments:update" });
    const del = await api(`/api/v3/treatments/${identifier}`, { method: "DELETE", headers });
    expect(del.json).toMatchObject({ status: 403, message: "Missing permission api:treatments:delete" });
    // Nothing changed: still there (not 410), carbs as stored.
    const after = await api(`/api/v3/treatments/${identifier}`, { headers });
    expect(after.status).toBe(200);
    expect(after.json.result).toMatchObject({ carbs: 20 });
  });

  it("the secret itself as a v3 token has the same role", async () => {
    const { reader } = await setup();
    const headers = { authorization: `Bearer ${reader.secret}` };
    expect((await api("/api/v3/entries?limit=1", { headers })).status).toBe(200);
    const create = await api("/api/v3/entries", { headers, body: { type: "sgv", sgv: 80, date: Date.now(), app: "x", device: "x", utcOffset: 0 } });
    expect(create.json).toMatchObject({ status: 403, message: "Missing permission api:entries:create" });
  });
});

describe("socket.io with a readable secret (lib/server/websocket.js)", () => {
  it("authorize grants read without write; dbAdd, dbUpdate and dbRemove are 'Not permitted' and store nothing", async () => {
    const { admin, reader } = await setup();
    const c = await SioClient.websocket(4);
    await c.connect("/");
    const [ack] = await c.emit("/", "authorize", { client: "web", history: 1, status: true, secret: reader.apiSecret });
    expect(ack).toEqual({ read: true, write: false, write_treatment: false });
    const [full] = await c.next("dataUpdate");
    expect(full.sgvs).toEqual([expect.objectContaining({ mgdl: 120 })]);

    const stored = (await ns(admin.apiSecret, "/api/v1/treatments.json")).json;
    const [added] = await c.emit("/", "dbAdd", { collection: "treatments", data: { eventType: "Note", notes: "follower", created_at: new Date().toISOString() } });
    expect(added).toEqual({ result: "Not permitted" });
    const [updated] = await c.emit("/", "dbUpdate", { collection: "treatments", _id: stored[0]._id, data: { carbs: 99 } });
    expect(updated).toEqual({ result: "Not permitted" });
    const [removed] = await c.emit("/", "dbRemove", { collection: "devicestatus", _id: stored[0]._id });
    expect(removed).toEqual({ result: "Not permitted" });
    expect((await ns(admin.apiSecret, "/api/v1/treatments.json")).json).toEqual(stored);
  });
});

/** storage.js: a subject's token, `abbrev-` + 16 hex of sha1(sha1(api secret) + _id), as LoopFollow's accessToken(forName:id:secretHash:) computes it. */
async function derivedToken(name: string, id: string, apiSecretSha1: string): Promise<string> {
  const abbrev = name.toLowerCase().replace(/\W/g, "").slice(0, 10);
  return `${abbrev}-${(await sha1Hex(apiSecretSha1 + id)).slice(0, 16)}`;
}

describe("/api/v2/authorization/subjects (lib/authorization/endpoints.js, storage.js)", () => {
  it("nightscout-connect lib/sources/nightscout.js authFromCredentials: list, create nightscout-connect-reader, list again, its token's JWT reads and cannot write", async () => {
    const { admin } = await setup();
    const headers = { "API-SECRET": admin.apiSecret };
    // verifyauth without a credential: not readable, so it turns to the subjects.
    expect((await api("/api/v1/verifyauth")).json.message.canRead).toBe(false);
    const before = await api("/api/v2/authorization/subjects", { headers });
    expect(before.status).toBe(200);
    expect(before.json.filter((s: { name: string }) => s.name === "nightscout-connect-reader")).toEqual([]);
    // Secrets made in GlucoLens are listed without a token (shown once, kept as digests).
    expect(before.json).toEqual(expect.arrayContaining([{ _id: expect.stringMatching(/^[0-9a-f]{24}$/), name: "xDrip+", roles: ["admin"] }]));
    const created = await api("/api/v2/authorization/subjects", { headers, body: { name: "nightscout-connect-reader", roles: ["readable"], notes: "Used by nightscout-connect to read Nightscout as a source of data." } });
    expect(created.status, JSON.stringify(created.json)).toBe(200);
    const after = await api("/api/v2/authorization/subjects", { headers });
    const match = after.json.filter((s: { name: string }) => s.name === "nightscout-connect-reader").pop();
    expect(match).toEqual({ _id: created.json._id, name: "nightscout-connect-reader", roles: ["readable"], accessToken: expect.stringMatching(/^nightscout-[0-9a-f]{16}$/) });
    // sessionFromAuth: the token's JWT, then reads with it as Bearer.
    const jwt = await api(`/api/v2/authorization/request/${match.accessToken}`);
    expect(jwt.status).toBe(200);
    expect(jwt.json.permissionGroups).toEqual([["*:*:read"]]);
    const bearer = { authorization: `Bearer ${jwt.json.token}` };
    expect((await api("/api/v1/entries.json?count=10", { headers: bearer })).json).toEqual([expect.objectContaining({ sgv: 120 })]);
    expect((await api("/api/v1/treatments", { headers: bearer, body: [{ eventType: "Note", notes: "x", created_at: new Date().toISOString() }] })).status).toBe(401);
  });

  it("LoopFollow NightscoutUtils.swift provisionReadOnlyToken: the token it derives from the created _id is the one that works", async () => {
    const { a, admin } = await setup();
    const headers = { "api-secret": admin.apiSecret };
    // verifyAPISecret: 200 means the pasted value is the admin secret.
    expect((await api("/api/v2/authorization/subjects", { headers })).status).toBe(200);
    const created = await api("/api/v2/authorization/subjects", { headers, body: { name: "LoopFollow", roles: ["readable"] } });
    expect(created.json._id).toMatch(/^[0-9a-f]{24}$/);
    const token = await derivedToken("LoopFollow", created.json._id, admin.apiSecret);
    expect(token).toMatch(/^loopfollow-[0-9a-f]{16}$/);
    expect((await api(`/api/v1/status.json?token=${token}`)).status).toBe(200);
    expect((await api(`/api/v1/entries.json?token=${token}`)).json).toEqual([expect.objectContaining({ sgv: 120 })]);
    expect((await api(`/api/v1/treatments?token=${token}`, { body: { eventType: "Note", created_at: new Date().toISOString() } })).status).toBe(401);
    // A re-run finds it (fetchProvisionedToken) with the same token.
    const again = await api("/api/v2/authorization/subjects", { headers });
    expect(again.json.find((s: { name: string }) => s.name === "LoopFollow").accessToken).toBe(token);
    // Listed in Settings as a read-only secret, and revoked from there like any other.
    const uploaders = await api("/api/v1/uploaders", { token: a.access });
    const row = uploaders.json.items.find((u: { name: string }) => u.name === "LoopFollow");
    expect(row.role).toBe("readable");
    expect((await api(`/api/v1/uploaders/${row.id}`, { method: "DELETE", token: a.access })).status).toBe(204);
    expect((await api(`/api/v1/entries.json?token=${token}`)).status).toBe(401);
  });

  it("needs an admin secret; refuses unknown roles and a bad name naming the field; DELETE removes only the user's own (another's _id 404)", async () => {
    const { a, admin, reader } = await setup();
    // A readable secret may neither list nor create (admin:api:subjects:*).
    expect((await ns(reader.apiSecret, "/api/v2/authorization/subjects")).json).toMatchObject(UNAUTHORIZED);
    expect((await ns(reader.apiSecret, "/api/v2/authorization/subjects", { body: { name: "x", roles: ["readable"] } })).status).toBe(401);
    expect((await api("/api/v2/authorization/subjects")).status).toBe(401);
    // A GlucoLens access token lists, but has no secret to derive a subject's token from.
    expect((await api("/api/v2/authorization/subjects", { token: a.access })).status).toBe(200);
    expect((await api("/api/v2/authorization/subjects", { token: a.access, body: { name: "x", roles: ["readable"] } })).status).toBe(401);

    const headers = { "api-secret": admin.apiSecret };
    const badRole = await api("/api/v2/authorization/subjects", { headers, body: { name: "Careportal", roles: ["careportal"] } });
    expectFieldError(badRole, 400, "roles");
    expectFieldError(await api("/api/v2/authorization/subjects", { headers, body: { roles: ["readable"] } }), 400, "name");
    const names = (await api("/api/v2/authorization/subjects", { headers })).json.map((s: { name: string }) => s.name);
    expect(names).toEqual(["Nightguard", "xDrip+"]);

    // Another user's _id removes nothing; the user's own is revoked.
    const other = await setup();
    const mine = await api("/api/v2/authorization/subjects", { headers, body: { name: "watch", roles: ["readable"] } });
    const token = await derivedToken("watch", mine.json._id, admin.apiSecret);
    expectFieldError(await ns(other.admin.apiSecret, `/api/v2/authorization/subjects/${mine.json._id}`, { method: "DELETE" }), 404);
    expect((await api(`/api/v1/entries.json?token=${token}`)).status).toBe(200);
    expect((await ns(admin.apiSecret, `/api/v2/authorization/subjects/${mine.json._id}`, { method: "DELETE" })).json).toEqual({});
    expect((await api(`/api/v1/entries.json?token=${token}`)).status).toBe(401);
    expectFieldError(await ns(admin.apiSecret, "/api/v2/authorization/subjects/not-an-id", { method: "DELETE" }), 400, "_id");
  });
});
