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
 * An uploader secret holds one of Nightscout's default roles (lib/authorization/storage.js) over
 * its own user's data and nothing else: `admin` (`*`) or `readable` (`*:*:read`, for follower
 * apps); a GlucoLens access token is admin. A write the credential's role does not permit is
 * refused as Nightscout's isPermitted refuses it (401, nothing stored). Without a credential the
 * site answers as a Nightscout with `AUTH_DEFAULT_ROLES=denied`: 401 `{status, message:
 * "Unauthorized", description: "Invalid/Missing"}` (sendJSONStatus), to which the GlucoLens error
 * envelope is added under `error`.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { sign, verify } from "hono/jwt";
import type { Db } from "../db/client.ts";
import { directoryDb, rememberPlacement } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { jwtSecret } from "../lib/config.ts";
import { errorBody } from "../lib/errors.ts";
import { bearerUserOf, type AuthUser } from "../middleware/auth.ts";
import type { UploaderRole } from "../db/schema-interop.ts";
import { digestHex, findUploaderById, findUploaderOwner, touchUploader } from "../repositories/interop.ts";

/** lib/server/enclave.js signJWT: '8h'. */
const JWT_LIFETIME_S = 8 * 3600;

export interface Resolved {
  user: AuthUser;
  /** How the user was found: an api-secret (Nightscout's admin secret) or a token / JWT / bearer (a subject). */
  via: "api-secret" | "token" | "bearer";
}

export type Resolution = { attempted: false } | { attempted: true; resolved: Resolved | null };

/** The Shiro permissions of each role (lib/authorization/storage.js defaultRoles). */
export const ROLE_PERMISSIONS: Record<UploaderRole, string[]> = { admin: ["*"], readable: ["*:*:read"] };

/** shiro-trie's check: each `:`-part matches literally or by `*`; a shorter pattern grants everything below it. */
export function permits(granted: readonly string[], permission: string): boolean {
  const want = permission.split(":");
  return granted.some((g) => {
    const parts = g.split(":");
    for (let i = 0; i < want.length; i++) {
      const p = parts[i];
      if (p === undefined) return i > 0 && parts[i - 1] === "*";
      if (p !== "*" && !p.split(",").includes(want[i]!)) return false;
    }
    return true;
  });
}

/** The permissions the request's credential holds; a GlucoLens access token (no uploader) is admin. */
export const permissionsOf = (c: Context<AppEnv>): string[] => c.get("nsPermissions") ?? ROLE_PERMISSIONS.admin;

const isDigest = (v: string) => /^[0-9a-fA-F]{40}$|^[0-9a-fA-F]{128}$/.test(v);

/** The uploader of a credential value: a hex SHA-1/SHA-512 digest of its secret, or the secret (or a subject's token) itself. */
export async function findUploaderByCredential(db: Db, value: string) {
  return findUploaderOwner(db, isDigest(value) ? value : await digestHex("SHA-1", value));
}

/** The user of an uploader secret (or its digest); the uploader's name becomes the request's `nsSubject`, its role `nsPermissions`. */
export async function byUploaderSecret(c: Context<AppEnv>, value: string): Promise<AuthUser | null> {
  const db = directoryDb(c.env);
  const found = await findUploaderByCredential(db, value);
  if (!found) return null;
  rememberPlacement(found.user.id, found.placement);
  c.executionCtx.waitUntil(touchUploader(db, found.uploaderId, found.lastUsedAt).catch(() => undefined));
  c.set("nsSubject", found.name);
  c.set("nsUploaderId", found.uploaderId);
  c.set("nsPermissions", ROLE_PERMISSIONS[found.role]);
  return found.user;
}

/** The user of a Nightscout JWT issued by {@link issueNightscoutJwt}, while its uploader is not revoked; its name becomes `nsSubject`, its current role `nsPermissions`. */
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
  rememberPlacement(found.user.id, found.placement);
  c.set("nsSubject", found.name);
  c.set("nsUploaderId", payload.uploader);
  c.set("nsPermissions", ROLE_PERMISSIONS[found.role]);
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

/** isPermitted's 401 for a credential whose role lacks `permission` (lib/authorization/index.js). */
export function notPermitted(c: Context<AppEnv>, permission: string) {
  return c.json({ status: 401, message: "Unauthorized", description: "Invalid/Missing", ...errorBody("unauthorized", `This credential's role does not permit ${permission}`) }, 401);
}

/** Nightscout's 401 (sendJSONStatus) with the GlucoLens envelope beside it. */
export function nightscoutUnauthorized(c: Context<AppEnv>, attempted: boolean) {
  const message = attempted ? "Unknown or revoked api-secret, token or access token" : "Missing api-secret header, token or bearer access token";
  return c.json({ status: 401, message: "Unauthorized", description: "Invalid/Missing", ...errorBody("unauthorized", message) }, 401);
}

const OPERATION_OF_METHOD: Record<string, string> = { POST: "create", PUT: "update", PATCH: "update", DELETE: "delete" };

/**
 * The permission a v1 request needs (lib/api/entries, treatments, devicestatus, profile, food:
 * `api:<collection>:read|create|update|delete`), its collection the first path part after the
 * API's root (`/api/v1/treatments.json` → treatments).
 */
export function v1Permission(method: string, path: string): string {
  const collection = /^\/(?:api\/v[12]\/)?([a-z]+)/i.exec(path)?.[1]?.toLowerCase() ?? "*";
  return `api:${collection}:${OPERATION_OF_METHOD[method.toUpperCase()] ?? "read"}`;
}

/**
 * Requires a Nightscout credential and sets c.get("user") as requireAuth does; a write its role
 * does not permit is 401 as isPermitted answers it (lib/authorization/index.js).
 */
export const requireNightscout = createMiddleware<AppEnv>(async (c, next) => {
  const r = await resolveNightscout(c);
  if (!r.attempted || !r.resolved) return nightscoutUnauthorized(c, r.attempted);
  const permission = v1Permission(c.req.method, c.req.path);
  if (!permits(permissionsOf(c), permission)) return notPermitted(c, permission);
  c.set("user", r.resolved.user);
  await next();
});

/**
 * `/api/v2/authorization/request/<token>` (lib/authorization/index.js authorize): a JWT for an
 * uploader secret, with Nightscout's answer shape. The JWT names the uploader, never its secret.
 */
export async function issueNightscoutJwt(c: Context<AppEnv>, accessToken: string) {
  const db = directoryDb(c.env);
  const found = await findUploaderByCredential(db, accessToken);
  if (!found) return null;
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + JWT_LIFETIME_S;
  const token = await sign({ typ: "nightscout", uploader: found.uploaderId, accessToken: `uploader-${found.uploaderId}`, iat, exp }, jwtSecret(c.env), "HS256");
  // The role's permissions over its own user's data (the JWT is checked against the uploader's current role).
  return { token, sub: found.name, permissionGroups: [ROLE_PERMISSIONS[found.role]], iat, exp };
}
