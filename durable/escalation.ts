/**
 * @module durable/escalation
 * Escalation of urgent lows to the caregivers. When the monitor raises an urgent low it notes a
 * deadline (raised + the user's escalation time, default 10 minutes) in its own storage; the
 * object's alarm (which also serves repeats and no-data alerts) wakes at the earliest deadline,
 * and an urgent low still active and unacknowledged then is escalated: recorded in the alert
 * history and pushed to every caregiver (durable/push.ts), quiet hours or not.
 *
 * The escalation time is the user's setting in D1 (`PUT /api/v1/sharing/settings`); the Worker
 * hands it to the object, which keeps a copy here so the alarm needs no D1 read.
 */
import type { ServerMessage } from "../worker/schemas/alerts.ts";

export const DEFAULT_ESCALATION_MS = 10 * 60_000;

export class Escalations {
  /** The earliest deadline, cached: the monitor asks on every reading, the table rarely changes. */
  private earliest: number | null | undefined = undefined;

  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS escalations (alert_id TEXT PRIMARY KEY, due INTEGER NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS escalation_config (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
  }

  /** The escalation time in ms (the user's, once the Worker has told the object). */
  delayMs(): number {
    const row = this.sql.exec<{ value: number }>("SELECT value FROM escalation_config WHERE key = 'minutes'").toArray()[0];
    return row ? row.value * 60_000 : DEFAULT_ESCALATION_MS;
  }

  setMinutes(minutes: number): void {
    this.sql.exec("INSERT INTO escalation_config (key, value) VALUES ('minutes', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", minutes);
  }

  /** Notes a deadline for every urgent low raised in this step. */
  track(messages: readonly ServerMessage[], now: number): void {
    for (const m of messages) {
      if (m.type !== "alert" || m.alert.kind !== "urgent_low" || m.alert.repeat !== 0) continue;
      this.sql.exec("INSERT INTO escalations (alert_id, due) VALUES (?, ?) ON CONFLICT DO NOTHING", m.alert.id, now + this.delayMs());
      this.earliest = undefined;
    }
  }

  /** The earliest deadline, for the alarm; null when none is pending. */
  nextDue(): number | null {
    if (this.earliest === undefined) this.earliest = this.sql.exec<{ due: number | null }>("SELECT min(due) AS due FROM escalations").one().due ?? null;
    return this.earliest;
  }

  /** Removes and returns the alert ids whose deadline has passed (the caller checks they are still unacknowledged). */
  takeDue(now: number): string[] {
    this.earliest = undefined;
    return this.sql
      .exec<{ alert_id: string }>("DELETE FROM escalations WHERE due <= ? RETURNING alert_id", now)
      .toArray()
      .map((r) => r.alert_id);
  }
}
