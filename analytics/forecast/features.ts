/**
 * @module analytics/forecast/features
 * The regressors of the linear forecast, computed at a forecast origin from the 5-minute grid that
 * ends exactly at the origin (see `resample.ts`):
 *
 * | name | value |
 * | --- | --- |
 * | `glucose` | current glucose g(t) (mg/dL): level, so the model can learn mean reversion |
 * | `d1` … `d{L−1}` | first differences g(t − 5(k−1)) − g(t − 5k): the last hour's trajectory (L = 12 lags) |
 * | `tod_sin`, `tod_cos` | sin and cos of 2π · (local minute of day) / 1440 |
 * | exogenous names | optional caller-supplied values at the origin (carbs, insulin on board, activity…) |
 *
 * The lags enter as differences rather than raw values: the fit is the same linear span, but after
 * standardization the ridge penalty then shrinks towards "no trend information" instead of towards
 * "every lag equal", which suits a model that predicts the change g(t + h) − g(t). This is the
 * lag-based linear regression that GlucoBench (Sergazinov et al. 2023, arXiv:2311.00743) found to be
 * the best or within 0.5 mg/dL of the best of seven models on five datasets.
 */
import { resolveResample, windowEndingAt, type ResolvedResample } from "./resample.ts";
import type { GlucoseSeries, MinuteOfDay } from "./types.ts";

/**
 * Optional exogenous regressors: `names` and their values at an origin. `at` must only use
 * information known at that instant (carbs logged before it, insulin on board, activity in the
 * last hours), and return `NaN` for unknown values (the origin is then declined).
 */
export interface ExogenousFeatures {
  readonly names: readonly string[];
  at(epochMs: number): ArrayLike<number>;
}

/** What a feature vector is built from; stored in the model so that prediction rebuilds it. */
export interface FeatureSpec {
  /** Number of 5-minute grid values, current one included (12 = one hour). */
  readonly lags: number;
  readonly timeOfDay: boolean;
  readonly exogenous: readonly string[];
}

/**
 * Minute of day on the UTC clock (the default when the caller gives no local clock).
 *
 * @example
 * utcMinuteOfDay(Date.UTC(2024, 0, 1, 13, 5)); // => 785
 */
export const utcMinuteOfDay: MinuteOfDay = (ms) => (((ms / 60_000) % 1440) + 1440) % 1440;

/**
 * A local-clock minute-of-day function for a fixed offset (minutes east of UTC; −300 for R's EST).
 *
 * @example
 * fixedOffsetMinuteOfDay(-300)(Date.UTC(2015, 5, 6, 21, 50)); // => 1010 (16:50 local)
 */
export function fixedOffsetMinuteOfDay(offsetMinutes: number): MinuteOfDay {
  return (ms) => utcMinuteOfDay(ms + offsetMinutes * 60_000);
}

/**
 * Feature names in column order.
 *
 * @example
 * featureNames({ lags: 3, timeOfDay: true, exogenous: ["carbs"] }); // => ["glucose", "d1", "d2", "tod_sin", "tod_cos", "carbs"]
 */
export function featureNames(spec: FeatureSpec): string[] {
  const names = ["glucose"];
  for (let k = 1; k < spec.lags; k++) names.push(`d${k}`);
  if (spec.timeOfDay) names.push("tod_sin", "tod_cos");
  return names.concat(spec.exogenous);
}

/** Everything needed to compute features at an origin. */
export interface FeatureContext {
  readonly spec: FeatureSpec;
  readonly resample: ResolvedResample;
  readonly minuteOfDay: MinuteOfDay;
  readonly exogenous?: ExogenousFeatures;
}

/**
 * Builds a {@link FeatureContext}, checking that exogenous names match the spec.
 *
 * @throws {RangeError} when the spec names exogenous features that are not supplied
 * @example
 * featureContext({ lags: 12, timeOfDay: true, exogenous: [] }, fixedOffsetMinuteOfDay(-300)).resample.stepMs; // => 300000
 */
export function featureContext(spec: FeatureSpec, minuteOfDay: MinuteOfDay = utcMinuteOfDay, exogenous?: ExogenousFeatures, resample: ResolvedResample = resolveResample()): FeatureContext {
  if (spec.exogenous.length > 0) {
    const given = exogenous?.names ?? [];
    if (given.length !== spec.exogenous.length || spec.exogenous.some((n, i) => given[i] !== n)) {
      throw new RangeError(`features: the model uses exogenous features [${spec.exogenous.join(", ")}] but [${given.join(", ")}] were supplied`);
    }
  }
  return { spec, resample, minuteOfDay, exogenous: spec.exogenous.length ? exogenous : undefined };
}

/**
 * Writes the feature vector at reading `at` (origin = its time) into `out` and returns `true`, or
 * returns `false` when the lag window has a missing grid value (a gap over 15 minutes in the last
 * `5 (lags − 1)` minutes) or an exogenous value is not finite. Only readings at or before the
 * origin are read. This runs in `O(lags + m + e)`.
 *
 * @example
 * const s = { times: Float64Array.of(0, 300_000, 600_000), values: Float64Array.of(100, 104, 110) };
 * const out = new Float64Array(3);
 * computeFeatures(featureContext({ lags: 3, timeOfDay: false, exogenous: [] }), s, 2, out); // => true
 * out; // => Float64Array [110, 6, 4]
 */
export function computeFeatures(ctx: FeatureContext, series: GlucoseSeries, at: number, out: Float64Array, window: Float64Array = new Float64Array(ctx.spec.lags)): boolean {
  const { lags, timeOfDay } = ctx.spec;
  const t = series.times[at];
  windowEndingAt(series, t, lags, ctx.resample, at, window);
  for (let k = 0; k < lags; k++) if (Number.isNaN(window[k])) return false;
  let c = 0;
  out[c++] = window[lags - 1];
  for (let k = 1; k < lags; k++) out[c++] = window[lags - k] - window[lags - k - 1];
  if (timeOfDay) {
    const angle = (2 * Math.PI * ctx.minuteOfDay(t)) / 1440;
    out[c++] = Math.sin(angle);
    out[c++] = Math.cos(angle);
  }
  if (ctx.exogenous) {
    const ex = ctx.exogenous.at(t);
    for (let k = 0; k < ctx.spec.exogenous.length; k++) {
      const v = ex[k];
      if (!Number.isFinite(v)) return false;
      out[c++] = v;
    }
  }
  return true;
}
