import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "../errors.ts";
import { pearson } from "./pearson.ts";
import { pearsonPValue } from "./pearson-p-value.ts";

// Tolerances of /work/shared/data/reference/README.md: r 1e-12 absolute; p 1e-8 relative, and an
// expected 0 accepts anything up to 1e-15.
function expectP(actual: number, expected: number): void {
  // The error as a multiple of what is allowed: at most 1 passes.
  const error = expected === 0 ? Math.abs(actual) / 1e-15 : Math.abs(actual - expected) / (1e-8 * Math.abs(expected));
  expect(error, `${actual} vs ${expected}`).toBeLessThanOrEqual(1);
}

// "scipy 1.10" below: scipy 1.10.0 + numpy 1.24.4 run locally, e.g.
//   >>> stats.pearsonr([1, 2, 4, 5, 7], [2, 1, 7.5, 3, 9])
// with the p-value recomputed by scipy 1.10.1's formula (the one the reference cases use):
//   >>> 2 * stats.beta(n/2 - 1, n/2 - 1, loc=-1, scale=2).sf(abs(r))
describe("pearson", () => {
  it("n = 3: r = 1/2 has p = 2/3 exactly", () => {
    // Hand check: for n = 3, r ~ Beta(1/2, 1/2) on [-1, 1] (arcsine law), so
    // p = 2·(1 - (2/π)·asin(√((1 + r)/2))) = 2·(1 - (2/π)(π/3)) = 2/3 for r = 1/2.
    // scipy 1.10: r = 0.4999999999999999, p = 0.6666666666666667.
    const x = Object.freeze([1, 2, 3]);
    const y = Object.freeze([1, 3, 2]);
    const res = pearson(x, y);
    expect(res.r).toBeCloseTo(0.5, 12);
    expectP(res.p, 2 / 3);
    expect(res).toMatchObject({ n: 3, dropped: 0, warning: null });
  });

  it("n = 4: r is uniform on [-1, 1] under H0, so p = 1 - |r|", () => {
    // Hand check: Σxy = 4, Σx² = Σy² = 5 after centring, r = 0.8; Beta(1, 1) gives p = 0.2.
    // scipy 1.10: r = 0.8, p = 0.19999999999999996.
    const res = pearson(Object.freeze([1, 2, 3, 4]), Object.freeze([1, 3, 2, 4]));
    expect(Math.abs(res.r - 0.8)).toBeLessThanOrEqual(1e-12);
    expectP(res.p, 0.2);
  });

  it("matches scipy 1.10 on a negative correlation (n = 6)", () => {
    // scipy 1.10: r = -0.9073201274437794, p = 0.012486298559170937.
    const res = pearson(Object.freeze([5, 4, 3, 2, 1, 0]), Object.freeze([0.1, 0.4, 0.3, 0.9, 1.5, 1.2]));
    expect(Math.abs(res.r - -0.9073201274437794)).toBeLessThanOrEqual(1e-12);
    expectP(res.p, 0.012486298559170937);
  });

  it("perfect correlation gives |r| = 1 and p = 0", () => {
    // scipy 1.10: pearsonr([1, 2, 3, 4], [2, 4, 6, 8]) = (1.0, 0.0).
    const up = pearson(Object.freeze([1, 2, 3, 4]), Object.freeze([2, 4, 6, 8]));
    expect(up.r).toBe(1);
    expect(up.p).toBe(0);
    // The reference case edge_linear (n = 6, slope -2): r = -0.9999999999999999, p = 0.
    const down = pearson(Object.freeze([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]), Object.freeze([3, 1, -1, -3, -5, -7]));
    expect(Math.abs(down.r + 1)).toBeLessThanOrEqual(1e-12);
    expectP(down.p, 0);
  });

  it("keeps scipy's rounding where r falls one ulp short of 1 (n = 3)", () => {
    // scipy 1.10: pearsonr([1, 2, 3], [2, 4, 6]) = (0.9999999999999998, 1.3415758552508151e-08):
    // the normalised vectors are ±1/√2 rounded, so r is not exactly 1 and, with only one degree
    // of freedom, p is not 0. We reproduce scipy's order of operations and so its result.
    const res = pearson(Object.freeze([1, 2, 3]), Object.freeze([2, 4, 6]));
    expect(res.r).toBe(0.9999999999999998);
    expectP(res.p, 1.3415758552508151e-8);
  });

  it("n = 2 gives r = ±1 and p = 1, like scipy", () => {
    // scipy 1.10: pearsonr([1, 2], [3, 1]) = (-1.0, 1.0).
    expect(pearson(Object.freeze([1, 2]), Object.freeze([3, 1]))).toEqual({ r: -1, p: 1, n: 2, dropped: 0, warning: null });
    expect(pearson(Object.freeze([5, 7]), Object.freeze([1, 9]))).toMatchObject({ r: 1, p: 1 });
  });

  it("constant input gives NaN with a warning (scipy: ConstantInputWarning, nan, nan)", () => {
    const res = pearson(Object.freeze([1, 1, 1]), Object.freeze([3, 1, 2]));
    expect(res.r).toBeNaN();
    expect(res.p).toBeNaN();
    expect(res.warning).toBe("constant-input");
    // Checked before the n = 2 shortcut, as in scipy.
    expect(pearson(Object.freeze([4, 5]), Object.freeze([2, 2])).warning).toBe("constant-input");
  });

  it("flags nearly constant input like scipy's NearConstantInputWarning", () => {
    // scipy 1.10: pearsonr([1.0, 1.0000000000000002, 1.0000000000000004, 1.0000000000000002], [1, 2, 3, 1])
    // = (0.8528028654224415, 0.14719713457755845) with "An input array is nearly constant".
    const res = pearson(Object.freeze([1.0, 1.0000000000000002, 1.0000000000000004, 1.0000000000000002]), Object.freeze([1, 2, 3, 1]));
    expect(res.warning).toBe("near-constant-input");
    expect(Math.abs(res.r - 0.8528028654224415)).toBeLessThanOrEqual(1e-12);
    expectP(res.p, 0.14719713457755845);
  });

  it("drops gaps (NaN, null) pairwise and reports n", () => {
    // Complete pairs: (1, 1), (2, 3), (4, 4). scipy 1.10 on those: r = 0.9285714285714284,
    // p = 0.24207543664735381.
    const res = pearson(Object.freeze([1, Number.NaN, 2, 3, 4, null]), Object.freeze([1, 5, 3, Number.NaN, 4, 2]));
    expect(res.n).toBe(3);
    expect(res.dropped).toBe(3);
    expect(Math.abs(res.r - 0.9285714285714284)).toBeLessThanOrEqual(1e-12);
    expectP(res.p, 0.24207543664735381);
  });

  it("accepts typed arrays", () => {
    const res = pearson(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 3, 2, 4));
    expect(Math.abs(res.r - 0.8)).toBeLessThanOrEqual(1e-12);
  });

  it("throws AnalyticsInputError for empty input, one pair, mismatched lengths and infinities", () => {
    expect(() => pearson([], [])).toThrow(AnalyticsInputError);
    expect(() => pearson([], [])).toThrow(/^pearson: needs at least 2 complete \(x, y\) pairs, got 0$/);
    expect(() => pearson([1], [2])).toThrow(/got 1/);
    expect(() => pearson([1, Number.NaN, 3], [1, 2, null])).toThrow(/got 1 \(2 dropped for gaps\)/);
    expect(() => pearson([1, 2, 3], [1, 2])).toThrow(/pearson: x and y must have the same length, got 3 and 2/);
    expect(() => pearson([1, 2, Number.POSITIVE_INFINITY], [1, 2, 3])).toThrow(
      expect.objectContaining({ name: "AnalyticsInputError", field: "x[2]" }),
    );
  });
});

describe("pearsonPValue", () => {
  it("covers the edges of the beta distribution", () => {
    expect(pearsonPValue(0, 10)).toBe(1); // sf at the centre of a symmetric law is 1/2
    expect(pearsonPValue(1, 10)).toBe(0);
    expect(pearsonPValue(-1, 10)).toBe(0);
    expect(pearsonPValue(0.3, 2)).toBe(1); // scipy's n = 2 convention
    expect(pearsonPValue(Number.NaN, 10)).toBeNaN();
    expect(pearsonPValue(0.5, 1)).toBeNaN();
    // Reference case edge_n3: r = 0.888458553103683, p = 0.3035535116956368 (scipy 1.10.1).
    expectP(pearsonPValue(0.888458553103683, 3), 0.3035535116956368);
  });
});
