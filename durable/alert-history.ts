/**
 * @module durable/alert-history
 * The live monitor's alert history on its way to D1 (`alert_events`, worker/repositories/alerts.ts):
 * each step's events go into the object's own outbox table, durable with the step, and reach D1
 * {@link HISTORY_FLUSH_DELAY_MS} later in one write, with whatever later steps add meanwhile. A write
 * D1 refuses stays in the outbox; the monitor's alarm comes back for it after
 * {@link HISTORY_RETRY_MS}. Writes run one after another, in order; an event's key is unique, so a
 * write that races another stores nothing twice.
 */
import { shardDb, type ShardEnv } from "../worker/db/shards.ts";
import { insertAlertEvents, type NewAlertEvent } from "../worker/repositories/alerts.ts";
import { errorChainMentions } from "../vocabulary/errors.ts";

/** When D1 refuses the history, the alarm tries again after this long. */
export const HISTORY_RETRY_MS = 30_000;
/**
 * Alert history reaches D1 this long after the step that made it: a burst of steps is one D1
 * write rather than one each, made after the steps' own work (the sockets, the answers).
 */
export const HISTORY_FLUSH_DELAY_MS = 1_000;
/** Events per D1 write. */
const EVENTS_PER_WRITE = 90;

export const OUTBOX_SCHEMA = "CREATE TABLE IF NOT EXISTS history_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)";

export interface HistoryHost {
  sql: SqlStorage;
  ctx: DurableObjectState;
  env: ShardEnv;
  /** Whose history it is; null while unknown or once the account is deleted (nothing is written then). */
  owner: () => { userId: number } | null;
  /** D1 refused a write: the monitor sets its alarm (it reads {@link AlertHistoryOutbox.failing}). */
  refused: () => void;
  log: (level: "warn" | "error", event: string, err: unknown) => void;
}

export class AlertHistoryOutbox {
  /** D1 refused the last write; cleared once the outbox is empty. */
  failing = false;
  private backlog: boolean;
  private chain: Promise<void> = Promise.resolve();
  /** A flush is waiting out the delay; later steps' events go with it. */
  private flushQueued = false;

  constructor(private readonly host: HistoryHost) {
    this.backlog = host.sql.exec<{ n: number }>("SELECT count(*) AS n FROM history_outbox").one().n > 0;
  }

  /** Events the outbox holds that D1 does not have yet (also those an earlier instance queued). */
  get hasBacklog(): boolean {
    return this.backlog;
  }

  /** Keeps a step's events and queues the flush (also of older events still waiting). */
  add(events: readonly NewAlertEvent[]): void {
    for (const e of events) this.host.sql.exec("INSERT INTO history_outbox (body) VALUES (?)", JSON.stringify(e));
    if (events.length) this.backlog = true;
    if (this.backlog) this.flushSoon();
  }

  /** Writes the outbox to D1 after the delay, in the background (waitUntil). */
  flushSoon(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    const run = this.chain
      .then(() => new Promise((resolve) => setTimeout(resolve, HISTORY_FLUSH_DELAY_MS)))
      .then(() => {
        this.flushQueued = false;
        return this.write();
      });
    this.chain = run.catch((err: unknown) => this.host.log("error", "history_write_failed", err));
    this.host.ctx.waitUntil(this.chain);
  }

  /** Writes what the outbox holds now, for a read of the history that must see it. */
  async flushNow(): Promise<void> {
    if (this.backlog) await this.write();
  }

  private async write(): Promise<void> {
    const owner = this.host.owner();
    if (!owner) return;
    const { sql } = this.host;
    for (;;) {
      const rows = sql.exec<{ id: number; body: string }>(`SELECT id, body FROM history_outbox ORDER BY id LIMIT ${EVENTS_PER_WRITE}`).toArray();
      if (!rows.length) {
        this.backlog = false;
        this.failing = false;
        return;
      }
      try {
        await insertAlertEvents(
          await shardDb(this.host.env, owner.userId),
          owner.userId,
          rows.map((r) => JSON.parse(r.body) as NewAlertEvent),
        );
      } catch (err) {
        if (!errorChainMentions(err, "FOREIGN KEY constraint failed")) {
          this.host.log("error", "history_write_failed", err);
          this.failing = true;
          this.host.refused();
          return;
        }
        // The account is gone (deleted while this was queued): nothing to keep the history for.
        this.host.log("warn", "history_dropped_account_gone", err);
      }
      sql.exec("DELETE FROM history_outbox WHERE id <= ?", rows[rows.length - 1]!.id);
    }
  }
}
