/**
 * The backtest protocol: split by count, one origin per test reading, declines counted, no
 * look-ahead, and the comparison of several forecasters on shared origins.
 */
import { describe, expect, it } from "vitest";
import { ar2Forecaster, backtest, compareForecasters, DEFAULT_REFIT_EVERY_MINUTES, mae, observedAt, persistenceForecaster, rmse, trainCount, type Forecaster, type GlucoseSeries } from "./index.ts";

const MIN = 60_000;
const series = (values: readonly number[], step = 5): GlucoseSeries => ({ times: Float64Array.from(values, (_, i) => i * step * MIN), values: Float64Array.from(values) });

describe("trainCount", () => {
  it("takes floor(n · f), at least one and leaving one to test", () => {
    expect(trainCount(10, 0.6)).toBe(6);
    expect(trainCount(2, 0.01)).toBe(1);
    expect(trainCount(2, 0.99)).toBe(1);
  });

  it("names the bad field", () => {
    expect(() => trainCount(10, 1)).toThrow(expect.objectContaining({ field: "train_fraction" }));
    expect(() => trainCount(1, 0.5)).toThrow(expect.objectContaining({ field: "readings" }));
  });
});

describe("backtest", () => {
  it("trains on the first part only and forecasts at every later reading", () => {
    const s = series([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    let trainedOn = 0;
    const r = backtest(s, { trainFraction: 0.6, horizons: [30] }, (train) => {
      trainedOn = train.times.length;
      return persistenceForecaster;
    });
    expect(trainedOn).toBe(6);
    expect(r.trainCount).toBe(6);
    expect(r.origins.map((o) => o.index)).toEqual([6, 7, 8, 9]);
    expect(r.origins.map((o) => o.forecast.values[0])).toEqual([106, 107, 108, 109]);
    expect(r.omitted).toBe(0);
  });

  it("counts origins where the forecaster declines", () => {
    const s = series([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    const odd: Forecaster = (x, at, h) => (at % 2 ? undefined : persistenceForecaster(x, at, h));
    const r = backtest(s, { trainFraction: 0.5, horizons: [5] }, () => odd);
    expect(r.origins.map((o) => o.index)).toEqual([6, 8]);
    expect(r.omitted).toBe(3);
  });

  it("never lets a forecaster see readings after its origin", () => {
    const spy: Forecaster = (x, at, h) => {
      // the forecaster receives the whole series, but a forecaster that peeked would differ below
      return { values: Float64Array.from(h, () => x.values[at]) };
    };
    const a = series([100, 102, 104, 106, 108, 110, 112, 114]);
    const b = series([100, 102, 104, 106, 108, 110, 40, 400]);
    const ra = backtest(a, { trainFraction: 0.5, horizons: [5] }, () => spy);
    const rb = backtest(b, { trainFraction: 0.5, horizons: [5] }, () => spy);
    expect(ra.origins.slice(0, 2).map((o) => o.forecast.values[0])).toEqual(rb.origins.slice(0, 2).map((o) => o.forecast.values[0]));
  });
});

describe("backtest with online updating", () => {
  // 5-minute readings over 10 hours: 120 readings, 72 train (6 h), the test part spans 4 h
  const long = series(Array.from({ length: 120 }, (_, i) => 100 + (i % 7)));

  it("refits on every reading up to the origin once refitEveryMinutes have passed since the last fit", () => {
    const calls: number[] = [];
    const lastTimes: number[] = [];
    const r = backtest(long, { trainFraction: 0.6, horizons: [5], refitEveryMinutes: 60 }, (train) => {
      calls.push(train.times.length);
      lastTimes.push(train.times[train.times.length - 1]);
      const version = calls.length;
      return (x, at, h) => ({ values: Float64Array.from(h, () => version) });
    });
    // training part ends at index 71 (355 min); refits at the first origins ≥ 60 min later: 83, 95, 107, 119
    expect(calls).toEqual([72, 84, 96, 108, 120]);
    expect(r.refits).toBe(4);
    // each refit sees exactly the readings at or before its origin, never a later one
    expect(lastTimes.slice(1)).toEqual([83, 95, 107, 119].map((i) => long.times[i]));
    // the refitted forecaster is used from the refit origin on
    expect(r.origins.find((o) => o.index === 82)?.forecast.values[0]).toBe(1);
    expect(r.origins.find((o) => o.index === 83)?.forecast.values[0]).toBe(2);
    expect(r.origins.find((o) => o.index === 119)?.forecast.values[0]).toBe(5);
  });

  it("fits once with refitEveryMinutes 0, and by default refits every 6 hours of test time", () => {
    let calls = 0;
    const once = backtest(long, { trainFraction: 0.6, horizons: [5], refitEveryMinutes: 0 }, () => (calls++, persistenceForecaster));
    expect(calls).toBe(1);
    expect(once.refits).toBe(0);
    expect(DEFAULT_REFIT_EVERY_MINUTES).toBe(360);
    const day = series(Array.from({ length: 288 * 2 }, (_, i) => 100 + (i % 5))); // 2 days: test part 19.2 h
    expect(backtest(day, { trainFraction: 0.6, horizons: [5] }, () => persistenceForecaster).refits).toBe(3);
  });

  it("names the field for a negative period", () => {
    expect(() => backtest(long, { trainFraction: 0.6, horizons: [5], refitEveryMinutes: -1 }, () => persistenceForecaster)).toThrow(expect.objectContaining({ field: "refit_every_minutes" }));
  });

  it("refits every forecaster of a comparison on the same schedule", () => {
    const calls: Record<string, number> = { a: 0, b: 0 };
    const c = compareForecasters(long, { trainFraction: 0.6, horizons: [5], refitEveryMinutes: 120 }, {
      a: () => (calls.a++, persistenceForecaster),
      b: () => (calls.b++, persistenceForecaster),
    });
    expect(c.refits).toBe(2);
    expect(calls).toEqual({ a: 3, b: 3 });
  });
});

describe("compareForecasters", () => {
  it("scores every forecaster on the origins where all predict, against the reading at origin + h", () => {
    // a gap after index 6 (45 minutes) makes AR2 decline at index 7
    const values = [100, 100, 100, 100, 100, 100, 110, 120, 130, 140, 150, 160, 170];
    const s: GlucoseSeries = { times: Float64Array.from(values, (_, i) => (i <= 6 ? i * 5 : i * 5 + 40) * MIN), values: Float64Array.from(values) };
    const c = compareForecasters(s, { trainFraction: 0.5, horizons: [5, 10] }, { persistence: () => persistenceForecaster, ar2: () => ar2Forecaster });
    expect(c.trainCount).toBe(6);
    expect(c.testCount).toBe(7);
    expect(c.declined).toEqual({ persistence: 0, ar2: 1 });
    expect(c.origins).toBe(6);
    // persistence at origins 6 and 8…12 (index 7 skipped): 5-minute errors −10 each where a reading follows
    // origin 6 (t = 30) → truth at 35 min: none (next reading at 75) → not scored; origins 8…11 → −10; origin 12 → none
    expect(c.accuracy.persistence[0].n).toBe(4);
    expect(rmse(c.accuracy.persistence[0])).toBe(10);
    expect(mae(c.accuracy.persistence[1])).toBe(20);
    expect(c.accuracy.ar2[0].n).toBe(4);
  });
});

describe("observedAt", () => {
  it("takes the closest reading within ±2.5 minutes, the earlier on a tie", () => {
    const s = { times: Float64Array.of(0, 290_000, 610_000), values: Float64Array.of(100, 104, 110) };
    expect(observedAt(s, 300_000)).toBe(104);
    expect(observedAt(s, 450_000)).toBeNaN(); // 160 s from both neighbours: more than 150 s
    expect(observedAt({ times: Float64Array.of(0, 300_000), values: Float64Array.of(90, 95) }, 150_000)).toBe(90); // tie
    expect(observedAt(s, 600_000)).toBe(110);
  });
});
