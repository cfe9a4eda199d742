/**
 * The reference case `mp_cgm14_m36.json` (STUMPY 1.12.0, commit c9479a6, numpy 1.24.2, numba 0.56.4,
 * 2 threads): a 14-day 5-minute synthetic CGM trace, m = 36. Expected values and tolerances are read
 * from the case itself; every assertion notes which field of `expected` it checks.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { exclusionZone, match, stump, stumpyMotifs, topDiscords, topMotifs } from "./index.ts";

interface RefCase {
  input: { T: number[] };
  settings: { m: number; excl_zone: number; top_k: number; stumpy_match_query_start: number };
  expected: {
    profile: number[];
    indices: number[];
    left_indices: number[];
    right_indices: number[];
    motifs: Array<{ pair: [number, number]; distance: number }>;
    discords: Array<{ index: number; distance: number }>;
    stumpy_motifs: { distances: number[][]; indices: number[][] };
    stumpy_match: { distances: number[]; indices: number[] };
  };
  tolerances: { profile: { atol: number }; indices: { distance_atol: number }; stumpy_motifs: { atol: number }; stumpy_match: { atol: number } };
}

/** `../shared/data/reference/` relative to the repository root (CI checks shared/ out beside the clone). */
function loadCase(name: string): RefCase {
  const candidates = [
    resolve(process.cwd(), "../shared/data/reference", name),
    fileURLToPath(new URL(`../../../shared/data/reference/${name}`, import.meta.url)),
  ];
  const path = candidates.find((p) => existsSync(p));
  if (!path) throw new Error(`reference case ${name} not found; looked in ${candidates.join(", ")}`);
  return JSON.parse(readFileSync(path, "utf8")) as RefCase;
}

/** Direct z-normalised Euclidean distance between windows i and j (population SD). */
function pairDistance(T: ArrayLike<number>, m: number, i: number, j: number): number {
  const z = (s: number): number[] => {
    let mu = 0;
    for (let k = 0; k < m; k++) mu += T[s + k];
    mu /= m;
    let ss = 0;
    for (let k = 0; k < m; k++) ss += (T[s + k] - mu) ** 2;
    const sd = Math.sqrt(ss / m);
    return Array.from({ length: m }, (_, k) => (T[s + k] - mu) / sd);
  };
  const a = z(i);
  const b = z(j);
  let d = 0;
  for (let k = 0; k < m; k++) d += (a[k] - b[k]) ** 2;
  return Math.sqrt(d);
}

const ref = loadCase("mp_cgm14_m36.json");
const T = Object.freeze([...ref.input.T]);
const { m } = ref.settings;
const mp = stump(T, m);
const atol = ref.tolerances.profile.atol;
const idxTol = ref.tolerances.indices.distance_atol;

describe("stump vs STUMPY 1.12 on mp_cgm14_m36", () => {
  it("uses the case's exclusion zone and length", () => {
    expect(exclusionZone(m)).toBe(ref.settings.excl_zone);
    expect(mp.profile.length).toBe(ref.expected.profile.length);
  });

  it("matches expected.profile within tolerances.profile.atol (1e-6)", () => {
    let worst = 0;
    for (let i = 0; i < mp.profile.length; i++) worst = Math.max(worst, Math.abs(mp.profile[i] - ref.expected.profile[i]));
    expect(worst).toBeLessThanOrEqual(atol);
  });

  for (const [field, ours, sideOk] of [
    ["indices", mp.indices, (i: number, j: number) => Math.abs(i - j) > m / 4],
    ["left_indices", mp.leftIndices, (i: number, j: number) => j < i - Math.ceil(m / 4)],
    ["right_indices", mp.rightIndices, (i: number, j: number) => j > i + Math.ceil(m / 4)],
  ] as const) {
    it(`matches expected.${field} exactly, or up to ties whose recomputed distance is within 1e-6`, () => {
      const expected = ref.expected[field];
      let mismatches = 0;
      for (let i = 0; i < ours.length; i++) {
        if (ours[i] === expected[i]) continue;
        mismatches++;
        expect(expected[i]).not.toBe(-1);
        expect(sideOk(i, ours[i])).toBe(true);
        expect(Math.abs(pairDistance(T, m, i, ours[i]) - pairDistance(T, m, i, expected[i]))).toBeLessThanOrEqual(idxTol);
      }
      // With no exact ties in this trace, STUMPY's indices are reproduced exactly.
      expect(mismatches).toBe(0);
    });
  }

  it("matches expected.motifs (settings.motif_rule, top 3)", () => {
    const motifs = topMotifs(mp, ref.settings.top_k);
    expect(motifs.map((x) => x.pair)).toEqual(ref.expected.motifs.map((x) => x.pair));
    motifs.forEach((x, q) => expect(Math.abs(x.distance - ref.expected.motifs[q].distance)).toBeLessThanOrEqual(idxTol));
  });

  it("matches expected.discords (settings.discord_rule, top 3)", () => {
    const discords = topDiscords(mp, ref.settings.top_k);
    expect(discords.map((x) => x.index)).toEqual(ref.expected.discords.map((x) => x.index));
    discords.forEach((x, q) => expect(Math.abs(x.distance - ref.expected.discords[q].distance)).toBeLessThanOrEqual(idxTol));
  });

  it("matches expected.stumpy_motifs (stumpy.motifs(T, P, max_motifs=3)) within 1e-5", () => {
    const got = stumpyMotifs(T, mp.profile, { minNeighbors: 1, maxMatches: 10, maxMotifs: 3 });
    expect(got.indices).toEqual(ref.expected.stumpy_motifs.indices);
    got.distances.forEach((row, q) =>
      row.forEach((d, k) => expect(Math.abs(d - ref.expected.stumpy_motifs.distances[q][k])).toBeLessThanOrEqual(ref.tolerances.stumpy_motifs.atol)),
    );
  });

  it("matches expected.stumpy_match (stumpy.match(T[2904:2940], T, max_matches=10)) within 1e-5", () => {
    const s = ref.settings.stumpy_match_query_start;
    const got = match(T.slice(s, s + m), T, { maxMatches: 10 });
    expect(got.map((x) => x.index)).toEqual(ref.expected.stumpy_match.indices);
    // STUMPY's FFT-based self-match is 6.4e-7, ours is exact: both within the case's 1e-5.
    got.forEach((x, k) => expect(Math.abs(x.distance - ref.expected.stumpy_match.distances[k])).toBeLessThanOrEqual(ref.tolerances.stumpy_match.atol));
  });

  it("finds the planted motif copy (source 1014, copy 2904) and leaves the input untouched", () => {
    expect(topMotifs(mp, 1)[0].pair).toEqual([1014, 2904]);
    expect(T).toEqual(ref.input.T);
  });
});
