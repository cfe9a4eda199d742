/**
 * @module worker/nightscout/auth
 * Who a Nightscout request is, read from the credentials Nightscout itself reads
 * (lib/authorization/index.js apiSecretFromRequest and extractJWTfromRequest), each pointing at one
 * GlucoLens user:
 * - `api-secret` header or `?secret=`: the hex SHA-1 (or SHA-512) of an uploader secret; an
 *   uploader secret itself is also accepted there, as Nightscout accepts an access token
 *   (`storage.doesAccessTokenExist(api_secret)`);
 * - `?token=`: an uploader secret (Nightscout's access token), its digest, or a JWT from
 *   `/api/v2/authorization/request/<token>`;
 * - `Authorization: Bearer`: a GlucoLens access token or such a Nightscout JWT.
 *
 * Every uploader secret has Nightscout's admin role (`*`) over its own user's data and nothing
 * else. Without a credential the site answers as a Nightscout with `AUTH_DEFAULT_ROLES=denied`:
 * 401 `{status, message: "Unauthorized", description: "Invalid/Missing"}` (sendJSONStatus), to
 * which the GlucoLens error envelope is added under `error`.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { sign, verify } from "hono/jwt";
import { directoryDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { jwtSecret } from "../lib/config.ts";
import { errorBody } from "../lib/errors.ts";
import { bearerUserOf, type AuthUser } from "../middleware/auth.ts";
import { digestHex, findUploaderById, findUploaderOwner, touchUploader } from "../repositories/interop.ts";

/** lib/server/enclave.js signJWT: '8h'. */
const JWT_LIFETIME_S = 8 * 3600;

export interface Resolved {
  user: AuthUser;
  /** How the user was found: an api-secret (Nightscout's admin secret) or a token / JWT / bearer (a subject). */
  via: "api-secret" | "token" | "bearer";
}

export type Resolution = { attempted: false } | { attempted: true; resolved: Resolved | null };

const isDigest = (v: string) => /^[0-9a-fA-F]{40}$|^[0-9a-fA-F]{128}$/.test(v);

/** The user of an uploader secret (or its digest); the uploader's name becomes the request's `nsSubject`. */
export async function byUploaderSecret(c: Context<AppEnv>, value: string): Promise<AuthUser | null> {
  const db = directoryDb(c.env);
  const found = isDigest(value) ? await findUploaderOwner(db, value) : await findUploaderOwner(db, await digestHex("SHA-1", value));
  if (!found) return null;
  c.executionCtx.waitUntil(touchUploader(db, found.uploaderId, found.lastUsedAt).catch(() => undefined));
  c.set("nsSubject", found.name);
  return found.user;
}

/** The user of a Nightscout JWT issued by {@link issueNightscoutJwt}, while its uploader is not revoked; its name becomes `nsSubject`. */
export async function byNightscoutJwt(c: Context<AppEnv>, token: string): Promise<AuthUser | null> {
  if (token.split(".").length !== 3) return null;
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, jwtSecret(c.env), "HS256");
  } catch {
    return null;
  }
  if (payload.typ !== "nightscout" || typeof payload.uploader !== "number") return null;
  const found = await findUploaderById(directoryDb(c.env), payload.uploader);
  if (!found) return null;
  c.set("nsSubject", found.name);
  return found.user;
}

/** Resolves the request's Nightscout credential (none, a bad one, or a user). */
export async function resolveNightscout(c: Context<AppEnv>): Promise<Resolution> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  const secret = (c.req.query("secret") ?? c.req.header("api-secret"))?.trim() || undefined;
  const token = c.req.query("token")?.trim() || undefined;
  if (!bearer && !secret && !token) return { attempted: false };
  if (secret) {
    const user = await byUploaderSecret(c, secret);
    if (user) return { attempted: true, resolved: { user, via: "api-secret" } };
  }
  if (bearer) {
    const user = (await bearerUserOf(c)) ?? (await byNightscoutJwt(c, bearer));
    if (user) return { attempted: true, resolved: { user, via: "bearer" } };
  }
  if (token) {
    const user = (await byNightscoutJwt(c, token)) ?? (await byUploaderSecret(c, token));
    if (user) return { attempted: true, resolved: { user, via: "token" } };
  }
  return { attempted: true, resolved: null };
}

/** Nightscout's 401 (sendJSONStatus) with the GlucoLens envelope beside it. */
export function nightscoutUnauthorized(c: Context<AppEnv>, attempted: boolean) {
  const message = attempted ? "Unknown or revoked api-secret, token or access token" : "Missing api-secret header, token or bearer access token";
  return c.json({ status: 401, message: "Unauthorized", description: "Invalid/Missing", ...errorBody("unauthorized", message) }, 401);
}

/** Requires a Nightscout credential and sets c.get("user") as requireAuth does. */
export const requireNightscout = createMiddleware<AppEnv>(async (c, next) => {
  const r = await resolveNightscout(c);
  if (!r.attempted || !r.resolved) return nightscoutUnauthorized(c, r.attempted);
  c.set("user", r.resolved.user);
  await next();
});

/**
 * `/api/v2/authorization/request/<token>` (lib/authorization/index.js authorize): a JWT for an
 * uploader secret, with Nightscout's answer shape. The JWT names the uploader, never its secret.
 */
export async function issueNightscoutJwt(c: Context<AppEnv>, accessToken: string) {
  const db = directoryDb(c.env);
  const found = await findUploaderOwner(db, isDigest(accessToken) ? accessToken : await digestHex("SHA-1", accessToken));
  if (!found) return null;
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + JWT_LIFETIME_S;
  const token = await sign({ typ: "nightscout", uploader: found.uploaderId, accessToken: `uploader-${found.uploaderId}`, iat, exp }, jwtSecret(c.env), "HS256");
  // An uploader secret is Nightscout's admin role ("*") over its own user's data.
  return { token, sub: found.name, permissionGroups: [["*"]], iat, exp };
}
