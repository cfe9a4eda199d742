/**
 * @module worker/nightscout/socketio-store
 * Everything the socket.io sessions read and write, in one small adapter: whatever the
 * Nightscout REST routes become, only this file follows them.
 *
 * Writes (`dbAdd`, `dbUpdate`, `dbRemove`) and the first `dataUpdate` are the very REST requests
 * a Nightscout client would send (`POST /api/v1/treatments`, `GET /api/v1/entries.json`, …),
 * run in-process through the Worker's own app with the credential the socket authorized with:
 * the same validation, de-duplication, mapping to GlucoLens records, readings through
 * storeReadings to the live monitor, and the same answer to a revoked secret.
 */
import type { Bindings } from "../env.ts";
import { createApp } from "../app.ts";
import { directoryDb, shardDb } from "../db/shards.ts";
import type { AuthUser } from "../middleware/auth.ts";
import type { UploaderRole } from "../db/schema-interop.ts";
import { findUploaderByCredential } from "./auth.ts";
import { sourceIds } from "../repositories/readings.ts";
import { METER_SUFFIX } from "./entries-store.ts";
import { readingObjectId } from "./ids.ts";

/** How a session authenticates its REST calls: the header or query parameter its client gave. */
export interface SocketCredential {
  /** `api-secret` (hex SHA-1/SHA-512 of an uploader secret) or `token` (the secret or its SHA-1). */
  via: "api-secret" | "token";
  value: string;
}

/** Nightscout collections the sockets may write (lib/server/websocket.js supportedCollections, less activity, which is not served). */
export const WRITABLE_COLLECTIONS = { treatments: "treatments", entries: "entries", devicestatus: "devicestatus", profile: "profile", food: "food" } as const;
export type WritableCollection = keyof typeof WRITABLE_COLLECTIONS;

/**
 * The owner of an `authorize`/`subscribe` credential and its uploader's role, as the REST routes
 * find them (auth.ts). A `secret` that is no hex digest is taken as the secret itself, as
 * lib/authorization/index.js resolve takes an access token there (doesAccessTokenExist): LoopFollow
 * (NightscoutSocketManager.swift authorize) sends its token as `secret`.
 */
export async function ownerOfCredential(env: Bindings, credential: SocketCredential): Promise<{ user: AuthUser; role: UploaderRole } | null> {
  const v = credential.value.trim();
  if (!v) return null;
  const found = await findUploaderByCredential(directoryDb(env), v);
  return found && { user: found.user, role: found.role };
}

let app: ReturnType<typeof createApp> | null = null;

export interface RestAnswer {
  status: number;
  body: unknown;
}

/** One REST request through the Worker's app, in this isolate. */
export async function rest(env: Bindings, ctx: Pick<ExecutionContext, "waitUntil">, credential: SocketCredential, method: string, path: string, body?: unknown): Promise<RestAnswer> {
  app ??= createApp();
  const url = new URL(path, "https://socketio.internal");
  const headers = new Headers({ accept: "application/json", "x-request-id": crypto.randomUUID() });
  if (credential.via === "api-secret") headers.set("api-secret", credential.value);
  else url.searchParams.set("token", credential.value);
  if (body !== undefined) headers.set("content-type", "application/json");
  const executionCtx = { waitUntil: (p: Promise<unknown>) => ctx.waitUntil(p), passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
  const res = await app.fetch(new Request(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }), env, executionCtx);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, body: parsed };
}

/** Nightscout's REST collection path for a socket collection name. */
export const collectionPath = (c: WritableCollection) => `/api/v1/${WRITABLE_COLLECTIONS[c]}`;

/**
 * Entries as Nightscout's runtime data carries them (lib/data/dataloader.js loadEntries): `mgdl`
 * and `mills`, meter readings apart as `mbgs`; ids as the entries API gives them.
 */
export async function entryDocs(
  env: Bindings,
  userId: number,
  readings: readonly { time: number; value: number; source: string; trend: string | null }[],
): Promise<{ sgvs: Record<string, unknown>[]; mbgs: Record<string, unknown>[] }> {
  const ids = await sourceIds(await shardDb(env, userId), userId, readings.map((r) => r.source));
  const sgvs: Record<string, unknown>[] = [];
  const mbgs: Record<string, unknown>[] = [];
  for (const r of readings) {
    const id = readingObjectId(r.time, ids.get(r.source)!);
    if (r.source.endsWith(METER_SUFFIX)) mbgs.push({ _id: id, mgdl: Math.round(r.value), mills: r.time, device: r.source.slice(0, -METER_SUFFIX.length), type: "mbg" });
    else sgvs.push({ _id: id, mgdl: Math.round(r.value), mills: r.time, device: r.source, direction: r.trend ?? "NONE", type: "sgv" });
  }
  return { sgvs, mbgs };
}


/** REST entries (`sgv`, `mbg`) in the runtime shape. */
export function runtimeEntries(entries: Record<string, unknown>[]): { sgvs: Record<string, unknown>[]; mbgs: Record<string, unknown>[] } {
  const sgvs: Record<string, unknown>[] = [];
  const mbgs: Record<string, unknown>[] = [];
  for (const e of entries) {
    if (e.type === "mbg") mbgs.push({ _id: e["_id"], mgdl: Number(e.mbg), mills: e.date, device: e.device, type: "mbg" });
    else if (e.type === "sgv" || e.sgv !== undefined) sgvs.push({ _id: e["_id"], mgdl: Number(e.sgv), mills: e.date, device: e.device, direction: e.direction, type: "sgv" });
  }
  return { sgvs, mbgs };
}
