/**
 * @module worker/bridges/backfill
 * A Nightscout site's whole history through the insights queue, one message per page:
 * `{kind: "bridge_backfill", user_id, bridge_id, before, collection}`. The collections come one
 * after the other (BACKFILL_PHASES): the entries in pages of 1,000 (newest first), stored through
 * the bridge store (de-duplicated against every other path); then the treatments (boluses, carbs,
 * notes, site changes) and the device statuses (pump, loop, uploader), each in pages of 1,000 by
 * `created_at`; then the profiles in one request. Documents are stored through the platform's own
 * v1 upserts, which keep each source `_id`. After each page the row's progress is written
 * (`backfill_phase`, `backfill_cursor` = the oldest document of the phase so far, the counts) and
 * the next page is sent, both only while the cursor is still the page's `before`: a redelivered
 * message (or a second resume) stores the same page again, which stores nothing twice, and then
 * stops without counting it again or starting a second chain of pages. A page that keeps failing
 * (retried with backoff, then the dead-letter queue) marks the backfill failed, and
 * `POST /bridges/{id}/backfill` resumes it from the cursor of its phase.
 */
import type { Db } from "../db/client.ts";
import type { BackfillPhase } from "../db/schema-bridges.ts";
import { shardDb, type ShardEnv } from "../db/shards.ts";
import type { Bindings } from "../env.ts";
import { sendAll, type BridgeBackfillMessage, type PipelineQueue } from "../insights/pipeline/messages.ts";
import { monitorStub } from "../monitor/client.ts";
import { decryptCredentials } from "./crypto.ts";
import { BridgeError, vendorHttp } from "./http.ts";
import { getBridge, updateBridge } from "./repository.ts";
import { storeBridgedReadings } from "./store.ts";
import { storeNightscoutDocuments } from "./nightscout-documents.ts";
import { fetchDocumentsBefore, fetchEntries, fetchProfiles, NS_PAGE, type NsRequest } from "./vendors/nightscout.ts";

const NEXT_PHASE: Record<BackfillPhase, BackfillPhase | null> = { entries: "treatments", treatments: "devicestatus", devicestatus: "profiles", profiles: null };

/** A site keeps one profile document per change; the newest this many come in the one request. */
export const PROFILES_MAX = 1000;

export async function startNightscoutBackfill(env: { INSIGHTS_QUEUE: PipelineQueue }, userId: number, bridgeId: string, before: number, collection: BackfillPhase = "entries"): Promise<void> {
  await sendAll(env.INSIGHTS_QUEUE, [{ kind: "bridge_backfill", user_id: userId, bridge_id: bridgeId, before, collection }]);
}

export type BackfillOutcome = "unknown-bridge" | "not-running" | "next-page" | "done" | "login-refused" | "page-recorded-before";

/** What a page stored: the counts to add, its oldest document's time (null: none), whether older ones remain. */
interface PageResult {
  add: Parameters<typeof updateBridge>[3]["add"];
  oldest: number | null;
  more: boolean;
}

/** One page. Throws on a vendor outage (the consumer retries the message with backoff). */
export async function processBridgeBackfill(msg: BridgeBackfillMessage, env: Bindings): Promise<BackfillOutcome> {
  const db = await shardDb(env, msg.user_id);
  const row = await getBridge(db, msg.user_id, msg.bridge_id);
  if (!row || row.kind !== "nightscout") return "unknown-bridge";
  if (row.backfillStatus !== "running") return "not-running";
  // A message of a phase before (redelivered after the next one started) has nothing left to do.
  const phase = msg.collection ?? "entries";
  if (phase !== (row.backfillPhase ?? "entries")) return "not-running";
  const credentials = await decryptCredentials(env, row.id, row.credentials);
  const req: NsRequest = { http: vendorHttp(env), serverUrl: row.serverUrl, credentials, session: {} };
  let page: PageResult;
  try {
    page = phase === "entries" ? await entriesPage(env, msg, req) : await documentsPage(env, msg, req, phase);
  } catch (err) {
    if (!(err instanceof BridgeError && err.failure === "login_refused")) throw err;
    await updateBridge(db, msg.user_id, row.id, { backfillStatus: "failed", backfillError: err.message });
    return "login-refused";
  }
  return recordPage(env, db, msg, row.id, phase, page);
}

/** The page's progress, recorded once; then the next page, the next collection, or done. */
async function recordPage(env: Bindings, db: Db, msg: BridgeBackfillMessage, bridgeId: string, phase: BackfillPhase, page: PageResult): Promise<BackfillOutcome> {
  const cursor = page.oldest === null ? {} : { backfillCursor: page.oldest };
  if (page.more && page.oldest !== null) {
    if (!(await updateBridge(db, msg.user_id, bridgeId, { ...cursor, add: page.add }, msg.before))) return "page-recorded-before";
    await startNightscoutBackfill(env, msg.user_id, bridgeId, page.oldest, phase);
    return "next-page";
  }
  const next = NEXT_PHASE[phase];
  if (!next) return (await updateBridge(db, msg.user_id, bridgeId, { ...cursor, add: page.add, backfillStatus: "done" }, msg.before)) ? "done" : "page-recorded-before";
  // The next collection starts from now back, its cursor unset until its first page.
  if (!(await updateBridge(db, msg.user_id, bridgeId, { backfillPhase: next, backfillCursor: null, add: page.add }, msg.before))) return "page-recorded-before";
  await startNightscoutBackfill(env, msg.user_id, bridgeId, Date.now(), next);
  return "next-page";
}

/** The account (directory) names the user's Durable Object. */
function publicIdOf(env: Bindings, userId: number): Promise<string | null> {
  return env.DB.prepare("SELECT public_id FROM users WHERE id = ?").bind(userId).first<string>("public_id");
}

async function entriesPage(env: Bindings, msg: BridgeBackfillMessage, req: NsRequest): Promise<PageResult> {
  const page = await fetchEntries(req, { before: msg.before, count: NS_PAGE });
  const publicId = await publicIdOf(env, msg.user_id);
  const pending: Promise<unknown>[] = [];
  const stored = await storeBridgedReadings(env, { waitUntil: (p) => pending.push(p) }, msg.user_id, "nightscout", page, (recent) => {
    if (publicId) pending.push(monitorStub(env, publicId).ingest({ userId: msg.user_id, publicId }, recent).catch(() => undefined));
  });
  await Promise.all(pending);
  const oldest = page.length ? Math.min(msg.before, ...page.map((r) => r.time)) : null;
  return { add: { backfillImported: stored.inserted }, oldest, more: page.length >= NS_PAGE && oldest !== null && oldest < msg.before };
}

/** A document's time: `created_at`, and for a profile its `startDate`. */
function documentTime(doc: unknown, phase: BackfillPhase): number {
  const d = (doc ?? {}) as { created_at?: unknown; startDate?: unknown };
  return Date.parse(String((phase === "profiles" ? (d.startDate ?? d.created_at) : d.created_at) ?? ""));
}

/** Treatments or device statuses created at or before the page's `before`, or the profiles, stored as an uploader's POST would. */
async function documentsPage(env: Bindings, msg: BridgeBackfillMessage, req: NsRequest, phase: Exclude<BackfillPhase, "entries">): Promise<PageResult> {
  const page = phase === "profiles" ? await fetchProfiles(req, PROFILES_MAX) : await fetchDocumentsBefore(req, phase, msg.before, NS_PAGE);
  const publicId = await publicIdOf(env, msg.user_id);
  if (publicId && page.length) {
    await storeNightscoutDocuments(env, { id: msg.user_id, publicId }, { treatments: phase === "treatments" ? page : [], devicestatus: phase === "devicestatus" ? page : [], profiles: phase === "profiles" ? page : [] });
  }
  const times = page.map((doc) => documentTime(doc, phase)).filter(Number.isFinite);
  const oldest = times.length ? Math.min(msg.before, ...times) : null;
  // Documents at the cursor's own time came on the page before (the query is "at or before").
  const fresh = phase === "profiles" ? page.length : times.filter((t) => t < msg.before).length;
  const column = ({ treatments: "backfillTreatments", devicestatus: "backfillDeviceStatuses", profiles: "backfillProfiles" } as const)[phase];
  return { add: { [column]: fresh }, oldest, more: phase !== "profiles" && page.length >= NS_PAGE && oldest !== null && oldest < msg.before };
}

/** The dead-letter consumer's part: a page that exhausted its retries fails the backfill. */
export async function failBridgeBackfill(msg: BridgeBackfillMessage, env: ShardEnv): Promise<void> {
  await updateBridge(await shardDb(env, msg.user_id), msg.user_id, msg.bridge_id, { backfillStatus: "failed", backfillError: "The Nightscout site did not answer after repeated attempts; resume the backfill to try again" });
}
