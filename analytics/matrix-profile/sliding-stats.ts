/**
 * Per-window statistics of a series: finiteness, constancy, mean and population standard deviation,
 * with the conventions of STUMPY 1.12 (`core.rolling_isfinite`, `core.rolling_isconstant`,
 * `core.compute_mean_std`): a window is finite when all its values are finite, constant when its
 * peak-to-peak range is exactly 0, and its standard deviation uses `ddof = 0`.
 *
 * Means and deviations are computed window by window with the two-pass formula (no running sums),
 * so they carry no drift from earlier windows: the z-normalised distances downstream depend on
 * `1 / σ` and an error there is not recoverable.
 *
 * References: Yeh et al. 2016, Matrix Profile I (DOI 10.1109/ICDM.2016.0179), Table II;
 * Rakthanmanon et al. 2012, Searching and Mining Trillions of Time Series Subsequences under DTW
 * (DOI 10.1145/2339530.2339576), §4.
 *
 * @module analytics/matrix-profile/sliding-stats
 */

/**
 * `out[i] = 1` when `T[i .. i + w)` holds only finite values, else `0`. This runs in `O(n)`.
 *
 * @example
 * rollingIsFinite(Float64Array.of(1, NaN, 3, 4), 2); // Uint8Array [0, 0, 1]
 */
export function rollingIsFinite(T: Float64Array, w: number): Uint8Array {
  const l = T.length - w + 1;
  const out = new Uint8Array(Math.max(0, l));
  // lastBad = most recent non-finite position seen so far
  let lastBad = -1;
  for (let t = 0; t < T.length; t++) {
    if (!Number.isFinite(T[t])) lastBad = t;
    const start = t - w + 1;
    if (start >= 0) out[start] = lastBad < start ? 1 : 0;
  }
  return out;
}

/**
 * `out[i] = 1` when `T[i .. i + w)` is constant (max equals min), else `0`. Non-finite values must have
 * been replaced beforehand (STUMPY replaces them by 0 and then masks the windows with `rollingIsFinite`).
 * This runs in `O(n)` (length of the run of equal values starting at each position).
 *
 * @example
 * rollingIsConstant(Float64Array.of(2, 2, 2, 5), 3); // Uint8Array [1, 0]
 */
export function rollingIsConstant(T: Float64Array, w: number): Uint8Array {
  const n = T.length;
  const l = n - w + 1;
  const out = new Uint8Array(Math.max(0, l));
  let run = 0; // number of equal values starting at t
  for (let t = n - 1; t >= 0; t--) {
    run = t + 1 < n && T[t] === T[t + 1] ? run + 1 : 1;
    if (t < l) out[t] = run >= w ? 1 : 0;
  }
  return out;
}

/**
 * Mean of every window of length `w`. Each window is summed on its own (no running sum), so the
 * result does not drift along the series. This runs in `O(n·w)`.
 *
 * @example
 * slidingMean(Float64Array.of(1, 2, 3, 4), 2); // Float64Array [1.5, 2.5, 3.5]
 */
export function slidingMean(T: Float64Array, w: number): Float64Array {
  const l = T.length - w + 1;
  const out = new Float64Array(Math.max(0, l));
  for (let i = 0; i < l; i++) {
    let s = 0;
    for (let k = 0; k < w; k++) s += T[i + k];
    out[i] = s / w;
  }
  return out;
}

/**
 * Population standard deviation (`ddof = 0`) of every window of length `w`, given the window means,
 * with the two-pass formula `sqrt(Σ (x − μ)² / w)`. This runs in `O(n·w)`.
 *
 * @example
 * const T = Float64Array.of(1, 3, 5);
 * slidingStd(T, 2, slidingMean(T, 2)); // Float64Array [1, 1]
 */
export function slidingStd(T: Float64Array, w: number, mean: Float64Array): Float64Array {
  const l = mean.length;
  const out = new Float64Array(l);
  for (let i = 0; i < l; i++) {
    const mu = mean[i];
    let s = 0;
    for (let k = 0; k < w; k++) {
      const d = T[i + k] - mu;
      s += d * d;
    }
    out[i] = Math.sqrt(s / w);
  }
  return out;
}
