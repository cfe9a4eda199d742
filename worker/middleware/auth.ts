/**
 * @module worker/middleware/auth
 * Bearer access-token authentication. The token carries the user's internal id (`uid`), public
 * id (`sub`) and session (`sid`, its refresh-token family). A session ended by logout, password
 * change or account deletion is refused; whether it is live is remembered in the isolate
 * (worker/lib/live-sessions.ts), so the hot ingestion path reads D1 for it once per session and
 * 30 s, not once per request. That read also brings the user's shard route (worker/db/shards.ts
 * rememberPlacement): an uploader every 5 minutes finds both forgotten, and asks the directory
 * once for them, not twice in a row.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { verify } from "hono/jwt";
import { directoryDb, rememberPlacement } from "../db/shards.ts";
import { jwtSecret } from "../lib/config.ts";
import { unauthorized } from "../lib/errors.ts";
import { sessionIsLive } from "../lib/live-sessions.ts";
import { familyIsLive } from "../repositories/sessions.ts";
import type { AppEnv, AuthUser } from "../env.ts";

export type { AuthUser };

/**
 * The imported HMAC key per secret, kept for the isolate's life: hono's `verify` imports the key
 * again on every call when given the secret's text, which is work on every authenticated request
 * for a value that never changes (a rotated secret is a new map entry).
 */
const verifyKeys = new Map<string, Promise<CryptoKey>>();

function verifyKey(secret: string): Promise<CryptoKey> {
  let key = verifyKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    // A failed import is not cached, so the next request tries again.
    key.catch(() => verifyKeys.delete(secret));
    verifyKeys.set(secret, key);
  }
  return key;
}

type Verified = { ok: true; user: AuthUser; sid: string } | { ok: false; message: string };

/**
 * Access tokens already verified, by their full text: a client sends the same token with every
 * request of its 15 minutes, and checking its HMAC and decoding it again each time was CPU (and a
 * wait) on the hot ingestion path. An entry counts only under the secret that verified it and
 * only until the token's `exp`, as `verify` would decide; the oldest entry goes first when full.
 */
const verifiedTokens = new Map<string, { secret: string; exp: number; user: AuthUser; sid: string }>();
const VERIFIED_TOKENS_MAX = 5_000;

/** One verification per request, whoever asks first (this middleware, a rate limiter). */
const verified = new WeakMap<Request, Promise<Verified>>();

async function verifyBearer(c: Context<AppEnv>): Promise<Verified> {
  const match = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i);
  if (!match) return { ok: false, message: "Missing bearer access token in the Authorization header" };
  const token = match[1]!;
  const secret = jwtSecret(c.env);
  const known = verifiedTokens.get(token);
  if (known) {
    if (known.secret === secret && known.exp > Math.floor(Date.now() / 1000)) return { ok: true, user: known.user, sid: known.sid };
    verifiedTokens.delete(token);
  }
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, await verifyKey(secret), "HS256");
  } catch {
    return { ok: false, message: "Invalid or expired access token" };
  }
  if (payload.typ !== "access" || typeof payload.uid !== "number" || typeof payload.sub !== "string" || typeof payload.sid !== "string") {
    return { ok: false, message: "Invalid access token" };
  }
  const user: AuthUser = Object.freeze({ id: payload.uid, publicId: payload.sub });
  const sid = payload.sid;
  if (typeof payload.exp === "number") {
    if (verifiedTokens.size >= VERIFIED_TOKENS_MAX) verifiedTokens.delete(verifiedTokens.keys().next().value!);
    verifiedTokens.set(token, { secret, exp: payload.exp, user, sid });
  }
  return { ok: true, user, sid };
}

/**
 * The user of the request's valid bearer access token, or null. Verified once per request and
 * remembered, so middleware that runs before {@link requireAuth} (rate limits) costs nothing extra.
 */
export async function bearerUserOf(c: Context<AppEnv>): Promise<AuthUser | null> {
  const result = await verifiedRequest(c);
  return result.ok ? result.user : null;
}

function verifiedRequest(c: Context<AppEnv>): Promise<Verified> {
  let result = verified.get(c.req.raw);
  if (!result) {
    result = verifyBearer(c);
    verified.set(c.req.raw, result);
  }
  return result;
}

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const result = await verifiedRequest(c);
  if (!result.ok) throw unauthorized(result.message);
  const { user, sid } = result;
  const check = async () => {
    const { live, placement } = await familyIsLive(directoryDb(c.env), sid, user.id);
    rememberPlacement(user.id, placement);
    return live;
  };
  if (!(await sessionIsLive(sid, user.id, check))) {
    throw unauthorized("This session has ended (signed out, password changed or account deleted); sign in again");
  }
  c.set("user", user);
  await next();
});
