/**
 * @module worker/nightscout/v3/security
 * Who an API v3 request is and what it may do (lib/api3/security.js authenticate,
 * checkPermission, demandPermission).
 *
 * - The credential is `Authorization: Bearer <token>`, as Nightscout reads it; `?token=` is also
 *   accepted (Nightscout's authorization.resolve takes it on the v1/v2 routes, and followers'
 *   URLs carry it). The token is a JWT from `/api/v2/authorization/request/<secret>` (what
 *   AndroidAPS's NSAuthInterceptor fetches after its first 401), an uploader secret itself (an
 *   access token), or a GlucoLens access token. `api-secret` is not read here, as in Nightscout.
 * - Permissions are Shiro strings (`api:entries:read`, `api:*:*`, `*`): an uploader secret's role
 *   (`admin` `*`, `readable` `*:*:read`), a GlucoLens access token admin, each over its own user's
 *   data and nothing of anyone else's.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env.ts";
import { bearerUserOf } from "../../middleware/auth.ts";
import { byNightscoutJwt, byUploaderSecret, permissionsOf, permits } from "../auth.ts";
import { MSG, V3Error } from "./respond.ts";

/** The `Authorization: Bearer` token or `?token=`, and who it names; 401 in Nightscout's words otherwise. */
async function authenticate(c: Context<AppEnv>): Promise<void> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "")?.[1];
  const token = bearer ?? (c.req.query("token")?.trim() || undefined);
  if (!token) throw new V3Error(401, MSG.MISSING_OR_BAD_TOKEN);
  const user = (bearer ? await bearerUserOf(c) : null) ?? (await byNightscoutJwt(c, token)) ?? (await byUploaderSecret(c, token));
  if (!user) throw new V3Error(401, MSG.BAD_TOKEN);
  c.set("user", user);
}

export const requireV3Auth = createMiddleware<AppEnv>(async (c, next) => {
  await authenticate(c);
  await next();
});

export const checkPermission = (c: Context<AppEnv>, permission: string) => permits(permissionsOf(c), permission);

/** demandPermission: 403 naming the permission. */
export function demandPermission(c: Context<AppEnv>, permission: string): void {
  if (!checkPermission(c, permission)) throw new V3Error(403, MSG.MISSING_PERMISSION.replace("{0}", permission));
}
