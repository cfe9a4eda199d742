/**
 * Persistence and Nightscout AR2 against hand-computed values.
 *
 * AR2 vectors were computed by hand (and checked with Python 3.11 `math.log`/`math.exp`):
 *   y0 = ln(100/140) = −0.3364722, y1 = ln(110/140) = −0.2411621
 *   y2 = −0.723·y0 + 1.716·y1 = 0.2432694 − 0.4138341 = −0.1705647 → 140·e^y2 = 118.05 → 118
 *   y3 = −0.723·y1 + 1.716·y2 = 0.1743602 − 0.2926890 = −0.1183288 → 140·e^y3 = 124.38 → 124
 *   y4 = −0.723·y2 + 1.716·y3 = 0.1233183 − 0.2030522 = −0.0797339 → 140·e^y4 = 129.27 → 129
 */
import { describe, expect, it } from "vitest";
import { ar2Forecast, ar2Forecaster, nightscoutAr2, nightscoutAr2Start, persistenceForecast, persistenceForecaster } from "./index.ts";

const MIN = 60_000;
const series = (pairs: readonly (readonly [number, number])[]) => ({ times: Float64Array.from(pairs, (p) => p[0] * MIN), values: Float64Array.from(pairs, (p) => p[1]) });

describe("persistenceForecast", () => {
  it("repeats the latest reading for every horizon and ignores later readings", () => {
    const s = series(Object.freeze([[0, 100], [5, 96], [10, 91]] as const));
    expect(Array.from(persistenceForecast(s, 1, [5, 30, 60]))).toEqual([96, 96, 96]);
    expect(Array.from(persistenceForecaster(s, 2, [30])?.values ?? [])).toEqual([91]);
  });

  it("throws for an index outside the series", () => {
    expect(() => persistenceForecast(series([[0, 100]]), 1, [30])).toThrow(/persistenceForecast/);
  });
});

describe("ar2Forecast (the recursion)", () => {
  it("matches the hand-computed points, rounded like Nightscout", () => {
    expect(Array.from(ar2Forecast(100, 110, 3))).toEqual([118, 124, 129]);
  });

  it("is flat at 140 mg/dL (y = 0 is a fixed point)", () => {
    expect(Array.from(ar2Forecast(140, 140, 12))).toEqual(Array(12).fill(140));
  });

  it("clamps each point to 36–400 without feeding the clamp back", () => {
    // steep fall: 60 → 45; y keeps falling below ln(36/140), points stay at 36
    const fall = ar2Forecast(60, 45, 12);
    expect(Math.min(...fall)).toBe(36);
    expect(fall[11]).toBe(36);
    const rise = ar2Forecast(300, 380, 12);
    expect(Math.max(...rise)).toBe(400);
  });

  it("widens by the cone step: 140·e^(y ± 2·0.020) for the first point", () => {
    // y2 = −0.1705647; upper = round(140·e^(−0.1705647 + 0.04)) = round(122.87) = 123; lower = round(113.42) = 113
    expect(ar2Forecast(100, 110, 1, 2)[0]).toBe(123);
    expect(ar2Forecast(100, 110, 1, -2)[0]).toBe(113);
  });
});

describe("nightscoutAr2 (bucket inputs as in lib/plugins/bgnow.js)", () => {
  it("uses the previous 5-minute reading directly", () => {
    const s = series([[0, 100], [5, 110]]);
    expect(nightscoutAr2Start(s, 1)).toEqual({ now: 110, fiveMinutesAgo: 100, time: 5 * MIN });
    expect(Array.from(nightscoutAr2(s, 1, [5, 10, 15]) ?? [])).toEqual([118, 124, 129]);
  });

  it("averages readings that share a 5-minute bucket (1-minute sampling)", () => {
    // bucket 0 = [T−2.5, T+2.5] holds minutes 8, 9, 10; bucket 1 = [T−7.5, T−2.5] holds 3…7
    const s = series([[3, 100], [4, 101], [5, 102], [6, 103], [7, 104], [8, 105], [9, 106], [10, 107]]);
    const start = nightscoutAr2Start(s, 7);
    expect(start?.now).toBeCloseTo(106, 12);
    expect(start?.fiveMinutesAgo).toBeCloseTo(102, 12);
  });

  it("interpolates 5 minutes back when the previous reading is more than 9 minutes older", () => {
    // 10 minutes apart, 100 → 120: 5 minutes ago = 120 − 20/10·5 = 110
    const s = series([[0, 100], [10, 120]]);
    expect(nightscoutAr2Start(s, 1)).toEqual({ now: 120, fiveMinutesAgo: 110, time: 10 * MIN });
    expect(Array.from(nightscoutAr2(s, 1, [5]) ?? [])).toEqual(Array.from(ar2Forecast(110, 120, 1)));
  });

  it("draws nothing without a reading in the last 17.5 minutes before the latest one", () => {
    expect(nightscoutAr2(series([[0, 100], [20, 120]]), 1, [30])).toBeUndefined();
    expect(nightscoutAr2(series([[0, 100]]), 0, [30])).toBeUndefined();
  });

  it("leaves out error codes (≤ 39 mg/dL)", () => {
    expect(nightscoutAr2(series([[0, 100], [5, 39]]), 1, [30])).toBeUndefined();
    expect(nightscoutAr2Start(series([[0, 100], [5, 39], [10, 90]]), 2)).toEqual({ now: 90, fiveMinutesAgo: 95, time: 10 * MIN });
  });

  it("gives 60-minute forecasts as point 12 and intervals from the cone", () => {
    const s = series([[0, 100], [5, 110]]);
    const f = ar2Forecaster(s, 1, [30, 60]);
    const path = ar2Forecast(100, 110, 12);
    expect(Array.from(f?.values ?? [])).toEqual([path[5], path[11]]);
    expect(f?.lower?.[1]).toBeLessThan(path[11]);
    expect(f?.upper?.[1]).toBeGreaterThan(path[11]);
  });
});
