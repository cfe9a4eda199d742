/**
 * @module worker/middleware/auth
 * Bearer access-token authentication. The token carries the user's internal id (`uid`) and
 * public id (`sub`), so no D1 read is needed on the hot ingestion path; a token of a deleted
 * account can still write nothing because every user-owned row references users(id).
 */
import { createMiddleware } from "hono/factory";
import { verify } from "hono/jwt";
import { jwtSecret } from "../lib/config.ts";
import { unauthorized } from "../lib/errors.ts";
import type { AppEnv } from "../env.ts";

export interface AuthUser {
  /** Internal integer id: the first argument of every repository function. */
  id: number;
  /** Public UUID: tokens, URLs and the Durable Object name. */
  publicId: string;
}

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match) throw unauthorized("Missing bearer access token in the Authorization header");
  let payload: Record<string, unknown>;
  try {
    payload = await verify(match[1]!, jwtSecret(c.env), "HS256");
  } catch {
    throw unauthorized("Invalid or expired access token");
  }
  if (payload.typ !== "access" || typeof payload.uid !== "number" || typeof payload.sub !== "string") {
    throw unauthorized("Invalid access token");
  }
  c.set("user", { id: payload.uid, publicId: payload.sub });
  await next();
});
