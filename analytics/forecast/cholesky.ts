/**
 * @module analytics/forecast/cholesky
 * Cholesky factorisation and solve of a small symmetric positive-definite system, the closed-form
 * step of ridge regression.
 *
 * Solving the normal equations squares the condition number, which is why general least squares
 * prefers QR (see `analytics/causal/least-squares.ts`). Here it is safe: the design is standardized
 * (unit-variance columns), has a few dozen columns, and `λ > 0` is added to the diagonal, so the
 * smallest eigenvalue is at least `λ` and the condition number at most `(trace + λ) / λ`.
 * (Golub & Van Loan, Matrix Computations, 4th ed., §4.2 and §6.1.4.)
 */

/**
 * Solves `A x = b` for symmetric positive-definite `A` (row-major `p × p`) by Cholesky `A = L Lᵀ`.
 * `A` and `b` are not modified. This runs in `O(p³ / 3)`.
 *
 * @throws {RangeError} choleskySolve: matrix is not positive definite (pivot ≤ 0 at column j)
 * @example
 * // [[4, 2], [2, 3]] x = [2, 1]  →  x = [0.5, 0]
 * choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), 2); // => Float64Array [0.5, 0]
 */
export function choleskySolve(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j];
    for (let k = 0; k < j; k++) d -= l[j * p + k] * l[j * p + k];
    if (!(d > 0)) throw new RangeError(`choleskySolve: matrix is not positive definite (pivot ${d} at column ${j})`);
    const ljj = Math.sqrt(d);
    l[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) s -= l[i * p + k] * l[j * p + k];
      l[i * p + j] = s / ljj;
    }
  }
  // forward: L z = b, then backward: Lᵀ x = z
  const x = Float64Array.from(b);
  for (let i = 0; i < p; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * x[k];
    x[i] = s / l[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < p; k++) s -= l[k * p + i] * x[k];
    x[i] = s / l[i * p + i];
  }
  return x;
}
