/**
 * @module durable/trend
 * Rate of change and Dexcom-style direction of the live monitor.
 *
 * The rate is the least-squares slope of glucose against time over the 15 minutes that end at
 * the newest reading, in mg/dL per minute. It needs at least {@link MIN_TREND_POINTS} readings
 * spanning at least {@link MIN_TREND_SPAN_MS}; otherwise it is null and the direction is
 * `NOT COMPUTABLE`.
 *
 * Direction thresholds (mg/dL/min), as Dexcom documents its arrows:
 *
 * | direction     | rate r            |
 * |---------------|-------------------|
 * | DoubleUp      | r > 3             |
 * | SingleUp      | 2 < r ≤ 3         |
 * | FortyFiveUp   | 1 < r ≤ 2         |
 * | Flat          | −1 ≤ r ≤ 1        |
 * | FortyFiveDown | −2 ≤ r < −1       |
 * | SingleDown    | −3 ≤ r < −2       |
 * | DoubleDown    | r < −3            |
 */
import type { TrendDirection } from "../vocabulary/trend.ts";

export const TREND_SPAN_MS = 15 * 60_000;
export const MIN_TREND_POINTS = 3;
export const MIN_TREND_SPAN_MS = 5 * 60_000;

export interface Point {
  /** epoch ms */
  time: number;
  /** mg/dL */
  value: number;
}

/**
 * Least-squares slope in mg/dL per minute, or null with fewer than 3 points or a span under
 * 5 minutes. Centred sums (x − x̄)(y − ȳ) keep the epoch-sized times from costing precision.
 * This runs in `O(n)`.
 */
export function slopePerMinute(points: readonly Point[]): number | null {
  const n = points.length;
  if (n < MIN_TREND_POINTS) return null;
  let tMin = Infinity;
  let tMax = -Infinity;
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    tMin = Math.min(tMin, p.time);
    tMax = Math.max(tMax, p.time);
    sx += p.time;
    sy += p.value;
  }
  if (tMax - tMin < MIN_TREND_SPAN_MS) return null;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    const dx = (p.time - mx) / 60_000;
    sxy += dx * (p.value - my);
    sxx += dx * dx;
  }
  return sxx > 0 ? sxy / sxx : null;
}

/** The Dexcom-style arrow for a rate in mg/dL/min (thresholds in the module comment). */
export function directionOf(rate: number | null): TrendDirection {
  if (rate === null || !Number.isFinite(rate)) return "NOT COMPUTABLE";
  if (rate > 3) return "DoubleUp";
  if (rate > 2) return "SingleUp";
  if (rate > 1) return "FortyFiveUp";
  if (rate >= -1) return "Flat";
  if (rate >= -2) return "FortyFiveDown";
  if (rate >= -3) return "SingleDown";
  return "DoubleDown";
}
