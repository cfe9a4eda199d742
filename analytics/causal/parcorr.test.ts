/**
 * ParCorr numerics: hand-checked partial correlation, closed-form Student-t p-values,
 * Householder least-squares residuals (including a rank-deficient design) and constant rows.
 */
import { describe, expect, it } from "vitest";
import {
  buildLaggedArray,
  createHouseholderQr,
  createParCorrContext,
  householderFactor,
  householderResidual,
  laggedNodeId,
  parCorrPValue,
  parCorrTest,
  partialCorrelation,
  pearsonCorrelation,
} from "./index.ts";
import { AnalyticsInputError } from "../errors.ts";

describe("partialCorrelation (hand-checked tiny case)", () => {
  // x = 1..5, y = (1,3,2,5,4), z = (1,1,2,2,3): Sxx = Syy = 10, Szz = 2.8, Sxy = 8, Sxz = 5, Syz = 3, so
  // r_xy = 0.8, r_xz = 5/√28, r_yz = 3/√28 and
  // r_xy.z = (0.8 - 15/28) / √((1 - 25/28)(1 - 9/28)) = (7.4/28) / (√57/28) = 7.4/√57 ≈ 0.980155.
  // df = n - 3 = 2, for which the two-sided t p-value is exactly 1 - |r|.
  const x = Object.freeze([1, 2, 3, 4, 5]);
  const y = Object.freeze([1, 3, 2, 5, 4]);
  const z = Object.freeze([1, 1, 2, 2, 3]);
  it("equals the closed form", () => {
    const r = partialCorrelation(x, y, [z]);
    expect(r.df).toBe(2);
    expect(Math.abs(r.val - 7.4 / Math.sqrt(57))).toBeLessThan(1e-14);
    expect(Math.abs(r.pval - (1 - 7.4 / Math.sqrt(57))) / r.pval).toBeLessThan(1e-10);
  });
  it("without conditions is the Pearson correlation with df = n - 2", () => {
    const r = partialCorrelation(x, y);
    expect(Math.abs(r.val - 0.8)).toBeLessThan(1e-15);
    expect(r.df).toBe(3);
  });
  it("is symmetric in x and y and does not depend on the scale or offset of the inputs", () => {
    const a = partialCorrelation(x, y, [z]);
    const b = partialCorrelation(y.map((v) => 1000 + 3 * v), x.map((v) => -2 * v), [z.map((v) => v * 1e6 + 7)]);
    expect(Math.abs(a.val + b.val)).toBeLessThan(1e-12);
  });
  it("throws for too few samples or mismatched lengths", () => {
    expect(() => partialCorrelation([1, 2], [2, 1])).toThrow(AnalyticsInputError);
    expect(() => partialCorrelation([1, 2, 3], [2, 1])).toThrow(/samples/);
  });
});

describe("parCorrPValue", () => {
  const rs = [0.01, 0.3, 0.6, 0.95, -0.7];
  it("df = 1 (Cauchy): p = 1 - (2/π) atan(|t|)", () => {
    for (const r of rs) {
      const t = Math.abs(r) / Math.sqrt(1 - r * r);
      const want = 1 - (2 / Math.PI) * Math.atan(t);
      expect(Math.abs(parCorrPValue(r, 1) - want) / want).toBeLessThan(1e-12);
    }
  });
  it("df = 2: p = 1 - |r|; df = 4: p = 1 - 1.5|r| + 0.5|r|^3", () => {
    for (const r of rs) {
      const a = Math.abs(r);
      expect(Math.abs(parCorrPValue(r, 2) - (1 - a)) / (1 - a)).toBeLessThan(1e-12);
      const w4 = 1 - 1.5 * a + 0.5 * a ** 3;
      expect(Math.abs(parCorrPValue(r, 4) - w4) / w4).toBeLessThan(1e-10);
    }
  });
  it("matches scipy: 2 * stats.t.sf(0.5 * sqrt(10 / 0.75), 10) = 0.0978546142578125 (scipy 1.17.1)", () => {
    expect(Math.abs(parCorrPValue(0.5, 10) / 0.0978546142578125 - 1)).toBeLessThan(1e-13);
  });
  it("gives 0 for |r| = 1 and NaN without degrees of freedom", () => {
    expect(parCorrPValue(1, 5)).toBe(0);
    expect(parCorrPValue(-1, 5)).toBe(0);
    expect(parCorrPValue(0.3, 0)).toBeNaN();
    expect(parCorrPValue(Number.NaN, 5)).toBeNaN();
    expect(parCorrPValue(0, 50)).toBe(1);
  });
});

describe("pearsonCorrelation", () => {
  it("computes r and returns NaN for a constant vector (scipy.stats.pearsonr)", () => {
    expect(Math.abs(pearsonCorrelation([1, 2, 3], [2, 4, 7], 3) - 0.9933992677987828)).toBeLessThan(1e-15);
    expect(pearsonCorrelation([1, 1, 1], [2, 4, 7], 3)).toBeNaN();
  });
});

describe("Householder least squares", () => {
  const n = 6;
  const z1 = [0.5, -1, 2, 0, 1.5, -3];
  const z2 = [1, 1, -1, 2, 0, 0.5];
  const yv = [2, -1, 0.5, 3, -2, 1];
  it("one regressor: y - (z'y / z'z) z", () => {
    const qr = createHouseholderQr(n, 1);
    householderFactor(qr, z1, [0], 1);
    const r = householderResidual(qr, yv, 0, new Float64Array(n));
    const b = z1.reduce((s, v, i) => s + v * yv[i]!, 0) / z1.reduce((s, v) => s + v * v, 0);
    for (let i = 0; i < n; i++) expect(Math.abs(r[i]! - (yv[i]! - b * z1[i]!))).toBeLessThan(1e-14);
  });
  it("two regressors: residual orthogonal to both and equal to the 2x2 normal-equation solution here", () => {
    const src = [...z1, ...z2, ...yv];
    const qr = createHouseholderQr(n, 2);
    expect(householderFactor(qr, src, [0, n], 2)).toBe(2);
    const r = householderResidual(qr, src, 2 * n, new Float64Array(n));
    const dot = (a: ArrayLike<number>, c: ArrayLike<number>) => {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i]! * c[i]!;
      return s;
    };
    expect(Math.abs(dot(r, z1))).toBeLessThan(1e-13);
    expect(Math.abs(dot(r, z2))).toBeLessThan(1e-13);
    const [a11, a12, a22, b1, b2] = [dot(z1, z1), dot(z1, z2), dot(z2, z2), dot(z1, yv), dot(z2, yv)];
    const det = a11 * a22 - a12 * a12;
    const c1 = (a22 * b1 - a12 * b2) / det;
    const c2 = (a11 * b2 - a12 * b1) / det;
    for (let i = 0; i < n; i++) expect(Math.abs(r[i]! - (yv[i]! - c1 * z1[i]! - c2 * z2[i]!))).toBeLessThan(1e-13);
  });
  it("skips an exactly collinear regressor (like lstsq's minimum-norm solution)", () => {
    const src = [...z1, ...z1.map((v) => 2 * v), ...z2, ...yv];
    const qr = createHouseholderQr(n, 3);
    expect(householderFactor(qr, src, [0, n, 2 * n], 3)).toBe(2);
    const r3 = householderResidual(qr, src, 3 * n, new Float64Array(n));
    const qr2 = createHouseholderQr(n, 2);
    householderFactor(qr2, src, [0, 2 * n], 2);
    const r2 = householderResidual(qr2, src, 3 * n, new Float64Array(n));
    for (let i = 0; i < n; i++) expect(Math.abs(r3[i]! - r2[i]!)).toBeLessThan(1e-13);
  });
  it("more regressors than samples leave a zero residual", () => {
    const src = [1, 2, 3, 3, 1, 2, 2, 2, 1, 5, 6, 4];
    const qr = createHouseholderQr(3, 3);
    expect(householderFactor(qr, src, [0, 3, 6], 3)).toBe(3);
    for (const v of householderResidual(qr, src, 9, new Float64Array(3))) expect(Math.abs(v)).toBeLessThan(1e-14);
  });
});

describe("parCorrTest constant rows (tigramite remove_constant_data)", () => {
  // variable 1 is constant, variable 2 is not
  const data = Object.freeze([4, 1, 5, 2, 6, 3, 7].map((v, t) => Object.freeze([v, 5, (t * 7) % 5])));
  const lagged = buildLaggedArray(data, 0);
  it("X or Y constant: val 0, p 1", () => {
    const ctx = createParCorrContext(lagged);
    expect(parCorrTest(ctx, laggedNodeId(1, 0, 0), laggedNodeId(0, 0, 0), [])).toMatchObject({ val: 0, pval: 1 });
    expect(parCorrTest(ctx, laggedNodeId(0, 0, 0), laggedNodeId(1, 0, 0), [laggedNodeId(2, 0, 0)])).toMatchObject({ val: 0, pval: 1 });
  });
  it("a constant condition is dropped (it does not count in the degrees of freedom)", () => {
    const ctx = createParCorrContext(lagged);
    const with1 = parCorrTest(ctx, 0, 2, [1]);
    const without = parCorrTest(ctx, 0, 2, []);
    expect(with1).toEqual(without);
    expect(with1.df).toBe(7 - 2);
  });
  it("memoises canonical tests: X/Y order and Z order/duplicates do not matter", () => {
    const big = buildLaggedArray(
      Array.from({ length: 40 }, (_, t) => [Math.sin(t), Math.cos(1.3 * t), Math.sin(0.7 * t + 1), (t * 37) % 11]),
      2,
    );
    const ctx = createParCorrContext(big);
    const a = parCorrTest(ctx, 3, 10, [7, 12, 1]);
    const b = parCorrTest(ctx, 10, 3, [1, 12, 7, 12, 3]);
    expect(b).toBe(a);
    expect(ctx.computed).toBe(1);
  });
});
