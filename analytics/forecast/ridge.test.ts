/**
 * Ridge regression and its Cholesky solve against small hand-solvable cases.
 */
import { describe, expect, it } from "vitest";
import { addRidgeGram, addRidgeRow, choleskySolve, createRidgeGram, quantile7, ridgeRows, ridgeSolve } from "./index.ts";

describe("choleskySolve", () => {
  it("solves [[4, 2], [2, 3]] x = [2, 1] → x = [0.5, 0]", () => {
    expect(Array.from(choleskySolve(Float64Array.of(4, 2, 2, 3), Float64Array.of(2, 1), 2))).toEqual([0.5, 0]);
  });

  it("solves a 3×3 system (checked by substitution)", () => {
    // A = [[25, 15, −5], [15, 18, 0], [−5, 0, 11]], x = [1, 2, 3] → b = A x = [40, 51, 28]
    const x = choleskySolve(Float64Array.of(25, 15, -5, 15, 18, 0, -5, 0, 11), Float64Array.of(40, 51, 28), 3);
    [1, 2, 3].forEach((v, i) => expect(x[i]).toBeCloseTo(v, 12));
  });

  it("rejects a matrix that is not positive definite", () => {
    expect(() => choleskySolve(Float64Array.of(1, 2, 2, 1), Float64Array.of(1, 1), 2)).toThrow(/not positive definite/);
  });
});

describe("ridgeSolve", () => {
  it("one feature: β = Σz(y − ȳ) / (Σ(z − z̄)² + λ), intercept unpenalized", () => {
    // z = (−1, 1), y = (0, 2): ȳ = 1, Σz(y − ȳ) = 2, Σz² = 2 → β = 2 / (2 + λ); λ = 2 → 0.5, intercept 1
    const g = createRidgeGram(1, 1);
    addRidgeRow(g, Float64Array.of(-1), Float64Array.of(0));
    addRidgeRow(g, Float64Array.of(1), Float64Array.of(2));
    const fit = ridgeSolve(g, 0, 2);
    expect(fit.intercept).toBeCloseTo(1, 14);
    expect(fit.coef[0]).toBeCloseTo(0.5, 14);
    expect(ridgeSolve(g, 0, 1e-12).coef[0]).toBeCloseTo(1, 9); // least squares: the exact line y = 1 + z
  });

  it("two orthogonal features shrink independently, β_j = s_j / (n + λ)", () => {
    // z rows (1,1), (1,−1), (−1,1), (−1,−1); y = 3 + 2 z1 − z2 exactly → Σz_j² = 4
    const g = createRidgeGram(2, 1);
    for (const [a, b] of [[1, 1], [1, -1], [-1, 1], [-1, -1]]) addRidgeRow(g, Float64Array.of(a, b), Float64Array.of(3 + 2 * a - b));
    const fit = ridgeSolve(g, 0, 4);
    expect(fit.intercept).toBeCloseTo(3, 14);
    expect(fit.coef[0]).toBeCloseTo((2 * 4) / (4 + 4), 14); // 1
    expect(fit.coef[1]).toBeCloseTo((-1 * 4) / (4 + 4), 14); // −0.5
  });

  it("skips rows where a target is missing, per target", () => {
    const g = createRidgeGram(1, 2);
    addRidgeRow(g, Float64Array.of(-1), Float64Array.of(0, Number.NaN));
    addRidgeRow(g, Float64Array.of(1), Float64Array.of(2, 5));
    addRidgeRow(g, Float64Array.of(3), Float64Array.of(Number.NaN, 9));
    expect(ridgeRows(g, 0)).toBe(2);
    expect(ridgeRows(g, 1)).toBe(2);
    // target 1 rows z = (1, 3), y = (5, 9): z̄ = 2, slope = Σ(z − z̄)(y − ȳ) / (Σ(z − z̄)² + λ) = 4 / (2 + λ)
    expect(ridgeSolve(g, 1, 2).coef[0]).toBeCloseTo(1, 14);
    expect(ridgeSolve(g, 1, 2).intercept).toBeCloseTo(7 - 2, 14);
  });

  it("merges Gram matrices of chunks into the same fit", () => {
    const rows = [[-1, 0], [1, 2], [2, 2.5], [0, 1.2]];
    const whole = createRidgeGram(1, 1);
    const a = createRidgeGram(1, 1);
    const b = createRidgeGram(1, 1);
    rows.forEach(([z, y], i) => {
      addRidgeRow(whole, Float64Array.of(z), Float64Array.of(y));
      addRidgeRow(i < 2 ? a : b, Float64Array.of(z), Float64Array.of(y));
    });
    addRidgeGram(a, b);
    expect(ridgeSolve(a, 0, 0.5).coef[0]).toBeCloseTo(ridgeSolve(whole, 0, 0.5).coef[0], 14);
  });
});

describe("quantile7", () => {
  it("interpolates order statistics at (n − 1) p (Hyndman & Fan type 7)", () => {
    // n = 5: p = 0.1 → position 0.4 → 1 + 0.4·(2 − 1) = 1.4; p = 0.9 → position 3.6 → 4 + 0.6·(5 − 4) = 4.6
    expect(quantile7([5, 1, 4, 2, 3], 0.1)).toBeCloseTo(1.4, 14);
    expect(quantile7([5, 1, 4, 2, 3], 0.9)).toBeCloseTo(4.6, 14);
    expect(quantile7([], 0.5)).toBeNaN();
  });
});
