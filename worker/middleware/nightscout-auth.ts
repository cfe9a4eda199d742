/**
 * @module worker/middleware/nightscout-auth
 * Authentication of the Nightscout-compatible routes: a GlucoLens bearer token (the web app, our
 * own clients) or an uploader credential as Nightscout clients send it:
 * - `api-secret: <hex SHA-1 or SHA-512 of the uploader secret>` (xDrip+, AndroidAPS, Loop, Spike);
 * - `?token=<uploader secret>` (followers; its SHA-1 may be given instead).
 * Either sets c.get("user") exactly as requireAuth does, so the handlers cannot tell them apart.
 */
import { createMiddleware } from "hono/factory";
import { getDb } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { unauthorized } from "../lib/errors.ts";
import { digestHex, findUploaderOwner, touchUploader } from "../repositories/interop.ts";
import { requireAuth } from "./auth.ts";

export const requireUploaderOrBearer = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.header("authorization")) return requireAuth(c, next);
  const header = c.req.header("api-secret")?.trim();
  const token = c.req.query("token")?.trim();
  if (!header && !token) throw unauthorized("Missing api-secret header, token or bearer access token");
  const db = getDb(c.env.DB);
  let found = null;
  if (header) found = await findUploaderOwner(db, header);
  else if (token) found = (await findUploaderOwner(db, await digestHex("SHA-1", token))) ?? (await findUploaderOwner(db, token));
  if (!found) throw unauthorized("Unknown or revoked api-secret / token");
  c.set("user", found.user);
  c.executionCtx.waitUntil(touchUploader(db, found.uploaderId, found.lastUsedAt).catch(() => undefined));
  await next();
});
