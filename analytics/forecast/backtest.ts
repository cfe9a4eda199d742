/**
 * @module analytics/forecast/backtest
 * The offline evaluation protocol: train on the first `trainFraction` of the readings (by count, in
 * time order), then at **every reading time in the rest** forecast using only readings at or before
 * that time. Origins where a forecaster declines (a gap over 15 minutes in its look-back, too little
 * history) are skipped and counted.
 *
 * **Online updating** (`refitEveryMinutes`, default {@link DEFAULT_REFIT_EVERY_MINUTES} = 6 hours;
 * `0` turns it off): at the first test origin at least that long after the previous fit, the trainer is called again on **every reading at or before that origin**
 * (the training part plus the test readings already seen), as the weekly pipeline retrains on all
 * the history it has. The refit sees a slice of the series that ends at the origin, so a training
 * target (g(t + h)) enters only once its reading is in the past. With `0` the model is fitted once
 * and test readings are history, never training data. On the 25 subjects of
 * `docs/forecast-evaluation.md` refitting lowers the mean RMSE by about 0.1 mg/dL at 30 and 60 minutes
 * (a refit every hour, 6 hours or 24 hours, with λ re-selected or kept, all within 0.05 mg/dL).
 *
 * This is the rolling-origin evaluation of Tashman 2000 (Int J Forecasting 16(4):437–450,
 * doi:10.1016/S0169-2070(00)00065-0), with a fixed or a periodically recalibrated model, and the
 * chronological per-subject split GlucoBench uses for its in-distribution test sets (Sergazinov et
 * al. 2023, arXiv:2311.00743).
 */
import { AnalyticsInputError } from "../errors.ts";
import { addError, emptyAccuracy, observedAt, type Accuracy } from "./accuracy.ts";
import { sliceSeries } from "./series.ts";
import type { Forecaster, GlucoseSeries, PointForecast } from "./types.ts";

/** Options shared by {@link backtest} and {@link compareForecasters}. */
export interface BacktestOptions {
  /** Fraction of the readings (by count) used for training, 0 < f < 1. */
  readonly trainFraction: number;
  /** Minutes ahead to forecast. */
  readonly horizons: readonly number[];
  /**
   * Refit on all readings at or before the origin once this many minutes of test time have passed
   * since the previous fit (online updating; default {@link DEFAULT_REFIT_EVERY_MINUTES}); `0`:
   * fitted once on the training part.
   */
  readonly refitEveryMinutes?: number;
}

/** One forecast origin of a backtest. */
export interface BacktestOrigin {
  readonly index: number;
  readonly time: number;
  readonly forecast: PointForecast;
}

/** The result of {@link backtest}. */
export interface BacktestResult {
  /** Readings used for training (the first `trainCount`). */
  readonly trainCount: number;
  readonly origins: BacktestOrigin[];
  /** Test readings at which the forecaster declined. */
  readonly omitted: number;
  /** Times the trainer was called again on a longer history (online updating). */
  readonly refits: number;
}

/** Default refit period of the backtest (online updating): 6 hours of test time. */
export const DEFAULT_REFIT_EVERY_MINUTES = 360;

/** Trains a forecaster on the training readings (or, when refitting, on all readings up to an origin). */
export type Trainer = (train: GlucoseSeries) => Forecaster;

/**
 * The refit schedule of a backtest: `due(i)` is true at test origin `i` when `refitEveryMinutes`
 * have passed since the previous fit (and then counts the refit). `O(1)` per call.
 */
function refitSchedule(series: GlucoseSeries, split: number, refitEveryMinutes: number | undefined) {
  if (refitEveryMinutes !== undefined && !(refitEveryMinutes >= 0 && Number.isFinite(refitEveryMinutes))) {
    throw new AnalyticsInputError("refit_every_minutes", `backtest: refitEveryMinutes must be a non-negative number of minutes, got ${refitEveryMinutes}`);
  }
  const every = (refitEveryMinutes ?? DEFAULT_REFIT_EVERY_MINUTES) * 60_000;
  let last = series.times[split - 1];
  let count = 0;
  return {
    due(i: number): boolean {
      if (!(every > 0) || series.times[i] - last < every) return false;
      last = series.times[i];
      count++;
      return true;
    },
    get count() {
      return count;
    },
  };
}

/**
 * Number of training readings: `floor(n · trainFraction)`, at least 1 and at most `n − 1`.
 *
 * @throws {AnalyticsInputError} `train_fraction` outside (0, 1); `readings` with fewer than 2 readings
 * @example
 * trainCount(10, 0.6); // => 6
 */
export function trainCount(n: number, trainFraction: number): number {
  if (!(trainFraction > 0 && trainFraction < 1)) throw new AnalyticsInputError("train_fraction", `backtest: train_fraction must be between 0 and 1 (exclusive), got ${trainFraction}`);
  if (n < 2) throw new AnalyticsInputError("readings", `backtest: needs at least 2 distinct readings, got ${n}`);
  return Math.min(n - 1, Math.max(1, Math.floor(n * trainFraction)));
}

/**
 * Runs the protocol for one forecaster. This runs in `O(train + m · predict)` for `m` test readings
 * (plus one training on up to all `n` readings per refit).
 *
 * @throws {AnalyticsInputError} see {@link trainCount}; `refit_every_minutes` when negative
 * @example
 * const r = backtest(series, { trainFraction: 0.6, horizons: [30, 60] }, () => persistenceForecaster);
 * r.origins.length + r.omitted; // => number of test readings
 */
export function backtest(series: GlucoseSeries, options: BacktestOptions, train: Trainer): BacktestResult {
  const n = series.times.length;
  const split = trainCount(n, options.trainFraction);
  const schedule = refitSchedule(series, split, options.refitEveryMinutes);
  let forecaster = train(sliceSeries(series, 0, split));
  const origins: BacktestOrigin[] = [];
  let omitted = 0;
  for (let i = split; i < n; i++) {
    if (schedule.due(i)) forecaster = train(sliceSeries(series, 0, i + 1));
    // Only the past is visible: slicing is unnecessary because every forecaster reads indices ≤ i.
    const forecast = forecaster(series, i, options.horizons);
    if (forecast) origins.push({ index: i, time: series.times[i], forecast });
    else omitted++;
  }
  return { trainCount: split, origins, omitted, refits: schedule.count };
}

/** The result of {@link compareForecasters}. */
export interface Comparison {
  readonly trainCount: number;
  /** Test readings. */
  readonly testCount: number;
  /** Origins where every forecaster predicted (the scored set). */
  readonly origins: number;
  /** Per forecaster: test readings at which it declined. */
  readonly declined: Record<string, number>;
  /** Per forecaster, per horizon (same order as `horizons`): errors against the observed reading. */
  readonly accuracy: Record<string, Accuracy[]>;
  /** Times every trainer was called again on a longer history (online updating). */
  readonly refits: number;
}

/**
 * Runs the protocol for several forecasters on the **same origins**: those where every one of them
 * predicts. Each forecast of `origin + h` is scored against the reading within ±2.5 minutes of that
 * instant (see `accuracy.ts`). With `refitEveryMinutes` every trainer is refitted on the same
 * schedule. This runs in `O(Σ train + m · Σ predict)` (plus `Σ train` per refit).
 *
 * @throws {AnalyticsInputError} see {@link trainCount}; `refit_every_minutes` when negative
 * @example
 * compareForecasters(series, { trainFraction: 0.6, horizons: [30, 60] }, {
 *   persistence: () => persistenceForecaster,
 *   ar2: () => ar2Forecaster,
 * }).accuracy.ar2[0]; // => { sse, sae, sum, n } at 30 minutes
 */
export function compareForecasters(series: GlucoseSeries, options: BacktestOptions, trainers: Record<string, Trainer>): Comparison {
  const n = series.times.length;
  const split = trainCount(n, options.trainFraction);
  const schedule = refitSchedule(series, split, options.refitEveryMinutes);
  const train = sliceSeries(series, 0, split);
  const names = Object.keys(trainers);
  let forecasters = names.map((k) => trainers[k](train));
  const declined: Record<string, number> = Object.fromEntries(names.map((k) => [k, 0]));
  const accuracy: Record<string, Accuracy[]> = Object.fromEntries(names.map((k) => [k, options.horizons.map(emptyAccuracy)]));
  let origins = 0;
  for (let i = split; i < n; i++) {
    if (schedule.due(i)) {
      const past = sliceSeries(series, 0, i + 1);
      forecasters = names.map((k) => trainers[k](past));
    }
    const forecasts = forecasters.map((f) => f(series, i, options.horizons));
    let all = true;
    forecasts.forEach((f, k) => {
      if (!f) {
        declined[names[k]]++;
        all = false;
      }
    });
    if (!all) continue;
    origins++;
    options.horizons.forEach((h, j) => {
      const truth = observedAt(series, series.times[i] + h * 60_000);
      if (Number.isNaN(truth)) return;
      forecasts.forEach((f, k) => addError(accuracy[names[k]][j], (f as PointForecast).values[j] - truth));
    });
  }
  return { trainCount: split, testCount: n - split, origins, declined, accuracy, refits: schedule.count };
}
