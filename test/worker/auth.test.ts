import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, expectFieldError, outboxFor, register, tokenFromMail, waitForMail } from "./helpers.ts";
import { allDatabases } from "./shard-helpers.ts";

describe("register", () => {
  it("creates an account and answers the token pair shape", async () => {
    const res = await api("/api/v1/auth/register", {
      body: { email: "New.Person@Example.com", password: "a very long secret", name: "New Person", timezone: "America/New_York", unit: "mmol/L" },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      user: { id: expect.any(String), email: "new.person@example.com", email_verified: false, name: "New Person", timezone: "America/New_York", unit: "mmol/L" },
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: "bearer",
      expires_in: 900,
    });
  });

  it("answers a taken email like a new one (201, a separate account), so it tells nothing (email-verification.test.ts)", async () => {
    const a = await register();
    const again = await api("/api/v1/auth/register", { body: { email: a.email, password: "another long one", name: "X", timezone: "UTC", unit: "mg/dL" } });
    expect(again.status).toBe(201);
    expect(again.json.user.id).not.toBe(a.id);
  });

  it.each([
    [{ email: "not-an-email" }, "email"],
    [{ password: "short" }, "password"],
    [{ timezone: "Mars/Olympus" }, "timezone"],
    [{ unit: "mg" }, "unit"],
    [{ name: "" }, "name"],
  ])("validates %o", async (override, field) => {
    const body = { email: `v-${crypto.randomUUID()}@example.com`, password: "long enough pw", name: "V", timezone: "UTC", unit: "mg/dL", ...override };
    expectFieldError(await api("/api/v1/auth/register", { body }), 422, field);
  });

  it("answers malformed JSON with 400 in the envelope", async () => {
    expectFieldError(await api("/api/v1/auth/register", { raw: "{not json" }), 400, "body");
  });
});

describe("login, refresh, logout", () => {
  it("logs in and reads /me", async () => {
    const a = await register();
    const login = await api("/api/v1/auth/login", { body: { email: a.email, password: a.password } });
    expect(login.status).toBe(200);
    const me = await api("/api/v1/auth/me", { token: login.json.access_token });
    expect(me.json).toMatchObject({ id: a.id, email: a.email });
  });

  it("refuses a wrong password with 401 and no token", async () => {
    const a = await register();
    const res = await api("/api/v1/auth/login", { body: { email: a.email, password: "wrong password!" } });
    expect(res.status).toBe(401);
    expect(res.json.access_token).toBeUndefined();
  });

  it("rotates refresh tokens, and reuse of a rotated token revokes the whole family", async () => {
    const a = await register();
    const first = await api("/api/v1/auth/refresh", { body: { refresh_token: a.refresh } });
    expect(first.status).toBe(200);
    expect(first.json.refresh_token).not.toBe(a.refresh);
    // The old token again: theft suspected, family revoked.
    const reuse = await api("/api/v1/auth/refresh", { body: { refresh_token: a.refresh } });
    expect(reuse.status).toBe(401);
    // The legitimately rotated token is now dead too.
    const after = await api("/api/v1/auth/refresh", { body: { refresh_token: first.json.refresh_token } });
    expect(after.status).toBe(401);
  });

  it("logout revokes the session's refresh tokens", async () => {
    const a = await register();
    expect((await api("/api/v1/auth/logout", { body: { refresh_token: a.refresh } })).status).toBe(204);
    expect((await api("/api/v1/auth/refresh", { body: { refresh_token: a.refresh } })).status).toBe(401);
  });

  it("rejects missing, tampered and wrong-type tokens", async () => {
    const a = await register();
    expect((await api("/api/v1/auth/me")).status).toBe(401);
    const [h, p, s] = a.access.split(".");
    const tampered = `${h}.${p!.slice(0, -2)}xx.${s}`;
    expect((await api("/api/v1/auth/me", { token: tampered })).status).toBe(401);
    expect((await api("/api/v1/auth/me", { token: `${h}.${p}.${s!.split("").reverse().join("")}` })).status).toBe(401);
    expect((await api("/api/v1/auth/me", { token: a.refresh })).status).toBe(401);
  });

  it("throttles failed logins per account with 429 and Retry-After", async () => {
    const a = await register();
    for (let i = 0; i < 5; i++) {
      const res = await api("/api/v1/auth/login", { body: { email: a.email, password: "wrong password!" }, headers: { "cf-connecting-ip": `192.0.2.${i}` } });
      expect(res.status).toBe(401);
    }
    const blocked = await api("/api/v1/auth/login", { body: { email: a.email, password: a.password }, headers: { "cf-connecting-ip": "192.0.2.99" } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(blocked.json.error.code).toBe("too_many_attempts");
  });

  it("throttles failed logins per client address across accounts", async () => {
    const ip = "198.51.100.7";
    for (let i = 0; i < 20; i++) {
      await api("/api/v1/auth/login", { body: { email: `nobody${i}@example.com`, password: "whatever123" }, headers: { "cf-connecting-ip": ip } });
    }
    const res = await api("/api/v1/auth/login", { body: { email: "nobody-else@example.com", password: "whatever123" }, headers: { "cf-connecting-ip": ip } });
    expect(res.status).toBe(429);
  });
});

describe("magic link", () => {
  it("answers 202 for unknown emails without sending anything", async () => {
    const res = await api("/api/v1/auth/magic-link", { body: { email: "ghost@example.com" } });
    expect(res.status).toBe(202);
    // The mail would be sent after the answer: a known address's mail arrives, this one never.
    const known = await register();
    await api("/api/v1/auth/magic-link", { body: { email: known.email } });
    await waitForMail(known.email, /sign-in link/);
    expect(await outboxFor("ghost@example.com")).toHaveLength(0);
  });

  it("mails a single-use link that signs in", async () => {
    const a = await register();
    expect((await api("/api/v1/auth/magic-link", { body: { email: a.email } })).status).toBe(202);
    const mail = await waitForMail(a.email, /sign-in link/);
    const token = tokenFromMail(mail.body);
    const first = await api("/api/v1/auth/magic-link/verify", { body: { token } });
    expect(first.status).toBe(200);
    expect(first.json.user.id).toBe(a.id);
    expect(first.json.refresh_token).toEqual(expect.any(String));
    const second = await api("/api/v1/auth/magic-link/verify", { body: { token } });
    expect(second.status).toBe(401);
  });

  it("refuses an expired link", async () => {
    const a = await register();
    await api("/api/v1/auth/magic-link", { body: { email: a.email } });
    const token = tokenFromMail((await waitForMail(a.email, /sign-in link/)).body);
    await env.DB.prepare("UPDATE magic_links SET expires_at = ? WHERE user_id = (SELECT id FROM users WHERE email = ?)").bind(Date.now() - 1, a.email).run();
    expect((await api("/api/v1/auth/magic-link/verify", { body: { token } })).status).toBe(401);
  });
});

describe("profile, password, deletion", () => {
  it("PATCH /me updates the profile and validates fields", async () => {
    const a = await register();
    const res = await api("/api/v1/auth/me", { method: "PATCH", token: a.access, body: { name: "Renamed", unit: "mmol/L", timezone: "Asia/Tokyo" } });
    expect(res.json).toMatchObject({ name: "Renamed", unit: "mmol/L", timezone: "Asia/Tokyo" });
    expectFieldError(await api("/api/v1/auth/me", { method: "PATCH", token: a.access, body: { timezone: "Nowhere/Land" } }), 422, "timezone");
    expectFieldError(await api("/api/v1/auth/me", { method: "PATCH", token: a.access, body: { email: "x@example.com" } }), 422);
  });

  it("changes the password, revoking old sessions", async () => {
    const a = await register();
    expectFieldError(await api("/api/v1/auth/change-password", { token: a.access, body: { current_password: "wrong one!!", new_password: "brand new password" } }), 403, "current_password");
    const res = await api("/api/v1/auth/change-password", { token: a.access, body: { current_password: a.password, new_password: "brand new password" } });
    expect(res.status).toBe(200);
    expect((await api("/api/v1/auth/refresh", { body: { refresh_token: a.refresh } })).status).toBe(401);
    expect((await api("/api/v1/auth/login", { body: { email: a.email, password: "brand new password" } })).status).toBe(200);
  });

  it("deletes the account and every record it owns", async () => {
    const a = await register();
    await api("/api/v1/glucose/bulk", { token: a.access, body: { readings: [{ time: Date.now() - 60_000, value: 100 }, { time: Date.now() - 360_000, value: 104 }] } });
    await api("/api/v1/meals", { token: a.access, body: { time: Date.now() - 3600_000, carbs: 40 } });
    expectFieldError(await api("/api/v1/auth/me", { method: "DELETE", token: a.access, body: { password: "nope nope nope" } }), 403, "password");
    expect((await api("/api/v1/auth/me", { method: "DELETE", token: a.access, body: { password: a.password } })).status).toBe(204);
    // The directory and every shard (each shard holds an anchor row per user).
    for (const { name, d1 } of allDatabases()) {
      const userRows = await d1.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(a.email).first<{ n: number }>();
      expect(userRows!.n, name).toBe(0);
      for (const table of ["glucose_readings", "glucose_sources", "meals", "refresh_tokens"]) {
        const orphans = await d1.prepare(`SELECT count(*) AS n FROM ${table} WHERE user_id NOT IN (SELECT id FROM users)`).first<{ n: number }>();
        expect(orphans!.n, `${name}.${table}`).toBe(0);
      }
    }
    // The still-unexpired access token can no longer read or write anything.
    expect((await api("/api/v1/auth/me", { token: a.access })).status).toBe(401);
    expect((await api("/api/v1/glucose/readings", { token: a.access, body: { time: Date.now(), value: 100 } })).status).toBe(401);
    expect((await api("/api/v1/auth/login", { body: { email: a.email, password: a.password } })).status).toBe(401);
  });
});
