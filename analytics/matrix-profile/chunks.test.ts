/**
 * Chunked computation: planning diagonal ranges, computing them separately and merging in any order
 * must give exactly (bit for bit) the unchunked `stump`.
 */
import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "../errors.ts";
import {
  cellsInRange,
  computeDiagonals,
  emptyPartial,
  finalizePartial,
  maxCellsForBudget,
  mergeAll,
  mergePartials,
  planDiagonalChunks,
  prepareSeries,
  stump,
  type MatrixProfile,
  type PartialProfile,
} from "./index.ts";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** CGM-like: integer mg/dL, meals, slow drift, with a few gaps and flat runs (constant windows). */
function cgmLike(n: number, seed: number): number[] {
  const r = rng(seed);
  const out: number[] = [];
  let drift = 0;
  for (let t = 0; t < n; t++) {
    drift = 0.95 * drift + (r() - 0.5) * 4;
    const meal = 40 * Math.max(0, Math.sin((2 * Math.PI * t) / 96)) ** 3;
    out.push(Math.round(110 + meal + drift));
  }
  for (let t = 200; t < 240; t++) out[t] = 95; // flat run: 17 constant windows of 24
  out[400] = Number.NaN; // gap
  out[401] = Number.NaN;
  return out;
}

function shuffle<T>(a: T[], r: () => number): T[] {
  const b = [...a];
  for (let i = b.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [b[i], b[j]] = [b[j], b[i]];
  }
  return b;
}

function expectIdentical(a: MatrixProfile, b: MatrixProfile): void {
  expect(Array.from(a.profile)).toEqual(Array.from(b.profile)); // toEqual on numbers is exact (Object.is)
  expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
  expect(Array.from(a.leftIndices)).toEqual(Array.from(b.leftIndices));
  expect(Array.from(a.rightIndices)).toEqual(Array.from(b.rightIndices));
}

const T = Object.freeze(cgmLike(900, 5));
const m = 24;
const prep = prepareSeries(T, m);
const whole = stump(T, m);

describe("planDiagonalChunks", () => {
  it("covers (exclZone, l) exactly, contiguously, with about equal cells", () => {
    for (const chunks of [1, 2, 3, 7, 16]) {
      const plan = planDiagonalChunks(prep.l, prep.exclZone, { chunks });
      expect(plan.length).toBe(chunks);
      expect(plan[0].k0).toBe(prep.exclZone + 1);
      expect(plan[plan.length - 1].k1).toBe(prep.l);
      for (let q = 1; q < plan.length; q++) expect(plan[q].k0).toBe(plan[q - 1].k1);
      const total = cellsInRange(prep.l, prep.exclZone + 1, prep.l);
      expect(plan.reduce((s, c) => s + c.cells, 0)).toBe(total);
      // each chunk within one (longest) diagonal of the ideal share
      for (const c of plan) expect(Math.abs(c.cells - total / chunks)).toBeLessThanOrEqual(prep.l);
    }
  });

  it("honours maxCells with the fewest equal chunks", () => {
    const total = cellsInRange(prep.l, prep.exclZone + 1, prep.l);
    const plan = planDiagonalChunks(prep.l, prep.exclZone, { maxCells: total / 5 });
    expect(plan.every((c) => c.cells <= total / 5)).toBe(true);
    expect(plan.length).toBeGreaterThanOrEqual(5);
    expect(plan.length).toBeLessThanOrEqual(7);
    // a budget smaller than one diagonal gives one diagonal per chunk
    const tiny = planDiagonalChunks(50, 2, { maxCells: 1 });
    expect(tiny.length).toBe(47);
    expect(tiny.every((c) => c.k1 - c.k0 === 1)).toBe(true);
  });

  it("caps the number of chunks at the number of diagonals and returns [] when there is none", () => {
    expect(planDiagonalChunks(10, 2, { chunks: 100 }).length).toBe(7);
    expect(planDiagonalChunks(3, 2, { chunks: 4 })).toEqual([]);
  });

  it("counts cells in closed form", () => {
    expect(cellsInRange(100, 10, 12)).toBe(90 + 89);
    expect(cellsInRange(100, 12, 12)).toBe(0);
    expect(maxCellsForBudget(5, 1e8)).toBe(5e8);
  });

  it("rejects bad options", () => {
    expect(() => planDiagonalChunks(100, 2, {})).toThrow(AnalyticsInputError);
    expect(() => planDiagonalChunks(100, 2, { chunks: 0 })).toThrow(/chunks must be a positive integer/);
    expect(() => planDiagonalChunks(100, 2, { maxCells: -1 })).toThrow(/maxCells/);
    expect(() => planDiagonalChunks(100, 2, { chunks: 2, maxCells: 10 })).toThrow(/exactly one/);
  });
});

describe("computeDiagonals + mergeAll == stump, bit for bit", () => {
  const r = rng(99);
  for (const chunks of [1, 2, 3, 5, 8, 13, 40]) {
    it(`${chunks} chunks, merged in shuffled order`, () => {
      const plan = planDiagonalChunks(prep.l, prep.exclZone, { chunks });
      const parts = plan.map((c) => computeDiagonals(prep, c.k0, c.k1));
      for (let rep = 0; rep < 3; rep++) expectIdentical(finalizePartial(mergeAll(shuffle(parts, r))), whole);
    });
  }

  it("irregular ranges (single diagonals, odd sizes) and a tree-shaped merge", () => {
    const cuts = [prep.exclZone + 1, prep.exclZone + 2, prep.exclZone + 5, 40, 41, 300, 301, 302, 650, prep.l];
    const parts: PartialProfile[] = [];
    for (let q = 0; q + 1 < cuts.length; q++) parts.push(computeDiagonals(prep, cuts[q], cuts[q + 1]));
    const left = mergeAll(parts.slice(0, 4));
    const right = mergeAll(shuffle(parts.slice(4), r));
    expectIdentical(finalizePartial(mergePartials(right, left)), whole);
    expectIdentical(finalizePartial(mergePartials(left, right)), whole);
  });

  it("merging is commutative on every field and the empty partial is neutral", () => {
    const a = computeDiagonals(prep, prep.exclZone + 1, 100);
    const b = computeDiagonals(prep, 100, prep.l);
    const ab = mergePartials(a, b);
    const ba = mergePartials(b, a);
    for (const key of ["rho", "index", "rhoLeft", "indexLeft", "rhoRight", "indexRight"] as const) {
      expect(Array.from(ab[key])).toEqual(Array.from(ba[key]));
    }
    expect(ab.ranges).toEqual([[prep.exclZone + 1, prep.l]]);
    expectIdentical(finalizePartial(mergePartials(emptyPartial(prep), ab)), whole);
  });

  it("a constant-only series chunked gives the same ties (closest, then left) as unchunked", () => {
    const flat = new Array(80).fill(100);
    const p = prepareSeries(flat, 8);
    const parts = planDiagonalChunks(p.l, p.exclZone, { chunks: 6 }).map((c) => computeDiagonals(p, c.k0, c.k1));
    expectIdentical(finalizePartial(mergeAll(shuffle(parts, r))), stump(flat, 8));
  });

  it("refuses to finalise an incomplete cover and to merge different series", () => {
    const a = computeDiagonals(prep, prep.exclZone + 1, 100);
    const c = computeDiagonals(prep, 120, prep.l);
    expect(() => finalizePartial(mergePartials(a, c))).toThrow(/cover \[\[\d+,100\],\[120,\d+\]\]/);
    expect(finalizePartial(mergePartials(a, c), false).profile.length).toBe(prep.l);
    const other = computeDiagonals(prepareSeries(T, m + 1), 10, 20);
    expect(() => mergePartials(a, other)).toThrow(AnalyticsInputError);
    expect(() => mergeAll([])).toThrow(/at least one/);
  });

  it("rejects diagonal ranges outside (exclZone, l]", () => {
    expect(() => computeDiagonals(prep, prep.exclZone, 50)).toThrow(/k0 must be an integer/);
    expect(() => computeDiagonals(prep, 50, prep.l + 1)).toThrow(/k1 must be an integer/);
    expect(() => computeDiagonals(prep, 60, 50)).toThrow(/k1/);
  });
});
