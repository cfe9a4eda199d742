/**
 * @module worker/middleware/auth
 * Bearer access-token authentication. The token carries the user's internal id (`uid`) and
 * public id (`sub`). That the account still exists is read from D1 once per token and isolate
 * (then remembered with the verified token until its `exp`), so the hot ingestion path pays no D1
 * read per request. Account deletion refuses the account's tokens in this isolate at once
 * ({@link forgetAccount}); in another isolate that had already confirmed a token, the account's
 * writes are still refused, by the foreign key every user-owned row has on users(id) and by the
 * live monitor's tombstone (durable/glucose-monitor.ts), and its reads find nothing.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { verify } from "hono/jwt";
import { getDb } from "../db/client.ts";
import { jwtSecret } from "../lib/config.ts";
import { unauthorized } from "../lib/errors.ts";
import type { AppEnv } from "../env.ts";
import { accountExists } from "../repositories/users.ts";

export interface AuthUser {
  /** Internal integer id: the first argument of every repository function. */
  id: number;
  /** Public UUID: tokens, URLs and the Durable Object name. */
  publicId: string;
}

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

interface KnownToken {
  secret: string;
  exp: number;
  user: AuthUser;
  /** The account was found in D1 after this token was first verified. */
  confirmed: boolean;
}

type Verified = { ok: true; user: AuthUser; known: KnownToken | null } | { ok: false; message: string };

const ACCOUNT_GONE_MESSAGE = "Account no longer exists";

/**
 * Access tokens already verified, by their full text: a client sends the same token with every
 * request of its 15 minutes, and checking its HMAC and decoding it again each time was CPU (and a
 * wait) on the hot ingestion path. An entry counts only under the secret that verified it and
 * only until the token's `exp`, as `verify` would decide; the oldest entry goes first when full.
 */
const verifiedTokens = new Map<string, KnownToken>();
const VERIFIED_TOKENS_MAX = 5_000;

/** Accounts deleted through this isolate (internal ids): their tokens are refused with no D1 read. */
const deletedAccounts = new Set<number>();
const DELETED_ACCOUNTS_MAX = 10_000;

/** Called once an account is deleted: its tokens are refused from now on (in this isolate at once). */
export function forgetAccount(userId: number): void {
  if (deletedAccounts.size >= DELETED_ACCOUNTS_MAX) deletedAccounts.delete(deletedAccounts.values().next().value!);
  deletedAccounts.add(userId);
  for (const [token, known] of verifiedTokens) if (known.user.id === userId) verifiedTokens.delete(token);
}

/** One verification per request, whoever asks first (this middleware, a rate limiter). */
const verified = new WeakMap<Request, Promise<Verified>>();

async function verifyBearer(c: Context<AppEnv>): Promise<Verified> {
  const match = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i);
  if (!match) return { ok: false, message: "Missing bearer access token in the Authorization header" };
  const token = match[1]!;
  const secret = jwtSecret(c.env);
  const known = verifiedTokens.get(token);
  if (known) {
    if (known.secret === secret && known.exp > Math.floor(Date.now() / 1000)) return { ok: true, user: known.user, known };
    verifiedTokens.delete(token);
  }
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, await verifyKey(secret), "HS256");
  } catch {
    return { ok: false, message: "Invalid or expired access token" };
  }
  if (payload.typ !== "access" || typeof payload.uid !== "number" || typeof payload.sub !== "string") return { ok: false, message: "Invalid access token" };
  if (deletedAccounts.has(payload.uid)) return { ok: false, message: ACCOUNT_GONE_MESSAGE };
  const user: AuthUser = Object.freeze({ id: payload.uid, publicId: payload.sub });
  let entry: KnownToken | null = null;
  if (typeof payload.exp === "number") {
    if (verifiedTokens.size >= VERIFIED_TOKENS_MAX) verifiedTokens.delete(verifiedTokens.keys().next().value!);
    entry = { secret, exp: payload.exp, user, confirmed: false };
    verifiedTokens.set(token, entry);
  }
  return { ok: true, user, known: entry };
}

/** Whether the token's account exists: from the token's cache entry, else one D1 read (remembered). */
async function accountConfirmed(c: Context<AppEnv>, result: Extract<Verified, { ok: true }>): Promise<boolean> {
  if (result.known?.confirmed) return true;
  if (!(await accountExists(getDb(c.env.DB), result.user.id))) return false;
  if (result.known) result.known.confirmed = true;
  return true;
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
  if (!(await accountConfirmed(c, result))) throw unauthorized(ACCOUNT_GONE_MESSAGE);
  c.set("user", result.user);
  await next();
});
