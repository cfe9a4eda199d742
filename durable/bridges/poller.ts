/**
 * @module durable/bridges/poller
 * Polling of the user's cloud follower bridges, inside the user's GlucoseMonitor (which owns
 * the one alarm and calls {@link BridgePoller.nextDue} when it sets it, and
 * {@link BridgePoller.runDue} when it fires). The object's storage keeps, per bridge, when it is
 * next due and the vendor session (tokens, account and patient ids); the bridge itself
 * (credentials, status, counts) is the D1 row (worker/bridges/repository.ts), read at each poll.
 *
 * A poll: read the row, decrypt the credentials, ask the vendor for readings since the newest
 * one imported (all the vendor keeps on the first poll), store them through the ingestion path
 * (worker/bridges/store.ts), write the outcome to the row, and set the next time:
 * - success: just after the next reading is due (newest reading + cadence + 20 s);
 * - vendor outage (timeout, 5xx, 429, unexpected answers): backoff, 1, 2, 4 … 60 minutes;
 * - refused login: no next time (`next_poll_at: null`) until the credentials change (PATCH),
 *   and a Web Push to the user's devices.
 */
import type { Db } from "../../worker/db/client.ts";
import { shardDb } from "../../worker/db/shards.ts";
import type { Bindings } from "../../worker/env.ts";
import { decryptCredentials, encryptCredentials, isCurrentKey } from "../../worker/bridges/crypto.ts";
import { BridgeError, vendorHttp } from "../../worker/bridges/http.ts";
import { storeNightscoutDocuments } from "../../worker/bridges/nightscout-documents.ts";
import { pushLoginRefused } from "../../worker/bridges/notify.ts";
import { getBridge, updateBridge, type BridgeRow } from "../../worker/bridges/repository.ts";
import { storeBridgedReadings } from "../../worker/bridges/store.ts";
import { VENDORS } from "../../worker/bridges/vendors/index.ts";
import type { BridgeKind } from "../../worker/bridges/vendors/types.ts";
import type { MonitorOwner, MonitorReading } from "../../vocabulary/monitor.ts";

/** After the vendor's reading is due, how long to wait for it to reach the vendor's cloud. */
export const UPLOAD_LAG_MS = 20_000;
export const MAX_BACKOFF_MS = 60 * 60_000;

export const backoffMs = (failures: number) => Math.min(MAX_BACKOFF_MS, 60_000 * 2 ** Math.max(0, failures - 1));

/** Just after the next reading is due, never in the past: a vendor with nothing new is asked again a cadence later. */
export function nextPollAfter(now: number, newest: number | null, cadenceMs: number): number {
  const due = newest === null ? now + cadenceMs : newest + cadenceMs + UPLOAD_LAG_MS;
  return due <= now + 5_000 ? now + cadenceMs : Math.min(due, now + cadenceMs + UPLOAD_LAG_MS);
}

export interface PollOutcome {
  found: boolean;
  imported: number;
  /** Readings left out because another path (an uploader) had them. */
  matched: number;
  row: BridgeRow | null;
  /** Vendor requests this poll made. */
  requests: number;
}

export interface PollerHooks {
  owner(): MonitorOwner | null;
  /** Hands recent readings to the monitor (its own ingest). */
  ingest(owner: MonitorOwner, readings: MonitorReading[]): Promise<unknown>;
  /** Asks the monitor to set its alarm again (a due time has changed). */
  reschedule(): void;
  log(level: "warn" | "error", event: string, err: unknown): void;
}

export class BridgePoller {
  private readonly running = new Map<string, Promise<PollOutcome>>();
  /**
   * The earliest due time as last read from `bridge_schedule` (undefined: not read since the last
   * change). The monitor asks on every reading when it sets its alarm, and only setDue changes it.
   */
  private earliest: number | null | undefined;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly sql: SqlStorage,
    private readonly hooks: PollerHooks,
  ) {
    sql.exec("CREATE TABLE IF NOT EXISTS bridge_schedule (bridge_id TEXT PRIMARY KEY, due_at INTEGER NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS bridge_sessions (bridge_id TEXT PRIMARY KEY, credentials_version INTEGER NOT NULL, body TEXT NOT NULL)");
  }

  /** The earliest due time of any bridge, or null. */
  nextDue(): number | null {
    if (this.earliest === undefined) this.earliest = this.sql.exec<{ at: number | null }>("SELECT min(due_at) AS at FROM bridge_schedule").one().at;
    return this.earliest;
  }

  setDue(bridgeId: string, at: number | null): void {
    this.earliest = undefined;
    if (at === null) this.sql.exec("DELETE FROM bridge_schedule WHERE bridge_id = ?", bridgeId);
    else this.sql.exec("INSERT INTO bridge_schedule (bridge_id, due_at) VALUES (?, ?) ON CONFLICT (bridge_id) DO UPDATE SET due_at = excluded.due_at", bridgeId, at);
  }

  /** The bridge was removed: its schedule and session go. */
  forget(bridgeId: string): void {
    this.setDue(bridgeId, null);
    this.sql.exec("DELETE FROM bridge_sessions WHERE bridge_id = ?", bridgeId);
  }

  /** Polls every bridge whose time has come, one after another. Never throws. */
  async runDue(now: number): Promise<void> {
    const due = this.sql.exec<{ bridge_id: string }>("SELECT bridge_id FROM bridge_schedule WHERE due_at <= ? ORDER BY due_at", now).toArray();
    for (const { bridge_id } of due) await this.poll(bridge_id);
  }

  /** One poll of a bridge; a poll already running for it is awaited first, so two never overlap. */
  async poll(bridgeId: string): Promise<PollOutcome> {
    const before = this.running.get(bridgeId);
    if (before) await before.catch(() => undefined);
    const run = this.pollOnce(bridgeId);
    this.running.set(bridgeId, run);
    try {
      return await run;
    } finally {
      if (this.running.get(bridgeId) === run) this.running.delete(bridgeId);
    }
  }

  private session(bridgeId: string, version: number): Record<string, unknown> {
    const row = this.sql.exec<{ credentials_version: number; body: string }>("SELECT credentials_version, body FROM bridge_sessions WHERE bridge_id = ?", bridgeId).toArray()[0];
    return row && row.credentials_version === version ? (JSON.parse(row.body) as Record<string, unknown>) : {};
  }

  private saveSession(bridgeId: string, version: number, session: Record<string, unknown>): void {
    this.sql.exec(
      "INSERT INTO bridge_sessions (bridge_id, credentials_version, body) VALUES (?, ?, ?) ON CONFLICT (bridge_id) DO UPDATE SET credentials_version = excluded.credentials_version, body = excluded.body",
      bridgeId,
      version,
      JSON.stringify(session),
    );
  }

  private async pollOnce(bridgeId: string): Promise<PollOutcome> {
    const owner = this.hooks.owner();
    const none: PollOutcome = { found: false, imported: 0, matched: 0, row: null, requests: 0 };
    if (!owner) {
      this.forget(bridgeId);
      return none;
    }
    const env = this.env as Bindings;
    let db: Db;
    let row: BridgeRow | null;
    try {
      db = await shardDb(env, owner.userId);
      row = await getBridge(db, owner.userId, bridgeId);
    } catch (err) {
      // D1 briefly unavailable: try again in a minute.
      this.hooks.log("error", "bridge_row_read_failed", err);
      this.setDue(bridgeId, Date.now() + 60_000);
      this.hooks.reschedule();
      return none;
    }
    if (!row) {
      this.forget(bridgeId);
      this.hooks.reschedule();
      return none;
    }
    if (row.paused || row.status === "login_refused") {
      this.setDue(bridgeId, null);
      this.hooks.reschedule();
      return { ...none, found: true, row };
    }
    const kind = row.kind as BridgeKind;
    const http = vendorHttp(env);
    const session = this.session(bridgeId, row.credentialsVersion);
    const now = Date.now();
    let update: Parameters<typeof updateBridge>[3];
    let imported = 0;
    let matched = 0;
    try {
      const credentials = await decryptCredentials(env, bridgeId, row.credentials);
      const result = await VENDORS[kind]({ http, region: row.region, serverUrl: row.serverUrl, credentials, session, since: row.lastReadingAt, now });
      this.saveSession(bridgeId, row.credentialsVersion, session);
      const stored = await storeBridgedReadings(env, this.ctx, owner.userId, kind, result.readings, (recent) =>
        this.hooks.ingest(owner, recent).catch((err: unknown) => this.hooks.log("warn", "bridge_monitor_ingest_failed", err)),
      );
      imported = stored.inserted;
      matched = stored.matched;
      if (result.documents) await storeNightscoutDocuments(env, { id: owner.userId, publicId: owner.publicId }, result.documents);
      if (result.commit) {
        result.commit();
        this.saveSession(bridgeId, row.credentialsVersion, session);
      }
      let newest = row.lastReadingAt;
      for (const r of result.readings) if (r.time <= now + 5 * 60_000 && (newest === null || r.time > newest)) newest = r.time;
      update = { status: "ok", lastSuccessAt: now, failures: 0, nextPollAt: nextPollAfter(Date.now(), newest, result.cadenceMs), lastReadingAt: newest, add: { readingsImported: imported } };
      // A key rotation re-encrypts each bridge's credentials at its next successful poll.
      if (!(await isCurrentKey(env, row.credentials))) update.credentials = await encryptCredentials(env, bridgeId, credentials);
    } catch (err) {
      const failure = err instanceof BridgeError ? err.failure : "outage";
      const message = err instanceof Error ? err.message : String(err);
      if (!(err instanceof BridgeError)) this.hooks.log("error", "bridge_poll_failed", err);
      if (failure === "login_refused") {
        this.sql.exec("DELETE FROM bridge_sessions WHERE bridge_id = ?", bridgeId);
        update = { status: "login_refused", lastError: message, lastErrorAt: now, nextPollAt: null };
        this.ctx.waitUntil(pushLoginRefused(env, owner.userId, row, message));
      } else {
        // A token that stayed refused after a fresh login counts as an outage too.
        if (failure === "session_expired") this.sql.exec("DELETE FROM bridge_sessions WHERE bridge_id = ?", bridgeId);
        else this.saveSession(bridgeId, row.credentialsVersion, session);
        const failures = row.failures + 1;
        update = { status: "backoff", lastError: message, lastErrorAt: now, failures, nextPollAt: Date.now() + backoffMs(failures) };
      }
    }
    let saved: BridgeRow | null = null;
    try {
      // Only while the credentials are the ones this poll used: a PATCH during the poll wins.
      saved = row.credentialsVersion === (await getBridge(db, owner.userId, bridgeId))?.credentialsVersion ? await updateBridge(db, owner.userId, bridgeId, update) : null;
    } catch (err) {
      this.hooks.log("error", "bridge_row_write_failed", err);
    }
    if (saved) this.setDue(bridgeId, saved.paused ? null : saved.nextPollAt);
    else if (!(await getBridge(db, owner.userId, bridgeId).catch(() => row))) this.forget(bridgeId);
    this.hooks.reschedule();
    return { found: true, imported, matched, row: saved ?? row, requests: http.requests };
  }
}
