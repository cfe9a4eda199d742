/**
 * @module worker/bridges/routes
 * /api/v1/bridges: cloud follower bridges of the signed-in user (Dexcom Share, LibreLinkUp, a
 * Nightscout site). Credentials are encrypted before they are stored (worker/bridges/crypto.ts)
 * and never answered; polling happens in the user's Durable Object (durable/bridges/poller.ts),
 * which these routes tell about every change. A Nightscout site's history comes through the
 * queue (worker/bridges/backfill.ts).
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { userDb } from "../db/shards.ts";
import type { AppEnv, Bindings } from "../env.ts";
import { isProduction } from "../lib/config.ts";
import { ApiError, invalid, notFound } from "../lib/errors.ts";
import { pushEndpointProblem } from "../push/endpoint.ts";
import { commonErrors, conflictError, iso, jsonBody, jsonContent, notFoundError } from "../schemas/common.ts";
import { monitorStub } from "../monitor/client.ts";
import { startNightscoutBackfill } from "./backfill.ts";
import { decryptCredentials, encryptCredentials, type BridgeCredentials } from "./crypto.ts";
import { createBridge, deleteBridge, getBridge, listBridges, updateBridge, type BridgeRow } from "./repository.ts";
import { Bridge, BridgeId, BridgeInput, BridgePatch, PollResult } from "./schemas.ts";
import { DEXCOM_REGIONS } from "./vendors/dexcom-share.ts";
import { LLU_REGIONS } from "./vendors/librelinkup.ts";
import type { BridgeKind } from "./vendors/types.ts";

const security = [{ Bearer: [] }];
const tags = ["Bridges"];

export function toBridge(row: BridgeRow) {
  const at = (ms: number | null) => (ms === null ? null : iso(ms));
  return {
    id: row.id,
    kind: row.kind as BridgeKind,
    status: (row.paused ? "paused" : row.status) as z.infer<typeof Bridge>["status"],
    region: row.region,
    server_url: row.serverUrl,
    paused: row.paused,
    last_success_at: at(row.lastSuccessAt),
    last_error: row.lastError,
    last_error_at: at(row.lastErrorAt),
    next_poll_at: row.paused || row.status === "login_refused" ? null : at(row.nextPollAt),
    readings_imported: row.readingsImported + row.backfillImported,
    last_reading_at: at(row.lastReadingAt),
    backfill: row.backfillStatus
      ? {
          status: row.backfillStatus as "running" | "done" | "failed",
          phase: row.backfillPhase ?? "entries",
          imported: row.backfillImported,
          treatments_imported: row.backfillTreatments,
          devicestatus_imported: row.backfillDeviceStatuses,
          profiles_imported: row.backfillProfiles,
          oldest_at: at(row.backfillCursor),
          error: row.backfillError,
        }
      : null,
    created_at: iso(row.createdAt),
  };
}

/**
 * Where a bridge may send requests. Nightscout: a public https site (the push-endpoint rules:
 * no IP literals, private names or odd ports). The vendors: their official hosts only, so
 * `server_url` is refused. In development any http(s) URL is accepted, for local stand-ins.
 */
function serverUrlProblem(env: Bindings, kind: BridgeKind, url: string | undefined): string | null {
  if (url === undefined) return kind === "nightscout" ? "is required" : null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be a URL";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return "must be an http or https URL";
  if (parsed.username || parsed.password) return "must not contain credentials (send the token in `token`)";
  if (env.ENVIRONMENT === "development" && !isProduction(env)) return null;
  if (kind !== "nightscout") return "is accepted only in development; the vendor's official host is used";
  return pushEndpointProblem(url);
}

const normalizeUrl = (url: string) => url.replace(/\/+$/, "");

function regionProblem(kind: BridgeKind, region: string): string | null {
  if (kind === "dexcom-share") return (DEXCOM_REGIONS as readonly string[]).includes(region) ? null : `must be one of ${DEXCOM_REGIONS.join(", ")}`;
  if (kind === "librelinkup") return (LLU_REGIONS as readonly string[]).includes(region) ? null : `must be one of ${LLU_REGIONS.join(", ")}`;
  return "is not used by a Nightscout bridge";
}

const monitorOf = (c: Context<AppEnv>) => monitorStub(c.env, c.get("user").publicId);
const owner = (c: Context<AppEnv>) => ({ userId: c.get("user").id, publicId: c.get("user").publicId, requestId: c.get("requestId") });

async function found(c: Context<AppEnv>, id: string): Promise<BridgeRow> {
  const row = await getBridge(await userDb(c), c.get("user").id, id);
  if (!row) throw notFound("Bridge");
  return row;
}

/** Queues a Nightscout bridge's history backfill again from the oldest document of its phase fetched so far. */
async function resumeBackfill(c: Context<AppEnv>, row: BridgeRow): Promise<BridgeRow> {
  const before = row.backfillCursor ?? Date.now();
  const updated = (await updateBridge(await userDb(c), c.get("user").id, row.id, { backfillStatus: "running", backfillError: null })) ?? row;
  await startNightscoutBackfill(c.env, c.get("user").id, row.id, before, row.backfillPhase ?? "entries");
  return updated;
}

export const bridgeRoutes = new OpenAPIHono<AppEnv>();

bridgeRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    summary: "Connect a cloud follower bridge",
    description:
      "Dexcom Share (`username`, `password`, `region` us/ous/jp), LibreLinkUp (`username` = the follower account's email, `password`, optional `region`) or a Nightscout site (`server_url`, `token`). The first poll (the backfill: all the vendor keeps) starts at once in the user's monitor; a Nightscout site's whole history (entries, treatments, device statuses, then profiles) follows through the queue. Credentials are stored encrypted and never answered.",
    security,
    request: { body: jsonBody(BridgeInput) },
    responses: { 201: jsonContent(Bridge, "Connected; polling has started"), ...commonErrors },
  }),
  async (c) => {
    const input = c.req.valid("json");
    const serverUrl = "server_url" in input ? input.server_url : undefined;
    const problem = serverUrlProblem(c.env, input.kind, serverUrl);
    if (problem) throw invalid([{ path: "server_url", message: problem }]);
    const id = crypto.randomUUID();
    const credentials: BridgeCredentials = input.kind === "nightscout" ? { token: input.token } : { username: input.username, password: input.password };
    const now = Date.now();
    const row = await createBridge(await userDb(c), c.get("user").id, {
      id,
      kind: input.kind,
      region: input.kind === "nightscout" ? null : (input.region ?? null),
      serverUrl: serverUrl === undefined ? null : normalizeUrl(serverUrl),
      credentials: await encryptCredentials(c.env, id, credentials),
      nextPollAt: now,
      backfillStatus: input.kind === "nightscout" ? "running" : null,
    });
    await monitorOf(c).bridgeChanged(owner(c), id, now);
    if (input.kind === "nightscout") await startNightscoutBackfill(c.env, c.get("user").id, id, now);
    return c.json(toBridge(row), 201);
  },
);

bridgeRoutes.openapi(
  createRoute({ method: "get", path: "/", tags, summary: "List the bridges (without credentials)", security, responses: { 200: jsonContent(z.object({ items: z.array(Bridge) }), "The user's bridges"), ...commonErrors } }),
  async (c) => c.json({ items: (await listBridges(await userDb(c), c.get("user").id)).map(toBridge) }, 200),
);

bridgeRoutes.openapi(
  createRoute({ method: "get", path: "/{id}", tags, summary: "One bridge's status (without credentials)", security, request: { params: BridgeId }, responses: { 200: jsonContent(Bridge, "The bridge"), ...commonErrors, ...notFoundError } }),
  async (c) => c.json(toBridge(await found(c, c.req.valid("param").id)), 200),
);

bridgeRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    summary: "Change credentials, region or server, pause or resume",
    description: "New credentials (or region or server) clear a refused login and poll at once; a Nightscout history backfill they had stopped resumes. `paused: true` stops polling until `paused: false`.",
    security,
    request: { params: BridgeId, body: jsonBody(BridgePatch) },
    responses: { 200: jsonContent(Bridge, "The bridge"), ...commonErrors, ...notFoundError },
  }),
  async (c) => {
    const row = await found(c, c.req.valid("param").id);
    const patch = c.req.valid("json");
    const kind = row.kind as BridgeKind;
    const fields: { path: string; message: string }[] = [];
    if (kind === "nightscout" && (patch.username !== undefined || patch.password !== undefined)) fields.push({ path: patch.username !== undefined ? "username" : "password", message: "is not used by a Nightscout bridge (send `token`)" });
    if (kind !== "nightscout" && patch.token !== undefined) fields.push({ path: "token", message: "is used by Nightscout bridges only (send `username` and `password`)" });
    if (patch.region !== undefined) {
      const problem = regionProblem(kind, patch.region);
      if (problem) fields.push({ path: "region", message: problem });
    }
    if (patch.server_url !== undefined) {
      const problem = serverUrlProblem(c.env, kind, patch.server_url);
      if (problem) fields.push({ path: "server_url", message: problem });
    }
    if (fields.length) throw invalid(fields);
    const credentialsChanged = patch.username !== undefined || patch.password !== undefined || patch.token !== undefined;
    const targetChanged = credentialsChanged || patch.region !== undefined || patch.server_url !== undefined;
    const changes: Parameters<typeof updateBridge>[3] = {};
    if (credentialsChanged) {
      const old = await decryptCredentials(c.env, row.id, row.credentials);
      const next: BridgeCredentials = "token" in old ? { token: patch.token ?? old.token } : { username: patch.username ?? old.username, password: patch.password ?? old.password };
      changes.credentials = await encryptCredentials(c.env, row.id, next);
    }
    if (patch.region !== undefined) changes.region = patch.region;
    if (patch.server_url !== undefined) changes.serverUrl = normalizeUrl(patch.server_url);
    if (targetChanged) Object.assign(changes, { bumpCredentials: true, status: "pending", failures: 0, nextPollAt: Date.now() });
    if (patch.paused !== undefined) changes.paused = patch.paused;
    if (patch.paused === false && !targetChanged) changes.nextPollAt = Date.now();
    const updated = (await updateBridge(await userDb(c), c.get("user").id, row.id, changes)) ?? row;
    const pollable = !updated.paused && updated.status !== "login_refused";
    await monitorOf(c).bridgeChanged(owner(c), row.id, pollable ? (updated.nextPollAt ?? Date.now()) : null);
    // A history backfill the old token or address stopped starts again from where it was.
    if (targetChanged && updated.kind === "nightscout" && updated.backfillStatus === "failed") return c.json(toBridge(await resumeBackfill(c, updated)), 200);
    return c.json(toBridge(updated), 200);
  },
);

bridgeRoutes.openapi(
  createRoute({ method: "delete", path: "/{id}", tags, summary: "Remove a bridge and its credentials", security, request: { params: BridgeId }, responses: { 204: { description: "Removed; readings already imported stay" }, ...commonErrors, ...notFoundError } }),
  async (c) => {
    const { id } = c.req.valid("param");
    if (!(await deleteBridge(await userDb(c), c.get("user").id, id))) throw notFound("Bridge");
    await monitorOf(c).bridgeRemoved(id);
    return c.body(null, 204);
  },
);

bridgeRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/poll",
    tags,
    summary: "Poll a bridge now",
    description: "Answers after the poll with how many readings it stored. A paused bridge, or one whose login was refused (until its credentials change), answers 409.",
    security,
    request: { params: BridgeId },
    responses: { 200: jsonContent(PollResult, "Polled"), ...commonErrors, ...notFoundError, ...conflictError },
  }),
  async (c) => {
    const row = await found(c, c.req.valid("param").id);
    if (row.paused) throw new ApiError(409, "bridge_paused", "The bridge is paused; resume it with PATCH {\"paused\": false}", [{ path: "paused", message: "is true" }]);
    if (row.status === "login_refused") throw new ApiError(409, "login_refused", "The vendor refused the login; PATCH new credentials to poll again", [{ path: row.kind === "nightscout" ? "token" : "password", message: "was refused by the vendor" }]);
    const outcome = await monitorOf(c).pollBridge(owner(c), row.id);
    if (!outcome.found) throw notFound("Bridge");
    return c.json({ imported: outcome.imported, matched: outcome.matched, bridge: toBridge(await found(c, row.id)) }, 200);
  },
);

bridgeRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/backfill",
    tags,
    summary: "Resume a Nightscout site's history backfill",
    description: "Continues from the oldest entry, or treatment once the entries are done, fetched so far (a backfill that failed or was interrupted). Nightscout bridges only.",
    security,
    request: { params: BridgeId },
    responses: { 202: jsonContent(Bridge, "Queued"), ...commonErrors, ...notFoundError, ...conflictError },
  }),
  async (c) => {
    const row = await found(c, c.req.valid("param").id);
    if (row.kind !== "nightscout") throw new ApiError(409, "not_nightscout", "Only a Nightscout bridge has a history backfill; the vendors' history comes with the first poll", [{ path: "id", message: "is not a Nightscout bridge" }]);
    return c.json(toBridge(await resumeBackfill(c, row)), 202);
  },
);
