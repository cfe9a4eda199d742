/**
 * @module analytics/forecast/ar2
 * Nightscout's AR2 forecast, reproduced from `lib/plugins/ar2.js` and `lib/plugins/bgnow.js` of
 * nightscout/cgm-remote-monitor (the version in which AR2 reads `sbx.properties.bgnow` and
 * `sbx.properties.delta`).
 *
 * The model is a second-order autoregression in log space around 140 mg/dL, one step every
 * 5 minutes:
 *
 *     y = ln(BG / 140),   y[k+1] = −0.723 · y[k−1] + 1.716 · y[k],   BG = 140 · e^y
 *
 * What Nightscout does exactly, and what we copy:
 * 1. **The two starting values are bucket means, not raw readings.** Four 5-minute buckets are laid
 *    back from the latest reading time `T`: bucket `i` holds readings in `[T − 2.5 − 5i, T + 2.5 − 5i]`
 *    minutes (bounds inclusive; a reading on a boundary goes to the more recent bucket). Readings of
 *    39 mg/dL or less are error codes and are left out of the means. `now` is the mean of the most
 *    recent bucket; `previous` is the next older bucket that holds a valid reading.
 * 2. **The value 5 minutes ago** is `previous.mean` when the latest valid readings of the two buckets
 *    are at most 9 minutes apart; otherwise it is interpolated on the line between them,
 *    `now − (now − previous.mean) / elapsedMinutes · 5`.
 * 3. With no valid `previous` bucket within 17.5 minutes, or `now < 36`, there is no forecast.
 * 4. The recursion runs in full precision; **each output point is `Math.round`ed to whole mg/dL and
 *    then clamped to 36–400** (`BG_MIN = 36`, `BG_MAX = 400`). The clamp does not feed back.
 * 5. Point `k` (k = 1, 2, …) is the forecast for `T + 5k` minutes. Nightscout draws 6 points (30 min)
 *    for alarms and 13 (65 min) in its cone; the recursion is the same, so a 60-minute forecast is
 *    point 12.
 * 6. The cone (display only in Nightscout) widens the log value by `±2 · s[k]` with
 *    `s = [0.020, 0.041, 0.061, 0.081, 0.099, 0.116, 0.132, 0.146, 0.159, 0.171, 0.182, 0.192, 0.201]`;
 *    we return it as AR2's interval.
 *
 * Reference: Nightscout, cgm-remote-monitor, `lib/plugins/ar2.js` (AR coefficients `[-0.723, 1.716]`,
 * `BG_REF = 140`), https://github.com/nightscout/cgm-remote-monitor.
 */
import type { GlucoseSeries } from "./types.ts";

/** Nightscout's AR2 coefficients `[prev, curr]`. */
export const AR2_COEFFICIENTS: readonly [number, number] = [-0.723, 1.716];
/** Nightscout's reference level (mg/dL). */
export const AR2_BG_REF = 140;
/** Nightscout's output clamp (mg/dL). */
export const AR2_BG_MIN = 36;
export const AR2_BG_MAX = 400;
/** Nightscout's cone widths in log units for steps 1…13 (the cone factor 2 is applied on top). */
export const AR2_CONE_STEPS: readonly number[] = [0.02, 0.041, 0.061, 0.081, 0.099, 0.116, 0.132, 0.146, 0.159, 0.171, 0.182, 0.192, 0.201];

const MINUTE = 60_000;

/**
 * Runs the AR2 recursion `steps` times from the glucose 5 minutes ago and now (mg/dL) and returns
 * the points for +5, +10, … minutes, each rounded and clamped to 36–400 as Nightscout does.
 * With `coneFactor` ≠ 0 it returns the cone edge `round(140 · e^(y[k] + coneFactor · s[k]))`
 * instead (Nightscout's cone has 13 steps; further steps reuse the last width).
 * This runs in `O(steps)`.
 *
 * @example
 * // Hand-computed: y0 = ln(100/140) = −0.33647, y1 = ln(110/140) = −0.24116,
 * // y2 = −0.723·y0 + 1.716·y1 = −0.17056 → 140·e^y2 = 118.03 → 118;
 * // y3 = −0.723·y1 + 1.716·y2 = −0.11832 → 124.38 → 124.
 * ar2Forecast(100, 110, 2); // => Float64Array [118, 124]
 */
export function ar2Forecast(mgdl5MinsAgo: number, mgdlNow: number, steps: number, coneFactor = 0): Float64Array {
  const out = new Float64Array(steps);
  let prev = Math.log(mgdl5MinsAgo / AR2_BG_REF);
  let curr = Math.log(mgdlNow / AR2_BG_REF);
  for (let k = 0; k < steps; k++) {
    const next = AR2_COEFFICIENTS[0] * prev + AR2_COEFFICIENTS[1] * curr;
    prev = curr;
    curr = next;
    const width = coneFactor === 0 ? 0 : coneFactor * AR2_CONE_STEPS[Math.min(k, AR2_CONE_STEPS.length - 1)];
    const mgdl = Math.round(AR2_BG_REF * Math.exp(curr + width));
    out[k] = Math.max(AR2_BG_MIN, Math.min(AR2_BG_MAX, mgdl));
  }
  return out;
}

/** The two starting values of Nightscout's AR2 at a reading (see the module header). */
export interface Ar2Start {
  /** Mean of the valid readings in the latest 5-minute bucket (`bgnow.mean`). */
  readonly now: number;
  /** `delta.mean5MinsAgo`: previous bucket mean, interpolated to 5 minutes when > 9 minutes back. */
  readonly fiveMinutesAgo: number;
  /** Time of the latest valid reading (`bgnow.mills`); forecasts are for this time + 5k minutes. */
  readonly time: number;
}

/**
 * Nightscout's `bgnow` / `delta` bucket computation at reading `at` (the latest reading Nightscout
 * would have), using only readings at or before it. Returns `undefined` where Nightscout draws no
 * forecast. This runs in `O(m)` for the `m` readings in the last 17.5 minutes.
 *
 * @example
 * const s = { times: Float64Array.of(0, 300_000, 600_000), values: Float64Array.of(100, 104, 110) };
 * nightscoutAr2Start(s, 2); // => { now: 110, fiveMinutesAgo: 104, time: 600000 }
 */
export function nightscoutAr2Start(series: GlucoseSeries, at: number): Ar2Start | undefined {
  const { times, values } = series;
  if (!(at >= 0 && at < times.length)) return undefined;
  const last = times[at];
  const sums = [0, 0, 0, 0];
  const counts = [0, 0, 0, 0];
  const mills = [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
  const occupied = [false, false, false, false];
  for (let i = at; i >= 0; i--) {
    const t = times[i];
    // bucket b covers [last − 2.5 − 5b, last + 2.5 − 5b] minutes; lodash's find takes the first (most recent) match
    let bucket = -1;
    for (let b = 0; b < 4; b++) {
      const from = last - 2.5 * MINUTE - b * 5 * MINUTE;
      if (t >= from && t <= from + 5 * MINUTE) {
        bucket = b;
        break;
      }
    }
    if (bucket < 0) break; // takeRightWhile stops at the first reading outside every bucket
    occupied[bucket] = true;
    if (values[i] > 39) {
      sums[bucket] += values[i];
      counts[bucket]++;
      if (!(mills[bucket] >= t)) mills[bucket] = t;
    }
  }
  // bucket 0 always holds the latest reading, so it is the most recent non-empty one
  if (counts[0] === 0) return undefined;
  const now = sums[0] / counts[0];
  let prev = -1;
  for (let b = 1; b < 4; b++) {
    if (occupied[b] && mills[b] < mills[0]) {
      prev = b;
      break;
    }
  }
  if (prev < 0) return undefined;
  const prevMean = sums[prev] / counts[prev];
  const elapsed = (mills[0] - mills[prev]) / MINUTE;
  const fiveMinutesAgo = elapsed > 9 ? now - ((now - prevMean) / elapsed) * 5 : prevMean;
  if (!(now >= AR2_BG_MIN) || !(fiveMinutesAgo > 0)) return undefined;
  return { now, fiveMinutesAgo, time: mills[0] };
}

/**
 * Nightscout's AR2 forecast at reading `at` for horizons that are multiples of 5 minutes, or
 * `undefined` where Nightscout draws none (see {@link nightscoutAr2Start}). A forecast for
 * `time + h` where `time` is the latest valid reading. This runs in `O(m + max(h) / 5)`.
 *
 * @throws {RangeError} ar2 horizons must be positive multiples of 5 minutes (programming error)
 * @example
 * const s = { times: Float64Array.of(0, 300_000), values: Float64Array.of(100, 110) };
 * nightscoutAr2(s, 1, [5, 10]); // => Float64Array [118, 124]
 */
export function nightscoutAr2(series: GlucoseSeries, at: number, horizons: readonly number[], coneFactor = 0): Float64Array | undefined {
  const start = nightscoutAr2Start(series, at);
  if (!start) return undefined;
  let maxStep = 0;
  for (const h of horizons) {
    if (!(h > 0) || h % 5 !== 0) throw new RangeError(`ar2: horizons must be positive multiples of 5 minutes, got ${h}`);
    maxStep = Math.max(maxStep, h / 5);
  }
  const path = ar2Forecast(start.fiveMinutesAgo, start.now, maxStep, coneFactor);
  return Float64Array.from(horizons, (h) => path[h / 5 - 1]);
}
