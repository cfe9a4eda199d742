// Cross-check against the shared reference case correlation_daily (scipy 1.10.1 pearsonr and
// spearmanr on a 90-day diary, a 4,032-point CGM pair and two tiny edge cases; lags 0–7 of every
// diary series against mean glucose). Expected values and tolerances are read from the file.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { laggedCorrelations, pearson, spearman } from "./index.ts";

// The repo root is two folders up; CI lays shared/ beside the repo clone.
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const refPath = resolve(repoRoot, "../shared/data/reference/correlation_daily.json");

type Num = number | string;
interface Expected {
  x: string;
  y: string;
  lag?: number;
  n: number;
  pearson_r: Num;
  pearson_p: Num;
  spearman_rho: Num;
  spearman_p: Num;
}
interface Case {
  input: { columns: Record<string, number[]>; extra_series: Record<string, number[]> };
  settings: { pairs: [string, string][]; lagged: { sources: string[]; target: string; lags: number[] } };
  expected: { pairs: Expected[]; lagged: Expected[] };
  tolerances: { pearson_r: { atol: number }; spearman_rho: { atol: number }; pearson_p: { rtol: number; zero_atol: number }; spearman_p: { rtol: number; zero_atol: number } };
}

const ref = JSON.parse(readFileSync(refPath, "utf8")) as Case;
const columns: Record<string, readonly number[]> = {};
for (const [name, values] of Object.entries({ ...ref.input.columns, ...ref.input.extra_series })) columns[name] = Object.freeze(values);
const tol = ref.tolerances;

const num = (v: Num): number => (typeof v === "number" ? v : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : Number.NaN);

function expectWithin(actual: number, expected: number, atol: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(atol);
}

function expectP(actual: number, expected: number, t: { rtol: number; zero_atol: number }): void {
  // The error as a multiple of what is allowed: at most 1 passes.
  const error = expected === 0 ? Math.abs(actual) / t.zero_atol : Math.abs(actual - expected) / (t.rtol * Math.abs(expected));
  expect(error, `${actual} vs ${expected}`).toBeLessThanOrEqual(1);
}

describe("correlation_daily reference (scipy 1.10.1)", () => {
  it.each(ref.expected.pairs.map((e) => [`${e.x} ~ ${e.y}`, e] as const))("pair %s", (_name, e) => {
    const p = pearson(columns[e.x], columns[e.y]);
    const s = spearman(columns[e.x], columns[e.y]);
    expect(p.n).toBe(e.n);
    expect(s.n).toBe(e.n);
    expectWithin(p.r, num(e.pearson_r), tol.pearson_r.atol);
    expectP(p.p, num(e.pearson_p), tol.pearson_p);
    expectWithin(s.rho, num(e.spearman_rho), tol.spearman_rho.atol);
    expectP(s.p, num(e.spearman_p), tol.spearman_p);
  });

  const { sources, target, lags } = ref.settings.lagged;
  it.each(sources)("lags %s → mean_glucose", (source) => {
    const results = laggedCorrelations(columns[source], columns[target], Object.freeze([...lags]));
    const expected = ref.expected.lagged.filter((e) => e.x === source && e.y === target);
    expect(results.map((r) => r.lag)).toEqual(expected.map((e) => e.lag));
    results.forEach((r, i) => {
      const e = expected[i];
      expect(r.pearson.n).toBe(e.n);
      expectWithin(r.pearson.r, num(e.pearson_r), tol.pearson_r.atol);
      expectP(r.pearson.p, num(e.pearson_p), tol.pearson_p);
      expectWithin(r.spearman.rho, num(e.spearman_rho), tol.spearman_rho.atol);
      expectP(r.spearman.p, num(e.spearman_p), tol.spearman_p);
    });
  });

  it("covers every expected entry", () => {
    expect(ref.expected.pairs).toHaveLength(11);
    expect(ref.expected.lagged).toHaveLength(sources.length * lags.length);
  });
});
