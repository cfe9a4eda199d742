import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "../errors.ts";
import { spearman } from "./spearman.ts";
import { studentTTwoSidedPValue } from "./student-t-p-value.ts";
import tCdf from "@stdlib/stats-base-dists-t-cdf";

// Tolerances of /work/shared/data/reference/README.md: rho 1e-12 absolute; p 1e-8 relative, and
// an expected 0 accepts anything up to 1e-15.
function expectP(actual: number, expected: number): void {
  // The error as a multiple of what is allowed: at most 1 passes.
  const error = expected === 0 ? Math.abs(actual) / 1e-15 : Math.abs(actual - expected) / (1e-8 * Math.abs(expected));
  expect(error, `${actual} vs ${expected}`).toBeLessThanOrEqual(1);
}

// "scipy 1.10" below: scipy 1.10.0 + numpy 1.24.4 run locally (spearmanr is the same in 1.10.1),
//   >>> stats.spearmanr(x, y)
describe("spearman", () => {
  it("n = 3: rho = 1/2 has p = 2/3 exactly", () => {
    // Hand check: ranks equal the values, rho = 1 - 6·Σd²/(n(n²-1)) = 1 - 6·2/24 = 1/2;
    // t = 0.5·√(1/(1.5·0.5)) = 1/√3 with 1 dof (Cauchy): p = 1 - (2/π)·atan(1/√3) = 2/3.
    // scipy 1.10: (0.5, 0.6666666666666667).
    const res = spearman(Object.freeze([1, 2, 3]), Object.freeze([1, 3, 2]));
    expect(res.rho).toBe(0.5);
    expectP(res.p, 2 / 3);
    expect(res).toMatchObject({ n: 3, dropped: 0, warning: null });
  });

  it("averages tied ranks like scipy", () => {
    // scipy 1.10: spearmanr([1, 2, 2, 3, 4], [2, 1, 3, 3, 5]) = (0.7631578947368421, 0.1333391195318063).
    const res = spearman(Object.freeze([1, 2, 2, 3, 4]), Object.freeze([2, 1, 3, 3, 5]));
    expect(Math.abs(res.rho - 0.7631578947368421)).toBeLessThanOrEqual(1e-12);
    expectP(res.p, 0.1333391195318063);
  });

  it("matches scipy 1.10 on a negative correlation (n = 6)", () => {
    // scipy 1.10: (-0.8857142857142858, 0.01884548104956266).
    const res = spearman(Object.freeze([5, 4, 3, 2, 1, 0]), Object.freeze([0.1, 0.4, 0.3, 0.9, 1.5, 1.2]));
    expect(Math.abs(res.rho - -0.8857142857142858)).toBeLessThanOrEqual(1e-12);
    expectP(res.p, 0.01884548104956266);
  });

  it("a monotone relation gives rho = ±1 and p = 0 (t = ±∞)", () => {
    // scipy 1.10: spearmanr([1, 2, 3, 4], [2, 4, 6, 8]) = (1.0, 0.0); reference edge_linear: (-1.0, 0.0).
    expect(spearman(Object.freeze([1, 2, 3, 4]), Object.freeze([2, 4, 6, 8]))).toEqual({ rho: 1, p: 0, n: 4, dropped: 0, warning: null });
    expect(spearman(Object.freeze([1, 2, 3, 4]), Object.freeze([1, 8, 27, 64])).p).toBe(0); // non-linear but monotone
    expect(spearman(Object.freeze([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]), Object.freeze([3, 1, -1, -3, -5, -7]))).toMatchObject({ rho: -1, p: 0 });
  });

  it("n = 2 gives rho = ±1 and p = NaN (0 degrees of freedom), like scipy", () => {
    // scipy 1.10: spearmanr([1, 2], [3, 1]) = (-0.9999999999999999, nan).
    const res = spearman(Object.freeze([1, 2]), Object.freeze([3, 1]));
    expect(Math.abs(res.rho + 1)).toBeLessThanOrEqual(1e-12);
    expect(res.p).toBeNaN();
  });

  it("constant input gives NaN with a warning (scipy: ConstantInputWarning, nan, nan)", () => {
    const res = spearman(Object.freeze([1, 2, 3]), Object.freeze([1, 1, 1]));
    expect(res.rho).toBeNaN();
    expect(res.p).toBeNaN();
    expect(res.warning).toBe("constant-input");
  });

  it("drops gaps pairwise and reports n", () => {
    // Complete pairs (1, 1), (2, 3), (4, 4): ranks agree, so rho = 1 and p = 0 (scipy 1.10 on those).
    const res = spearman(Object.freeze([1, Number.NaN, 2, 3, 4, null]), Object.freeze([1, 5, 3, Number.NaN, 4, 2]));
    expect(res).toEqual({ rho: 1, p: 0, n: 3, dropped: 3, warning: null });
  });

  it("throws AnalyticsInputError for empty input and a single pair (scipy returns nan)", () => {
    expect(() => spearman([], [])).toThrow(AnalyticsInputError);
    expect(() => spearman([], [])).toThrow(/^spearman: needs at least 2 complete \(x, y\) pairs, got 0$/);
    expect(() => spearman([1], [1])).toThrow(/got 1/);
    expect(() => spearman([1, 2], [1])).toThrow(/spearman: x and y must have the same length/);
  });
});

describe("studentTTwoSidedPValue", () => {
  it("matches scipy's 2*t.sf(|t|, dof)", () => {
    // scipy 1.10: 2*stats.t.sf(3.2, 7) = 0.015065811342489297; 2*stats.t.sf(0.1, 3) = 0.9266523488008058;
    // 2*stats.t.sf(40, 50) = 1.2412423784372831e-39 (the deep tail 1 - cdf cannot reach).
    expectP(studentTTwoSidedPValue(3.2, 7), 0.015065811342489297);
    expectP(studentTTwoSidedPValue(-3.2, 7), 0.015065811342489297);
    expectP(studentTTwoSidedPValue(0.1, 3), 0.9266523488008058);
    expectP(studentTTwoSidedPValue(40, 50), 1.2412423784372831e-39);
    expect(studentTTwoSidedPValue(0, 5)).toBe(1);
    expect(studentTTwoSidedPValue(Number.POSITIVE_INFINITY, 5)).toBe(0);
    expect(studentTTwoSidedPValue(1, 0)).toBeNaN();
    expect(studentTTwoSidedPValue(Number.NaN, 5)).toBeNaN();
  });

  it("agrees with stdlib's t CDF where 2·cdf(-|t|) is accurate", () => {
    // Independent implementation: @stdlib/stats-base-dists-t-cdf.
    for (const [t, dof] of [[0.3, 4], [1.7, 12], [2.5, 88], [-4, 30]] as const) {
      expectP(studentTTwoSidedPValue(t, dof), 2 * tCdf(-Math.abs(t), dof));
    }
  });
});
