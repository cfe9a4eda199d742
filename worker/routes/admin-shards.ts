/**
 * @module worker/routes/admin-shards
 * Operator routes for the sharded storage, never for users: where users live, an online move of
 * one user to another shard (worker/db/shard-move.ts; `npm run move-user`), and the adoption of
 * accounts stored before sharding (worker/db/shard-adopt.ts; `npm run move-user -- --adopt`). Enabled only when
 * the `SHARD_ADMIN_SECRET` secret is set, and then only with `Authorization: Bearer <secret>`;
 * otherwise every path answers 404 as an unknown route would. Not in the public OpenAPI document.
 */
import { Hono, type Context } from "hono";
import { eq, sql } from "drizzle-orm";
import { users } from "../db/schema.ts";
import { userShards } from "../db/schema-shards.ts";
import { adoptUnplaced, unplacedCount } from "../db/shard-adopt.ts";
import { MoveError, moveUser } from "../db/shard-move.ts";
import { directoryDb, shardCount } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { constantTimeEqual } from "../lib/crypto.ts";
import { ApiError, notFound } from "../lib/errors.ts";

export const adminShardRoutes = new Hono<AppEnv>();

const encoder = new TextEncoder();

adminShardRoutes.use("*", async (c, next) => {
  const secret = c.env.SHARD_ADMIN_SECRET;
  const given = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!secret || !given || !constantTimeEqual(encoder.encode(given), encoder.encode(secret))) throw new ApiError(404, "not_found", `No route for ${c.req.method} ${c.req.path}`);
  await next();
});

/** Users per shard, and moves in progress. */
adminShardRoutes.get("/", async (c) => {
  const rows = await directoryDb(c.env)
    .select({ shard: userShards.shard, state: userShards.state, users: sql<number>`count(*)` })
    .from(userShards)
    .groupBy(userShards.shard, userShards.state);
  return c.json({ shards: shardCount(c.env), placements: rows, unplaced: await unplacedCount(c.env) }, 200);
});

/** The request's JSON object; an empty body is `{}` where `emptyIs` says so, else refused as not JSON. */
async function objectBody(c: Context<AppEnv>, emptyIs: "{}" | "refused"): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  let body: unknown;
  try {
    body = !text.trim() && emptyIs === "{}" ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(400, "bad_request", "Request body is not valid JSON", [{ path: "body", message: "is not valid JSON" }]);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ApiError(400, "bad_request", "Request body must be a JSON object", [{ path: "body", message: "must be a JSON object" }]);
  return body as Record<string, unknown>;
}

/** `{"limit": n}` (1..1000, default 100): adopts that many accounts stored before sharding. */
adminShardRoutes.post("/adopt", async (c) => {
  const body = await objectBody(c, "{}");
  const limit = body.limit ?? 100;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new ApiError(422, "validation_failed", "Some fields are invalid", [{ path: "limit", message: "must be an integer from 1 to 1000" }]);
  }
  const result = await adoptUnplaced(c.env, limit);
  return c.json({ adopted: result.adopted, failed: result.failed.map((f) => ({ user: f.userId, error: f.error })), remaining: result.remaining }, 200);
});

/** `{"user_id": "<public id>", "to": <shard>}`: moves the user; answers what was copied. */
adminShardRoutes.post("/move", async (c) => {
  const body = await objectBody(c, "refused");
  const fields = [];
  if (typeof body.user_id !== "string") fields.push({ path: "user_id", message: "must be the user's public id" });
  if (typeof body.to !== "number" || !Number.isInteger(body.to)) fields.push({ path: "to", message: "must be a shard index" });
  if (body.settle_ms !== undefined && (typeof body.settle_ms !== "number" || body.settle_ms < 0)) fields.push({ path: "settle_ms", message: "must be a number of ms" });
  if (fields.length) throw new ApiError(422, "validation_failed", "Some fields are invalid", fields);
  const user = await directoryDb(c.env).select({ id: users.id }).from(users).where(eq(users.publicId, body.user_id as string)).get();
  if (!user) throw notFound("User");
  try {
    const result = await moveUser(c.env, user.id, body.to as number, { settleMs: body.settle_ms as number | undefined });
    return c.json({ from: result.from, to: result.to, rows: result.rows, fenced_ms: result.fencedMs }, 200);
  } catch (err) {
    if (!(err instanceof MoveError)) throw err;
    const path = err.code === "bad_target" || err.code === "already_there" || err.code === "ids_above_range" ? "to" : "user_id";
    throw new ApiError(err.code === "copy_mismatch" ? 500 : 409, err.code, err.message, [{ path, message: err.message }]);
  }
});
