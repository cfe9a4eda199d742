/**
 * @module analytics/forecast/types
 * Shared types of the glucose forecast: readings, prepared series and forecasts.
 */

/** One CGM reading: `time` in epoch milliseconds (UTC instant), `value` in mg/dL. */
export interface Reading {
  readonly time: number;
  readonly value: number;
}

/**
 * A prepared series: strictly increasing times (epoch ms) and their glucose values (mg/dL).
 * Built by {@link prepareSeries}; every forecaster in this module reads one.
 */
export interface GlucoseSeries {
  readonly times: Float64Array;
  readonly values: Float64Array;
}

/** Minutes since local midnight (0 ≤ m < 1440) of an instant; supplied by the caller, default UTC. */
export type MinuteOfDay = (epochMs: number) => number;

/** Forecasts at one origin, in the order of the requested horizons (mg/dL). */
export interface PointForecast {
  readonly values: Float64Array;
  /** Prediction interval ends, when the forecaster has them. */
  readonly lower?: Float64Array;
  readonly upper?: Float64Array;
}

/**
 * A forecaster as the backtest sees it: predicts the glucose at `origin + h` minutes for each
 * requested horizon using only readings at or before the origin (reading `at` of the series), or
 * returns `undefined` when it declines (a gap, too little history).
 */
export type Forecaster = (series: GlucoseSeries, at: number, horizons: readonly number[]) => PointForecast | undefined;
