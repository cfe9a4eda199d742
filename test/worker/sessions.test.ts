/**
 * Sessions end for good: logout, password change and account deletion end the session's access
 * tokens too (not only its refresh tokens), so a copy of the web site's session taken before
 * cannot go on; magic links issued before a password change are void; a deleted account's
 * still-unexpired access token answers 401 on every auth and caregiver route, never 500.
 *
 * Follows Epic Stack's server-side sessions (epicweb-dev/epic-stack, app/utils/auth.server.ts:
 * `getUserId` looks the cookie's session up on each request, `logout` deletes it) and Django's
 * session auth hash (django/contrib/auth/__init__.py `get_user`: a password change ends other
 * sessions; `update_session_auth_hash` keeps the one that made it, which here gets a new session
 * instead) and its reset tokens (django/contrib/auth/tokens.py
 * `PasswordResetTokenGenerator._make_hash_value` hashes the password, so a change voids them).
 */
import { describe, expect, it } from "vitest";
import { api, register, tokenFromMail, waitForMail } from "./helpers.ts";

const NEW_PASSWORD = "brand new password";

describe("logout", () => {
  it("ends the session's access token as well as its refresh token; other sessions go on", async () => {
    const a = await register();
    const other = await api("/api/v1/auth/login", { body: { email: a.email, password: a.password } });
    expect((await api("/api/v1/auth/me", { token: a.access })).status).toBe(200);
    expect((await api("/api/v1/auth/logout", { body: { refresh_token: a.refresh } })).status).toBe(204);
    for (const path of ["/api/v1/auth/me", "/api/v1/glucose/readings", "/api/v1/sharing"]) {
      const res = await api(path, { token: a.access });
      expect(res.status, path).toBe(401);
      expect(res.json.error.code).toBe("unauthorized");
    }
    expect((await api("/api/v1/auth/refresh", { body: { refresh_token: a.refresh } })).status).toBe(401);
    expect((await api("/api/v1/auth/me", { token: other.json.access_token })).status).toBe(200);
  });

  it("ends the access tokens of every rotation of the session", async () => {
    const a = await register();
    const rotated = await api("/api/v1/auth/refresh", { body: { refresh_token: a.refresh } });
    expect((await api("/api/v1/auth/me", { token: rotated.json.access_token })).status).toBe(200);
    await api("/api/v1/auth/logout", { body: { refresh_token: rotated.json.refresh_token } });
    expect((await api("/api/v1/auth/me", { token: a.access })).status).toBe(401);
    expect((await api("/api/v1/auth/me", { token: rotated.json.access_token })).status).toBe(401);
  });
});

describe("password change", () => {
  it("ends every earlier session (access and refresh tokens, the changing one included) and gives a new one", async () => {
    const a = await register();
    const other = await api("/api/v1/auth/login", { body: { email: a.email, password: a.password } });
    const changed = await api("/api/v1/auth/change-password", { token: a.access, body: { current_password: a.password, new_password: NEW_PASSWORD } });
    expect(changed.status).toBe(200);
    for (const token of [a.access, other.json.access_token]) expect((await api("/api/v1/auth/me", { token })).status).toBe(401);
    for (const refresh_token of [a.refresh, other.json.refresh_token]) expect((await api("/api/v1/auth/refresh", { body: { refresh_token } })).status).toBe(401);
    expect((await api("/api/v1/auth/me", { token: changed.json.access_token })).status).toBe(200);
    expect((await api("/api/v1/auth/refresh", { body: { refresh_token: changed.json.refresh_token } })).status).toBe(200);
  });

  it("voids magic links issued before it", async () => {
    const a = await register();
    await api("/api/v1/auth/magic-link", { body: { email: a.email } });
    const link = tokenFromMail((await waitForMail(a.email, /sign-in link/)).body);
    expect((await api("/api/v1/auth/change-password", { token: a.access, body: { current_password: a.password, new_password: NEW_PASSWORD } })).status).toBe(200);
    const res = await api("/api/v1/auth/magic-link/verify", { body: { token: link } });
    expect(res.status).toBe(401);
    expect(res.json.access_token).toBeUndefined();
  });
});

describe("a deleted account's access token", () => {
  it("answers 401, never 500, on every auth, caregiver and following route", async () => {
    const owner = await register({ name: "Robin" });
    const a = await register();
    const sharingId = "0b7d3c5e-3f7a-4a5e-9a56-8f0e7b1d2c3a";
    const routes: [string, string, unknown?][] = [
      ["GET", "/api/v1/auth/me"],
      ["PATCH", "/api/v1/auth/me", { name: "Ghost" }],
      ["DELETE", "/api/v1/auth/me", { password: a.password }],
      ["POST", "/api/v1/auth/change-password", { current_password: a.password, new_password: NEW_PASSWORD }],
      ["POST", "/api/v1/auth/verify-email/resend"],
      ["GET", "/api/v1/sharing"],
      ["POST", "/api/v1/sharing/invitations", { email: "someone@example.com" }],
      ["POST", `/api/v1/sharing/invitations/${sharingId}/accept`],
      ["DELETE", `/api/v1/sharing/${sharingId}`],
      ["PATCH", `/api/v1/sharing/${sharingId}`, { low_threshold: 70 }],
      ["GET", "/api/v1/sharing/access-log"],
      ["GET", "/api/v1/sharing/settings"],
      ["PUT", "/api/v1/sharing/settings", { escalation_minutes: 15 }],
      ["GET", "/api/v1/following"],
      ["GET", `/api/v1/following/${owner.id}/glucose/readings`],
      ["POST", `/api/v1/following/${owner.id}/alerts/ticket`],
      ["GET", "/api/v1/glucose/readings"],
      ["POST", "/api/v1/glucose/readings", { time: Date.now(), value: 100 }],
    ];
    expect((await api("/api/v1/auth/me", { method: "DELETE", token: a.access, body: { password: a.password } })).status).toBe(204);
    for (const [method, path, body] of routes) {
      const res = await api(path, { method, token: a.access, body });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.json)}`).toBe(401);
      expect(res.json.error).toMatchObject({ code: "unauthorized", message: expect.any(String), fields: [] });
    }
  });
});
