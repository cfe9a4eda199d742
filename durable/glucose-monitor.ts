/**
 * @module durable/glucose-monitor
 * One SQLite-backed Durable Object per user (addressed by `idFromName(user public id)`), holding
 * the rolling 24-hour window of readings in its own storage so it survives eviction and restarts.
 * The live alert engine and the WebSocket feed build on this window.
 */
import { DurableObject } from "cloudflare:workers";
import { MONITOR_WINDOW_MS, type MonitorReading, type MonitorState } from "./monitor-types.ts";

export class GlucoseMonitor extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.createSchema();
  }

  private createSchema(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS window (
      time INTEGER NOT NULL, source TEXT NOT NULL, value REAL NOT NULL, trend TEXT,
      PRIMARY KEY (time, source)) WITHOUT ROWID`);
  }

  /** Adds readings to the window (duplicates by (time, source) are ignored) and drops expired ones. */
  async ingest(readings: MonitorReading[]): Promise<void> {
    const cutoff = Date.now() - MONITOR_WINDOW_MS;
    for (const x of readings) {
      if (x.time < cutoff) continue;
      this.sql.exec("INSERT OR IGNORE INTO window (time, source, value, trend) VALUES (?, ?, ?, ?)", x.time, x.source, x.value, x.trend);
    }
    this.sql.exec("DELETE FROM window WHERE time < ?", cutoff);
  }

  async state(): Promise<MonitorState> {
    const row = this.sql.exec<{ time: number; source: string; value: number; trend: string | null }>(
      "SELECT time, source, value, trend FROM window ORDER BY time DESC LIMIT 1",
    ).toArray()[0];
    const count = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM window").one().n;
    return {
      current: row ? { time: row.time, source: row.source, value: row.value, trend: row.trend as MonitorReading["trend"] } : null,
      readings_in_window: count,
      minutes_since_last: row ? Math.floor((Date.now() - row.time) / 60000) : null,
    };
  }

  /** Forgets everything (account deletion). */
  async reset(): Promise<void> {
    await this.ctx.storage.deleteAll();
    this.createSchema();
  }
}
