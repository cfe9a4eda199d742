/**
 * @module analytics/causal/least-squares
 * Ordinary least-squares residuals by Householder QR, the regression step of ParCorr
 * (Runge et al. 2019, Science Advances 5, eaau4996, doi:10.1126/sciadv.aau4996, Methods).
 *
 * tigramite regresses with `numpy.linalg.lstsq` (SVD, LAPACK gelsd). Householder QR is
 * backward stable like the SVD and gives the same residuals to rounding (~1e-15), unlike the
 * normal equations (Cholesky of Z'Z), whose error grows with the squared condition number.
 * Only residuals are needed, so no triangular solve is done: the residual is
 * `Q (0, Q2' y)`, obtained by applying the reflectors forwards, zeroing the first `rank`
 * entries and applying them backwards. A column whose remaining norm falls below
 * `eps * max(n, k) * max column norm` (numpy's default `rcond`) is treated as linearly
 * dependent and skipped, which is what lstsq's minimum-norm solution does for an exactly
 * collinear column.
 *
 * Buffers are allocated once per workspace and reused: no allocation per regression.
 */

const EPS = 2.220446049250313e-16;

/** Reusable Householder QR workspace for regressions on `rows` samples with up to `capacity` regressors. */
export interface HouseholderQr {
  readonly rows: number;
  readonly capacity: number;
  /** Working copy of the regressors, column-major, `rows * capacity`. */
  readonly work: Float64Array;
  /** Householder vectors: reflector q occupies entries `q..rows-1` of column q (column-major). */
  readonly vectors: Float64Array;
  /** `2 / (v'v)` per reflector. */
  readonly betas: Float64Array;
  /** Number of reflectors of the current factorisation (numerical rank of the regressors). */
  rank: number;
}

/**
 * Allocates a workspace for `householderFactor` / `householderResidual`.
 * This runs in `O(rows * capacity)` time and memory.
 *
 * @param rows - number of samples n (>= 1)
 * @param capacity - largest number of regressors that will be factorised
 * @throws {RangeError} createHouseholderQr requires rows >= 1 and capacity >= 0 (programming error)
 * @example
 * const qr = createHouseholderQr(90, 8); // qr.rank === 0
 */
export function createHouseholderQr(rows: number, capacity: number): HouseholderQr {
  if (!(rows >= 1) || !(capacity >= 0)) throw new RangeError("createHouseholderQr requires rows >= 1 and capacity >= 0");
  const cap = Math.max(1, capacity);
  return {
    rows,
    capacity: cap,
    work: new Float64Array(rows * cap),
    vectors: new Float64Array(rows * cap),
    betas: new Float64Array(cap),
    rank: 0,
  };
}

/**
 * Grows a workspace when more regressors are needed (returns the same one if it is big enough,
 * otherwise a new one with at least twice the capacity, so growth is amortised).
 * This runs in `O(1)`, or `O(rows * capacity)` when it allocates.
 *
 * @throws never
 * @example
 * let qr = createHouseholderQr(84, 4);
 * qr = ensureHouseholderCapacity(qr, 6); // qr.capacity === 8
 */
export function ensureHouseholderCapacity(qr: HouseholderQr, capacity: number): HouseholderQr {
  return capacity <= qr.capacity ? qr : createHouseholderQr(qr.rows, Math.max(capacity, 2 * qr.capacity));
}

/**
 * Householder QR factorisation of the `k` regressors `source[starts[c] .. starts[c] + rows)`,
 * c = 0..k-1 (columns are copied, `source` is not modified). Afterwards `householderResidual`
 * projects any vector onto the orthogonal complement of their span.
 * This runs in `O(rows * k^2)`.
 *
 * @param qr - workspace with `capacity >= k`
 * @param source - storage holding the regressor columns
 * @param starts - start offset of each regressor column in `source`
 * @param k - number of regressors (0 is allowed: the residual is then the vector itself)
 * @returns the numerical rank (number of reflectors)
 * @throws {RangeError} householderFactor: k exceeds the workspace capacity (programming error)
 * @example
 * const qr = createHouseholderQr(3, 1);
 * householderFactor(qr, Float64Array.of(1, 1, 1), [0], 1); // 1
 */
export function householderFactor(qr: HouseholderQr, source: ArrayLike<number>, starts: ArrayLike<number>, k: number): number {
  const n = qr.rows;
  if (k > qr.capacity) throw new RangeError(`householderFactor: ${k} regressors exceed the workspace capacity ${qr.capacity}`);
  const { work, vectors, betas } = qr;
  let maxNorm = 0;
  for (let c = 0; c < k; c++) {
    const s = starts[c]!;
    const o = c * n;
    let ss = 0;
    for (let r = 0; r < n; r++) {
      const v = source[s + r]!;
      work[o + r] = v;
      ss += v * v;
    }
    const nrm = Math.sqrt(ss);
    if (nrm > maxNorm) maxNorm = nrm;
  }
  const tol = EPS * Math.max(n, k) * maxNorm;
  let rank = 0;
  for (let c = 0; c < k && rank < n; c++) {
    const o = c * n;
    let ss = 0;
    for (let r = rank; r < n; r++) ss += work[o + r]! * work[o + r]!;
    const nrm = Math.sqrt(ss);
    if (!(nrm > tol)) continue; // linearly dependent on the previous regressors
    const head = work[o + rank]!;
    const alpha = head >= 0 ? -nrm : nrm;
    const vo = rank * n;
    const v0 = head - alpha;
    vectors[vo + rank] = v0;
    for (let r = rank + 1; r < n; r++) vectors[vo + r] = work[o + r]!;
    // v'v = ss - head^2 + (head - alpha)^2 = 2 * nrm * (nrm + |head|)
    const beta = 1 / (nrm * (nrm + Math.abs(head)));
    betas[rank] = beta;
    for (let d = c + 1; d < k; d++) {
      const od = d * n;
      let dot = 0;
      for (let r = rank; r < n; r++) dot += vectors[vo + r]! * work[od + r]!;
      const f = beta * dot;
      if (f !== 0) for (let r = rank; r < n; r++) work[od + r] = work[od + r]! - f * vectors[vo + r]!;
    }
    rank++;
  }
  qr.rank = rank;
  return rank;
}

/**
 * Least-squares residual `y - Z beta_hat` of `source[start .. start + rows)` on the regressors of
 * the last `householderFactor` call, written to `out` (length >= rows).
 * This runs in `O(rows * rank)`.
 *
 * @param qr - a factorised workspace
 * @param source - storage holding y
 * @param start - offset of y in `source`
 * @param out - receives the residual
 * @returns `out`
 * @throws never
 * @example
 * const qr = createHouseholderQr(3, 1);
 * householderFactor(qr, Float64Array.of(1, 1, 1), [0], 1);
 * householderResidual(qr, Float64Array.of(1, 2, 6), 0, new Float64Array(3)); // ≈ [-2, -1, 3]
 */
export function householderResidual(qr: HouseholderQr, source: ArrayLike<number>, start: number, out: Float64Array): Float64Array {
  const n = qr.rows;
  const { vectors, betas, rank } = qr;
  for (let r = 0; r < n; r++) out[r] = source[start + r]!;
  for (let q = 0; q < rank; q++) applyReflector(vectors, q * n, q, n, betas[q]!, out);
  for (let r = 0; r < rank; r++) out[r] = 0;
  for (let q = rank - 1; q >= 0; q--) applyReflector(vectors, q * n, q, n, betas[q]!, out);
  return out;
}

function applyReflector(vectors: Float64Array, vo: number, from: number, n: number, beta: number, x: Float64Array): void {
  let dot = 0;
  for (let r = from; r < n; r++) dot += vectors[vo + r]! * x[r]!;
  const f = beta * dot;
  if (f === 0) return;
  for (let r = from; r < n; r++) x[r] = x[r]! - f * vectors[vo + r]!;
}
