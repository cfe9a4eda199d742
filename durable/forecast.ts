/**
 * @module durable/forecast
 * The forecast behind the predicted-low alert: the same ridge model the forecast API serves
 * (analytics/forecast), the user's own when the weekly pipeline has trained one, else the
 * population model. The model arrives with the alert settings (worker/repositories/alerts.ts
 * `getMonitorConfig`, one D1 batch, refreshed on the settings' schedule), so a reading costs no
 * D1 query; the parsed predictor is cached per loaded model.
 *
 * Rules: the forecast starts at the newest reading and needs the hour before it without a gap of
 * over 15 minutes (1-, 5- or 15-minute sampling is resampled to 5 minutes); otherwise there is
 * no prediction and so no predicted-low alert. The crossing time is interpolated linearly between
 * the 5-minute forecast steps.
 */
import { linearPredictor, minutesUntilThreshold, prepareSeries, timeZoneMinuteOfDay, type LinearPredictor } from "../analytics/forecast/index.ts";
import { forecastModelFrom } from "../worker/repositories/models.ts";
import type { Point } from "./trend.ts";

export const GRID_MS = 5 * 60_000;

/** The stored forecast model (raw JSON, null when none was trained) and the wearer's time zone. */
export interface ForecastSource {
  readonly model: unknown;
  readonly trainedAt: number | null;
  readonly timezone: string;
}

const cache = new WeakMap<ForecastSource, LinearPredictor>();
let populationPredictor: LinearPredictor | undefined;

/** The predictor for a source (parsed once per loaded source); the population model without one. */
export function predictorFor(source: ForecastSource | null | undefined): LinearPredictor {
  if (!source) return (populationPredictor ??= linearPredictor(forecastModelFrom(null).model));
  let p = cache.get(source);
  if (!p) {
    const { model } = forecastModelFrom(source.model === null ? null : { data: source.model, trainedAt: source.trainedAt ?? 0 });
    let clock;
    try {
      clock = timeZoneMinuteOfDay(source.timezone);
    } catch {
      clock = undefined; // an unknown zone: UTC rather than no alert
    }
    p = linearPredictor(model, clock);
    cache.set(source, p);
  }
  return p;
}

/**
 * Minutes until the forecast from the newest of `points` first falls to `threshold` (mg/dL), within
 * `horizonMinutes` (at most the model's 60); 0 when the newest reading is already at or below it;
 * null when it does not, or when the model makes no forecast (less than an hour of history, a gap).
 * This runs in `O(n log n + H p)`.
 */
export function minutesUntilBelow(points: readonly Point[], threshold: number, horizonMinutes: number, source?: ForecastSource | null): number | null {
  if (!points.length) return null;
  const series = prepareSeries(points);
  const at = series.times.length - 1;
  if (series.values[at]! <= threshold) return 0;
  const p = predictorFor(source).predict(series, at);
  if (!p) return null;
  const steps = Array.from(p.horizons, (minutes, k) => ({ minutes, value: p.values[k]! }));
  return minutesUntilThreshold(series.values[at]!, steps, threshold, horizonMinutes);
}
