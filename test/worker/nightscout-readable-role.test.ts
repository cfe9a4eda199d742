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
