import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "../errors.ts";
import { laggedCorrelations, laggedPairs } from "./lagged.ts";
import { pearson } from "./pearson.ts";

function expectP(actual: number, expected: number): void {
  // The error as a multiple of what is allowed: at most 1 passes.
  const error = expected === 0 ? Math.abs(actual) / 1e-15 : Math.abs(actual - expected) / (1e-8 * Math.abs(expected));
  expect(error, `${actual} vs ${expected}`).toBeLessThanOrEqual(1);
}

describe("laggedPairs", () => {
  it("pairs x[t] with y[t + lag]", () => {
    expect(laggedPairs(Object.freeze([1, 2, 3, 4]), Object.freeze([10, 20, 30, 40]), 1)).toEqual({ x: [1, 2, 3], y: [20, 30, 40] });
    expect(laggedPairs(Object.freeze([1, 2, 3, 4]), Object.freeze([10, 20, 30, 40]), 0)).toEqual({ x: [1, 2, 3, 4], y: [10, 20, 30, 40] });
    expect(laggedPairs(Float64Array.of(1, 2, 3), Float64Array.of(4, 5, 6), 2)).toEqual({ x: [1], y: [6] });
  });

  it("rejects bad lags and lengths", () => {
    expect(() => laggedPairs([1, 2, 3], [1, 2, 3], 3)).toThrow(/laggedPairs: lag must be an integer in \[0, 2\], got 3/);
    expect(() => laggedPairs([1, 2, 3], [1, 2, 3], -1)).toThrow(AnalyticsInputError);
    expect(() => laggedPairs([1, 2, 3], [1, 2, 3], 0.5)).toThrow(AnalyticsInputError);
    expect(() => laggedPairs([1, 2, 3], [1, 2], 0)).toThrow(/same length/);
  });
});

describe("laggedCorrelations", () => {
  // x = 0..9, y = digits of π; scipy 1.10 on x[:10-L], y[L:]:
  //   L = 0: pearsonr r = 0.3343253990189949, p = 0.34507104773311176; spearmanr (0.3914537831560393, 0.2632875529923414)
  //   L = 1: r = 0.3162277660168379, p = 0.40708382206558896; (0.4033755872716886, 0.2816758864355704)
  //   L = 2: r = 0.10482848367219182, p = 0.8048817977199219; (0.16766767666785626, 0.691465351646736)
  const x = Object.freeze([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const y = Object.freeze([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]);
  const expected = [
    { lag: 0, n: 10, r: 0.3343253990189949, p: 0.34507104773311176, rho: 0.3914537831560393, sp: 0.2632875529923414 },
    { lag: 1, n: 9, r: 0.3162277660168379, p: 0.40708382206558896, rho: 0.4033755872716886, sp: 0.2816758864355704 },
    { lag: 2, n: 8, r: 0.10482848367219182, p: 0.8048817977199219, rho: 0.16766767666785626, sp: 0.691465351646736 },
  ];

  it("matches scipy 1.10 lag by lag, with n = len - lag", () => {
    const res = laggedCorrelations(x, y, Object.freeze([0, 1, 2]));
    expect(res.map((r) => r.lag)).toEqual([0, 1, 2]);
    res.forEach((r, i) => {
      const e = expected[i];
      expect(r.pearson.n).toBe(e.n);
      expect(r.spearman.n).toBe(e.n);
      expect(Math.abs(r.pearson.r - e.r)).toBeLessThanOrEqual(1e-12);
      expectP(r.pearson.p, e.p);
      expect(Math.abs(r.spearman.rho - e.rho)).toBeLessThanOrEqual(1e-12);
      expectP(r.spearman.p, e.sp);
    });
  });

  it("drops gaps after aligning", () => {
    // Lag 1 with a gap at y[3]: pairs (x[2], y[3]) is dropped, leaving 8 of 9.
    const gappy = [...y];
    gappy[3] = Number.NaN;
    const [res] = laggedCorrelations(x, gappy, [1]);
    expect(res.pearson.n).toBe(8);
    expect(res.pearson.dropped).toBe(1);
    expect(res.pearson.r).toBe(pearson([0, 1, 3, 4, 5, 6, 7, 8], [1, 4, 5, 9, 2, 6, 5, 3]).r);
  });

  it("names the lag that cannot be used", () => {
    const fieldOf = (run: () => unknown): string => {
      try {
        run();
      } catch (err) {
        return err instanceof AnalyticsInputError ? err.field : `not an AnalyticsInputError: ${String(err)}`;
      }
      return "no error";
    };
    expect(fieldOf(() => laggedCorrelations(x, y, [0, 9]))).toBe("lags[1]"); // 1 pair left
    expect(fieldOf(() => laggedCorrelations(x, y, [-1]))).toBe("lags[0]");
    // Lag 1 pairs (1, NaN), (2, 3), (NaN, 4): one complete pair.
    expect(fieldOf(() => laggedCorrelations([1, 2, Number.NaN, 4], [0, Number.NaN, 3, 4], [1]))).toBe("lags[0]");
    expect(fieldOf(() => laggedCorrelations(x, [1, 2], [0]))).toBe("y");
  });
});
