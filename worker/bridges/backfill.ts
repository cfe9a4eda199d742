/**
 * @module worker/bridges/backfill
 * A Nightscout site's whole history, fetched in pages of 1,000 entries (newest first) through
 * the insights queue, one message per page: `{kind: "bridge_backfill", user_id, bridge_id,
 * before}`. Each page is stored through the bridge store (de-duplicated against every other
 * path), then the row's progress (`backfill_imported`, `backfill_cursor` = the oldest entry so
 * far) is written and the next page is sent. A redelivered message fetches and stores the same
 * page again, which stores nothing twice; a page that keeps failing (retried with backoff, then
 * the dead-letter queue) marks the backfill failed, and `POST /bridges/{id}/backfill` resumes
 * it from the cursor.
 */
import { shardDb, type ShardEnv } from "../db/shards.ts";
import type { Bindings } from "../env.ts";
import { sendAll, type BridgeBackfillMessage, type PipelineQueue } from "../insights/pipeline/messages.ts";
import { monitorStub } from "../monitor/client.ts";
import { decryptCredentials } from "./crypto.ts";
import { BridgeError, vendorHttp } from "./http.ts";
import { getBridge, updateBridge } from "./repository.ts";
import { storeBridgedReadings } from "./store.ts";
import { fetchEntries, NS_PAGE } from "./vendors/nightscout.ts";

export async function startNightscoutBackfill(env: { INSIGHTS_QUEUE: PipelineQueue }, userId: number, bridgeId: string, before: number): Promise<void> {
  await sendAll(env.INSIGHTS_QUEUE, [{ kind: "bridge_backfill", user_id: userId, bridge_id: bridgeId, before }]);
}

export type BackfillOutcome = "unknown-bridge" | "not-running" | "next-page" | "done" | "login-refused";

/** One page. Throws on a vendor outage (the consumer retries the message with backoff). */
export async function processBridgeBackfill(msg: BridgeBackfillMessage, env: Bindings): Promise<BackfillOutcome> {
  const db = await shardDb(env, msg.user_id);
  const row = await getBridge(db, msg.user_id, msg.bridge_id);
  if (!row || row.kind !== "nightscout") return "unknown-bridge";
  if (row.backfillStatus !== "running") return "not-running";
  const credentials = await decryptCredentials(env, row.id, row.credentials);
  let page;
  try {
    page = await fetchEntries({ http: vendorHttp(env), serverUrl: row.serverUrl, credentials, session: {} }, { before: msg.before, count: NS_PAGE });
  } catch (err) {
    if (err instanceof BridgeError && err.failure === "login_refused") {
      await updateBridge(db, msg.user_id, row.id, { backfillStatus: "failed", backfillError: err.message });
      return "login-refused";
    }
    throw err;
  }
  const pending: Promise<unknown>[] = [];
  // The account (directory) names the user's Durable Object.
  const user = await env.DB.prepare("SELECT public_id AS publicId FROM users WHERE id = ?").bind(msg.user_id).first<{ publicId: string }>();
  const stored = await storeBridgedReadings(env, { waitUntil: (p) => pending.push(p) }, msg.user_id, "nightscout", page, (recent) => {
    if (user) pending.push(monitorStub(env, user.publicId).ingest({ userId: msg.user_id, publicId: user.publicId }, recent).catch(() => undefined));
  });
  await Promise.all(pending);
  let oldest = msg.before;
  for (const r of page) oldest = Math.min(oldest, r.time);
  const more = page.length >= NS_PAGE && oldest < msg.before;
  await updateBridge(db, msg.user_id, row.id, { backfillCursor: oldest, addBackfillImported: stored.inserted, ...(more ? {} : { backfillStatus: "done" }) });
  if (!more) return "done";
  await sendAll(env.INSIGHTS_QUEUE, [{ kind: "bridge_backfill", user_id: msg.user_id, bridge_id: row.id, before: oldest }]);
  return "next-page";
}

/** The dead-letter consumer's part: a page that exhausted its retries fails the backfill. */
export async function failBridgeBackfill(msg: BridgeBackfillMessage, env: ShardEnv): Promise<void> {
  await updateBridge(await shardDb(env, msg.user_id), msg.user_id, msg.bridge_id, { backfillStatus: "failed", backfillError: "The Nightscout site did not answer after repeated attempts; resume the backfill to try again" });
}
