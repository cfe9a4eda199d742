/**
 * The live monitor's window mirror (durable/reading-window.ts) against its own SQLite table,
 * inside a real Durable Object: every answer from memory must be what the table would answer.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ReadingWindow } from "../../durable/reading-window.ts";

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

      w.trim(t + 5 * MIN);
      expect(w.size).toBe(3);
      w.save();
      expect(table().map((r) => r.value)).toEqual([111, 110, 120]);
      expect(new ReadingWindow(sql).between(0, Infinity)).toEqual(w.between(0, Infinity));
      w.trim(t + 5 * MIN); // nothing left to trim: no change
      w.save();
      expect(table().length).toBe(3);

      // Changes between saves are replayed in order: a reading added, trimmed away, another added.
      w.add(t + 20 * MIN, "cgm", 130, null);
      w.trim(t + 15 * MIN);
      w.add(t + 25 * MIN, "cgm", 140, null);
      w.save();
      expect(table().map((r) => r.value)).toEqual([130, 140]);
      expect(new ReadingWindow(sql).between(0, Infinity)).toEqual(w.between(0, Infinity));
    });
  });
});
