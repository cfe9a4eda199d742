/**
 * @module analytics/forecast/forecaster
 * The three forecasters behind one interface ({@link Forecaster}), and the choice between a
 * per-user model and the population model.
 *
 * **Population fallback.** A per-user ridge model is fitted when the training readings give at least
 * {@link MIN_USER_SAMPLES} = 432 complete one-hour windows (1.5 days of 5-minute data without gaps).
 * Below that the pooled population model ({@link POPULATION_MODEL}, without time-of-day terms since
 * it serves people in any time zone) is used. `docs/forecast-evaluation.md` shows the learning curve
 * behind the threshold: on the 25 evaluation subjects, a per-user model trained on its last day is
 * worse than the (leave-one-subject-out) population model at both horizons, and one trained on its
 * last 1.5 days is better.
 */
import { AnalyticsInputError } from "../errors.ts";
import { nightscoutAr2 } from "./ar2.ts";
import { maskCompressionLows, type CompressionLowOptions } from "./compression-low.ts";
import { buildSamples, DEFAULT_HORIZONS, fitLinearModelFromSamples, linearPredictor, specFromOptions, type LinearForecastModel, type LinearModelOptions } from "./linear-model.ts";
import { featureContext, utcMinuteOfDay, type ExogenousFeatures } from "./features.ts";
import { persistenceForecast } from "./persistence.ts";
import { POPULATION_MODEL } from "./population-model.ts";
import { resolveResample } from "./resample.ts";
import type { Forecaster, GlucoseSeries, MinuteOfDay } from "./types.ts";

/** Complete training windows needed for a per-user model (1.5 days of 5-minute data). */
export const MIN_USER_SAMPLES = 432;

/**
 * Persistence as a {@link Forecaster} (never declines). `O(H)`.
 *
 * @example
 * persistenceForecaster(series, at, [30, 60])?.values; // => Float64Array [g(at), g(at)]
 */
export const persistenceForecaster: Forecaster = (series, at, horizons) => ({ values: persistenceForecast(series, at, horizons) });

/**
 * Nightscout's AR2 as a {@link Forecaster}, with Nightscout's cone (cone factor 2) as its interval.
 * Declines where Nightscout draws no forecast (no valid reading in the 5-minute bucket before).
 * This runs in `O(m + max(h) / 5)`.
 *
 * @example
 * const s = { times: Float64Array.of(0, 300_000), values: Float64Array.of(100, 110) };
 * ar2Forecaster(s, 1, [5]); // => { values: [118], lower: [113], upper: [123] }
 */
export const ar2Forecaster: Forecaster = (series, at, horizons) => {
  const values = nightscoutAr2(series, at, horizons);
  if (!values) return undefined;
  return { values, lower: nightscoutAr2(series, at, horizons, -2), upper: nightscoutAr2(series, at, horizons, 2) };
};

/**
 * A fitted ridge model as a {@link Forecaster}. Requested horizons must be among the model's.
 *
 * Each call runs in `O(H p + lags)`.
 *
 * @throws {AnalyticsInputError} `horizons` for a horizon the model was not trained for
 * @example
 * const forecast = linearForecaster(POPULATION_MODEL);
 * forecast(series, series.times.length - 1, [30, 60]); // => { values, lower, upper } or undefined
 */
export function linearForecaster(model: LinearForecastModel, minuteOfDay: MinuteOfDay = utcMinuteOfDay, exogenous?: ExogenousFeatures): Forecaster {
  const predictor = linearPredictor(model, minuteOfDay, exogenous);
  return (series, at, horizons) => {
    const cols = horizons.map((h) => {
      const c = model.horizons.indexOf(h);
      if (c < 0) throw new AnalyticsInputError("horizons", `forecast: no model for ${h} minutes ahead; available: ${model.horizons.join(", ")}`);
      return c;
    });
    const p = predictor.predict(series, at);
    if (!p) return undefined;
    return { values: Float64Array.from(cols, (c) => p.values[c]), lower: Float64Array.from(cols, (c) => p.lower[c]), upper: Float64Array.from(cols, (c) => p.upper[c]) };
  };
}

/** Options of {@link trainForecastModel}. */
export interface TrainForecastOptions extends LinearModelOptions {
  /** Remove compression-low artifacts from the training readings (default true; see `compression-low.ts`). */
  readonly maskCompressionLows?: boolean;
  readonly compressionLow?: CompressionLowOptions;
  /** Per-user threshold in complete windows (default {@link MIN_USER_SAMPLES}). */
  readonly minUserSamples?: number;
  /** The model for users below the threshold (default {@link POPULATION_MODEL}). */
  readonly population?: LinearForecastModel;
}

/** A trained forecast model and why it was chosen. */
export interface TrainedForecastModel {
  readonly model: LinearForecastModel;
  readonly reason: string;
  /** Complete one-hour windows in the user's training readings. */
  readonly userSamples: number;
  /** Compression-low readings removed before training. */
  readonly maskedReadings: number;
}

/**
 * The model the weekly pipeline stores for a user: a per-user ridge model when the training
 * readings hold at least `minUserSamples` complete one-hour windows, otherwise the population model.
 * This runs in `O(n p² H + |λ| H p³)`.
 *
 * @example
 * trainForecastModel(series, { minuteOfDay: fixedOffsetMinuteOfDay(-300) }).model.scope; // => "user" (with 2+ days of data)
 */
export function trainForecastModel(series: GlucoseSeries, options: TrainForecastOptions = {}): TrainedForecastModel {
  const minuteOfDay = options.minuteOfDay ?? utcMinuteOfDay;
  const mask = options.maskCompressionLows ?? true;
  const cleaned = mask ? maskCompressionLows(series, { minuteOfDay: options.minuteOfDay, ...options.compressionLow }) : series;
  const maskedReadings = series.times.length - cleaned.times.length;
  const spec = specFromOptions(options);
  const horizons = options.horizons ?? DEFAULT_HORIZONS;
  const samples = buildSamples(cleaned, featureContext(spec, minuteOfDay, options.exogenous, resolveResample(options.resample)), horizons);
  const threshold = options.minUserSamples ?? MIN_USER_SAMPLES;
  if (samples.count >= threshold) {
    return { model: fitLinearModelFromSamples(samples, spec, options), reason: `per-user model: ${samples.count} complete one-hour windows >= ${threshold}`, userSamples: samples.count, maskedReadings };
  }
  const population = options.population ?? POPULATION_MODEL;
  const missing = horizons.filter((h) => !population.horizons.includes(h));
  if (missing.length) throw new AnalyticsInputError("horizons", `forecast: the population model has no ${missing.join(", ")}-minute horizon`);
  return { model: population, reason: `population model: only ${samples.count} complete one-hour windows (< ${threshold}) for a per-user model`, userSamples: samples.count, maskedReadings };
}
