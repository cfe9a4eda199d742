/**
 * @module analytics/forecast/linear-model
 * Per-user ridge forecast, one model per horizon (the "direct" multi-horizon strategy), predicting
 * the change from the current value:
 *
 *     g(t + h) − g(t) = b_h + β_hᵀ z(t),   z = standardized features (see `features.ts`)
 *
 * **Training** (`fitLinearModel`): every reading of the training series is a candidate origin; it
 * gives a sample when its one-hour lag window is complete, with targets g(t + h) − g(t) read from the
 * training series by the resampling rule (a target inside a gap is missing and only that horizon
 * skips the sample). Columns are standardized with the training mean and standard deviation.
 *
 * **Penalty** λ (per horizon) is chosen by time-ordered (forward-chaining) validation: the samples
 * are split at 50 %, 67 % and 83 %; each of the three folds (50–67 %, 67–83 %, 83–100 %) is
 * predicted by a model fitted on all samples before it, and the λ from the grid with the lowest
 * summed squared error wins. The final coefficients are refitted on all samples.
 *
 * **Prediction intervals** are the 10 % and 90 % quantiles (configurable) of those out-of-fold
 * residuals at the chosen λ, added to the point forecast (a split-conformal style interval:
 * Lei et al. 2018, JASA 113(523):1094–1111, doi:10.1080/01621459.2017.1307116).
 *
 * **Exogenous features** (carbs, insulin on board, activity) are tried only when supplied, and kept
 * only if they lower the validation error summed over horizons (relative to each horizon's error
 * without them); the result records which set was kept.
 *
 * The model is plain JSON (numbers rounded to 7 significant digits at fit time, so a serialized model
 * predicts exactly what the in-memory one does): about 3 KB for 12 horizons and 14 features.
 *
 * References: GlucoBench (Sergazinov et al. 2023, ICLR 2024, arXiv:2311.00743) for lagged linear
 * regression as a strong CGM forecaster; Hoerl & Kennard 1970 for ridge; Taieb et al. 2012 (Expert
 * Systems with Applications 39(8):7067–7083) for the direct multi-step strategy.
 */
import { AnalyticsInputError } from "../errors.ts";
import { computeFeatures, featureContext, featureNames, utcMinuteOfDay, type ExogenousFeatures, type FeatureContext, type FeatureSpec } from "./features.ts";
import { quantile7 } from "./quantile.ts";
import { resolveResample, valueAt, type ResampleOptions } from "./resample.ts";
import { addRidgeRow, createRidgeGram, ridgeRows, ridgeSolve, type RidgeFit } from "./ridge.ts";
import type { GlucoseSeries, MinuteOfDay } from "./types.ts";

/** The forecast horizons every model is trained for: 5, 10, …, 60 minutes. */
export const DEFAULT_HORIZONS: readonly number[] = [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60];
/** The ridge penalty grid (standardized scale; comparable to a number of samples). */
export const DEFAULT_LAMBDAS: readonly number[] = [0.1, 1, 3, 10, 30, 100, 300, 1000, 3000];
/** Smallest number of complete training windows `fitLinearModel` accepts. */
export const MIN_FIT_SAMPLES = 48;
/** Predictions are clamped to this range (mg/dL), as Nightscout clamps AR2. */
export const FORECAST_MIN = 36;
export const FORECAST_MAX = 400;

/** A fitted ridge forecast, as stored (JSON) in a D1 row or a Durable Object. */
export interface LinearForecastModel {
  readonly kind: "glucolens.forecast.ridge";
  readonly version: 1;
  /** `user`: fitted on one person's readings; `population`: pooled over many people. */
  readonly scope: "user" | "population";
  readonly features: FeatureSpec;
  /** Resampling rule in minutes (see `resample.ts`). */
  readonly resample: { readonly stepMinutes: number; readonly maxGapMinutes: number; readonly toleranceMinutes: number };
  /** Column means and standard deviations used to standardize (one per feature name). */
  readonly center: readonly number[];
  readonly scale: readonly number[];
  readonly horizons: readonly number[];
  /** Per horizon: intercept and coefficients on the standardized features. */
  readonly intercept: readonly number[];
  readonly coef: readonly (readonly number[])[];
  readonly lambda: readonly number[];
  /** Interval quantile levels and, per horizon, the residual quantiles `[lower, upper]` (mg/dL). */
  readonly quantiles: readonly [number, number];
  readonly residualQuantiles: readonly (readonly [number, number])[];
  /** Out-of-fold RMSE (mg/dL) per horizon at the chosen λ. */
  readonly validationRmse: readonly number[];
  readonly training: { readonly samples: number; readonly from: number; readonly to: number; readonly exogenousTried: readonly string[] };
}

/** Options of {@link fitLinearModel}. */
export interface LinearModelOptions {
  /** Grid values in the lag window, current included (default 12 = one hour). */
  readonly lags?: number;
  readonly horizons?: readonly number[];
  readonly lambdas?: readonly number[];
  /** Interval quantile levels (default [0.1, 0.9]). */
  readonly quantiles?: readonly [number, number];
  /** Include time-of-day sin/cos (default true). */
  readonly timeOfDay?: boolean;
  /** Local clock of the wearer (default UTC). */
  readonly minuteOfDay?: MinuteOfDay;
  /** Optional exogenous regressors, kept only when they lower validation error. */
  readonly exogenous?: ExogenousFeatures;
  readonly resample?: ResampleOptions;
  readonly scope?: "user" | "population";
}

/** Training samples: row-major features and targets plus origin times. */
export interface Samples {
  readonly p: number;
  readonly q: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly times: Float64Array;
  readonly count: number;
}

const round7 = (v: number) => Number(v.toPrecision(7));

/**
 * Smallest spacing between two training origins: 5 minutes less 30 seconds of jitter. 5-minute
 * sensors keep every reading; 1-minute data gives one origin per 5 minutes, so that a window count
 * means the same amount of history whatever the sampling (and training stays linear in days).
 */
export const MIN_ORIGIN_SPACING_MS = 270_000;

/**
 * Builds training samples from one series: features at every reading with a complete window (at
 * most one origin per {@link MIN_ORIGIN_SPACING_MS}) and targets g(t + h) − g(t) for each horizon
 * (`NaN` when t + h falls in a gap or after the series). This runs in `O(n (lags + H))`.
 *
 * @example
 * const s = { times: Float64Array.from({ length: 30 }, (_, i) => i * 300_000), values: Float64Array.from({ length: 30 }, (_, i) => 100 + i) };
 * const ctx = featureContext({ lags: 12, timeOfDay: false, exogenous: [] });
 * buildSamples(s, ctx, [5, 10]).count; // => 19 (origins 11…29); the last target of each horizon is NaN
 */
export function buildSamples(series: GlucoseSeries, ctx: FeatureContext, horizons: readonly number[]): Samples {
  const p = featureNames(ctx.spec).length;
  const q = horizons.length;
  const n = series.times.length;
  const x = new Float64Array(n * p);
  const y = new Float64Array(n * q);
  const times = new Float64Array(n);
  const row = new Float64Array(p);
  const window = new Float64Array(ctx.spec.lags);
  let count = 0;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const t = series.times[i];
    if (t - last < MIN_ORIGIN_SPACING_MS) continue;
    if (!computeFeatures(ctx, series, i, row, window)) continue;
    last = t;
    const g0 = series.values[i];
    x.set(row, count * p);
    for (let k = 0; k < q; k++) y[count * q + k] = valueAt(series, t + horizons[k] * 60_000, ctx.resample) - g0;
    times[count++] = t;
  }
  return { p, q, x: x.slice(0, count * p), y: y.slice(0, count * q), times: times.slice(0, count), count };
}

/**
 * Concatenates sample sets (pooling people for a population model). `O(total size)`.
 *
 * @throws {AnalyticsInputError} `samples` for no sets or sets with different columns
 * @example
 * concatSamples([buildSamples(a, ctx, DEFAULT_HORIZONS), buildSamples(b, ctx, DEFAULT_HORIZONS)]).count; // a's + b's
 */
export function concatSamples(parts: readonly Samples[]): Samples {
  if (parts.length === 0) throw new AnalyticsInputError("samples", "concatSamples: needs at least one sample set");
  const { p, q } = parts[0];
  const count = parts.reduce((a, s) => a + s.count, 0);
  const x = new Float64Array(count * p);
  const y = new Float64Array(count * q);
  const times = new Float64Array(count);
  let c = 0;
  for (const s of parts) {
    if (s.p !== p || s.q !== q) throw new AnalyticsInputError("samples", "concatSamples: sample sets must share features and horizons");
    x.set(s.x, c * p);
    y.set(s.y, c * q);
    times.set(s.times, c);
    c += s.count;
  }
  return { p, q, x, y, times, count };
}

interface CvResult {
  readonly lambdaIndex: Int32Array;
  /** Per horizon, per λ: summed squared out-of-fold error and count. */
  readonly sse: Float64Array;
  readonly cnt: Float64Array;
  readonly residuals: Float64Array[];
}

/** Forward-chaining validation of every λ on standardized samples. */
function crossValidate(z: Float64Array, s: Samples, lambdas: readonly number[]): CvResult {
  const { p, q, count: n, y } = s;
  const L = lambdas.length;
  const cuts = [0.5, 2 / 3, 5 / 6, 1].map((f) => Math.floor(n * f));
  const sse = new Float64Array(q * L);
  const cnt = new Float64Array(q * L);
  // fits[f][t * L + l]: the model of fold f (fitted on everything before it), kept to rebuild residuals
  const fits: (RidgeFit | undefined)[][] = [];
  const gram = createRidgeGram(p, q);
  for (let i = 0; i < cuts[0]; i++) addRidgeRow(gram, z, y, i * p, i * q);
  for (let f = 0; f < 3; f++) {
    const foldFits: (RidgeFit | undefined)[] = new Array(q * L);
    for (let t = 0; t < q; t++) {
      if (!(ridgeRows(gram, t) > p)) continue;
      for (let l = 0; l < L; l++) {
        const fit = ridgeSolve(gram, t, lambdas[l]);
        foldFits[t * L + l] = fit;
        let e = 0;
        let c = 0;
        for (let i = cuts[f]; i < cuts[f + 1]; i++) {
          const target = y[i * q + t];
          if (!Number.isFinite(target)) continue;
          const r = target - predictStandardized(fit, z, i * p, p);
          e += r * r;
          c++;
        }
        sse[t * L + l] += e;
        cnt[t * L + l] += c;
      }
    }
    fits.push(foldFits);
    for (let i = cuts[f]; i < cuts[f + 1]; i++) addRidgeRow(gram, z, y, i * p, i * q);
  }
  const lambdaIndex = new Int32Array(q);
  const residuals: Float64Array[] = [];
  for (let t = 0; t < q; t++) {
    let best = -1;
    for (let l = 0; l < L; l++) {
      if (!(cnt[t * L + l] > 0)) continue;
      if (best < 0 || sse[t * L + l] / cnt[t * L + l] < sse[t * L + best] / cnt[t * L + best]) best = l;
    }
    // no validation targets at all (tiny training set): take the middle of the grid
    if (best < 0) best = Math.floor(L / 2);
    lambdaIndex[t] = best;
    const res = new Float64Array(cnt[t * L + best]);
    let k = 0;
    for (let f = 0; f < 3; f++) {
      const fit = fits[f][t * L + best];
      if (!fit) continue;
      for (let i = cuts[f]; i < cuts[f + 1]; i++) {
        const target = y[i * q + t];
        if (Number.isFinite(target)) res[k++] = target - predictStandardized(fit, z, i * p, p);
      }
    }
    residuals.push(res.subarray(0, k));
  }
  return { lambdaIndex, sse, cnt, residuals };
}

function predictStandardized(fit: RidgeFit, z: Float64Array, offset: number, p: number): number {
  let v = fit.intercept;
  for (let j = 0; j < p; j++) v += fit.coef[j] * z[offset + j];
  return v;
}

/** Column means and standard deviations (1 for a constant column). */
function standardize(s: Samples): { center: number[]; scale: number[]; z: Float64Array } {
  const { p, count: n, x } = s;
  const center = new Array<number>(p).fill(0);
  const scale = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) center[j] += x[i * p + j];
  for (let j = 0; j < p; j++) center[j] = round7(center[j] / n);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) scale[j] += (x[i * p + j] - center[j]) ** 2;
  for (let j = 0; j < p; j++) {
    const sd = Math.sqrt(scale[j] / n);
    scale[j] = sd > 1e-9 ? round7(sd) : 1;
  }
  const z = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) z[i * p + j] = (x[i * p + j] - center[j]) / scale[j];
  return { center, scale, z };
}

/** Selects columns `keep` of a sample set. */
function selectColumns(s: Samples, keep: number): Samples {
  if (keep === s.p) return s;
  const x = new Float64Array(s.count * keep);
  for (let i = 0; i < s.count; i++) for (let j = 0; j < keep; j++) x[i * keep + j] = s.x[i * s.p + j];
  return { ...s, p: keep, x };
}

/**
 * Fits the ridge forecast to prepared samples (see {@link buildSamples}). `spec` must describe the
 * sample columns. This runs in `O(n p² H + |λ| H p³)`.
 *
 * @throws {AnalyticsInputError} `readings` when there are fewer than {@link MIN_FIT_SAMPLES} samples
 * @example
 * const spec = { lags: 12, timeOfDay: false, exogenous: [] };
 * fitLinearModelFromSamples(buildSamples(series, featureContext(spec), DEFAULT_HORIZONS), spec).horizons; // => [5, 10, …, 60]
 */
export function fitLinearModelFromSamples(samples: Samples, spec: FeatureSpec, options: LinearModelOptions = {}): LinearForecastModel {
  const horizons = options.horizons ?? DEFAULT_HORIZONS;
  const lambdas = options.lambdas ?? DEFAULT_LAMBDAS;
  const quantiles = options.quantiles ?? [0.1, 0.9];
  if (samples.count < MIN_FIT_SAMPLES) {
    throw new AnalyticsInputError("readings", `fitLinearModel: needs at least ${MIN_FIT_SAMPLES} complete ${spec.lags * 5 - 5}-minute windows of history, got ${samples.count}`);
  }
  // Exogenous features stay only if they lower the validation error (relative, summed over horizons).
  let chosenSpec = spec;
  let chosen = samples;
  let std = standardize(samples);
  let cv = crossValidate(std.z, samples, lambdas);
  if (spec.exogenous.length > 0) {
    const baseSpec: FeatureSpec = { ...spec, exogenous: [] };
    const base = selectColumns(samples, featureNames(baseSpec).length);
    const baseStd = standardize(base);
    const baseCv = crossValidate(baseStd.z, base, lambdas);
    const L = lambdas.length;
    let ratio = 0;
    for (let t = 0; t < horizons.length; t++) {
      const a = cv.sse[t * L + cv.lambdaIndex[t]] / cv.cnt[t * L + cv.lambdaIndex[t]];
      const b = baseCv.sse[t * L + baseCv.lambdaIndex[t]] / baseCv.cnt[t * L + baseCv.lambdaIndex[t]];
      ratio += a / b;
    }
    if (!(ratio < horizons.length)) {
      chosenSpec = baseSpec;
      chosen = base;
      std = baseStd;
      cv = baseCv;
    }
  }
  const { p, q } = chosen;
  const gram = createRidgeGram(p, q);
  for (let i = 0; i < chosen.count; i++) addRidgeRow(gram, std.z, chosen.y, i * p, i * q);
  const L = lambdas.length;
  const intercept: number[] = [];
  const coef: number[][] = [];
  const lambda: number[] = [];
  const residualQuantiles: [number, number][] = [];
  const validationRmse: number[] = [];
  for (let t = 0; t < q; t++) {
    const l = cv.lambdaIndex[t];
    if (!(ridgeRows(gram, t) > 0)) throw new AnalyticsInputError("readings", `fitLinearModel: no training targets ${horizons[t]} minutes ahead (every one falls in a gap)`);
    const fit = ridgeSolve(gram, t, lambdas[l]);
    intercept.push(round7(fit.intercept));
    coef.push(Array.from(fit.coef, round7));
    lambda.push(lambdas[l]);
    let res = cv.residuals[t];
    if (res.length === 0) {
      // Too few samples before the first validation fold: fall back to in-sample residuals (optimistic).
      const tmp: number[] = [];
      for (let i = 0; i < chosen.count; i++) {
        const target = chosen.y[i * q + t];
        if (Number.isFinite(target)) tmp.push(target - predictStandardized(fit, std.z, i * p, p));
      }
      res = Float64Array.from(tmp);
    }
    residualQuantiles.push([round7(quantile7(res, quantiles[0])), round7(quantile7(res, quantiles[1]))]);
    validationRmse.push(cv.cnt[t * L + l] > 0 ? round7(Math.sqrt(cv.sse[t * L + l] / cv.cnt[t * L + l])) : round7(Math.sqrt(res.reduce((a, v) => a + v * v, 0) / res.length)));
  }
  const r = resolveResample(options.resample);
  return {
    kind: "glucolens.forecast.ridge",
    version: 1,
    scope: options.scope ?? "user",
    features: { lags: chosenSpec.lags, timeOfDay: chosenSpec.timeOfDay, exogenous: [...chosenSpec.exogenous] },
    resample: { stepMinutes: r.stepMs / 60_000, maxGapMinutes: options.resample?.maxGapMinutes ?? 15, toleranceMinutes: options.resample?.toleranceMinutes ?? 1 },
    center: std.center,
    scale: std.scale,
    horizons: [...horizons],
    intercept,
    coef,
    lambda,
    quantiles: [quantiles[0], quantiles[1]],
    residualQuantiles,
    validationRmse,
    training: { samples: chosen.count, from: chosen.times[0], to: chosen.times[chosen.count - 1], exogenousTried: [...spec.exogenous] },
  };
}

/**
 * The feature spec {@link fitLinearModel} uses for given options. `O(1)`.
 *
 * @throws {AnalyticsInputError} `lags` when not an integer >= 2
 * @example
 * specFromOptions({}); // => { lags: 12, timeOfDay: true, exogenous: [] }
 */
export function specFromOptions(options: LinearModelOptions = {}): FeatureSpec {
  const lags = options.lags ?? 12;
  if (!Number.isInteger(lags) || lags < 2) throw new AnalyticsInputError("lags", `fitLinearModel: lags must be an integer >= 2, got ${lags}`);
  return { lags, timeOfDay: options.timeOfDay ?? true, exogenous: options.exogenous ? [...options.exogenous.names] : [] };
}

/**
 * Fits the per-user ridge forecast on a series (the training readings only). See the module header
 * for the protocol. This runs in `O(n p² H + |λ| H p³)` for `n` readings, `p` features and `H`
 * horizons (see `bench/analytics/forecast.ts` for timings on 90 days of 5-minute data).
 *
 * @throws {AnalyticsInputError} `readings` when there are fewer than {@link MIN_FIT_SAMPLES} complete windows
 * @example
 * const model = fitLinearModel(series, { minuteOfDay: fixedOffsetMinuteOfDay(-300) });
 * predictLinear(model, series, series.times.length - 1)?.values; // 12 forecasts, 5…60 minutes ahead
 */
export function fitLinearModel(series: GlucoseSeries, options: LinearModelOptions = {}): LinearForecastModel {
  const spec = specFromOptions(options);
  for (const h of options.horizons ?? DEFAULT_HORIZONS) {
    if (!(h > 0) || !Number.isFinite(h)) throw new AnalyticsInputError("horizons", `fitLinearModel: horizons must be positive minutes, got ${h}`);
  }
  const ctx = featureContext(spec, options.minuteOfDay ?? utcMinuteOfDay, options.exogenous, resolveResample(options.resample));
  return fitLinearModelFromSamples(buildSamples(series, ctx, options.horizons ?? DEFAULT_HORIZONS), spec, options);
}

/** A forecast at one origin for every horizon of the model. */
export interface LinearPrediction {
  readonly horizons: readonly number[];
  readonly values: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/** Reusable buffers and context for repeated predictions with one model. */
export interface LinearPredictor {
  readonly model: LinearForecastModel;
  predict(series: GlucoseSeries, at: number): LinearPrediction | undefined;
}

/**
 * Prepares a model for repeated prediction (allocates buffers once); each `predict` runs in
 * `O(H p + lags)`.
 *
 * @throws {RangeError} when the model needs exogenous features that are not supplied
 * @example
 * const predictor = linearPredictor(model, fixedOffsetMinuteOfDay(-300));
 * predictor.predict(series, at)?.values[11]; // the 60-minute forecast
 */
export function linearPredictor(model: LinearForecastModel, minuteOfDay: MinuteOfDay = utcMinuteOfDay, exogenous?: ExogenousFeatures): LinearPredictor {
  const ctx = featureContext(model.features, minuteOfDay, exogenous, resolveResample(model.resample));
  const p = model.center.length;
  const row = new Float64Array(p);
  const window = new Float64Array(model.features.lags);
  const q = model.horizons.length;
  return {
    model,
    predict(series, at) {
      if (!(at >= 0 && at < series.times.length)) return undefined;
      if (!computeFeatures(ctx, series, at, row, window)) return undefined;
      const g0 = series.values[at];
      const values = new Float64Array(q);
      const lower = new Float64Array(q);
      const upper = new Float64Array(q);
      for (let t = 0; t < q; t++) {
        let d = model.intercept[t];
        const c = model.coef[t];
        for (let j = 0; j < p; j++) d += (c[j] * (row[j] - model.center[j])) / model.scale[j];
        const v = g0 + d;
        const clamp = (u: number) => Math.max(FORECAST_MIN, Math.min(FORECAST_MAX, u));
        values[t] = clamp(v);
        lower[t] = clamp(v + model.residualQuantiles[t][0]);
        upper[t] = clamp(v + model.residualQuantiles[t][1]);
      }
      return { horizons: model.horizons, values, lower, upper };
    },
  };
}

/**
 * Forecast at reading `at` using only readings at or before it, or `undefined` when the model
 * declines (a gap over 15 minutes in the last hour, or a missing exogenous value). Forecasts are
 * clamped to 36–400 mg/dL. This runs in `O(H p + lags)`.
 *
 * @example
 * predictLinear(model, series, at); // => { horizons: [5, …, 60], values, lower, upper } or undefined
 */
export function predictLinear(model: LinearForecastModel, series: GlucoseSeries, at: number, minuteOfDay: MinuteOfDay = utcMinuteOfDay, exogenous?: ExogenousFeatures): LinearPrediction | undefined {
  return linearPredictor(model, minuteOfDay, exogenous).predict(series, at);
}
