/**
 * @module worker/routes/following
 * /api/v1/following: a caregiver reading the data of the people who share with them.
 *
 * `GET /api/v1/following/{user_id}/…` serves the same read routes as the person's own (glucose
 * readings and series, every record kind, insights and AGP, alert history, state and settings):
 * {@link asFollower} checks the active sharing on every request, then swaps the effective user,
 * so the existing handlers and repositories (which take the user id first) answer with exactly
 * the shared person's data. Every other method is refused with 405 before any handler runs.
 * Each request is recorded in the person's access log. The live feed: a follower ticket
 * (`POST /{user_id}/alerts/ticket`) opens the person's alert WebSocket read-only.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { Hono, type MiddlewareHandler } from "hono";
import { directoryDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { randomToken, sha256Hex } from "../lib/crypto.ts";
import { ApiError, notFound, unauthorized } from "../lib/errors.ts";
import { consumeFollowTicket, findFollowedByPublicId, insertFollowTicket, listSharings, logAccess } from "../repositories/sharing.ts";
import { findUser } from "../repositories/users.ts";
import { TicketResponse } from "../schemas/alerts.ts";
import { commonErrors, iso, jsonContent, notFoundError } from "../schemas/common.ts";
import { FollowedList } from "../schemas/sharing.ts";
import { monitorStub } from "../monitor/client.ts";
import { FOLLOWER_ID_HEADER, OWNER_ID_HEADER, OWNER_PUBLIC_ID_HEADER } from "../../vocabulary/monitor.ts";

const security = [{ Bearer: [] }];
const tags = ["Sharing"];
const TICKET_TTL_MS = 60_000;
const UserParam = z.object({ user_id: z.string().max(64).openapi({ param: { name: "user_id", in: "path" }, example: "4f1c…" }) });
/** The one write a follower may make: a ticket for the live feed (it changes nothing of the person's). */
const TICKET_PATH = /^\/api\/v1\/following\/[^/]+\/alerts\/ticket$/;

/**
 * Resolves `{user_id}` to the followed person for the signed-in follower, refuses writes, swaps
 * the effective user and records the access. No active sharing: 404 (as if the person did not
 * exist, so ids cannot be probed).
 */
export const asFollower: MiddlewareHandler<AppEnv> = async (c, next) => {
  const follower = c.get("user");
  const db = directoryDb(c.env);
  const followed = await findFollowedByPublicId(db, follower.id, c.req.param("user_id") ?? "");
  if (!followed) throw notFound("Followed person");
  const method = c.req.method;
  const record = (status: number) =>
    c.executionCtx.waitUntil(
      logAccess(db, followed.id, { followerId: follower.id, sharingId: followed.sharingId, method, path: c.req.path.slice(0, 300), status, time: Date.now() }).catch((err: unknown) =>
        console.error(JSON.stringify({ level: "error", event: "sharing.access_log_failed", error: String(err) })),
      ),
    );
  const isTicket = method === "POST" && TICKET_PATH.test(c.req.path);
  if (method !== "GET" && method !== "HEAD" && !isTicket) {
    record(405);
    throw new ApiError(405, "method_not_allowed", "A followed person's data is read-only", [{ path: "method", message: "only GET is allowed" }], { allow: "GET" });
  }
  c.set("follower", follower);
  if (!isTicket) c.set("user", { id: followed.id, publicId: followed.publicId });
  try {
    await next();
  } finally {
    record(c.res.status);
  }
};

/** The person's own read route groups, mounted again under /api/v1/following/{user_id}. */
export function followingReads(groups: Record<string, Hono<AppEnv>>): Hono<AppEnv> {
  // A plain Hono, so these mounts do not appear a second time in /openapi.json.
  const reads = new Hono<AppEnv>();
  for (const [path, routes] of Object.entries(groups)) reads.route(path, routes);
  return reads;
}

export const followingRoutes = new OpenAPIHono<AppEnv>();

followingRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    summary: "The people this user follows",
    description:
      "Each person's data is then readable under `/api/v1/following/{user_id}/…` with the same GET routes as one's own: `glucose/readings`, `glucose/series`, `sleep`, `meals`, …, `insights/…` (AGP included), `alerts` (history), `alerts/state`, `alerts/settings`. Any other method answers 405; every access is recorded in the person's access log (`GET /api/v1/sharing/access-log`).",
    security,
    responses: { 200: jsonContent(FollowedList.openapi("FollowedList"), "Followed people"), ...commonErrors },
  }),
  async (c) => {
    const me = await findUser(directoryDb(c.env), c.get("user").id);
    if (!me) throw unauthorized("Account no longer exists");
    const views = await listSharings(directoryDb(c.env), me.id, null);
    return c.json({ items: views.filter((v) => v.role === "follower" && v.sharing.status === "active").map((v) => ({ user_id: v.ownerPublicId, name: v.ownerName, sharing_id: v.sharing.id })) }, 200);
  },
);

followingRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{user_id}/alerts/ticket",
    tags,
    summary: "A single-use ticket for a followed person's live feed",
    description: "Open `GET /api/v1/following/{user_id}/alerts/stream?ticket=…` within 60 s. The feed is the person's, read-only (acks and snoozes sent on it are refused); it closes when the sharing ends.",
    security,
    request: { params: UserParam },
    responses: { 201: jsonContent(TicketResponse, "The ticket"), ...commonErrors, ...notFoundError },
  }),
  async (c) => {
    const db = directoryDb(c.env);
    const followed = await findFollowedByPublicId(db, c.get("user").id, c.req.valid("param").user_id);
    if (!followed) throw notFound("Followed person");
    const ticket = randomToken(32);
    const expiresAt = Date.now() + TICKET_TTL_MS;
    await insertFollowTicket(db, c.get("user").id, followed.id, await sha256Hex(ticket), expiresAt);
    return c.json({ ticket, expires_at: iso(expiresAt), url: `/api/v1/following/${followed.publicId}/alerts/stream?ticket=${ticket}` }, 201);
  },
);

followingRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{user_id}/alerts/stream",
    tags,
    summary: "A followed person's alert feed (WebSocket, read-only)",
    request: { params: UserParam, query: z.object({ ticket: z.string().max(200).optional() }) },
    responses: { 101: { description: "Switching protocols: the WebSocket" }, 400: commonErrors[400], 401: commonErrors[401] },
  }),
  async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(400, "upgrade_required", "This endpoint is a WebSocket: send an Upgrade: websocket request", [{ path: "upgrade", message: "must be websocket" }]);
    }
    const ticket = c.req.valid("query").ticket;
    if (!ticket) throw unauthorized("Missing ticket: get one from POST /api/v1/following/{user_id}/alerts/ticket");
    const found = await consumeFollowTicket(directoryDb(c.env), await sha256Hex(ticket));
    if (!found || found.owner.publicId !== c.req.valid("param").user_id) throw unauthorized("Invalid, expired or already used ticket, or the sharing has ended");
    const headers = new Headers({ upgrade: "websocket", [OWNER_ID_HEADER]: String(found.owner.userId), [OWNER_PUBLIC_ID_HEADER]: found.owner.publicId, [FOLLOWER_ID_HEADER]: String(found.followerId) });
    return (await monitorStub(c.env, found.owner.publicId).fetch("https://monitor.internal/stream", { headers })) as never;
  },
);
