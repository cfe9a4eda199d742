/**
 * @module worker/routes/auth
 * /api/v1/auth: register, login, refresh (rotating), logout, magic link, email verification,
 * profile, password, deletion.
 *
 * Whether an address has an account is never told: registration answers 201 with a new account
 * either way (a second account for a taken address can never verify it, and the owner is mailed
 * instead), magic links answer 202 either way, and mail goes out after the answer. Every password
 * check is throttled (login, change-password, account deletion), and so are mail sends.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sign } from "hono/jwt";
import type { Context } from "hono";
import type { Db } from "../db/client.ts";
import { directoryDb } from "../db/shards.ts";
import { deleteShardRows, mirrorProfile, placeNewUser } from "../db/shard-accounts.ts";
import type { AppEnv } from "../env.ts";
import { jwtSecret } from "../lib/config.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { ApiError, unauthorized } from "../lib/errors.ts";
import { sessionsOfUserEnded } from "../lib/live-sessions.ts";
import { hashPassword, verifyPassword } from "../lib/password.ts";
import {
  accountsByEmail,
  createUser,
  deleteUser,
  findUser,
  markEmailVerified,
  ownerOfEmail,
  ownsEmail,
  publicUser,
  updatePassword,
  updateProfile,
  type UserRecord,
} from "../repositories/users.ts";
import {
  consumeEmailVerification,
  consumeMagicLink,
  familyOfToken,
  insertRefreshToken,
  revokeAllForUser,
  revokeFamily,
  rotateRefreshToken,
  voidMagicLinks,
} from "../repositories/sessions.ts";
import { followedPublicIds } from "../repositories/sharing.ts";
import { clearFailures, recordFailure, throttledFor } from "../repositories/throttle.ts";
import {
  ChangePasswordBody,
  DeleteAccountBody,
  LoginBody,
  MagicLinkBody,
  MagicLinkVerifyBody,
  PatchMeBody,
  RefreshBody,
  RegisterBody,
  TokenPair,
  User,
  VerifyEmailBody,
} from "../schemas/auth.ts";
import { commonErrors, ErrorEnvelope, jsonBody, jsonContent } from "../schemas/common.ts";
import { afterResponse, sendAddressTakenMail, sendMagicLinkMail, sendVerificationMail } from "../services/account-mail.ts";
import { closeMonitors } from "../monitor/client.ts";

export const ACCESS_TTL_S = 15 * 60;
/** Failed logins allowed per account and per client address within the throttle window. */
const ACCOUNT_FAILURE_LIMIT = 5;
const IP_FAILURE_LIMIT = 20;
/** Magic links sent per address and per client address, whether or not the address has an account. */
const MAGIC_LINK_LIMIT = 5;
const MAGIC_LINK_IP_LIMIT = 20;
/** Wrong passwords per account on change-password and account deletion together. */
const PASSWORD_RECHECK_LIMIT = 5;
/** Verification mails resent per account per window. */
const VERIFICATION_MAIL_LIMIT = 5;

const security = [{ Bearer: [] }];
const errorContent = (description: string) => jsonContent(ErrorEnvelope, description);

async function issueTokens(c: Context<AppEnv>, db: Db, user: UserRecord, familyId = crypto.randomUUID()) {
  const now = Math.floor(Date.now() / 1000);
  // `sid` names the session (refresh-token family): ending it ends its access tokens too.
  const accessToken = await sign(
    { sub: user.publicId, uid: user.id, sid: familyId, typ: "access", iat: now, exp: now + ACCESS_TTL_S },
    jwtSecret(c.env),
    "HS256",
  );
  const refreshToken = randomToken(32);
  await insertRefreshToken(db, user.id, familyId, await sha256Hex(refreshToken));
  return {
    user: publicUser(user),
    access_token: accessToken,
    refresh_token: refreshToken,
    token_type: "bearer" as const,
    expires_in: ACCESS_TTL_S,
  };
}

const clientIp = (c: Context<AppEnv>) => c.req.header("cf-connecting-ip") ?? c.req.header("x-real-ip") ?? "unknown";

function tooManyAttempts(retryAfter: number, field?: string, what = "failed attempts"): ApiError {
  const message = `Too many ${what}; try again in ${retryAfter} s`;
  return new ApiError(429, "too_many_attempts", message, field ? [{ path: field, message: `too many ${what}; try again in ${retryAfter} s` }] : [], {
    "Retry-After": String(retryAfter),
  });
}

/**
 * Checks the signed-in account's password before a sensitive change, under the same fixed-window
 * throttle as logins: after {@link PASSWORD_RECHECK_LIMIT} wrong ones, 429 until the window ends.
 */
async function recheckPassword(db: Db, user: UserRecord, password: string, field: string, message: string): Promise<void> {
  const key = `password:${user.id}`;
  const wait = await throttledFor(db, [{ key, limit: PASSWORD_RECHECK_LIMIT }]);
  if (wait > 0) throw tooManyAttempts(wait, field, "wrong passwords");
  if (!(await verifyPassword(password, user.password))) {
    await recordFailure(db, [key]);
    throw new ApiError(403, "wrong_password", message, [{ path: field, message: "is incorrect" }]);
  }
  await clearFailures(db, key);
}

/** 401 when the token's account is gone (deleted while the token was cached as live elsewhere). */
async function signedInAccount(c: Context<AppEnv>, db: Db): Promise<UserRecord> {
  const user = await findUser(db, c.get("user").id);
  if (!user) throw unauthorized("Account no longer exists");
  return user;
}

export const authRoutes = new OpenAPIHono<AppEnv>();

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/register",
    tags: ["Auth"],
    summary: "Create an account",
    description:
      "Answers 201 with a new, unverified account (`email_verified: false`) and its tokens, also when the address already has an account, so the answer never tells whether it does. " +
      "The address is mailed a verification link (`POST /auth/verify-email`); when it already had an account, it is mailed that someone registered it again instead, and the new account can never verify it.",
    request: { body: jsonBody(RegisterBody) },
    responses: { 201: jsonContent(TokenPair, "The new account and its first token pair"), ...commonErrors },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const db = directoryDb(c.env);
    const user = await createUser(db, { ...body, password: await hashPassword(body.password) });
    await placeNewUser(c.env, user);
    afterResponse(c, "auth.register_mail_failed", async (env, later) => {
      if (await ownsEmail(later, user)) await sendVerificationMail(env, later, user);
      else await sendAddressTakenMail(env, later, user.email);
    });
    return c.json(await issueTokens(c, db, user), 201);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/login",
    tags: ["Auth"],
    summary: "Sign in with email and password",
    description: `Failed attempts are throttled: ${ACCOUNT_FAILURE_LIMIT} per account and ${IP_FAILURE_LIMIT} per client address per 15 minutes (429 with Retry-After).`,
    request: { body: jsonBody(LoginBody) },
    responses: { 200: jsonContent(TokenPair, "A new token pair"), ...commonErrors },
  }),
  async (c) => {
    const { email, password } = c.req.valid("json");
    const db = directoryDb(c.env);
    const accountKey = `account:${email}`;
    const ipKey = `ip:${clientIp(c)}`;
    const wait = await throttledFor(db, [
      { key: accountKey, limit: ACCOUNT_FAILURE_LIMIT },
      { key: ipKey, limit: IP_FAILURE_LIMIT },
    ]);
    if (wait > 0) throw tooManyAttempts(wait);
    // An address has several accounts only when it was registered again; the password picks one.
    const candidates = await accountsByEmail(db, email);
    let user: UserRecord | null = null;
    for (const candidate of candidates) {
      if (await verifyPassword(password, candidate.password)) {
        user = candidate;
        break;
      }
    }
    // Hash even for unknown emails so response time does not reveal which accounts exist.
    if (!candidates.length) await hashPassword(password);
    if (!user) {
      await recordFailure(db, [accountKey, ipKey]);
      throw unauthorized("Email or password is incorrect");
    }
    await clearFailures(db, accountKey);
    return c.json(await issueTokens(c, db, user), 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/refresh",
    tags: ["Auth"],
    summary: "Exchange a refresh token for a new token pair",
    description: "Refresh tokens are single-use: each call returns a new one. Presenting an already-used refresh token revokes every token of its login (family).",
    request: { body: jsonBody(RefreshBody) },
    responses: { 200: jsonContent(TokenPair, "A new token pair"), ...commonErrors },
  }),
  async (c) => {
    const { refresh_token } = c.req.valid("json");
    const db = directoryDb(c.env);
    const result = await rotateRefreshToken(db, await sha256Hex(refresh_token));
    if (!result.ok) {
      throw unauthorized(
        result.reason === "reused"
          ? "Refresh token was already used; this session has been revoked, sign in again"
          : "Invalid or expired refresh token",
      );
    }
    const user = await findUser(db, result.userId);
    if (!user) throw unauthorized("Account no longer exists");
    return c.json(await issueTokens(c, db, user, result.familyId), 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/logout",
    tags: ["Auth"],
    summary: "Revoke a refresh token and every token of its session",
    request: { body: jsonBody(RefreshBody) },
    responses: { 204: { description: "Signed out (also when the token was unknown)" }, ...commonErrors },
  }),
  async (c) => {
    const { refresh_token } = c.req.valid("json");
    const db = directoryDb(c.env);
    const family = await familyOfToken(db, await sha256Hex(refresh_token));
    if (family) await revokeFamily(db, family);
    return c.body(null, 204);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/magic-link",
    tags: ["Auth"],
    summary: "Email a single-use sign-in link",
    description:
      "Answers 202 whether or not the address has an account, after the same work either way (the mail goes out after the answer). The link is valid for 15 minutes and signs in to the account that owns the address (the verified one, else the first registered). " +
      `Requests are throttled whether or not the address has an account: ${MAGIC_LINK_LIMIT} per address and ${MAGIC_LINK_IP_LIMIT} per client address per 15 minutes (429 with Retry-After).`,
    request: { body: jsonBody(MagicLinkBody) },
    responses: { 202: jsonContent(z.object({ status: z.literal("accepted") }), "Accepted"), ...commonErrors },
  }),
  async (c) => {
    const { email } = c.req.valid("json");
    const db = directoryDb(c.env);
    const keys = [`magic:${email}`, `magic-ip:${clientIp(c)}`];
    const wait = await throttledFor(db, [
      { key: keys[0]!, limit: MAGIC_LINK_LIMIT },
      { key: keys[1]!, limit: MAGIC_LINK_IP_LIMIT },
    ]);
    if (wait > 0) throw tooManyAttempts(wait, "email", "sign-in links requested");
    await recordFailure(db, keys);
    afterResponse(c, "auth.magic_link_mail_failed", async (env, later) => {
      const user = await ownerOfEmail(later, email);
      if (user) await sendMagicLinkMail(env, later, user);
    });
    return c.json({ status: "accepted" as const }, 202);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/magic-link/verify",
    tags: ["Auth"],
    summary: "Sign in with a magic-link token",
    description:
      "The link was mailed to the account's address, so using it proves the address: an unverified account becomes verified (`email_verified: true`). " +
      "Links issued before a password change no longer sign in.",
    request: { body: jsonBody(MagicLinkVerifyBody) },
    responses: { 200: jsonContent(TokenPair, "A new token pair"), ...commonErrors },
  }),
  async (c) => {
    const { token } = c.req.valid("json");
    const db = directoryDb(c.env);
    const userId = await consumeMagicLink(db, await sha256Hex(token));
    const user = userId === null ? null : await markEmailVerified(db, userId);
    if (!user) throw unauthorized("This sign-in link is invalid, expired or already used");
    return c.json(await issueTokens(c, db, user), 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/verify-email",
    tags: ["Auth"],
    summary: "Confirm the account's email address with the token from the verification mail",
    description:
      "The token (from the link mailed on registration or by `POST /auth/verify-email/resend`) is the credential, so no access token is needed: the link may be opened on another device. " +
      "Single use, valid for 48 hours. Caregiver invitations sent to the address are shown to and accepted by a verified account only.",
    security: [],
    request: { body: jsonBody(VerifyEmailBody) },
    responses: {
      200: jsonContent(User, "The account, now with `email_verified: true`"),
      400: errorContent("Malformed request (for example invalid JSON)"),
      401: errorContent("The token is unknown, expired or already used"),
      409: errorContent("Another account has already confirmed this address"),
      413: errorContent("Request body too large"),
      422: errorContent("Validation failed; `fields` names `token`"),
      429: errorContent("Too many requests (Retry-After)"),
    },
  }),
  async (c) => {
    const { token } = c.req.valid("json");
    const db = directoryDb(c.env);
    const userId = await consumeEmailVerification(db, await sha256Hex(token));
    const user = userId === null ? null : await markEmailVerified(db, userId);
    if (!user) throw unauthorized("This verification link is invalid, expired or already used; ask for a new one");
    if (!user.emailVerified) {
      throw new ApiError(409, "email_in_use", "Another account has already confirmed this address", [{ path: "token", message: "confirms an address another account owns" }]);
    }
    return c.json(publicUser(user), 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/verify-email/resend",
    tags: ["Auth"],
    summary: "Mail a new verification link to the signed-in account's address",
    description:
      `Answers 202 and mails a new link (earlier ones stay valid until they expire). At most ${VERIFICATION_MAIL_LIMIT} verification mails per account per 15 minutes (429 with Retry-After). ` +
      "409 when the address is already verified, or when it belongs to another account (an address registered again can never be verified by the later account).",
    security,
    responses: {
      202: jsonContent(z.object({ status: z.literal("sent") }).openapi("VerificationSent"), "The mail is on its way"),
      400: errorContent("Malformed request"),
      401: errorContent("Missing, invalid or expired access token, or an ended session"),
      409: errorContent("Already verified, or the address belongs to another account"),
      429: errorContent("Too many verification mails (Retry-After)"),
    },
  }),
  async (c) => {
    const db = directoryDb(c.env);
    const user = await signedInAccount(c, db);
    if (user.emailVerified) throw new ApiError(409, "already_verified", "This address is already verified", [{ path: "email", message: "is already verified" }]);
    if (!(await ownsEmail(db, user))) {
      throw new ApiError(409, "email_in_use", "This address belongs to another account; this account cannot verify it. Register with another address.", [
        { path: "email", message: "belongs to another account" },
      ]);
    }
    const key = `verify:${user.id}`;
    const wait = await throttledFor(db, [{ key, limit: VERIFICATION_MAIL_LIMIT }]);
    if (wait > 0) throw tooManyAttempts(wait, "email", "verification mails");
    await recordFailure(db, [key]);
    await sendVerificationMail(c.env, db, user);
    return c.json({ status: "sent" as const }, 202);
  },
);

authRoutes.openapi(
  createRoute({
    method: "get",
    path: "/me",
    tags: ["Auth"],
    summary: "The signed-in user",
    security,
    description: "`email_verified` tells whether the address still needs confirming (`POST /auth/verify-email/resend` mails a new link).",
    responses: { 200: jsonContent(User, "The user"), ...commonErrors },
  }),
  async (c) => {
    return c.json(publicUser(await signedInAccount(c, directoryDb(c.env))), 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/me",
    tags: ["Auth"],
    summary: "Update name, time zone or preferred unit",
    security,
    request: { body: jsonBody(PatchMeBody) },
    responses: { 200: jsonContent(User, "The updated user"), ...commonErrors },
  }),
  async (c) => {
    const user = await updateProfile(directoryDb(c.env), c.get("user").id, c.req.valid("json"));
    if (!user) throw unauthorized("Account no longer exists");
    await mirrorProfile(c.env, user);
    return c.json(publicUser(user), 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/me",
    tags: ["Auth"],
    summary: "Delete the account and every record it owns",
    description: `Requires the current password (${PASSWORD_RECHECK_LIMIT} wrong ones per 15 minutes, counted with change-password, then 429 with Retry-After). Removes all data in D1 and the live monitor's state; every session ends.`,
    security,
    request: { body: jsonBody(DeleteAccountBody) },
    responses: { 204: { description: "Deleted" }, 403: errorContent("Wrong password"), ...commonErrors },
  }),
  async (c) => {
    const db = directoryDb(c.env);
    const user = await signedInAccount(c, db);
    await recheckPassword(db, user, c.req.valid("json").password, "password", "Password is incorrect");
    // The live monitor first: from here on it refuses everything of this account, so nothing can
    // land there between the D1 delete and its wipe. If D1 then fails, deleting again finishes.
    await closeMonitors(c.env, user.publicId, user.id, await followedPublicIds(db, user.id));
    sessionsOfUserEnded(user.id);
    // The shards' rows first: the directory's account is what a retry of the deletion finds.
    await deleteShardRows(c.env, user.id);
    await deleteUser(db, user.id);
    return c.body(null, 204);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/change-password",
    tags: ["Auth"],
    summary: "Change the password",
    description:
      "Ends every session, including the one that asks (its refresh and access tokens stop working), voids unused magic links, and returns the token pair of a new session. " +
      `${PASSWORD_RECHECK_LIMIT} wrong current passwords per 15 minutes, counted with account deletion, then 429 with Retry-After.`,
    security,
    request: { body: jsonBody(ChangePasswordBody) },
    responses: { 200: jsonContent(TokenPair, "A new token pair"), 403: errorContent("Wrong current password"), ...commonErrors },
  }),
  async (c) => {
    const { current_password, new_password } = c.req.valid("json");
    const db = directoryDb(c.env);
    const user = await signedInAccount(c, db);
    await recheckPassword(db, user, current_password, "current_password", "Current password is incorrect");
    await updatePassword(db, user.id, await hashPassword(new_password));
    await revokeAllForUser(db, user.id);
    await voidMagicLinks(db, user.id);
    return c.json(await issueTokens(c, db, user), 200);
  },
);
