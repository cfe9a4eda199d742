/**
 * Every password check is throttled like the login (worker/repositories/throttle.ts, a fixed
 * 15-minute window): wrong passwords on change-password and account deletion share one counter
 * per account, and the sixth try answers 429 with Retry-After in the error envelope, even with
 * the right password, until the window ends. Verification mails are throttled per account.
 * Follows django-axes (jazzband/django-axes, axes/handlers/database.py,
 * `AxesDatabaseHandler.user_login_failed`: each failure counted per credential, locked out once
 * the limit is reached whatever the next password, reset on success with AXES_RESET_ON_SUCCESS).
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, expectFieldError, register } from "./helpers.ts";

const WRONG = "not my password";

describe("password re-checks", () => {
  it("change-password: 5 wrong answers 403, then 429 with Retry-After (also for the right one); nothing changed", async () => {
    const a = await register();
    for (let i = 0; i < 5; i++) {
      expectFieldError(await api("/api/v1/auth/change-password", { token: a.access, body: { current_password: WRONG, new_password: "brand new password" } }), 403, "current_password");
    }
    const blocked = await api("/api/v1/auth/change-password", { token: a.access, body: { current_password: a.password, new_password: "brand new password" } });
    expectFieldError(blocked, 429, "current_password");
    expect(blocked.json.error.code).toBe("too_many_attempts");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(blocked.json.error.message).toMatch(/try again in \d+ s/);
    expect((await api("/api/v1/auth/login", { body: { email: a.email, password: a.password } })).status).toBe(200);
  });

  it("account deletion shares the counter; the account stays until the window ends", async () => {
    const a = await register();
    for (let i = 0; i < 3; i++) await api("/api/v1/auth/change-password", { token: a.access, body: { current_password: WRONG, new_password: "brand new password" } });
    for (let i = 0; i < 2; i++) expectFieldError(await api("/api/v1/auth/me", { method: "DELETE", token: a.access, body: { password: WRONG } }), 403, "password");
    const blocked = await api("/api/v1/auth/me", { method: "DELETE", token: a.access, body: { password: a.password } });
    expectFieldError(blocked, 429, "password");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await api("/api/v1/auth/me", { token: a.access })).status).toBe(200);
    // When the window has passed, the right password works again.
    await env.DB.prepare("UPDATE login_throttle SET window_start = 0 WHERE key = 'password:' || (SELECT id FROM users WHERE email = ?)").bind(a.email).run();
    expect((await api("/api/v1/auth/me", { method: "DELETE", token: a.access, body: { password: a.password } })).status).toBe(204);
  });

  it("a right password clears the count, and one account's failures do not throttle another", async () => {
    const a = await register();
    const b = await register();
    for (let i = 0; i < 4; i++) await api("/api/v1/auth/change-password", { token: a.access, body: { current_password: WRONG, new_password: "brand new password" } });
    const ok = await api("/api/v1/auth/change-password", { token: a.access, body: { current_password: a.password, new_password: "brand new password" } });
    expect(ok.status).toBe(200);
    for (let i = 0; i < 4; i++) {
      expect((await api("/api/v1/auth/change-password", { token: ok.json.access_token, body: { current_password: WRONG, new_password: "another password!" } })).status).toBe(403);
    }
    expect((await api("/api/v1/auth/change-password", { token: b.access, body: { current_password: b.password, new_password: "brand new password" } })).status).toBe(200);
  });
});

describe("verification mails", () => {
  it("resends at most 5 per account per 15 minutes", async () => {
    const a = await register();
    for (let i = 0; i < 5; i++) expect((await api("/api/v1/auth/verify-email/resend", { method: "POST", token: a.access })).status).toBe(202);
    const blocked = await api("/api/v1/auth/verify-email/resend", { method: "POST", token: a.access });
    expectFieldError(blocked, 429, "email");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
