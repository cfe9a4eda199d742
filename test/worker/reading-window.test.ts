/**
 * The live monitor's window mirror (durable/reading-window.ts) against its own SQLite table,
 * inside a real Durable Object: every answer from memory must be what the table would answer.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ReadingWindow, TRIM_SLACK_MS } from "../../durable/reading-window.ts";

const MIN = 60_000;

function freshObject() {
  return env.GLUCOSE_MONITOR.get(env.GLUCOSE_MONITOR.idFromName(`window-test-${crypto.randomUUID()}`));
}

describe("ReadingWindow", () => {
  it("keeps out-of-order readings sorted, refuses duplicates, and agrees with its table after a reload", async () => {
    await runInDurableObject(freshObject(), (_o, state) => {
      const sql = state.storage.sql;
      sql.exec("DELETE FROM window");
      const w = new ReadingWindow(sql);
      const t = 1_700_000_000_000;
      expect(w.add(t + 10 * MIN, "cgm", 120, "Flat")).toBe(true);
      expect(w.add(t, "cgm", 100, null)).toBe(true); // backfill, older
      expect(w.add(t + 5 * MIN, "cgm", 110, null)).toBe(true);
      expect(w.add(t + 5 * MIN, "api", 111, null)).toBe(true); // same time, another source
      expect(w.add(t + 5 * MIN, "cgm", 999, null)).toBe(false); // duplicate: the first value stays
      expect(w.size).toBe(4);

      expect(w.newest(t + 60 * MIN)).toMatchObject({ time: t + 10 * MIN, value: 120 });
      // Of equal times, the first source by name (the old `ORDER BY time DESC, source`).
      expect(w.newest(t + 9 * MIN)).toMatchObject({ time: t + 5 * MIN, source: "api", value: 111 });
      expect(w.newest(t - 1)).toBeNull();
      expect(w.between(t + 5 * MIN, t + 10 * MIN).map((r) => r.value)).toEqual([111, 110, 120]);

      const table = () => sql.exec<{ time: number; source: string; value: number }>("SELECT time, source, value FROM window ORDER BY time, source").toArray();
      // Nothing reaches the table before save() (the monitor saves after sending its messages).
      expect(table()).toEqual([]);
      w.save();
      expect(table().length).toBe(4);
      expect(new ReadingWindow(sql).between(0, Infinity)).toEqual(table());

      // Memory forgets at once; the table keeps what left the window until its oldest row is an
      // hour past the cutoff (one DELETE an hour, not one per reading).
      w.trim(t + 5 * MIN);
      expect(w.size).toBe(3);
      w.save();
      expect(table().length).toBe(4);
      // A reload holds the stale row too, but never counts or returns it inside the window.
      const reloaded = new ReadingWindow(sql);
      expect(reloaded.countSince(t + 5 * MIN)).toBe(3);
      expect(reloaded.between(t + 5 * MIN, Infinity)).toEqual(w.between(0, Infinity));
      reloaded.trim(t + 5 * MIN);
      expect(reloaded.between(0, Infinity)).toEqual(w.between(0, Infinity));

      w.trim(t + TRIM_SLACK_MS - 1); // the oldest table row (t) is not yet an hour past
      w.save();
      expect(table().length).toBe(4);
      expect(w.size).toBe(0);
      w.trim(t + TRIM_SLACK_MS); // now it is: every row before the cutoff goes in one statement
      w.save();
      expect(table().map((r) => r.value)).toEqual([]);
      expect(w.size).toBe(0);

      // Changes between saves are replayed in order: a reading added, trimmed away, another added.
      const u = t + 2 * TRIM_SLACK_MS;
      w.add(u + 20 * MIN, "cgm", 130, null);
      w.trim(u + 15 * MIN);
      w.add(u + 25 * MIN, "cgm", 140, null);
      w.trim(u + 21 * MIN + TRIM_SLACK_MS); // an hour past the first, whose DELETE follows its INSERT
      w.add(u + 30 * MIN + TRIM_SLACK_MS, "cgm", 150, null);
      w.save();
      expect(table().map((r) => r.value)).toEqual([150]);
      expect(new ReadingWindow(sql).between(0, Infinity)).toEqual(w.between(0, Infinity));
    });
  });
});
