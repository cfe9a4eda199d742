/**
 * @module analytics/cgm/r-stats
 * Numerical primitives that reproduce base R's conventions, so that the CGM metrics match iglu
 * (which is written in R) to about 1e-12 relative:
 *
 * - `rMean` is R's `mean()`: a sum divided by n followed by one correction pass
 *   (`summary.c`); R accumulates in 80-bit long doubles, we use Neumaier-compensated doubles.
 * - `rVar`/`rSd` are `var()`/`sd()`: that mean, then the sum of squared deviations over n − 1.
 * - `rMedian`, `rQuantile7` (`quantile(type = 7)`), `rMad` (`mad()`), `rRound` (`round()`, which
 *   rounds half to even) and `rRoundDigits` (`round(x, d)`).
 *
 * Convention of this module family: missing values are `NaN` and the `*NaRm` variants skip them,
 * like `na.rm = TRUE`. Statistics of an empty set return `NaN` (R returns `NaN`/`NA`), they do not
 * throw: the metric functions decide what is an input error.
 */

/**
 * Neumaier (improved Kahan–Babuška) compensated sum of `x[from..to)`.
 * This runs in `O(n)`.
 *
 * @example
 * neumaierSum([1e16, 1, -1e16]); // => 1
 */
export function neumaierSum(x: ArrayLike<number>, from = 0, to = x.length): number {
  let sum = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const v = x[i];
    const t = sum + v;
    if (Math.abs(sum) >= Math.abs(v)) c += sum - t + v;
    else c += v - t + sum;
    sum = t;
  }
  return sum + c;
}

/**
 * Incremental Neumaier sum, for loops that cannot build an array first.
 *
 * @example
 * const s = new CompensatedSum(); s.add(1e16); s.add(1); s.add(-1e16); s.value; // => 1
 */
export class CompensatedSum {
  private sum = 0;
  private c = 0;
  add(v: number): void {
    const t = this.sum + v;
    if (Math.abs(this.sum) >= Math.abs(v)) this.c += this.sum - t + v;
    else this.c += v - t + this.sum;
    this.sum = t;
  }
  get value(): number {
    return this.sum + this.c;
  }
}

/** The non-missing values of `x` (drops `NaN`, like `na.omit`). This runs in `O(n)`. */
export function dropNaN(x: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) n++;
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) out[j++] = x[i];
  return out;
}

/**
 * R's `mean(x)`: sum / n, then `+ sum(x - m) / n` as a correction (R `summary.c`).
 * `NaN` for empty input; a `NaN` element propagates. This runs in `O(n)`.
 *
 * @example
 * rMean([1, 2, 3, 4]); // => 2.5
 */
export function rMean(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 0) return Number.NaN;
  const m = neumaierSum(x) / n;
  if (!Number.isFinite(m)) return m;
  let sum = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i] - m;
    const t = sum + v;
    if (Math.abs(sum) >= Math.abs(v)) c += sum - t + v;
    else c += v - t + sum;
    sum = t;
  }
  return m + (sum + c) / n;
}

/**
 * `mean(x[from..to), na.rm = TRUE)` without copying: R's two-pass mean over the non-missing
 * values. `NaN` when nothing is left (R gives `NaN` too). This runs in `O(to − from)`.
 *
 * @example
 * rMeanNaRm([1, Number.NaN, 3]); // => 2
 */
export function rMeanNaRm(x: ArrayLike<number>, from = 0, to = x.length): number {
  let sum = 0;
  let c = 0;
  let n = 0;
  for (let i = from; i < to; i++) {
    const v = x[i];
    if (Number.isNaN(v)) continue;
    n++;
    const t = sum + v;
    if (Math.abs(sum) >= Math.abs(v)) c += sum - t + v;
    else c += v - t + sum;
    sum = t;
  }
  if (n === 0) return Number.NaN;
  const m = (sum + c) / n;
  if (!Number.isFinite(m)) return m;
  sum = 0;
  c = 0;
  for (let i = from; i < to; i++) {
    const x0 = x[i];
    if (Number.isNaN(x0)) continue;
    const v = x0 - m;
    const t = sum + v;
    if (Math.abs(sum) >= Math.abs(v)) c += sum - t + v;
    else c += v - t + sum;
    sum = t;
  }
  return m + (sum + c) / n;
}

/**
 * R's `var(x)` (sample variance, denominator n − 1): R's two-pass mean, then the compensated sum of
 * squared deviations. `NaN` for fewer than two values (R: `NA`). This runs in `O(n)`.
 *
 * @example
 * rVar([1, 2, 3, 4]); // => 1.6666666666666667
 */
export function rVar(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  const m = rMean(x);
  let sum = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    const v = d * d;
    const t = sum + v;
    if (Math.abs(sum) >= Math.abs(v)) c += sum - t + v;
    else c += v - t + sum;
    sum = t;
  }
  // Bessel's correction: divide by n - 1, as R's var() does.
  return (sum + c) / (n - 1);
}

/** R's `sd(x)` = `sqrt(var(x))`. `NaN` for fewer than two values. This runs in `O(n)`. */
export function rSd(x: ArrayLike<number>): number {
  return Math.sqrt(rVar(x));
}

/**
 * `sd(x[from..to), na.rm = TRUE)` without copying; `NaN` with fewer than two values.
 * This runs in `O(to − from)`.
 *
 * @example
 * rSdNaRm([1, Number.NaN, 3]); // => 1.4142135623730951
 */
export function rSdNaRm(x: ArrayLike<number>, from = 0, to = x.length): number {
  let n = 0;
  for (let i = from; i < to; i++) if (!Number.isNaN(x[i])) n++;
  if (n < 2) return Number.NaN;
  const m = rMeanNaRm(x, from, to);
  let sum = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const x0 = x[i];
    if (Number.isNaN(x0)) continue;
    const d = x0 - m;
    const v = d * d;
    const t = sum + v;
    if (Math.abs(sum) >= Math.abs(v)) c += sum - t + v;
    else c += v - t + sum;
    sum = t;
  }
  return Math.sqrt((sum + c) / (n - 1));
}

/** Ascending copy of the non-missing values. This runs in `O(n log n)`. */
export function sortedCopy(x: ArrayLike<number>): Float64Array {
  return dropNaN(x).sort();
}

/**
 * R's `median(x, na.rm = TRUE)`: the middle value, or the mean of the two middle values.
 * This runs in `O(n log n)`.
 *
 * @example
 * rMedian([3, 1, 4, 1]); // => 2
 */
export function rMedian(x: ArrayLike<number>): number {
  const s = sortedCopy(x);
  return medianOfSorted(s);
}

/** Median of an already sorted array without missing values. This runs in `O(1)`. */
export function medianOfSorted(s: ArrayLike<number>): number {
  const n = s.length;
  if (n === 0) return Number.NaN;
  const half = Math.floor((n + 1) / 2);
  if (n % 2 === 1) return s[half - 1];
  return rMean([s[half - 1], s[half]]);
}

/**
 * R's `quantile(x, probs, type = 7)` on an already sorted array without missing values:
 * index = 1 + (n − 1)·p, `(1 − h)·x[lo] + h·x[hi]` as in R's `quantile.default`.
 * This runs in `O(k)` for k probabilities.
 *
 * @example
 * quantile7Sorted([1, 2, 3, 4], [0.25, 0.5]); // => [1.75, 2.5]
 */
export function quantile7Sorted(s: ArrayLike<number>, probs: readonly number[]): number[] {
  const n = s.length;
  return probs.map((p) => {
    if (n === 0) return Number.NaN;
    const index = 1 + Math.max(n - 1, 0) * p;
    const lo = Math.floor(index);
    const hi = Math.ceil(index);
    const qs = s[lo - 1];
    const xhi = s[hi - 1];
    if (index > lo && xhi !== qs) {
      const h = index - lo;
      return (1 - h) * qs + h * xhi;
    }
    return qs;
  });
}

/** `quantile(x, probs, type = 7, na.rm = TRUE)`. This runs in `O(n log n)`. */
export function rQuantile7(x: ArrayLike<number>, probs: readonly number[]): number[] {
  return quantile7Sorted(sortedCopy(x), probs);
}

/**
 * R's `mad(x, constant = 1.4826)`: constant · median(|x − median(x)|). This runs in `O(n log n)`.
 *
 * @example
 * rMad([1, 2, 3, 4, 100]); // => 1.4826
 */
export function rMad(x: ArrayLike<number>, constant = 1.4826): number {
  const s = sortedCopy(x);
  const med = medianOfSorted(s);
  const dev = new Float64Array(s.length);
  for (let i = 0; i < s.length; i++) dev[i] = Math.abs(s[i] - med);
  dev.sort();
  return constant * medianOfSorted(dev);
}

/**
 * R's `round(x)`: to the nearest integer, halves to even (IEC 60559), so `rRound(2.5) === 2`.
 *
 * @example
 * rRound(2.5); // => 2
 * rRound(3.5); // => 4
 */
export function rRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * R (≥ 4.0) `round(x, digits)`: of the two decimal candidates around x, the one nearer to x;
 * on an exact tie the one with an even last digit.
 *
 * @example
 * rRoundDigits(12.66, 1); // => 12.7
 */
export function rRoundDigits(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  if (digits === 0) return rRound(x);
  const p = 10 ** digits;
  const lo = Math.floor(x * p);
  const hi = lo + 1;
  const xlo = lo / p;
  const xhi = hi / p;
  const dlo = x - xlo;
  const dhi = xhi - x;
  if (dlo < dhi) return xlo;
  if (dhi < dlo) return xhi;
  return lo % 2 === 0 ? xlo : xhi;
}
