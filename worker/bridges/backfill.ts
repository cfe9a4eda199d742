/**
 * @module worker/bridges/backfill
 * A Nightscout site's whole history through the insights queue, one message per page:
 * `{kind: "bridge_backfill", user_id, bridge_id, before, collection}`. The entries come first, in
 * pages of 1,000 (newest first), stored through the bridge store (de-duplicated against every other
 * path); then the treatments (boluses, carbs, notes, site changes), in pages of 1,000 by
 * `created_at`, stored through the platform's own v1 upsert, which keeps each source `_id`. After
 * each page the row's progress is written (`backfill_phase`, `backfill_cursor` = the oldest
 * document of the phase so far, the counts) and the next page is sent. A redelivered message
 * fetches and stores the same page again, which stores nothing twice; a page that keeps failing
 * (retried with backoff, then the dead-letter queue) marks the backfill failed, and
 * `POST /bridges/{id}/backfill` resumes it from the cursor of its phase. Device statuses and
 * profiles are not backfilled: the polls take the last day of device statuses and the latest
 * profiles.
 */
import type { Db } from "../db/client.ts";
import { shardDb, type ShardEnv } from "../db/shards.ts";
import type { Bindings } from "../env.ts";
import { sendAll, type BridgeBackfillMessage, type PipelineQueue } from "../insights/pipeline/messages.ts";
import { monitorStub } from "../monitor/client.ts";
import { decryptCredentials } from "./crypto.ts";
import { BridgeError, vendorHttp } from "./http.ts";
import { getBridge, updateBridge } from "./repository.ts";
import { storeBridgedReadings } from "./store.ts";
import { storeNightscoutDocuments } from "./nightscout-documents.ts";
import { fetchEntries, fetchTreatmentsBefore, NS_PAGE } from "./vendors/nightscout.ts";
import type { BridgeReading } from "./vendors/types.ts";

export type BackfillPhase = "entries" | "treatments";

export async function startNightscoutBackfill(env: { INSIGHTS_QUEUE: PipelineQueue }, userId: number, bridgeId: string, before: number, collection: BackfillPhase = "entries"): Promise<void> {
  await sendAll(env.INSIGHTS_QUEUE, [{ kind: "bridge_backfill", user_id: userId, bridge_id: bridgeId, before, collection }]);
}

export type BackfillOutcome = "unknown-bridge" | "not-running" | "next-page" | "done" | "login-refused";

/** One page. Throws on a vendor outage (the consumer retries the message with backoff). */
export async function processBridgeBackfill(msg: BridgeBackfillMessage, env: Bindings): Promise<BackfillOutcome> {
  const db = await shardDb(env, msg.user_id);
  const row = await getBridge(db, msg.user_id, msg.bridge_id);
  if (!row || row.kind !== "nightscout") return "unknown-bridge";
  if (row.backfillStatus !== "running") return "not-running";
  // A message of the phase before (redelivered after the next one started) has nothing left to do.
  const phase = msg.collection ?? "entries";
  if (phase !== (row.backfillPhase ?? "entries")) return "not-running";
  const credentials = await decryptCredentials(env, row.id, row.credentials);
  const req = { http: vendorHttp(env), serverUrl: row.serverUrl, credentials, session: {} };
  const fetched = await refusedOr(() => (phase === "entries" ? fetchEntries(req, { before: msg.before, count: NS_PAGE }) : fetchTreatmentsBefore(req, msg.before, NS_PAGE)));
  if ("refused" in fetched) {
    await updateBridge(db, msg.user_id, row.id, { backfillStatus: "failed", backfillError: fetched.refused });
    return "login-refused";
  }
  // The account (directory) names the user's Durable Object.
  const user = await env.DB.prepare("SELECT public_id AS publicId FROM users WHERE id = ?").bind(msg.user_id).first<{ publicId: string }>();
  if (phase === "treatments") return treatmentsPage(env, db, msg, row.id, user, fetched.page);
  const page = fetched.page as BridgeReading[];
  const pending: Promise<unknown>[] = [];
  const stored = await storeBridgedReadings(env, { waitUntil: (p) => pending.push(p) }, msg.user_id, "nightscout", page, (recent) => {
    if (user) pending.push(monitorStub(env, user.publicId).ingest({ userId: msg.user_id, publicId: user.publicId }, recent).catch(() => undefined));
  });
  await Promise.all(pending);
  let oldest = msg.before;
  for (const r of page) oldest = Math.min(oldest, r.time);
  const more = page.length >= NS_PAGE && oldest < msg.before;
  if (more) {
    await updateBridge(db, msg.user_id, row.id, { backfillCursor: oldest, addBackfillImported: stored.inserted });
    await startNightscoutBackfill(env, msg.user_id, row.id, oldest);
    return "next-page";
  }
  // The entries are done: the treatments follow, from now back.
  const now = Date.now();
  await updateBridge(db, msg.user_id, row.id, { backfillPhase: "treatments", backfillCursor: now, addBackfillImported: stored.inserted });
  await startNightscoutBackfill(env, msg.user_id, row.id, now, "treatments");
  return "next-page";
}

/** A page, or the site's refusal of the credential (any other failure throws, and the message is retried). */
async function refusedOr<T>(fetchPage: () => Promise<T[]>): Promise<{ page: T[] } | { refused: string }> {
  try {
    return { page: await fetchPage() };
  } catch (err) {
    if (err instanceof BridgeError && err.failure === "login_refused") return { refused: err.message };
    throw err;
  }
}

/** Stores one page of treatments as an uploader's POST would, and sends the next page or finishes. */
async function treatmentsPage(env: Bindings, db: Db, msg: BridgeBackfillMessage, bridgeId: string, user: { publicId: string } | null, page: unknown[]): Promise<BackfillOutcome> {
  if (user && page.length) await storeNightscoutDocuments(env, { id: msg.user_id, publicId: user.publicId }, { treatments: page, devicestatus: [], profiles: [] });
  const times = page.map((doc) => Date.parse(String((doc as { created_at?: unknown })?.created_at ?? "")));
  const oldest = Math.min(msg.before, ...times.filter(Number.isFinite));
  // Documents at the cursor's own time came on the page before (the query is "at or before").
  const fresh = times.filter((t) => !(t >= msg.before)).length;
  const more = page.length >= NS_PAGE && oldest < msg.before;
  await updateBridge(db, msg.user_id, bridgeId, { backfillCursor: oldest, addBackfillTreatments: fresh, ...(more ? {} : { backfillStatus: "done" }) });
  if (!more) return "done";
  await startNightscoutBackfill(env, msg.user_id, bridgeId, oldest, "treatments");
  return "next-page";
}

/** The dead-letter consumer's part: a page that exhausted its retries fails the backfill. */
export async function failBridgeBackfill(msg: BridgeBackfillMessage, env: ShardEnv): Promise<void> {
  await updateBridge(await shardDb(env, msg.user_id), msg.user_id, msg.bridge_id, { backfillStatus: "failed", backfillError: "The Nightscout site did not answer after repeated attempts; resume the backfill to try again" });
}
