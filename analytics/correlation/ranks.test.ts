import { describe, expect, it } from "vitest";
import { rankAverage } from "./ranks.ts";
import { isConstant } from "./is-constant.ts";
import { compensatedSum } from "./compensated-sum.ts";
import { completePairs } from "./complete-pairs.ts";
import { AnalyticsInputError } from "../errors.ts";

describe("rankAverage", () => {
  it("averages ties like scipy.stats.rankdata(method='average')", () => {
    // scipy 1.10: rankdata([10, 20, 10, 30]) = [1.5, 3., 1.5, 4.]
    expect(Array.from(rankAverage(Object.freeze([10, 20, 10, 30])))).toEqual([1.5, 3, 1.5, 4]);
    // scipy 1.10: rankdata([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]) = [4.5, 1.5, 6., 1.5, 8., 11., 3., 10., 8., 4.5, 8.]
    expect(Array.from(rankAverage(Object.freeze([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5])))).toEqual([4.5, 1.5, 6, 1.5, 8, 11, 3, 10, 8, 4.5, 8]);
  });

  it("handles empty, single, all-tied input and -0 = 0", () => {
    expect(rankAverage([]).length).toBe(0);
    expect(Array.from(rankAverage([7]))).toEqual([1]);
    expect(Array.from(rankAverage([2, 2, 2, 2]))).toEqual([2.5, 2.5, 2.5, 2.5]);
    expect(Array.from(rankAverage([0, -0, -1]))).toEqual([2.5, 2.5, 1]);
  });

  it("propagates NaN to every rank (scipy's nan_policy='propagate')", () => {
    expect(Array.from(rankAverage([1, Number.NaN, 3])).every(Number.isNaN)).toBe(true);
  });

  it("ranks sum to n(n+1)/2 (hand check)", () => {
    const x = Object.freeze(Array.from({ length: 101 }, (_, i) => (i * 37) % 11));
    expect(compensatedSum(rankAverage(x))).toBe((101 * 102) / 2);
  });
});

describe("isConstant", () => {
  it("compares every value with the first", () => {
    expect(isConstant([3, 3, 3])).toBe(true);
    expect(isConstant([3, 3, 4])).toBe(false);
    expect(isConstant([])).toBe(true);
    expect(isConstant([Number.NaN, Number.NaN])).toBe(false); // NaN != NaN, as numpy's x == x[0]
  });
});

describe("compensatedSum", () => {
  it("keeps the small terms a naive sum loses", () => {
    expect(compensatedSum([1, 1e100, 1, -1e100])).toBe(2);
    expect(compensatedSum(Array.from({ length: 10 }, () => 0.1))).toBe(1);
    expect(compensatedSum([1, 2, 3, 4], 2, 1)).toBe(5);
    expect(compensatedSum([])).toBe(0);
  });
});

describe("completePairs", () => {
  it("drops pairs with a gap on either side and keeps order", () => {
    const res = completePairs(Object.freeze([1, Number.NaN, 3, 4, null]), Object.freeze([2, 5, null, 8, 9]));
    expect(Array.from(res.x)).toEqual([1, 4]);
    expect(Array.from(res.y)).toEqual([2, 8]);
    expect(res.n).toBe(2);
    expect(res.dropped).toBe(3);
  });

  it("names the offending field", () => {
    const fieldOf = (run: () => unknown): string => {
      try {
        run();
      } catch (err) {
        return err instanceof AnalyticsInputError ? err.field : `not an AnalyticsInputError: ${String(err)}`;
      }
      return "no error";
    };
    expect(fieldOf(() => completePairs([1, 2], [1]))).toBe("y");
    expect(fieldOf(() => completePairs([1, 2], [1, Number.NEGATIVE_INFINITY]))).toBe("y[1]");
    expect(fieldOf(() => completePairs([1, "2" as unknown as number], [1, 2]))).toBe("x[1]");
  });
});
