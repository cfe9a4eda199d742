import { describe, expect, it } from "vitest";
import { OVERLAY_SLOT_S, overlayColor, seriesToColumns, seriesToDayOverlay } from "./history-data.ts";

describe("seriesToColumns", () => {
  it("converts to the unit and breaks the line at gaps over 15 minutes", () => {
    const [xs, ys] = seriesToColumns({ t: [0, 300, 600, 3600], v: [90, 180, 100, 120] }, "mg/dL");
    expect(xs).toEqual([0, 300, 600, 2100, 3600]);
    expect(ys).toEqual([90, 180, 100, null, 120]);
    const [, mmol] = seriesToColumns({ t: [0], v: [180.182] }, "mmol/L");
    expect(mmol[0]).toBeCloseTo(10, 5);
  });

  it("sorts unsorted input, keeps the last of equal times and drops non-finite values", () => {
    expect(seriesToColumns({ t: [600, 0, 300, 300], v: [3, 1, 2, 4] }, "mg/dL")).toEqual([
      [0, 300, 600],
      [1, 4, 3],
    ]);
    expect(seriesToColumns({ t: [0, 300], v: [Number.NaN, 5] }, "mg/dL")).toEqual([[300], [5]]);
  });

  it("shapes 90 days (25,920 points) quickly", () => {
    const t = Array.from({ length: 25_920 }, (_, i) => 1_767_225_600 + i * 300);
    const v = t.map((_, i) => 100 + 50 * Math.sin(i / 30));
    const t0 = performance.now();
    const [xs] = seriesToColumns({ t, v }, "mmol/L");
    expect(xs).toHaveLength(25_920);
    expect(performance.now() - t0).toBeLessThan(100);
  });
});

describe("seriesToDayOverlay", () => {
  // 2026-07-01 00:00 in Berlin is 2026-06-30T22:00Z.
  const midnight = Date.parse("2026-06-30T22:00:00Z") / 1000;

  it("puts each local day on the same 5-minute x axis", () => {
    const o = seriesToDayOverlay(
      { t: [midnight, midnight + 60, midnight + 3600, midnight + 86_400 + 600], v: [100, 110, 150, 90] },
      "mg/dL",
      "Europe/Berlin",
    );
    expect(o.x).toHaveLength(86_400 / OVERLAY_SLOT_S);
    expect(o.days.map((d) => d.date)).toEqual(["2026-07-01", "2026-07-02"]);
    expect(o.days[0]!.y[0]).toBe(105); // two readings in one slot are averaged
    expect(o.days[0]!.y[12]).toBe(150);
    expect(o.days[0]!.y[1]).toBeNull();
    expect(o.days[1]!.y[2]).toBe(90);
  });

  it("handles the 23-hour day of a clock change", () => {
    // Berlin 2026-03-29 starts 2026-03-28T23:00Z and lasts 23 hours.
    const start = Date.parse("2026-03-28T23:00:00Z") / 1000;
    const o = seriesToDayOverlay({ t: [start + 23 * 3600 - 60], v: [100] }, "mg/dL", "Europe/Berlin");
    expect(o.days).toHaveLength(1);
    expect(o.days[0]!.date).toBe("2026-03-29");
    expect(o.days[0]!.y.at(-1)).toBe(100);
  });

  it("gives the newest day the first palette colour", () => {
    expect(overlayColor(4, 5)).toBe(overlayColor(0, 1));
  });
});
