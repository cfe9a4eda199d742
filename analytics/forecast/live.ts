/**
 * @module analytics/forecast/live
 * The forecast as the API and the live monitor use it: from the readings of the last hour, the
 * predictions 5…h minutes after the newest reading with their interval, or the reason there are none
 * (no recent reading, less than an hour of history, a gap over 15 minutes). Also the first time the
 * forecast crosses a threshold (the predicted-low alert) and the wearer's clock from an IANA zone.
 */
import { resolveTimeZone } from "../cgm/timezone.ts";
import { utcMinuteOfDay } from "./features.ts";
import { linearPredictor, type LinearForecastModel } from "./linear-model.ts";
import { prepareSeries } from "./series.ts";
import type { MinuteOfDay, Reading } from "./types.ts";

/** A forecast is only made from a reading at most this old (three 5-minute readings missed). */
export const MAX_ORIGIN_AGE_MS = 15 * 60_000;
/** Readings the forecast needs: its lag window (one hour) plus the resampling tolerance. */
export const LIVE_HISTORY_MS = 65 * 60_000;

/** One forecast step (mg/dL, epoch ms). */
export interface LivePrediction {
  readonly minutes: number;
  readonly time: number;
  readonly value: number;
  readonly lower: number;
  readonly upper: number;
}

export interface LiveForecast {
  /** The newest reading the forecast starts from (null when there is none in the history). */
  readonly origin: Reading | null;
  readonly predictions: readonly LivePrediction[];
  /** Why `predictions` is empty, else null. */
  readonly reason: string | null;
}

/** Options of {@link liveForecast}. */
export interface LiveForecastOptions {
  /** The clock (epoch ms) the age of the newest reading is judged by. */
  readonly now: number;
  /** Largest horizon wanted (minutes; the model's horizons up to it are returned). Default 60. */
  readonly horizon?: number;
  readonly minuteOfDay?: MinuteOfDay;
}

const minutesText = (ms: number) => `${Math.round(ms / 60_000)} minutes`;

/**
 * Forecast from the newest of `readings` (any order; duplicates averaged) with `model`, using only
 * readings at or before it. This runs in `O(n log n + H p)`.
 *
 * @example
 * liveForecast(lastHour, POPULATION_MODEL, { now: Date.now(), horizon: 30 }).predictions.length; // => 6 (or 0 with a reason)
 */
export function liveForecast(readings: readonly Reading[], model: LinearForecastModel, options: LiveForecastOptions): LiveForecast {
  const horizon = options.horizon ?? 60;
  const usable = readings.filter((r) => r.time <= options.now + 5 * 60_000);
  if (!usable.length) return { origin: null, predictions: [], reason: "no recent glucose readings" };
  const series = prepareSeries(usable);
  const at = series.times.length - 1;
  const origin = { time: series.times[at], value: series.values[at] };
  const age = options.now - origin.time;
  if (age > MAX_ORIGIN_AGE_MS) return { origin, predictions: [], reason: `the newest reading is ${minutesText(age)} old; a forecast needs one from the last ${minutesText(MAX_ORIGIN_AGE_MS)}` };
  const p = linearPredictor(model, options.minuteOfDay ?? utcMinuteOfDay).predict(series, at);
  if (!p) {
    const span = origin.time - series.times[0];
    const needed = (model.features.lags - 1) * model.resample.stepMinutes * 60_000;
    const reason =
      span < needed - model.resample.toleranceMinutes * 60_000
        ? `a forecast needs ${minutesText(needed)} of readings before the newest one; there are ${minutesText(span)}`
        : `the readings of the last hour have a gap of over ${model.resample.maxGapMinutes} minutes, and no forecast is made across a gap`;
    return { origin, predictions: [], reason };
  }
  const predictions: LivePrediction[] = [];
  for (let k = 0; k < p.horizons.length; k++) {
    const minutes = p.horizons[k];
    if (minutes > horizon) continue;
    predictions.push({ minutes, time: origin.time + minutes * 60_000, value: round1(p.values[k]), lower: round1(p.lower[k]), upper: round1(p.upper[k]) });
  }
  return { origin, predictions, reason: null };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Minutes after the origin at which the point forecast first reaches `threshold` (mg/dL), linearly
 * interpolated between the origin and the forecast steps; 0 when the origin is already at or below
 * it; null when it does not within `horizonMinutes`. `O(H)`.
 *
 * @example
 * minutesUntilThreshold(86, [{ minutes: 5, value: 78 }, { minutes: 10, value: 70 }], 70, 20); // => 10
 */
export function minutesUntilThreshold(originValue: number, predictions: readonly { minutes: number; value: number }[], threshold: number, horizonMinutes: number): number | null {
  if (originValue <= threshold) return 0;
  let prevMinutes = 0;
  let prevValue = originValue;
  for (const p of predictions) {
    if (p.minutes > horizonMinutes + 5) break;
    if (p.value <= threshold) {
      const minutes = prevMinutes + ((prevValue - threshold) / (prevValue - p.value)) * (p.minutes - prevMinutes);
      return minutes <= horizonMinutes ? minutes : null;
    }
    prevMinutes = p.minutes;
    prevValue = p.value;
  }
  return null;
}

/**
 * The wearer's clock for time-of-day features from an IANA zone or UTC offset (DST-aware).
 *
 * @throws {AnalyticsInputError} (field `tz`) for an unknown zone
 * @example
 * timeZoneMinuteOfDay("America/New_York")(Date.UTC(2024, 6, 1, 12)); // => 480 (08:00 EDT)
 */
export function timeZoneMinuteOfDay(tz: string): MinuteOfDay {
  const zone = resolveTimeZone(tz);
  return (ms) => utcMinuteOfDay(ms + zone.offsetMinutes(ms) * 60_000);
}
