/**
 * Nightscout profiles (`/api/v1/profile`), following nightscout/cgm-remote-monitor
 * `tests/api.profiles.test.js` ("put a profile, query, delete, verify gone", "post a profile…",
 * the `_id` validation cases) over `lib/api/profile/index.js` and `lib/server/profile.js`
 * (`create`, `save`, `list`, `last`, `remove`), with GlucoLens's additions: the default profile
 * from the user's settings, retry de-duplication, field validation and isolation.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { api, expectFieldError, register } from "./helpers.ts";
import { countOnShards, userD1ByPublicId } from "./shard-helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";

// tests/api.profiles.test.js sample_profile, as the Nightscout profile editor saves it.
const sampleProfile = () => ({
  defaultProfile: "Default",
  store: {
    Default: {
      dia: 3,
      carbratio: [{ time: "00:00", value: 30, timeAsSeconds: 0 }],
      carbs_hr: 20,
      delay: 20,
      sens: [{ time: "00:00", value: 100, timeAsSeconds: 0 }],
      timezone: "US/Pacific",
      basal: [{ time: "00:00", value: 0.1, timeAsSeconds: 0 }],
      target_low: [{ time: "00:00", value: 100, timeAsSeconds: 0 }],
      target_high: [{ time: "00:00", value: 100, timeAsSeconds: 0 }],
      units: "mg/dl",
    },
  },
  startDate: "2024-10-19T23:00:00.000Z",
  mills: 0,
  created_at: "2024-10-26T20:32:49.173Z",
  srvModified: 1732653169173,
  units: "mg/dl",
});

async function setup(overrides: Record<string, unknown> = {}) {
  const account = await register(overrides);
  const up = await uploader(account.access, "AndroidAPS");
  return { account, up };
}

describe("GET /api/v1/profile without a stored profile (the default from the settings)", () => {
  it("answers one default profile in the user's unit, time zone and alert thresholds", async () => {
    const { up } = await setup({ unit: "mmol/L", timezone: "Asia/Kolkata" });
    const list = await ns(up.apiSecret, "/api/v1/profile.json");
    expect(list.status).toBe(200);
    expect(list.json).toHaveLength(1);
    const [doc] = list.json;
    expect(doc._id).toMatch(/^[0-9a-f]{24}$/);
    expect(doc).toMatchObject({ defaultProfile: "Default", units: "mmol", enteredBy: expect.stringContaining("GlucoLens") });
    // Default alert thresholds low 70 / high 180 mg/dL in mmol/L; Nightscout's editor defaults otherwise.
    expect(doc.store.Default).toMatchObject({ dia: 3, carbs_hr: 20, timezone: "Asia/Kolkata", units: "mmol", target_low: [{ time: "00:00", value: 3.9 }], target_high: [{ time: "00:00", value: 10 }], carbratio: [{ value: 30 }] });
    const current = await ns(up.apiSecret, "/api/v1/profile/current");
    expect(current.json._id).toBe(doc._id);
  });
});

describe("POST, PUT, GET and DELETE (tests/api.profiles.test.js)", () => {
  it("post a profile, query, delete, verify gone (POST /api/v1/profile.json as Trio/iAPS)", async () => {
    const { up } = await setup();
    const posted = await ns(up.apiSecret, "/api/v1/profile.json", { body: sampleProfile() });
    expect(posted.status, JSON.stringify(posted.json)).toBe(200);
    expect(posted.json).toHaveLength(1);
    const id = posted.json[0]._id;
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(posted.json[0]).toMatchObject({ created_at: "2024-10-26T20:32:49.173Z", startDate: "2024-10-19T23:00:00.000Z", defaultProfile: "Default", srvCreated: expect.any(Number), srvModified: expect.any(Number) });
    const list = await ns(up.apiSecret, "/api/v1/profile");
    expect(list.json.map((p: { _id: string }) => p._id)).toEqual([id]);
    expect((await ns(up.apiSecret, "/api/v1/profile/current.json")).json._id).toBe(id);
    const deleted = await ns(up.apiSecret, `/api/v1/profile/${id}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({});
    const after = await ns(up.apiSecret, "/api/v1/profile");
    expect(after.json.map((p: { _id: string }) => p._id)).not.toContain(id);
  });

  it("put a profile, query, delete, verify gone (PUT upserts by _id, makes one when missing)", async () => {
    const { up } = await setup();
    const put = await ns(up.apiSecret, "/api/v1/profile", { method: "PUT", body: sampleProfile() });
    expect(put.status).toBe(200);
    expect(put.json._id).toMatch(/^[0-9a-f]{24}$/);
    const changed = { ...sampleProfile(), _id: put.json._id, store: { Default: { ...sampleProfile().store.Default, dia: 5 } } };
    const again = await ns(up.apiSecret, "/api/v1/profile/", { method: "PUT", body: changed });
    expect(again.json).toMatchObject({ _id: put.json._id, store: { Default: { dia: 5 } } });
    const list = await ns(up.apiSecret, "/api/v1/profile");
    expect(list.json).toHaveLength(1);
    expect(list.json[0].store.Default.dia).toBe(5);
    expectFieldError(await ns(up.apiSecret, "/api/v1/profile", { method: "PUT", body: [sampleProfile()] }), 422, "body");
  });

  it("should accept POST with valid 24-hex _id (kept) and replace the user's document with that _id", async () => {
    const { up } = await setup();
    const testId = "5a1b2c3d4e5f6a7b8c9d0e1f";
    const first = await ns(up.apiSecret, "/api/v1/profile", { body: { ...sampleProfile(), _id: testId } });
    expect(first.json[0]._id).toBe(testId);
    const second = await ns(up.apiSecret, "/api/v1/profile", { body: [{ ...sampleProfile(), _id: testId.toUpperCase(), defaultProfile: "Night", store: { Night: sampleProfile().store.Default } }] });
    expect(second.json[0]).toMatchObject({ _id: testId, defaultProfile: "Night" });
    expect((await ns(up.apiSecret, "/api/v1/profile")).json).toHaveLength(1);
  });

  it("a retried POST without _id stores nothing twice (same answer, same _id)", async () => {
    const { up } = await setup();
    const a = await ns(up.apiSecret, "/api/v1/profile", { body: sampleProfile() });
    const b = await ns(up.apiSecret, "/api/v1/profile", { body: sampleProfile() });
    expect(b.json[0]._id).toBe(a.json[0]._id);
    const both = await ns(up.apiSecret, "/api/v1/profile", { body: [sampleProfile(), sampleProfile()] });
    expect(both.json.map((p: { _id: string }) => p._id)).toEqual([a.json[0]._id, a.json[0]._id]);
    expect((await ns(up.apiSecret, "/api/v1/profile")).json).toHaveLength(1);
  });

  it("lists newest startDate first, `count` limits, current is the newest", async () => {
    const { up } = await setup();
    for (const startDate of ["2024-01-01T00:00:00.000Z", "2024-03-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"]) {
      expect((await ns(up.apiSecret, "/api/v1/profile", { body: { ...sampleProfile(), startDate } })).status).toBe(200);
    }
    const list = await ns(up.apiSecret, "/api/v1/profile.json?count=2");
    expect(list.json.map((p: { startDate: string }) => p.startDate)).toEqual(["2024-03-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"]);
    expect((await ns(up.apiSecret, "/api/v1/profile/current")).json.startDate).toBe("2024-03-01T00:00:00.000Z");
    expectFieldError(await ns(up.apiSecret, "/api/v1/profile?count=0"), 422, "count");
  });
});

describe("validation: a bad document is refused naming the field, and nothing is stored", () => {
  it("should return 400 for POST with invalid or short _id, for an array with one invalid _id, for PUT and DELETE", async () => {
    const { up } = await setup();
    expectFieldError(await ns(up.apiSecret, "/api/v1/profile", { body: { ...sampleProfile(), _id: "550e8400-e29b-41d4-a716-446655440000" } }), 400, "_id");
    expectFieldError(await ns(up.apiSecret, "/api/v1/profile", { body: { ...sampleProfile(), _id: "abc123" } }), 400, "_id");
    expectFieldError(await ns(up.apiSecret, "/api/v1/profile", { body: [sampleProfile(), { ...sampleProfile(), _id: "xyz" }] }), 400, "1._id");
    expectFieldError(await ns(up.apiSecret, "/api/v1/profile", { method: "PUT", body: { ...sampleProfile(), _id: 12 } }), 400, "_id");
    expectFieldError(await ns(up.apiSecret, "/api/v1/profile/not-an-id", { method: "DELETE" }), 400, "id");
    const list = await ns(up.apiSecret, "/api/v1/profile");
    expect(list.json).toHaveLength(1);
    expect(list.json[0].enteredBy).toContain("GlucoLens"); // still the default: nothing stored
  });

  it("names each invalid field (422)", async () => {
    const { up } = await setup();
    const d = sampleProfile().store.Default;
    const cases: [unknown, string][] = [
      [{ ...sampleProfile(), store: undefined }, "store"],
      [{ ...sampleProfile(), defaultProfile: "Missing" }, "defaultProfile"],
      [{ ...sampleProfile(), store: { Default: { ...d, dia: "abc" } } }, "store.Default.dia"],
      [{ ...sampleProfile(), store: { Default: { ...d, dia: 0 } } }, "store.Default.dia"],
      [{ ...sampleProfile(), store: { Default: { ...d, sens: [{ time: "25:00", value: 100 }] } } }, "store.Default.sens"],
      [{ ...sampleProfile(), store: { Default: { ...d, carbratio: [{ time: "00:00", value: -1 }] } } }, "store.Default.carbratio"],
      [{ ...sampleProfile(), store: { Default: { ...d, basal: [{ time: "06:00", value: 1 }] } } }, "store.Default.basal"],
      [{ ...sampleProfile(), store: { Default: { ...d, timezone: "Mars/Olympus_Mons" } } }, "store.Default.timezone"],
      [{ ...sampleProfile(), store: { Default: { ...d, units: "furlongs" } } }, "store.Default.units"],
      [{ ...sampleProfile(), startDate: "yesterday-ish" }, "startDate"],
    ];
    for (const [body, field] of cases) {
      const res = await ns(up.apiSecret, "/api/v1/profile", { body });
      expect(res.status, `${field}: ${JSON.stringify(res.json)}`).toBe(422);
      expect(res.json.error.fields.some((f: { path: string }) => f.path.startsWith(field)), `${field}: ${JSON.stringify(res.json.error.fields)}`).toBe(true);
    }
    expectFieldError(await ns(up.apiSecret, "/api/v1/profile", { body: [sampleProfile(), { ...sampleProfile(), store: { Default: { ...d, dia: "x" } } }] }), 422, "1.store.Default.dia");
    const malformed = await api("/api/v1/profile", { raw: "{not json", headers: { "api-secret": up.apiSecret } });
    expectFieldError(malformed, 400, "body");
    expect((await ns(up.apiSecret, "/api/v1/profile")).json[0].enteredBy).toContain("GlucoLens");
  });
});

describe("authentication, isolation and the user's own settings", () => {
  it("needs a credential: 401 and nothing stored", async () => {
    expect((await api("/api/v1/profile")).status).toBe(401);
    expect((await api("/api/v1/profile", { body: sampleProfile() })).status).toBe(401);
    expect((await api("/api/v1/profile?token=wrong")).status).toBe(401);
  });

  it("another user's secret never sees, replaces or deletes the profile", async () => {
    const a = await setup();
    const b = await setup();
    const id = "0123456789abcdef01234567";
    await ns(a.up.apiSecret, "/api/v1/profile", { body: { ...sampleProfile(), _id: id } });
    const seen = await ns(b.up.apiSecret, "/api/v1/profile");
    expect(seen.json.map((p: { _id: string }) => p._id)).not.toContain(id);
    expect(await ns(b.up.apiSecret, `/api/v1/profile/${id}`, { method: "DELETE" })).toMatchObject({ status: 200, json: {} });
    // B posting the same _id makes B's own document; A's is untouched.
    await ns(b.up.apiSecret, "/api/v1/profile", { body: { ...sampleProfile(), _id: id, store: { Default: { ...sampleProfile().store.Default, dia: 6 } } } });
    const mine = await ns(a.up.apiSecret, "/api/v1/profile");
    expect(mine.json).toHaveLength(1);
    expect(mine.json[0]).toMatchObject({ _id: id, store: { Default: { dia: 3 } } });
    expect((await ns(b.up.apiSecret, "/api/v1/profile")).json[0].store.Default.dia).toBe(6);
  });

  it("a bearer token works too, and a posted profile does not change the user's unit or time zone", async () => {
    const { account } = await setup({ unit: "mg/dL", timezone: "Europe/Berlin" });
    const mmolProfile = { ...sampleProfile(), units: "mmol", store: { Default: { ...sampleProfile().store.Default, units: "mmol", timezone: "Asia/Tokyo", sens: 5.5, target_low: 4, target_high: 7, dia: 4 } } };
    expect((await api("/api/v1/profile", { token: account.access, body: mmolProfile })).status).toBe(200);
    const me = await api("/api/v1/auth/me", { token: account.access });
    expect(me.json.user ?? me.json).toMatchObject({ unit: "mg/dL", timezone: "Europe/Berlin" });
    const iobCob = await api("/api/v1/glucose/iob-cob", { token: account.access });
    expect(iobCob.json.profile).toMatchObject({ from_settings: false, dia: 4, timezone: "Asia/Tokyo" });
  });

  it("account deletion removes the user's profiles (ON DELETE CASCADE)", async () => {
    const { account, up } = await setup();
    await ns(up.apiSecret, "/api/v1/profile", { body: sampleProfile() });
    const count = async () => (await userD1ByPublicId(account.id)).prepare("SELECT COUNT(*) AS n FROM nightscout_profiles p JOIN users u ON u.id = p.user_id WHERE u.public_id = ?1").bind(account.id).first<{ n: number }>();
    expect((await count())?.n).toBe(1);
    const before = { n: await countOnShards("SELECT COUNT(*) AS n FROM nightscout_profiles") };
    expect((await api("/api/v1/auth/me", { method: "DELETE", token: account.access, body: { password: account.password } })).status).toBe(204);
    const after = { n: await countOnShards("SELECT COUNT(*) AS n FROM nightscout_profiles") };
    expect(after!.n).toBe(before!.n - 1);
  });
});
