import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "../errors.ts";
import { benjaminiHochberg } from "./benjamini-hochberg.ts";

describe("benjaminiHochberg", () => {
  it("matches scipy.stats.false_discovery_control", () => {
    // scipy 1.17.1 (false_discovery_control appeared in 1.11):
    //   >>> stats.false_discovery_control([0.01, 0.02, 0.03, 0.5, 0.04])  -> [0.05, 0.05, 0.05, 0.5, 0.05]
    //   >>> stats.false_discovery_control([0.001, 0.2, 0.04, 0.04, 0.9, 0.013])
    //   array([0.006, 0.24 , 0.06 , 0.06 , 0.9  , 0.039])
    const q1 = benjaminiHochberg(Object.freeze([0.01, 0.02, 0.03, 0.5, 0.04]));
    [0.05, 0.05, 0.05, 0.5, 0.05].forEach((e, i) => expect(Math.abs(q1[i] - e)).toBeLessThanOrEqual(1e-8 * e));
    const q2 = benjaminiHochberg(Object.freeze([0.001, 0.2, 0.04, 0.04, 0.9, 0.013]));
    [0.006, 0.24, 0.06, 0.06, 0.9, 0.039].forEach((e, i) => expect(Math.abs(q2[i] - e)).toBeLessThanOrEqual(1e-8 * e));
  });

  it("is monotone in p, never below p and capped at 1 (hand check)", () => {
    // p = [0.9, 0.95] with m = 2: raw = [1.8, 0.95] → running minimum from the top: [0.95, 0.95].
    expect(Array.from(benjaminiHochberg([0.9, 0.95]))).toEqual([0.95, 0.95]);
    expect(Array.from(benjaminiHochberg([0.6, 0.7, 0.8]))).toEqual([0.8, 0.8, 0.8]);
    expect(Array.from(benjaminiHochberg([1]))).toEqual([1]);
    expect(Array.from(benjaminiHochberg([0, 0.5]))).toEqual([0, 0.5]);
  });

  it("leaves NaN p-values out of the family (R's p.adjust convention)", () => {
    // m = 2 (the NaN is not counted): [0.01·2/1, 0.02·2/2] → running minimum [0.02, 0.02].
    const q = benjaminiHochberg(Object.freeze([0.01, Number.NaN, 0.02]));
    expect(q[0]).toBe(0.02);
    expect(q[1]).toBeNaN();
    expect(q[2]).toBe(0.02);
    expect(benjaminiHochberg([]).length).toBe(0);
  });

  it("rejects values outside [0, 1]", () => {
    expect(() => benjaminiHochberg([0.1, 1.5])).toThrow(AnalyticsInputError);
    expect(() => benjaminiHochberg([0.1, -0.1])).toThrow(/^benjaminiHochberg: p\[1\] must be a p-value in \[0, 1\] or NaN, got -0.1$/);
  });
});
