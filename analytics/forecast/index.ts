/**
 * @module analytics/forecast
 * Glucose forecasting 5–60 minutes ahead from the recent CGM window, with prediction intervals, and
 * its offline evaluation. Pure TypeScript over typed arrays: no Node, Workers or DOM APIs, so the same
 * code trains in the weekly pipeline (Queue consumer), forecasts in the live monitor (Durable Object)
 * and runs in tests and the `analyze forecast-backtest` command.
 *
 * Conventions: readings are `{ time: epoch ms, value: mg/dL }`, prepared once with `prepareSeries`;
 * forecasters take `(series, at, horizons)` and read only readings at or before index `at`; a
 * forecaster that cannot predict returns `undefined`. Bad input throws `AnalyticsInputError` naming
 * the field. Models are plain JSON.
 *
 * References: GlucoBench (Sergazinov et al. 2023, "GlucoBench: Curated List of Continuous Glucose
 * Monitoring Datasets with Prediction Benchmarks", ICLR 2024, arXiv:2311.00743); Nightscout AR2
 * (nightscout/cgm-remote-monitor, `lib/plugins/ar2.js`).
 */

// Input and resampling
export { prepareSeries, lastIndexAtOrBefore, sliceSeries } from "./series.ts";
export { resample, valueAt, windowEndingAt, resolveResample, type Grid, type ResampleOptions, type ResolvedResample } from "./resample.ts";
export { detectCompressionLows, maskCompressionLows, type CompressionLow, type CompressionLowOptions } from "./compression-low.ts";

// Baselines
export { persistenceForecast } from "./persistence.ts";
export { ar2Forecast, nightscoutAr2, nightscoutAr2Start, AR2_COEFFICIENTS, AR2_BG_REF, AR2_BG_MIN, AR2_BG_MAX, AR2_CONE_STEPS, type Ar2Start } from "./ar2.ts";

// The per-user ridge model
export { computeFeatures, featureContext, featureNames, fixedOffsetMinuteOfDay, utcMinuteOfDay, type ExogenousFeatures, type FeatureContext, type FeatureSpec } from "./features.ts";
export { choleskySolve } from "./cholesky.ts";
export { createRidgeGram, addRidgeRow, addRidgeGram, ridgeRows, ridgeSolve, type RidgeGram, type RidgeFit } from "./ridge.ts";
export { quantile7 } from "./quantile.ts";
export {
  fitLinearModel,
  fitLinearModelFromSamples,
  buildSamples,
  concatSamples,
  specFromOptions,
  predictLinear,
  linearPredictor,
  DEFAULT_HORIZONS,
  DEFAULT_LAMBDAS,
  MIN_FIT_SAMPLES,
  MIN_ORIGIN_SPACING_MS,
  FORECAST_MIN,
  FORECAST_MAX,
  type LinearForecastModel,
  type LinearModelOptions,
  type LinearPrediction,
  type LinearPredictor,
  type Samples,
} from "./linear-model.ts";
export { parseForecastModel } from "./serialize.ts";
export { POPULATION_MODEL } from "./population-model.ts";

// Forecasters and model choice
export { persistenceForecaster, ar2Forecaster, linearForecaster, trainForecastModel, MIN_USER_SAMPLES, type TrainForecastOptions, type TrainedForecastModel } from "./forecaster.ts";

// Evaluation
export { backtest, compareForecasters, trainCount, DEFAULT_REFIT_EVERY_MINUTES, type BacktestOptions, type BacktestOrigin, type BacktestResult, type Comparison, type Trainer } from "./backtest.ts";
export { observedAt, emptyAccuracy, addError, addAccuracy, rmse, mae, bias, TRUTH_TOLERANCE_MS, type Accuracy } from "./accuracy.ts";

// Types
export type { Reading, GlucoseSeries, MinuteOfDay, PointForecast, Forecaster } from "./types.ts";

// Live use (API, monitor)
export { liveForecast, minutesUntilThreshold, timeZoneMinuteOfDay, MAX_ORIGIN_AGE_MS, LIVE_HISTORY_MS, type LiveForecast, type LivePrediction, type LiveForecastOptions } from "./live.ts";
