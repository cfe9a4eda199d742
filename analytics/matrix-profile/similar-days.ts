/**
 * Days most similar in shape to a given day: the z-normalised Euclidean distance (Matrix Profile I,
 * Yeh et al. 2016, DOI 10.1109/ICDM.2016.0179) between that day's window and every other whole day,
 * with the window `m = pointsPerDay`.
 *
 * Choice: only day-aligned windows (`offset + d·pointsPerDay`) are compared, i.e. calendar days
 * against calendar days. A search over all windows (a day-long stretch starting at any time) is
 * `match(query, series)`; it answers "when did this 24 h shape recur" rather than "which days were alike".
 * Days with a gap (any non-finite value) are left out; a constant day follows STUMPY's rule
 * (0 to another constant day, `sqrt(m)` to a non-constant one).
 *
 * @module analytics/matrix-profile/similar-days
 */
import { AnalyticsInputError } from "../errors.ts";
import { P_NORM_THRESHOLD } from "./merge.ts";
import { checkCount, toSeries } from "./validate.ts";

/** Options of {@link similarDays}. */
export interface SimilarDaysOptions {
  /** Index of the first sample of day 0 (e.g. the first midnight). Default 0. */
  readonly offset?: number;
  /** Most days to return. Default: all. */
  readonly k?: number;
}

/** A day and its z-normalised distance to the query day. */
export interface SimilarDay {
  readonly day: number;
  readonly distance: number;
}

/**
 * Returns the other whole days of `series`, nearest first (ties: lower day first), as
 * `{ day, distance }`. Day `d` is `series[offset + d·pointsPerDay, offset + (d+1)·pointsPerDay)`.
 * This runs in `O(D·p)` for `D` days of `p` points.
 *
 * @throws {AnalyticsInputError} field `pointsPerDay` when it is not an integer >= 3; field `offset` when
 * it is not a non-negative integer; field `series` when fewer than two whole days remain; field `day`
 * when it is not a whole day of the series or has a gap; field `k` when it is not a non-negative integer.
 * @example
 * similarDays(cgm5min, 288, 3, { k: 2 }); // [{ day: 10, distance: 4.1 }, { day: 6, distance: 5.3 }]
 */
export function similarDays(series: ArrayLike<number>, pointsPerDay: number, day: number, options: SimilarDaysOptions = {}): SimilarDay[] {
  const fn = "similarDays";
  const T = toSeries(series, fn);
  const { offset = 0, k } = options;
  checkCount(pointsPerDay, "pointsPerDay", fn, 3);
  checkCount(offset, "offset", fn);
  if (k !== undefined) checkCount(k, "k", fn);
  const p = pointsPerDay;
  const days = Math.max(0, Math.floor((T.length - offset) / p));
  if (days < 2) throw new AnalyticsInputError("series", `${fn}: needs at least two whole days of ${p} points after offset ${offset}, got ${days}`);
  if (!Number.isInteger(day) || day < 0 || day >= days) {
    throw new AnalyticsInputError("day", `${fn}: day must be an integer in [0, ${days - 1}], got ${String(day)}`);
  }

  // z-normalise every whole day once: z[d] = (x − μ) / σ, or null for gaps, "const" for constant days.
  const z: Array<Float64Array | null | "const"> = [];
  for (let d = 0; d < days; d++) {
    const start = offset + d * p;
    let ok = true;
    let constant = true;
    let sum = 0;
    for (let t = 0; t < p; t++) {
      const v = T[start + t];
      if (!Number.isFinite(v)) {
        ok = false;
        break;
      }
      if (v !== T[start]) constant = false;
      sum += v;
    }
    if (!ok) {
      z.push(null);
      continue;
    }
    if (constant) {
      z.push("const");
      continue;
    }
    const mu = sum / p;
    let ss = 0;
    for (let t = 0; t < p; t++) ss += (T[start + t] - mu) ** 2;
    const sigma = Math.sqrt(ss / p);
    const zd = new Float64Array(p);
    for (let t = 0; t < p; t++) zd[t] = (T[start + t] - mu) / sigma;
    z.push(zd);
  }
  const q = z[day];
  if (q === null) throw new AnalyticsInputError("day", `${fn}: day ${day} has a gap (non-finite value)`);

  const out: SimilarDay[] = [];
  for (let d = 0; d < days; d++) {
    const zd = z[d];
    if (d === day || zd === null) continue;
    let distance: number;
    if (q === "const" || zd === "const") distance = q === zd ? 0 : Math.sqrt(p);
    else {
      let dot = 0;
      for (let t = 0; t < p; t++) dot += q[t] * zd[t];
      let rho = dot / p;
      if (rho > 1) rho = 1;
      const d2 = Math.abs(2 * p * (1 - rho));
      distance = d2 < P_NORM_THRESHOLD ? 0 : Math.sqrt(d2);
    }
    out.push({ day: d, distance });
  }
  out.sort((a, b) => a.distance - b.distance || a.day - b.day);
  return k === undefined ? out : out.slice(0, k);
}
