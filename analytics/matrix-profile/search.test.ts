/**
 * Distance profiles, `match` (STUMPY's `_find_matches` rule) and `similarDays`, against direct
 * computations written here and hand-checked cases.
 */
import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "../errors.ts";
import { defaultMaxDistance, distanceProfile, findMatches, match, similarDays } from "./index.ts";

function znormDistance(a: readonly number[], b: readonly number[]): number {
  const m = a.length;
  const z = (w: readonly number[]): number[] => {
    const mu = w.reduce((s, v) => s + v, 0) / m;
    const sd = Math.sqrt(w.reduce((s, v) => s + (v - mu) ** 2, 0) / m);
    return w.map((v) => (v - mu) / sd);
  };
  const za = z(a);
  const zb = z(b);
  return Math.sqrt(za.reduce((s, v, k) => s + (v - zb[k]) ** 2, 0));
}

function walk(n: number, seed: number): number[] {
  let s = seed;
  let x = 120;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (x += (s / 2147483648 - 0.5) * 8);
  });
}

describe("distanceProfile", () => {
  it("equals the direct z-normalised distance for every window", () => {
    const T = walk(200, 3);
    const Q = walk(20, 77);
    const D = distanceProfile(Q, T);
    expect(D.length).toBe(181);
    for (let j = 0; j < D.length; j++) expect(Math.abs(D[j] - znormDistance(Q, T.slice(j, j + 20)))).toBeLessThan(1e-9);
  });

  it("is 0 for the query's own window, exactly with queryIndex", () => {
    const T = walk(100, 5);
    expect(distanceProfile(T.slice(30, 45), T)[30]).toBeLessThan(1e-7);
    expect(distanceProfile(T.slice(30, 45), T, { queryIndex: 30 })[30]).toBe(0);
  });

  it("applies STUMPY's rules for gaps and constant windows", () => {
    const T = [1, 2, 3, 5, 5, 5, 5, NaN, 4, 2, 9];
    const D = distanceProfile([5, 5, 5], T);
    // windows 3 and 4 are constant → 0; windows 5, 6, 7 contain NaN → ∞; others √3
    expect(Array.from(D)).toEqual([Math.sqrt(3), Math.sqrt(3), Math.sqrt(3), 0, 0, Infinity, Infinity, Infinity, Math.sqrt(3)]);
    const D2 = distanceProfile([1, 4, 2], T);
    expect(D2[3]).toBe(Math.sqrt(3));
    expect(D2[6]).toBe(Infinity);
  });

  it("rejects bad queries", () => {
    expect(() => distanceProfile([1, NaN, 3], [1, 2, 3, 4])).toThrow(/query contains a non-finite value/);
    expect(() => distanceProfile([1, 2], [1, 2, 3, 4])).toThrow(/at least 3/);
    expect(() => distanceProfile([1, 2, 3, 4, 5], [1, 2, 3, 4])).toThrow(AnalyticsInputError);
    expect(() => distanceProfile([1, 2, 3], [1, 2, 3, 4], { queryIndex: 2 })).toThrow(/queryIndex/);
  });
});

describe("findMatches / match", () => {
  it("follows _find_matches: argmin, threshold + atol, exclusion zone, limit", () => {
    const D = Float64Array.of(0.5, 0.2, 0.9, 3, 0.2, 0.3, 2, 0.1);
    // zone 1: 0.1@7 → blank 6..7; 0.2@1 → blank 0..2; 0.2@4 → blank 3..5; nothing left
    expect(findMatches(D, 1, { maxDistance: 1 })).toEqual([
      { index: 7, distance: 0.1 },
      { index: 1, distance: 0.2 },
      { index: 4, distance: 0.2 },
    ]);
    expect(findMatches(D, 1, { maxDistance: 0.2 - 5e-9 }).map((x) => x.index)).toEqual([7, 1, 4]); // atol 1e-8
    expect(findMatches(D, 1, { maxDistance: 0.15 }).map((x) => x.index)).toEqual([7]);
    expect(findMatches(D, 1, { maxDistance: 1, maxMatches: 2 }).length).toBe(2);
    expect(findMatches(D, 1, { maxDistance: (d) => d[1] }).map((x) => x.index)).toEqual([7, 1, 4]);
    expect(findMatches(D, 1, { maxDistance: 1, queryIndex: 2 })[0]).toEqual({ index: 2, distance: 0.9 });
    expect(Array.from(D)).toEqual([0.5, 0.2, 0.9, 3, 0.2, 0.3, 2, 0.1]);
    expect(() => findMatches(D, 1, { maxMatches: 0 })).toThrow(/maxMatches/);
  });

  it("uses STUMPY's default threshold max(mean − 2·std, min) over finite values", () => {
    // values 1, 2, 3: mean 2, population std 0.8165 → 0.367 < min 1 → 1
    expect(defaultMaxDistance([1, 2, 3, Infinity])).toBe(1);
    const D = [4, 4, 4, 4, 0];
    const mean = 3.2;
    const sd = Math.sqrt((4 * 0.8 ** 2 + 3.2 ** 2) / 5);
    expect(defaultMaxDistance(D)).toBeCloseTo(Math.max(mean - 2 * sd, 0), 15);
    expect(defaultMaxDistance([Infinity])).toBeNaN();
  });

  it("finds planted copies of a query, nearest first, non-overlapping", () => {
    const T = walk(600, 11);
    const Q = [0, 10, 30, 45, 40, 25, 12, 5, 2, 0, -2, -1];
    for (const at of [100, 350, 500]) Q.forEach((v, k) => (T[at + k] += 6 * v));
    const found = match(Q, T, { maxMatches: 3 });
    expect(found.map((x) => x.index).sort((a, b) => a - b)).toEqual([100, 350, 500]);
    for (let q = 1; q < found.length; q++) expect(found[q].distance).toBeGreaterThanOrEqual(found[q - 1].distance);
  });
});

describe("similarDays", () => {
  // 6 days of 24 points: days 0, 2, 5 share one shape (scaled/shifted), days 1, 3 another, day 4 has a gap
  const ppd = 24;
  const shapeA = Array.from({ length: ppd }, (_, t) => Math.sin((2 * Math.PI * t) / ppd) + (t === 8 ? 0.5 : 0));
  const shapeB = Array.from({ length: ppd }, (_, t) => (t < 12 ? t : 24 - t) / 6);
  const days = [
    shapeA.map((v) => 100 + 20 * v),
    shapeB.map((v) => 90 + 10 * v),
    shapeA.map((v) => 140 + 35 * v + 0.01 * Math.cos(v)),
    shapeB.map((v, t) => 95 + 12 * v + (t === 3 ? 1 : 0)),
    shapeA.map((v, t) => (t === 5 ? NaN : 100 + v)),
    shapeA.map((v) => 80 + 5 * v),
  ];
  const series = Object.freeze(days.flat());

  it("ranks other whole days by z-normalised distance and skips days with gaps", () => {
    const got = similarDays(series, ppd, 0);
    expect(got.map((d) => d.day).slice(0, 2).sort()).toEqual([2, 5]); // same shape as day 0
    expect(got.map((d) => d.day).slice(2).sort()).toEqual([1, 3]);
    expect(got.some((d) => d.day === 4 || d.day === 0)).toBe(false);
    expect(got[0].distance).toBeLessThan(1e-3);
    for (const d of got) expect(Math.abs(d.distance - znormDistance(days[0], days[d.day]))).toBeLessThan(1e-9);
    for (let q = 1; q < got.length; q++) expect(got[q].distance).toBeGreaterThanOrEqual(got[q - 1].distance);
  });

  it("honours k and offset", () => {
    expect(similarDays(series, ppd, 1, { k: 1 })).toEqual([{ day: 3, distance: expect.any(Number) }]);
    const shifted = [1, 2, 3, ...series];
    expect(similarDays(shifted, ppd, 1, { offset: 3, k: 1 })[0].day).toBe(3);
  });

  it("rejects a day with a gap, a day out of range and too short a series", () => {
    expect(() => similarDays(series, ppd, 4)).toThrow(/day 4 has a gap/);
    expect(() => similarDays(series, ppd, 6)).toThrow(/day must be an integer in \[0, 5\]/);
    expect(() => similarDays(series.slice(0, 30), ppd, 0)).toThrow(/at least two whole days/);
    expect(() => similarDays(series, 2, 0)).toThrow(/pointsPerDay/);
  });
});
