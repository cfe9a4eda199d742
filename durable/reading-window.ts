/**
 * @module durable/reading-window
 * The live monitor's rolling window of readings: persisted in the object's SQLite table `window`
 * (so it survives eviction and restarts) and mirrored in memory, sorted by (time, source), so
 * that the questions asked on every reading (is it a duplicate, which is the newest, what came in
 * the last 15 minutes or 2 hours) cost no SQL. Only a new reading is written, and the table is
 * trimmed an hour's worth at a time. Before the mirror, each reading took five or
 * six statements, the object's largest cost in the alert benchmark.
 *
 * Changes reach the table only on {@link save}, which the monitor calls after it has sent the
 * step's messages: a Durable Object holds every outgoing message until the writes made before it
 * are durable (the output gate), and an alert must not wait for the window's bookkeeping.
 */

/** One stored reading, in mg/dL. */
export interface WindowRow {
  time: number;
  source: string;
  value: number;
}

/** How far past the window the table may keep readings before one DELETE drops them all. */
export const TRIM_SLACK_MS = 3600 * 1000;

export class ReadingWindow {
  /** Sorted by time, then source (the table's primary key order). */
  private rows: WindowRow[];
  /** Changes since the last save, in order: a reading added (with its trend arrow, stored but not needed in memory) or a trim. */
  private unsaved: ({ time: number; source: string; value: number; trend: string | null } | { cutoff: number })[] = [];
  /** No row in the table is older than this; the table may hold up to TRIM_SLACK_MS of readings the memory has forgotten. */
  private tableOldest: number;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS window (
      time INTEGER NOT NULL, source TEXT NOT NULL, value REAL NOT NULL, trend TEXT,
      PRIMARY KEY (time, source)) WITHOUT ROWID`);
    this.rows = sql.exec<{ time: number; source: string; value: number }>("SELECT time, source, value FROM window ORDER BY time, source").toArray();
    this.tableOldest = this.rows[0]?.time ?? Infinity;
  }

  get size(): number {
    return this.rows.length;
  }

  /** How many readings have time ≥ `from` (the window as of a moment, whatever is still to be trimmed). */
  countSince(from: number): number {
    return this.rows.length - this.lowerBound(from, "");
  }

  /** Adds a reading unless the window already holds one at that time from that source. */
  add(time: number, source: string, value: number, trend: string | null): boolean {
    const i = this.lowerBound(time, source);
    const at = this.rows[i];
    if (at && at.time === time && at.source === source) return false;
    this.rows.splice(i, 0, { time, source, value });
    this.unsaved.push({ time, source, value, trend });
    if (time < this.tableOldest) this.tableOldest = time;
    return true;
  }

  /**
   * Forgets readings older than `cutoff`. The table is trimmed only once its oldest row is
   * TRIM_SLACK_MS past the cutoff: each new reading pushes an old one out of the window, and a
   * DELETE for each would be a second statement per reading for rows nothing reads (the
   * constructor's load and this trim keep them out of memory either way).
   */
  trim(cutoff: number): void {
    let n = 0;
    while (n < this.rows.length && this.rows[n]!.time < cutoff) n++;
    if (n) this.rows.splice(0, n);
    if (cutoff - this.tableOldest < TRIM_SLACK_MS) return;
    this.unsaved.push({ cutoff });
    this.tableOldest = this.rows[0]?.time ?? Infinity;
  }

  /** Writes what changed since the last save to the table. */
  save(): void {
    for (const x of this.unsaved) {
      if ("cutoff" in x) this.sql.exec("DELETE FROM window WHERE time < ?", x.cutoff);
      else this.sql.exec("INSERT INTO window (time, source, value, trend) VALUES (?, ?, ?, ?)", x.time, x.source, x.value, x.trend);
    }
    this.unsaved = [];
  }

  /** The latest reading at or before `limit` (of equal times, the first source by name). */
  newest(limit: number): WindowRow | null {
    let i = this.upperBound(limit) - 1;
    if (i < 0) return null;
    const time = this.rows[i]!.time;
    while (i > 0 && this.rows[i - 1]!.time === time) i--;
    return this.rows[i]!;
  }

  /** Readings with from ≤ time ≤ to, in time order. */
  between(from: number, to: number): WindowRow[] {
    return this.rows.slice(this.lowerBound(from, ""), this.upperBound(to));
  }

  /** First index whose (time, source) is ≥ the given key. */
  private lowerBound(time: number, source: string): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.rows[mid]!;
      if (r.time < time || (r.time === time && r.source < source)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose time is > `time`. */
  private upperBound(time: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid]!.time <= time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
