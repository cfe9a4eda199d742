/**
 * @module durable/forecast
 * PLACEHOLDER forecaster behind the predicted-low alert, to be replaced by the forecasting issue.
 *
 * Model: an AR(1) on 5-minute first differences, i.e. ARIMA(1,1,0) without a constant.
 * 1. Resample the window onto a 5-minute grid that ends at the newest reading (each grid point
 *    is the mean of the readings within ±2.5 minutes), going back at most 2 hours and stopping
 *    at the first empty slot, so a gap ends the history.
 * 2. Differences dᵢ = xᵢ − xᵢ₋₁; φ = Σ dᵢdᵢ₋₁ / Σ dᵢ₋₁² (least squares through the origin),
 *    clamped to [0, 1] so the forecast neither oscillates nor explodes.
 * 3. Forecast x̂ₙ₊ₕ = xₙ + Σⱼ₌₁..ₕ φʲ dₙ: the last step's change, decaying by φ each step.
 *
 * It knows nothing of insulin, meals or physiology: a steady fall continues, a flat line stays.
 */
import type { Point } from "./trend.ts";

export const GRID_MS = 5 * 60_000;
const MAX_GRID_POINTS = 25;
const MIN_GRID_POINTS = 4;

/** Grid values oldest first, ending at the newest reading; empty when the window is empty. This runs in `O(n)`. */
export function resample(points: readonly Point[]): number[] {
  if (!points.length) return [];
  const newest = points.reduce((m, p) => Math.max(m, p.time), -Infinity);
  const sums = new Array<number>(MAX_GRID_POINTS).fill(0);
  const counts = new Array<number>(MAX_GRID_POINTS).fill(0);
  for (const p of points) {
    const k = Math.floor((newest - p.time + GRID_MS / 2) / GRID_MS);
    if (k >= 0 && k < MAX_GRID_POINTS) {
      sums[k]! += p.value;
      counts[k]! += 1;
    }
  }
  const out: number[] = [];
  for (let k = 0; k < MAX_GRID_POINTS && counts[k]! > 0; k++) out.push(sums[k]! / counts[k]!);
  return out.reverse();
}

/**
 * Minutes until the forecast first falls to `threshold` (mg/dL), within `horizonMinutes`;
 * null when it does not, or when fewer than 4 consecutive grid points exist (20 minutes).
 * Between grid steps the crossing time is interpolated linearly.
 */
export function minutesUntilBelow(points: readonly Point[], threshold: number, horizonMinutes: number): number | null {
  const x = resample(points);
  if (x.length < MIN_GRID_POINTS) return null;
  const d = x.slice(1).map((v, i) => v - x[i]!);
  let num = 0;
  let den = 0;
  for (let i = 1; i < d.length; i++) {
    num += d[i]! * d[i - 1]!;
    den += d[i - 1]! * d[i - 1]!;
  }
  const phi = den > 1e-9 ? Math.min(1, Math.max(0, num / den)) : 0;
  let level = x[x.length - 1]!;
  if (level <= threshold) return 0;
  let step = d[d.length - 1]!;
  const steps = Math.ceil(horizonMinutes / (GRID_MS / 60_000));
  for (let h = 1; h <= steps; h++) {
    step *= phi;
    const next = level + step;
    if (next <= threshold) {
      const minutes = (h - 1 + (level - threshold) / (level - next)) * (GRID_MS / 60_000);
      return minutes <= horizonMinutes ? minutes : null;
    }
    level = next;
  }
  return null;
}
