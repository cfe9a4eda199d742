/**
 * Verified email addresses, and answers that do not tell whether an address has an account.
 * - A caregiver invitation is shown to and accepted by a verified owner of the invited address
 *   only: the takeover by whoever registers the address first (and never reads its mail) fails.
 *   Follows Epic Stack's verification flow (epicweb-dev/epic-stack, app/routes/_auth+/verify.tsx,
 *   `validateRequest`: a single-use code mailed to the address, checked before the address counts).
 * - Registering a taken address answers exactly like a new one (201, same shape) and mails the
 *   address's owner; that second account can never verify the address; login picks the account
 *   whose password matches. Magic links answer 202 either way and mail after the answer. Timing
 *   follows Django's ModelBackend.authenticate (django/contrib/auth/backends.py: the hasher runs
 *   for an unknown user too); the medians are measured by scripts/measure-account-timing.mjs,
 *   not asserted here.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, expectFieldError, outboxFor, register, tokenFromMail, verifyEmail, waitForMail } from "./helpers.ts";

const VERIFY_SUBJECT = /Confirm your GlucoLens email address/;
const TAKEN_SUBJECT = /Someone tried to register this address/;

const registerAs = (email: string, password = "another long secret", name = "Someone") =>
  api("/api/v1/auth/register", { body: { email, password, name, timezone: "UTC", unit: "mg/dL" }, headers: { "cf-connecting-ip": "203.0.113.40" } });

/** The answer's shape with the values that must differ (ids, tokens) blanked. */
function shapeOf(res: { status: number; json: any }) {
  const { user, ...rest } = res.json;
  return {
    status: res.status,
    keys: Object.keys(res.json).sort(),
    userKeys: Object.keys(user).sort(),
    user: { ...user, id: typeof user.id, email: typeof user.email, name: typeof user.name },
    rest: { ...rest, access_token: typeof rest.access_token, refresh_token: typeof rest.refresh_token },
  };
}

describe("verification", () => {
  it("mails a single-use link on registration; /auth/me says what still needs verifying", async () => {
    const a = await register();
    expect((await api("/api/v1/auth/me", { token: a.access })).json.email_verified).toBe(false);
    const mail = await waitForMail(a.email, VERIFY_SUBJECT);
    expect(mail.body).toContain("/verify-email?token=");
    const token = tokenFromMail(mail.body);
    const ok = await api("/api/v1/auth/verify-email", { body: { token } });
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json).toMatchObject({ id: a.id, email: a.email, email_verified: true });
    expect((await api("/api/v1/auth/me", { token: a.access })).json.email_verified).toBe(true);
    // Single use; unknown and malformed tokens refused in the envelope.
    expect((await api("/api/v1/auth/verify-email", { body: { token } })).status).toBe(401);
    expect((await api("/api/v1/auth/verify-email", { body: { token: "not-a-token" } })).json.error.code).toBe("unauthorized");
    expectFieldError(await api("/api/v1/auth/verify-email", { body: {} }), 422, "token");
    // Nothing left to verify.
    expectFieldError(await api("/api/v1/auth/verify-email/resend", { method: "POST", token: a.access }), 409, "email");
  });

  it("refuses an expired link, and resends a new one that works", async () => {
    const a = await register();
    const first = tokenFromMail((await waitForMail(a.email, VERIFY_SUBJECT)).body);
    await env.DB.prepare("UPDATE email_verifications SET expires_at = ? WHERE email = ?").bind(Date.now() - 1, a.email).run();
    expect((await api("/api/v1/auth/verify-email", { body: { token: first } })).status).toBe(401);
    expect((await api("/api/v1/auth/verify-email/resend", { method: "POST" })).status).toBe(401);
    const resend = await api("/api/v1/auth/verify-email/resend", { method: "POST", token: a.access });
    expect(resend.status).toBe(202);
    expect(resend.json).toEqual({ status: "sent" });
    const mails = (await outboxFor(a.email)).filter((m) => VERIFY_SUBJECT.test(m.subject));
    expect(mails).toHaveLength(2);
    expect((await api("/api/v1/auth/verify-email", { body: { token: tokenFromMail(mails[0]!.body) } })).json.email_verified).toBe(true);
  });

  it("a magic-link sign-in proves the address too", async () => {
    const a = await register();
    await api("/api/v1/auth/magic-link", { body: { email: a.email } });
    const link = tokenFromMail((await waitForMail(a.email, /sign-in link/)).body);
    const res = await api("/api/v1/auth/magic-link/verify", { body: { token: link } });
    expect(res.status).toBe(200);
    expect(res.json.user).toMatchObject({ id: a.id, email_verified: true });
  });
});

describe("caregiver invitations need a verified address", () => {
  it("an account that registered the invited address but never verified it neither sees nor accepts the invitation", async () => {
    const owner = await register({ name: "Robin" });
    const invited = `invited-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const inv = await api("/api/v1/sharing/invitations", { token: owner.access, body: { email: invited } });
    expect(inv.status).toBe(201);
    // The attacker registers the invited address first and never reads its mail.
    const attacker = await registerAs(invited, "attacker password");
    expect(attacker.status).toBe(201);
    const token = attacker.json.access_token;
    expect((await api("/api/v1/sharing", { token })).json.items).toEqual([]);
    const accept = await api(`/api/v1/sharing/invitations/${inv.json.id}/accept`, { token, method: "POST" });
    expectFieldError(accept, 403, "email");
    expect(accept.json.error.code).toBe("email_not_verified");
    expect(accept.json.error.message).toContain("/auth/verify-email/resend");
    expect((await api(`/api/v1/following/${owner.id}/glucose/readings`, { token })).status).toBe(404);
    expect((await api("/api/v1/sharing", { token: owner.access })).json.items).toMatchObject([{ id: inv.json.id, status: "pending", follower: null }]);
  });

  it("the owner of the address, once verified, sees and accepts it", async () => {
    const owner = await register({ name: "Robin" });
    const carer = await register({ name: "Sam" });
    const inv = await api("/api/v1/sharing/invitations", { token: owner.access, body: { email: carer.email } });
    await verifyEmail(carer);
    expect((await api("/api/v1/sharing", { token: carer.access })).json.items).toMatchObject([{ id: inv.json.id, role: "follower", status: "pending" }]);
    expect((await api(`/api/v1/sharing/invitations/${inv.json.id}/accept`, { token: carer.access, method: "POST" })).status).toBe(200);
  });
});

describe("registering an address that has an account", () => {
  it("answers exactly like a new address, mails the owner instead of a link, and the second account can never verify", async () => {
    const fresh = `fresh-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const first = await registerAs(fresh, "the owner's password", "Owner");
    const second = await registerAs(fresh, "somebody else's pw", "Other");
    const unknown = await registerAs(`other-${crypto.randomUUID().slice(0, 8)}@example.com`, "somebody else's pw", "Other");
    expect(second.status).toBe(201);
    expect(shapeOf(second)).toEqual(shapeOf(unknown));
    expect(shapeOf(second)).toEqual(shapeOf(first));
    expect(second.json.user.id).not.toBe(first.json.user.id);
    expect(second.headers.get("content-type")).toBe(unknown.headers.get("content-type"));

    // One verification mail (the first account's) and one "already has an account" mail.
    await waitForMail(fresh, TAKEN_SUBJECT);
    const mails = await outboxFor(fresh);
    expect(mails.filter((m) => VERIFY_SUBJECT.test(m.subject))).toHaveLength(1);
    expect(mails.filter((m) => TAKEN_SUBJECT.test(m.subject))).toHaveLength(1);
    expect(mails.find((m) => TAKEN_SUBJECT.test(m.subject))!.body).not.toContain("token=");
    // The second account cannot ask for a link; the first verifies, the second stays unverified.
    expectFieldError(await api("/api/v1/auth/verify-email/resend", { method: "POST", token: second.json.access_token }), 409, "email");
    const token = tokenFromMail(mails.find((m) => VERIFY_SUBJECT.test(m.subject))!.body);
    expect((await api("/api/v1/auth/verify-email", { body: { token } })).json).toMatchObject({ id: first.json.user.id, email_verified: true });
    expect((await api("/api/v1/auth/me", { token: second.json.access_token })).json.email_verified).toBe(false);
    // The users table: two rows for the address, one verified (the partial unique index allows no second).
    const rows = await env.DB.prepare("SELECT email_verified_at IS NOT NULL AS v FROM users WHERE email = ? ORDER BY id").bind(fresh).all<{ v: number }>();
    expect(rows.results.map((r) => r.v)).toEqual([1, 0]);
    await expect(env.DB.prepare("UPDATE users SET email_verified_at = 1 WHERE email = ?").bind(fresh).run()).rejects.toThrow(/UNIQUE/);
  });

  it("login picks the account whose password matches; a magic link signs in to the address's owner", async () => {
    const email = `twice-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const first = await registerAs(email, "the owner's password", "Owner");
    const second = await registerAs(email, "somebody else's pw", "Other");
    const asOwner = await api("/api/v1/auth/login", { body: { email, password: "the owner's password" } });
    expect(asOwner.json.user.id).toBe(first.json.user.id);
    const asOther = await api("/api/v1/auth/login", { body: { email, password: "somebody else's pw" } });
    expect(asOther.json.user.id).toBe(second.json.user.id);
    expect((await api("/api/v1/auth/login", { body: { email, password: "neither of them" } })).status).toBe(401);
    await api("/api/v1/auth/magic-link", { body: { email } });
    const link = tokenFromMail((await waitForMail(email, /sign-in link/)).body);
    expect((await api("/api/v1/auth/magic-link/verify", { body: { token: link } })).json.user).toMatchObject({ id: first.json.user.id, email_verified: true });
  });

  it("deleting the second account keeps the address's login throttle", async () => {
    const email = `throttled-${crypto.randomUUID().slice(0, 8)}@example.com`;
    await registerAs(email, "the owner's password");
    for (let i = 0; i < 5; i++) await api("/api/v1/auth/login", { body: { email, password: "guess number " + i }, headers: { "cf-connecting-ip": `192.0.2.${50 + i}` } });
    const second = await registerAs(email, "somebody else's pw");
    expect((await api("/api/v1/auth/me", { method: "DELETE", token: second.json.access_token, body: { password: "somebody else's pw" } })).status).toBe(204);
    expect((await api("/api/v1/auth/login", { body: { email, password: "the owner's password" }, headers: { "cf-connecting-ip": "192.0.2.60" } })).status).toBe(429);
  });
});

describe("magic links tell nothing", () => {
  it("answers 202 with the same body for known and unknown addresses, and throttles both alike", async () => {
    const a = await register();
    const ghost = `ghost-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const known = await api("/api/v1/auth/magic-link", { body: { email: a.email } });
    const unknown = await api("/api/v1/auth/magic-link", { body: { email: ghost } });
    expect([known.status, known.json]).toEqual([unknown.status, unknown.json]);
    for (let i = 0; i < 4; i++) {
      await api("/api/v1/auth/magic-link", { body: { email: a.email }, headers: { "cf-connecting-ip": `198.51.100.${i}` } });
      await api("/api/v1/auth/magic-link", { body: { email: ghost }, headers: { "cf-connecting-ip": `198.51.100.${i}` } });
    }
    const [k, u] = [await api("/api/v1/auth/magic-link", { body: { email: a.email } }), await api("/api/v1/auth/magic-link", { body: { email: ghost } })];
    expect([k.status, u.status]).toEqual([429, 429]);
    expect(k.json.error.code).toBe(u.json.error.code);
    expect(Number(k.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
