/**
 * Resampling 1-, 5- and 15-minute CGM onto the 5-minute grid, and the gap rule: a step between
 * two readings of more than 15 minutes (+ 1 minute of jitter tolerance) is never bridged.
 * Expected values are hand-computed linear interpolations.
 */
import { describe, expect, it } from "vitest";
import { lastIndexAtOrBefore, prepareSeries, resample, valueAt, windowEndingAt } from "./index.ts";

const MIN = 60_000;
const S = 1000;
const series = (pairs: readonly (readonly [number, number])[]) => prepareSeries(pairs.map(([t, v]) => ({ time: t, value: v })));
const arr = (x: Float64Array) => Array.from(x, (v) => (Number.isNaN(v) ? null : Math.round(v * 1e9) / 1e9));

describe("prepareSeries", () => {
  it("sorts, averages duplicate timestamps and does not mutate the input", () => {
    const input = Object.freeze([Object.freeze({ time: 600_000, value: 110 }), Object.freeze({ time: 0, value: 100 }), Object.freeze({ time: 0, value: 104 })]);
    const s = prepareSeries(input);
    expect(Array.from(s.times)).toEqual([0, 600_000]);
    expect(Array.from(s.values)).toEqual([102, 110]);
  });

  it("names the bad reading", () => {
    expect(() => prepareSeries([{ time: 0, value: 100 }, { time: Number.NaN, value: 1 }])).toThrow(expect.objectContaining({ field: "readings[1].time" }));
    expect(() => prepareSeries([{ time: 0, value: 0 }])).toThrow(expect.objectContaining({ field: "readings[0].value" }));
  });
});

describe("resample", () => {
  it("keeps 5-minute readings as they are", () => {
    const s = series([[0, 100], [5 * MIN, 104], [10 * MIN, 110]]);
    expect(arr(resample(s).values)).toEqual([100, 104, 110]);
  });

  it("reads 1-minute sampling at every fifth minute", () => {
    const s = series(Array.from({ length: 16 }, (_, i) => [i * MIN, 100 + i] as const));
    expect(arr(resample(s).values)).toEqual([100, 105, 110, 115]);
  });

  it("interpolates 15-minute sampling (Libre 2 history), including 16-minute steps", () => {
    const s = series([[0, 90], [15 * MIN, 120], [31 * MIN, 104]]);
    // 20 min: 120 + (104 − 120)·(5/16) = 115; 25: 110; 30: 105
    expect(arr(resample(s).values)).toEqual([90, 100, 110, 120, 115, 110, 105]);
  });

  it("interpolates between jittered 5-minute readings", () => {
    // readings at 0, 5:02, 9:58: grid 5:00 = 100 + 4·(300/302); grid 10:00 is after the last reading → not extrapolated
    const s = series([[0, 100], [302 * S, 104], [598 * S, 110]]);
    const g = resample(s);
    expect(g.values[1]).toBeCloseTo(100 + (4 * 300) / 302, 12);
    expect(g.values.length).toBe(2);
  });

  it("bridges 10- and 15-minute steps but not 20 minutes (three missed readings)", () => {
    const s = series([[0, 100], [10 * MIN, 110], [25 * MIN, 125], [45 * MIN, 145]]);
    expect(arr(resample(s).values)).toEqual([100, 105, 110, 115, 120, 125, null, null, null, 145]);
  });

  it("treats 16 minutes as the last bridged step and 16 min 1 s as a gap", () => {
    expect(valueAt(series([[0, 100], [16 * MIN, 116]]), 8 * MIN)).toBe(108);
    expect(valueAt(series([[0, 100], [16 * MIN + S, 116]]), 8 * MIN)).toBeNaN();
  });

  it("honours a different maximum gap", () => {
    const s = series([[0, 100], [10 * MIN, 110]]);
    expect(arr(resample(s, { maxGapMinutes: 5, toleranceMinutes: 0 }).values)).toEqual([100, null, 110]);
  });

  it("returns an empty grid for an empty series", () => {
    expect(resample(series([])).values.length).toBe(0);
  });
});

describe("windowEndingAt", () => {
  it("ends exactly at the origin and reads nothing after it", () => {
    const s = series([[0, 100], [5 * MIN, 104], [10 * MIN, 110], [12 * MIN, 500]]);
    // origin 10 min: the 500 at 12 min must not leak into the window
    expect(arr(windowEndingAt(s, 10 * MIN, 3))).toEqual([100, 104, 110]);
  });

  it("anchors the grid at the origin time, between readings", () => {
    const s = series([[0, 100], [5 * MIN, 110], [9 * MIN, 118]]);
    // origin 9 min: grid 4 min = 100 + 10·4/5 = 108; −1 min is before the first reading
    expect(arr(windowEndingAt(s, 9 * MIN, 3))).toEqual([null, 108, 118]);
  });

  it("marks grid points inside a gap as missing", () => {
    const s = series([[0, 100], [30 * MIN, 130], [35 * MIN, 135]]);
    expect(arr(windowEndingAt(s, 35 * MIN, 4))).toEqual([null, null, 130, 135]);
  });

  it("agrees with valueAt at every grid point", () => {
    const s = series([[0, 100], [4 * MIN, 103], [11 * MIN, 112], [14 * MIN, 111], [40 * MIN, 90], [44 * MIN, 95]]);
    const w = windowEndingAt(s, 44 * MIN, 10);
    const expected = Float64Array.from({ length: 10 }, (_, k) => valueAt(s, 44 * MIN - (9 - k) * 5 * MIN));
    expect(arr(w)).toEqual(arr(expected));
    // missing: −1 min (before the first reading) and 19…39 min (the 26-minute hole between 14 and 40)
    expect(arr(w).filter((v) => v === null)).toHaveLength(6);
  });
});

describe("lastIndexAtOrBefore", () => {
  it("binary-searches", () => {
    const t = Float64Array.of(0, 10, 20);
    expect([-1, 0, 5, 10, 25].map((x) => lastIndexAtOrBefore(t, x))).toEqual([-1, 0, 0, 1, 2]);
  });
});
