/**
 * @module analytics/forecast/ridge
 * Ridge regression (Hoerl & Kennard 1970, Technometrics 12(1):55–67, doi:10.1080/00401706.1970.10488634)
 * in closed form on a standardized design, with an unpenalized intercept:
 *
 *     β = (ZᵀZ + λ I)⁻¹ Zᵀ (y − ȳ),   intercept = ȳ,   Z = (X − mean) / scale
 *
 * The design is accumulated into its Gram matrix ({@link RidgeGram}) so that many penalties (and
 * several targets sharing one design) cost one `O(n p²)` pass plus `O(p³)` per solve. Gram matrices
 * of consecutive chunks add up ({@link addRidgeGram}), which is the mergeable partial result for
 * chunked queue processing.
 */
import { choleskySolve } from "./cholesky.ts";

/**
 * Sufficient statistics of a standardized design and its targets. Rows whose target is missing
 * (`NaN`: a forecast horizon falling in a gap) are rare, so the Gram matrix is kept once over all
 * rows and, per target, only the rows it lacks are kept to be subtracted.
 */
export interface RidgeGram {
  /** Number of features `p`. */
  readonly p: number;
  /** Number of targets `q` (one per horizon). */
  readonly q: number;
  /** Upper triangle (row-major `p × p`) of `Σ z zᵀ` over all rows. */
  readonly zz: Float64Array;
  /** `Σ z` over all rows, and the row count. */
  readonly zSum: Float64Array;
  n: number;
  /** Row-major `p × q`: `Σ z y_t` over the rows where target `t` is finite. */
  readonly zy: Float64Array;
  /** `Σ y_t` over the rows where target `t` is finite. */
  readonly ySum: Float64Array;
  /** Per target: count, `Σ z` (`q × p`) and upper-triangle `Σ z zᵀ` (`q × p × p`) of rows where it is missing. */
  readonly missN: Float64Array;
  readonly missZSum: Float64Array;
  readonly missZz: Float64Array;
}

/**
 * An empty Gram accumulator for `p` features and `q` targets. `O(q p²)` memory.
 *
 * @example
 * createRidgeGram(3, 2).p; // => 3
 */
export function createRidgeGram(p: number, q: number): RidgeGram {
  return {
    p,
    q,
    zz: new Float64Array(p * p),
    zSum: new Float64Array(p),
    n: 0,
    zy: new Float64Array(p * q),
    ySum: new Float64Array(q),
    missN: new Float64Array(q),
    missZSum: new Float64Array(q * p),
    missZz: new Float64Array(q * p * p),
  };
}

/**
 * Adds one standardized row `z` (length `p`, read from `offset`) with targets `y` (length `q`, read
 * from `yOffset`; `NaN` = missing) to the Gram. This runs in `O(p² + q p)` (plus `O(p²)` per
 * missing target).
 *
 * @example
 * const g = createRidgeGram(1, 1);
 * addRidgeRow(g, Float64Array.of(2), Float64Array.of(3)); // g.zy[0] === 6
 */
export function addRidgeRow(g: RidgeGram, z: Float64Array, y: Float64Array, offset = 0, yOffset = 0): void {
  const { p, q, zz, zy } = g;
  for (let i = 0; i < p; i++) {
    const zi = z[offset + i];
    g.zSum[i] += zi;
    for (let j = i; j < p; j++) zz[i * p + j] += zi * z[offset + j];
  }
  g.n += 1;
  for (let t = 0; t < q; t++) {
    const yt = y[yOffset + t];
    if (Number.isFinite(yt)) {
      g.ySum[t] += yt;
      for (let i = 0; i < p; i++) zy[i * q + t] += z[offset + i] * yt;
    } else {
      g.missN[t] += 1;
      const base = t * p * p;
      for (let i = 0; i < p; i++) {
        const zi = z[offset + i];
        g.missZSum[t * p + i] += zi;
        for (let j = i; j < p; j++) g.missZz[base + i * p + j] += zi * z[offset + j];
      }
    }
  }
}

/**
 * Adds Gram `b` into `a` (chunks of one design merge by summation). `O(q p²)`.
 *
 * @example
 * const a = createRidgeGram(1, 1), b = createRidgeGram(1, 1);
 * addRidgeRow(b, Float64Array.of(1), Float64Array.of(1)); addRidgeGram(a, b); // a.n === 1
 */
export function addRidgeGram(a: RidgeGram, b: RidgeGram): void {
  if (a.p !== b.p || a.q !== b.q) throw new RangeError("addRidgeGram: Gram matrices must have the same shape");
  for (const k of ["zz", "zSum", "zy", "ySum", "missN", "missZSum", "missZz"] as const) {
    const x = a[k];
    const y = b[k];
    for (let i = 0; i < x.length; i++) x[i] += y[i];
  }
  a.n += b.n;
}

/**
 * Number of rows with target `t` present. `O(1)`.
 *
 * @example
 * const g = createRidgeGram(1, 1);
 * addRidgeRow(g, Float64Array.of(1), Float64Array.of(Number.NaN)); ridgeRows(g, 0); // => 0
 */
export function ridgeRows(g: RidgeGram, t: number): number {
  return g.n - g.missN[t];
}

/** Coefficients of one ridge fit on the standardized scale. */
export interface RidgeFit {
  readonly intercept: number;
  readonly coef: Float64Array;
}

/**
 * Solves the ridge problem for target `t` with penalty `lambda` (> 0, on the standardized scale),
 * centring inside the rows where the target is present so the intercept is not penalized.
 * This runs in `O(p³)`.
 *
 * Hand-solvable case: one feature, rows z = (−1, 1), y = (0, 2): ȳ = 1, Σz = 0, Σz² = 2,
 * Σz(y − ȳ) = 2, so β = 2 / (2 + λ); with λ = 2, β = 0.5 and the intercept is 1.
 *
 * @throws {RangeError} ridgeSolve: no rows for target t
 * @example
 * const g = createRidgeGram(1, 1);
 * addRidgeRow(g, Float64Array.of(-1), Float64Array.of(0));
 * addRidgeRow(g, Float64Array.of(1), Float64Array.of(2));
 * ridgeSolve(g, 0, 2); // => { intercept: 1, coef: Float64Array [0.5] }
 */
export function ridgeSolve(g: RidgeGram, t: number, lambda: number): RidgeFit {
  const { p, q } = g;
  const n = ridgeRows(g, t);
  if (!(n > 0)) throw new RangeError(`ridgeSolve: no rows for target ${t}`);
  const yMean = g.ySum[t] / n;
  const mean = new Float64Array(p);
  for (let i = 0; i < p; i++) mean[i] = (g.zSum[i] - g.missZSum[t * p + i]) / n;
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  const base = t * p * p;
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      const v = g.zz[i * p + j] - g.missZz[base + i * p + j] - n * mean[i] * mean[j];
      a[i * p + j] = v;
      a[j * p + i] = v;
    }
    a[i * p + i] += lambda;
    b[i] = g.zy[i * q + t] - n * mean[i] * yMean;
  }
  const coef = choleskySolve(a, b, p);
  let intercept = yMean;
  for (let i = 0; i < p; i++) intercept -= coef[i] * mean[i];
  return { intercept, coef };
}
