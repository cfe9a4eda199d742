/**
 * @module worker/routes/auth
 * /api/v1/auth: register, login, refresh (rotating), logout, magic link, profile, password, deletion.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sign } from "hono/jwt";
import type { Context } from "hono";
import { getDb, type Db } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { jwtSecret } from "../lib/config.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { ApiError, unauthorized } from "../lib/errors.ts";
import { sendMail } from "../lib/mail.ts";
import { hashPassword, verifyPassword } from "../lib/password.ts";
import { requireAuth } from "../middleware/auth.ts";
import { createUser, deleteUser, findUser, findUserByEmail, publicUser, updatePassword, updateProfile, type UserRecord } from "../repositories/users.ts";
import {
  consumeMagicLink,
  familyOfToken,
  insertMagicLink,
  insertRefreshToken,
  revokeAllForUser,
  revokeFamily,
  rotateRefreshToken,
} from "../repositories/sessions.ts";
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
} from "../schemas/auth.ts";
import { commonErrors, conflictError, ErrorEnvelope, jsonBody, jsonContent } from "../schemas/common.ts";
import { deleteMonitorState } from "../services/monitor.ts";

export const ACCESS_TTL_S = 15 * 60;
/** Failed logins allowed per account and per client address within the throttle window. */
const ACCOUNT_FAILURE_LIMIT = 5;
const IP_FAILURE_LIMIT = 20;
const MAGIC_LINK_LIMIT = 5;

const security = [{ Bearer: [] }];

async function issueTokens(c: Context<AppEnv>, db: Db, user: UserRecord, familyId = crypto.randomUUID()) {
  const now = Math.floor(Date.now() / 1000);
  const accessToken = await sign(
    { sub: user.publicId, uid: user.id, typ: "access", iat: now, exp: now + ACCESS_TTL_S },
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

function tooManyAttempts(retryAfter: number): ApiError {
  return new ApiError(429, "too_many_attempts", `Too many failed attempts; try again in ${retryAfter} s`, [], {
    "Retry-After": String(retryAfter),
  });
}

export const authRoutes = new OpenAPIHono<AppEnv>();

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/register",
    tags: ["Auth"],
    summary: "Create an account",
    request: { body: jsonBody(RegisterBody) },
    responses: { 201: jsonContent(TokenPair, "The new account and its first token pair"), ...commonErrors, ...conflictError },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const user = await createUser(db, { ...body, password: await hashPassword(body.password) });
    if (!user) throw new ApiError(409, "email_taken", "An account with this email already exists", [{ path: "email", message: "is already registered" }]);
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
    const db = getDb(c.env.DB);
    const accountKey = `account:${email}`;
    const ipKey = `ip:${clientIp(c)}`;
    const wait = await throttledFor(db, [
      { key: accountKey, limit: ACCOUNT_FAILURE_LIMIT },
      { key: ipKey, limit: IP_FAILURE_LIMIT },
    ]);
    if (wait > 0) throw tooManyAttempts(wait);
    const user = await findUserByEmail(db, email);
    // Hash even for unknown emails so response time does not reveal which accounts exist.
    const ok = user ? await verifyPassword(password, user.password) : (await hashPassword(password), false);
    if (!user || !ok) {
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
    const db = getDb(c.env.DB);
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
    const db = getDb(c.env.DB);
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
    description: "Always answers 202, whether or not the email has an account. The link is valid for 15 minutes.",
    request: { body: jsonBody(MagicLinkBody) },
    responses: { 202: jsonContent(z.object({ status: z.literal("accepted") }), "Accepted"), ...commonErrors },
  }),
  async (c) => {
    const { email } = c.req.valid("json");
    const db = getDb(c.env.DB);
    const user = await findUserByEmail(db, email);
    const key = `magic:${email}`;
    if (user && (await throttledFor(db, [{ key, limit: MAGIC_LINK_LIMIT }])) === 0) {
      await recordFailure(db, [key]);
      const token = randomToken(32);
      await insertMagicLink(db, user.id, await sha256Hex(token));
      const link = `${c.env.WEB_ORIGIN}/login/magic?token=${encodeURIComponent(token)}`;
      await sendMail(c.env, db, {
        userId: user.id,
        to: user.email,
        subject: "Your GlucoLens sign-in link",
        body: `Hello ${user.name},\n\nSign in to GlucoLens with this link (valid for 15 minutes, usable once):\n\n${link}\n\nIf you did not ask for it, ignore this mail.\n`,
      });
    }
    return c.json({ status: "accepted" as const }, 202);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/magic-link/verify",
    tags: ["Auth"],
    summary: "Sign in with a magic-link token",
    request: { body: jsonBody(MagicLinkVerifyBody) },
    responses: { 200: jsonContent(TokenPair, "A new token pair"), ...commonErrors },
  }),
  async (c) => {
    const { token } = c.req.valid("json");
    const db = getDb(c.env.DB);
    const userId = await consumeMagicLink(db, await sha256Hex(token));
    const user = userId === null ? null : await findUser(db, userId);
    if (!user) throw unauthorized("This sign-in link is invalid, expired or already used");
    return c.json(await issueTokens(c, db, user), 200);
  },
);

authRoutes.use("/me", requireAuth);
authRoutes.use("/change-password", requireAuth);

authRoutes.openapi(
  createRoute({
    method: "get",
    path: "/me",
    tags: ["Auth"],
    summary: "The signed-in user",
    security,
    responses: { 200: jsonContent(User, "The user"), ...commonErrors },
  }),
  async (c) => {
    const user = await findUser(getDb(c.env.DB), c.get("user").id);
    if (!user) throw unauthorized("Account no longer exists");
    return c.json(publicUser(user), 200);
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
    const user = await updateProfile(getDb(c.env.DB), c.get("user").id, c.req.valid("json"));
    if (!user) throw unauthorized("Account no longer exists");
    return c.json(publicUser(user), 200);
  },
);

authRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/me",
    tags: ["Auth"],
    summary: "Delete the account and every record it owns",
    description: "Requires the current password. Removes all data in D1 and the live monitor's state.",
    security,
    request: { body: jsonBody(DeleteAccountBody) },
    responses: { 204: { description: "Deleted" }, 403: jsonContent(ErrorEnvelope, "Wrong password"), ...commonErrors },
  }),
  async (c) => {
    const db = getDb(c.env.DB);
    const user = await findUser(db, c.get("user").id);
    if (!user) throw unauthorized("Account no longer exists");
    if (!(await verifyPassword(c.req.valid("json").password, user.password))) {
      throw new ApiError(403, "wrong_password", "Password is incorrect", [{ path: "password", message: "is incorrect" }]);
    }
    await deleteUser(db, user.id);
    await deleteMonitorState(c.env, user.publicId);
    return c.body(null, 204);
  },
);

authRoutes.openapi(
  createRoute({
    method: "post",
    path: "/change-password",
    tags: ["Auth"],
    summary: "Change the password",
    description: "Signs out every other session (all refresh tokens are revoked) and returns a new token pair.",
    security,
    request: { body: jsonBody(ChangePasswordBody) },
    responses: { 200: jsonContent(TokenPair, "A new token pair"), 403: jsonContent(ErrorEnvelope, "Wrong current password"), ...commonErrors },
  }),
  async (c) => {
    const { current_password, new_password } = c.req.valid("json");
    const db = getDb(c.env.DB);
    const user = await findUser(db, c.get("user").id);
    if (!user) throw unauthorized("Account no longer exists");
    if (!(await verifyPassword(current_password, user.password))) {
      throw new ApiError(403, "wrong_password", "Current password is incorrect", [{ path: "current_password", message: "is incorrect" }]);
    }
    await updatePassword(db, user.id, await hashPassword(new_password));
    await revokeAllForUser(db, user.id);
    return c.json(await issueTokens(c, db, user), 200);
  },
);
