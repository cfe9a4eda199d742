/**
 * @module analytics/cgm/mage
 * Mean amplitude of glycaemic excursions, iglu's moving-average algorithm (`version = "ma"`, the
 * default) and its older `naive` version.
 *
 * References: Service et al. (1970) Mean amplitude of glycemic excursions, a measure of diabetic
 * instability, Diabetes 19(9):644–655, doi:10.2337/diab.19.9.644; Fernandes et al. (2022)
 * Open-source algorithm to calculate mean amplitude of glycemic excursions using short and long
 * moving averages, J Diabetes Sci Technol 16(2):576–577, doi:10.1177/19322968211061165.
 */
import { AnalyticsInputError } from "../errors.ts";
import { asGrid, isDayByDay, type DayByDay } from "./day-by-day.ts";
import type { CgmSeries } from "./readings.ts";
import { neumaierSum, rMean, rMeanNaRm, rRound, rSd, rSdNaRm } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/** Which excursions MAGE averages (iglu's `direction`). */
export type MageDirection = "avg" | "service" | "max" | "plus" | "minus";

/** Options of {@link mage}; the defaults are iglu's. */
export interface MageOptions {
  /** Short moving-average window, in 5-minute readings; default 5. */
  shortMa?: number;
  /** Long moving-average window, in 5-minute readings; default 32. */
  longMa?: number;
  /** Default `"avg"`: the mean of MAGE+ and MAGE−. */
  direction?: MageDirection;
  /** Longest gap (minutes) interpolated across on the 5-minute grid; default 45. */
  interGap?: number;
  /** Gaps longer than this (minutes) split the trace into segments; default 180. */
  maxGap?: number;
}

/** MAGE of one segment of the trace (iglu's `return_type = "df"` rows). */
export interface MageSegment {
  /** Grid time of the segment's first and last point, epoch ms. */
  start: number;
  end: number;
  /** MAGE+ (nadir to peak) and MAGE− (peak to nadir), `NaN` when there is none. */
  magePlus: number;
  mageMinus: number;
  /** Whether the first countable excursion is a rise (`null` when the segment has no excursion). */
  plusFirst: boolean | null;
}

const REL_MIN = 0;
const REL_MAX = 1;

/** zoo::rollapply(x, width, mean, align = "right", fill = NA, na.rm = TRUE), then iglu fills the head. */
function movingAverage(gl: Float64Array, width: number): Float64Array {
  const n = gl.length;
  const out = new Float64Array(n).fill(Number.NaN);
  // each window's mean is computed afresh (R's two-pass mean), not with a running sum, so that
  // equal moving averages compare equal as they do in R
  for (let i = width - 1; i < n; i++) out[i] = rMeanNaRm(gl, i - width + 1, i + 1);
  // replace(MA, 1:width, MA[width])
  const head = out[width - 1];
  for (let i = 0; i < Math.min(width, n); i++) out[i] = head;
  return out;
}

/** iglu's `mage_atomic` on one segment (0-based port of 1-based R code; comments give R's names). */
function mageAtomic(gl: Float64Array, shortMa: number, longMa: number): { plus: number; minus: number; plusFirst: boolean | null } {
  const none = { plus: Number.NaN, minus: Number.NaN, plusFirst: null };
  const n = gl.length;
  if (gl.every((v) => Number.isNaN(v))) return none;
  if (n < 7 || n < longMa) return none;
  const maShort = movingAverage(gl, shortMa);
  const maLong = movingAverage(gl, longMa);
  const delta = new Float64Array(n);
  for (let i = 0; i < n; i++) delta[i] = maShort[i] - maLong[i];

  // 2d. crossing points (ids are 0-based positions here)
  const crossId: number[] = [0];
  const crossType: number[] = [delta[0] > 0 ? REL_MAX : REL_MIN];
  for (let i = 1; i < n; i++) {
    if (Number.isNaN(gl[i]) || Number.isNaN(gl[i - 1]) || Number.isNaN(delta[i]) || Number.isNaN(delta[i - 1])) continue;
    if (delta[i] * delta[i - 1] < 0) {
      crossId.push(i);
      crossType.push(delta[i] < delta[i - 1] ? REL_MIN : REL_MAX);
    } else {
      // needed for gaps: compare with the delta at the last crossing point
      const prevDelta = delta[crossId[crossId.length - 1]];
      if (delta[i] * prevDelta < 0) {
        crossId.push(i);
        crossType.push(delta[i] < prevDelta ? REL_MIN : REL_MAX);
      }
    }
  }
  // the last point is always added, even when it already is a crossing point
  crossId.push(n - 1);
  crossType.push(delta[n - 1] > 0 ? REL_MAX : REL_MIN);

  // 2e. turning points between consecutive crossings
  const numExtrema = crossId.length - 1;
  const minmax = new Float64Array(numExtrema);
  const indexes = new Int32Array(numExtrema);
  for (let i = 0; i < numExtrema; i++) {
    const s1 = i === 0 ? crossId[0] : indexes[i - 1];
    const s2 = crossId[i + 1];
    let best = Number.NaN;
    let at = -1;
    const isMin = crossType[i] === REL_MIN;
    for (let k = s1; k <= s2; k++) {
      const v = gl[k];
      if (Number.isNaN(v)) continue;
      if (at < 0 || (isMin ? v < best : v > best)) {
        best = v;
        at = k;
      }
    }
    minmax[i] = best;
    indexes[i] = at;
  }

  // excursion elimination; differences[i][j] = minmax[j] - minmax[i]
  const sd = rSdNaRm(gl);
  // A flat (or single-valued) segment has no excursion. iglu would loop forever (sd = 0) or stop
  // with an error (sd = NA) here.
  if (!(sd > 0)) return none;
  const N = numExtrema;
  const diff = (i: number, j: number) => minmax[j] - minmax[i];

  // MAGE+ (1-based j, prevJ as in R)
  const plusHeights: number[] = [];
  const plusPairs: [number, number][] = [];
  let j = 1;
  let prevJ = 1;
  while (j <= N) {
    let maxV = -Infinity;
    let i = -1;
    for (let r = prevJ; r <= j; r++) {
      const v = diff(r - 1, j - 1);
      if (v > maxV) {
        maxV = v;
        i = r;
      }
    }
    if (maxV >= sd) {
      for (let k = j; k <= N; k++) {
        if (minmax[k - 1] > minmax[j - 1]) j = k;
        if (diff(j - 1, k - 1) < -sd || k === N) {
          plusHeights.push(minmax[j - 1] - minmax[i - 1]);
          plusPairs.push([i, j]);
          prevJ = k;
          j = k;
          break;
        }
      }
    } else j++;
  }

  // MAGE− (note iglu sets prev_j = j, not k, here)
  const minusHeights: number[] = [];
  const minusPairs: [number, number][] = [];
  j = 1;
  prevJ = 1;
  while (j <= N) {
    let minV = Infinity;
    let i = -1;
    for (let r = prevJ; r <= j; r++) {
      const v = diff(r - 1, j - 1);
      if (v < minV) {
        minV = v;
        i = r;
      }
    }
    if (minV <= -sd) {
      for (let k = j; k <= N; k++) {
        if (minmax[k - 1] < minmax[j - 1]) j = k;
        if (diff(j - 1, k - 1) > sd || k === N) {
          minusHeights.push(minmax[j - 1] - minmax[i - 1]);
          minusPairs.push([i, j]);
          prevJ = j;
          j = k;
          break;
        }
      }
    } else j++;
  }

  if (plusHeights.length === 0 && minusHeights.length === 0) return none;
  const plusFirst = plusHeights.length > 0 && (minusHeights.length === 0 || plusPairs[0][1] <= minusPairs[0][0]);
  return {
    plus: plusHeights.length ? rMean(plusHeights) : Number.NaN,
    minus: minusHeights.length ? Math.abs(rMean(minusHeights)) : Number.NaN,
    plusFirst,
  };
}

/**
 * MAGE per segment (iglu's `mage_ma_single(…, return_type = "df")`): interpolate onto a 5-minute
 * grid (iglu always uses dt0 = 5 here), trim leading and trailing missing points, split at runs of
 * missing points longer than `maxGap`, and run the moving-average algorithm on each segment.
 * Segments too short for the long window (or all missing) are left out.
 * This runs in `O(grid · longMa + E²)` for E turning points per segment (in practice E ≪ grid).
 *
 * @throws {AnalyticsInputError} when a grid cannot be built, or a grid with dt0 ≠ 5 is passed.
 */
export function mageSegments(input: CgmSeries | DayByDay, options: MageOptions = {}): MageSegment[] {
  const interGap = options.interGap ?? 45;
  const maxGap = options.maxGap ?? 180;
  if (isDayByDay(input) && input.dt0 !== 5) throw new AnalyticsInputError("dt0", `mage: iglu's MAGE uses a 5-minute grid, got a grid with dt0 = ${input.dt0}`);
  const grid = asGrid(input, { dt0: 5, interGap });
  const dt0 = grid.dt0;
  let shortMa = rRound((options.shortMa ?? 5) * 5 / dt0);
  let longMa = rRound((options.longMa ?? 32) * 5 / dt0);
  if (shortMa >= longMa) [shortMa, longMa] = [longMa, shortMa];
  const all = grid.gd2d;
  let first = 0;
  while (first < all.length && Number.isNaN(all[first])) first++;
  let last = all.length - 1;
  while (last >= 0 && Number.isNaN(all[last])) last--;
  if (first > last) return [];
  const gl = all.subarray(first, last + 1);
  const timeAt = (k: number) => grid.start + (first + k + 1) * dt0 * 60_000;
  if (gl.length < 7 || gl.length < longMa) return [];

  // 4. split at missing runs longer than max_gap; the gaps themselves are dropped (iglu gives them NA)
  const bounds: [number, number][] = [];
  let segStart = 0;
  let k = 0;
  while (k < gl.length) {
    if (!Number.isNaN(gl[k])) {
      k++;
      continue;
    }
    let e = k;
    while (e < gl.length && Number.isNaN(gl[e])) e++;
    if ((e - k) * dt0 > maxGap) {
      bounds.push([segStart, k]);
      segStart = e;
    }
    k = e;
  }
  bounds.push([segStart, gl.length]);

  const out: MageSegment[] = [];
  for (const [a, b] of bounds) {
    const seg = gl.subarray(a, b);
    const r = mageAtomic(seg, shortMa, longMa);
    if (r.plusFirst === null) continue;
    out.push({ start: timeAt(a), end: timeAt(b - 1), magePlus: r.plus, mageMinus: r.minus, plusFirst: r.plusFirst });
  }
  return out;
}

/**
 * Mean amplitude of glycaemic excursions (mg/dL), iglu's default `ma` algorithm: excursions
 * between turning points found from the crossings of a short (5) and a long (32 reading) moving
 * average, counted when larger than the segment's SD. Segments are weighted by their duration.
 * `direction`: `"avg"` (default, mean of MAGE+ and MAGE−), `"plus"`, `"minus"`, `"max"` (larger
 * of the two per segment) or `"service"` (the direction of the first countable excursion).
 * Returns `NaN` (iglu: `NA`) when there is no countable excursion or too little data.
 *
 * Reference: iglu `mage(data, version = "ma", short_ma = 5, long_ma = 32, direction = "avg",
 * inter_gap = 45, max_gap = 180)`; Fernandes et al. (2022), doi:10.1177/19322968211061165.
 * This runs in `O(grid · longMa)`.
 *
 * @throws {AnalyticsInputError} when a grid cannot be built.
 * @example
 * mage(series); // => e.g. 72.42 for iglu's Subject 1
 * mage(series, { direction: "plus" }); // => 73.47
 */
export function mage(input: CgmSeries | DayByDay, options: MageOptions = {}): number {
  return mageFromSegments(mageSegments(input, options), options.direction ?? "avg");
}

/**
 * Combines per-segment MAGE+ / MAGE− ({@link mageSegments}) into one value for a direction,
 * weighting segments by duration as iglu does; lets all directions share one segmentation.
 * This runs in `O(segments)`.
 *
 * @throws {AnalyticsInputError} (`direction`) for an unknown direction.
 * @example
 * const segs = mageSegments(series);
 * [mageFromSegments(segs, "plus"), mageFromSegments(segs, "minus")]; // => [73.47, 71.38] (Subject 1)
 */
export function mageFromSegments(segments: readonly MageSegment[], direction: MageDirection = "avg"): number {
  // rows as in iglu's return_val: one PLUS and one MINUS row per segment
  const rows: { hours: number; mage: number }[] = [];
  for (const s of segments) {
    const hours = s.end - s.start;
    const plus = { hours, mage: s.magePlus };
    const minus = { hours, mage: s.mageMinus };
    switch (direction) {
      case "plus":
        rows.push(plus);
        break;
      case "minus":
        rows.push(minus);
        break;
      case "avg":
        for (const r of [plus, minus]) if (!Number.isNaN(r.mage)) rows.push(r);
        break;
      case "max":
        // group_by(start, end) %>% filter(mage == max(mage)): a missing value drops the segment
        if (Number.isNaN(s.magePlus) || Number.isNaN(s.mageMinus)) break;
        if (s.magePlus >= s.mageMinus) rows.push(plus);
        if (s.mageMinus >= s.magePlus) rows.push(minus);
        break;
      case "service":
        rows.push(s.plusFirst ? plus : minus);
        break;
      default:
        throw new AnalyticsInputError("direction", `mage: direction must be one of avg, service, max, plus, minus; got ${JSON.stringify(direction)}`);
    }
  }
  if (rows.length === 0) return Number.NaN;
  const total = neumaierSum(rows.map((r) => r.hours));
  return neumaierSum(rows.map((r) => r.mage * (r.hours / total)));
}

/**
 * iglu's `naive` MAGE (versions ≤ 2.0.0, kept "for backward compatibility"): the mean of
 * |gl − mean| over raw readings whose deviation exceeds `sdMultiplier` · SD.
 *
 * Reference: iglu `mage(data, version = "naive", sd_multiplier = 1)`. This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * mageNaive([100, 100, 100, 200]); // => 75 (only |200 − 125| exceeds the SD of 50)
 */
export function mageNaive(values: ArrayLike<number>, sdMultiplier = 1): number {
  const gl = glucoseValues(values, "mageNaive");
  const m = rMean(gl);
  const limit = sdMultiplier * rSd(gl);
  const big: number[] = [];
  for (const g of gl) {
    const d = Math.abs(g - m);
    if (d > limit) big.push(d);
  }
  return rMean(big);
}
