/**
 * `stump` against a naive O(n²·m) implementation written here from the definitions
 * (z-normalise each window with the population SD, Euclidean distance, exclusion zone ceil(m/4),
 * STUMPY's rules for constant and non-finite windows), plus hand-checked cases.
 */
import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "../errors.ts";
import { stump } from "./index.ts";

/** Seeded PRNG (mulberry32) so every test vector is reproducible. */
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

function randomWalk(n: number, seed: number): number[] {
  const r = rng(seed);
  const out: number[] = [];
  let x = 100;
  for (let t = 0; t < n; t++) {
    x += (r() - 0.5) * 6;
    out.push(x);
  }
  return out;
}

interface Naive {
  dist: (i: number, j: number) => number;
  profile: number[];
  indices: number[];
  left: number[];
  right: number[];
}

/**
 * Naive matrix profile. Distance per pair from scratch; candidates visited by increasing offset,
 * left before right, keeping the first of equal distances (STUMPY's tie outcome).
 */
function naiveStump(T: readonly number[], m: number): Naive {
  const l = T.length - m + 1;
  const excl = Math.ceil(m / 4);
  const finite: boolean[] = [];
  const constant: boolean[] = [];
  const z: number[][] = [];
  for (let i = 0; i < l; i++) {
    const w = T.slice(i, i + m);
    finite.push(w.every((v) => Number.isFinite(v)));
    constant.push(finite[i] && w.every((v) => v === w[0]));
    const mu = w.reduce((s, v) => s + v, 0) / m;
    const sd = Math.sqrt(w.reduce((s, v) => s + (v - mu) ** 2, 0) / m);
    z.push(w.map((v) => (v - mu) / sd));
  }
  const dist = (i: number, j: number): number => {
    if (!finite[i] || !finite[j]) return Infinity;
    if (constant[i] && constant[j]) return 0;
    if (constant[i] || constant[j]) return Math.sqrt(m);
    let s = 0;
    for (let k = 0; k < m; k++) s += (z[i][k] - z[j][k]) ** 2;
    return Math.sqrt(s);
  };
  const out: Naive = { dist, profile: [], indices: [], left: [], right: [] };
  for (let i = 0; i < l; i++) {
    let best = Infinity;
    let bi = -1;
    let bl = Infinity;
    let li = -1;
    let br = Infinity;
    let ri = -1;
    for (let off = excl + 1; off < l; off++) {
      for (const j of [i - off, i + off]) {
        if (j < 0 || j >= l) continue;
        const d = dist(i, j);
        if (d < best) [best, bi] = [d, j];
        if (j < i && d < bl) [bl, li] = [d, j];
        if (j > i && d < br) [br, ri] = [d, j];
      }
    }
    out.profile.push(best);
    out.indices.push(bi);
    out.left.push(li);
    out.right.push(ri);
  }
  return out;
}

function expectClose(T: readonly number[], m: number, exactIndices: boolean, atol = 1e-7): void {
  const got = stump(T, m);
  const want = naiveStump(T, m);
  for (let i = 0; i < want.profile.length; i++) {
    const diff = Number.isFinite(want.profile[i]) ? Math.abs(got.profile[i] - want.profile[i]) : got.profile[i] === Infinity ? 0 : Infinity;
    expect(diff, `profile[${i}]`).toBeLessThanOrEqual(atol);
  }
  const fields = [
    ["indices", got.indices, want.indices],
    ["leftIndices", got.leftIndices, want.left],
    ["rightIndices", got.rightIndices, want.right],
  ] as const;
  for (const [name, ours, theirs] of fields) {
    // Exact, or (random data) up to ties: a different index must be exactly as close, since
    // z-normalised shapes can repeat exactly and rounding then decides.
    const bad: string[] = [];
    for (let i = 0; i < theirs.length; i++) {
      if (ours[i] === theirs[i]) continue;
      const tie = !exactIndices && theirs[i] !== -1 && ours[i] !== -1 && Math.abs(want.dist(i, ours[i]) - want.dist(i, theirs[i])) <= 1e-7;
      if (!tie) bad.push(`${name}[${i}]: ${ours[i]} vs ${theirs[i]}`);
    }
    expect(bad).toEqual([]);
  }
}

describe("stump: hand-checked", () => {
  it("reproduces STUMPY's docstring example", () => {
    // stumpy.stump(np.array([584., -11., 23., 79., 1001., 0., -19.]), m=3) from STUMPY 1.12's docstring:
    // [[0.11633857113691416, 4, -1, 4], [2.694073918063438, 3, -1, 3], [3.0000926340485923, 0, 0, 4],
    //  [2.694073918063438, 1, 1, -1], [0.11633857113691416, 0, 0, -1]]
    const T = Object.freeze([584, -11, 23, 79, 1001, 0, -19]);
    const mp = stump(T, 3);
    const want = [0.11633857113691416, 2.694073918063438, 3.0000926340485923, 2.694073918063438, 0.11633857113691416];
    want.forEach((w, i) => expect(Math.abs(mp.profile[i] - w)).toBeLessThan(1e-12));
    expect(Array.from(mp.indices)).toEqual([4, 3, 0, 1, 0]);
    expect(Array.from(mp.leftIndices)).toEqual([-1, -1, 0, 1, 0]);
    expect(Array.from(mp.rightIndices)).toEqual([4, 3, 4, -1, -1]);
    expect(mp.exclZone).toBe(1);
  });

  it("gives distance 0 to an exact repeat and to a scaled and shifted copy", () => {
    // windows 0 and 6 are equal; window 12 is 2·x + 5 of window 0: both at z-normalised distance 0
    const base = [3, 1, 4, 1, 5, 9];
    const T = [...base, ...base, ...base.map((v) => 2 * v + 5)];
    const mp = stump(T, 6);
    expect(mp.profile[0]).toBeLessThan(1e-7);
    expect(mp.profile[12]).toBeLessThan(1e-7);
    expect([6, 12]).toContain(mp.indices[0]);
  });
});

describe("stump vs naive O(n²m)", () => {
  for (const [n, m, seed] of [
    [40, 3, 1],
    [64, 4, 2],
    [100, 8, 3],
    [150, 12, 4],
    [203, 17, 5],
    [300, 36, 6],
    [120, 100, 7],
    [51, 40, 8],
  ] as const) {
    it(`random walk n=${n}, m=${m}`, () => expectClose(randomWalk(n, seed), m, false));
  }
});

describe("stump: constant windows (STUMPY rule: 0 between constants, sqrt(m) to a non-constant)", () => {
  it("flat runs among noise (windows ending a run share one shape: ties up to rounding)", () => {
    const T = randomWalk(120, 11);
    for (let t = 20; t < 35; t++) T[t] = 90;
    for (let t = 70; t < 80; t++) T[t] = 90;
    for (let t = 100; t < 108; t++) T[t] = 42;
    expectClose(T, 6, false, 1e-9);
    // constant rows have exact ties (ρ = 1 or 0.5): their indices must be exactly the naive ones
    const got = stump(T, 6);
    const want = naiveStump(T, 6);
    const constantRows = [...Array(got.profile.length).keys()].filter((i) => T.slice(i, i + 6).every((v) => v === T[i]));
    expect(constantRows.length).toBe(10 + 5 + 3);
    for (const i of constantRows) {
      expect([got.profile[i], got.indices[i], got.leftIndices[i], got.rightIndices[i]]).toEqual([want.profile[i], want.indices[i], want.left[i], want.right[i]]);
    }
  });

  it("an entirely constant series: every row at 0, closest neighbour, left on ties", () => {
    const T = new Array(30).fill(7);
    const mp = stump(T, 5);
    expect(Array.from(mp.profile).every((d) => d === 0)).toBe(true);
    const e = mp.exclZone; // 2
    expect(mp.indices[0]).toBe(e + 1);
    expect(mp.indices[10]).toBe(10 - e - 1);
    expect(mp.leftIndices[10]).toBe(10 - e - 1);
    expect(mp.rightIndices[10]).toBe(10 + e + 1);
    expectClose(T, 5, true, 0);
  });

  it("a single constant window is at sqrt(m) from everything", () => {
    const T = [1, 5, 2, 8, 3, 3, 3, 3, 9, 4, 7, 1, 6, 2];
    const mp = stump(T, 4);
    expect(mp.profile[4]).toBe(2); // sqrt(4)
    expectClose(T, 4, true, 1e-9);
  });
});

describe("stump: non-finite values", () => {
  it("NaN gaps make their windows infinite and unmatched", () => {
    const T = randomWalk(150, 21);
    T[40] = Number.NaN;
    T[41] = Number.NaN;
    T[100] = Number.POSITIVE_INFINITY;
    const mp = stump(T, 10);
    for (let i = 31; i <= 41; i++) {
      expect(mp.profile[i]).toBe(Infinity);
      expect(mp.indices[i]).toBe(-1);
    }
    for (let i = 0; i < mp.indices.length; i++) {
      const j = mp.indices[i];
      expect(j < 31 || j > 41).toBe(true);
    }
    expectClose(T, 10, false);
  });

  it("a series that is all gaps gives an all-infinite profile", () => {
    const mp = stump([NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN], 3);
    expect(Array.from(mp.profile).every((d) => d === Infinity)).toBe(true);
    expect(Array.from(mp.indices).every((j) => j === -1)).toBe(true);
  });

  it("windows with no candidate outside the exclusion zone are infinite (m close to n)", () => {
    const mp = stump([1, 2, 3, 4, 5, 6, 7], 6); // l = 2, exclusion zone 2: no diagonal
    expect(Array.from(mp.profile)).toEqual([Infinity, Infinity]);
    expect(Array.from(mp.indices)).toEqual([-1, -1]);
  });
});

describe("stump: bad input", () => {
  it("rejects m larger than the series with a clear error naming m", () => {
    expect(() => stump([1, 2, 3], 4)).toThrow(AnalyticsInputError);
    expect(() => stump([1, 2, 3], 4)).toThrow(/stump: m \(4\) must not exceed the series length \(3\)/);
    let caught: unknown;
    try {
      stump([1, 2, 3], 4);
    } catch (err) {
      caught = err;
    }
    expect((caught as AnalyticsInputError).field).toBe("m");
  });

  it("rejects m < 3 and non-integer m", () => {
    expect(() => stump([1, 2, 3, 4], 2)).toThrow(/m must be an integer >= 3, got 2/);
    expect(() => stump([1, 2, 3, 4], 3.5)).toThrow(AnalyticsInputError);
  });

  it("rejects a non-array series and non-numbers inside it", () => {
    expect(() => stump(42 as unknown as number[], 3)).toThrow(/series must be an array/);
    expect(() => stump([1, "2", 3, 4] as unknown as number[], 3)).toThrow(/series\[1\] must be a number/);
  });

  it("does not modify its input", () => {
    const T = Object.freeze(randomWalk(50, 3));
    const copy = [...T];
    stump(T, 5);
    expect(T).toEqual(copy);
  });
});

describe("stump: accuracy along long diagonals (no drift of the O(1) co-moment update)", () => {
  it("30 days of 5-minute CGM-like data, m = 288: every profile value equals the direct pair distance", () => {
    const r = rng(2024);
    const T: number[] = [];
    let drift = 0;
    for (let t = 0; t < 30 * 288; t++) {
      drift = 0.97 * drift + (r() - 0.5) * 4;
      const hour = (t % 288) / 12;
      const meals = [7.5, 12.5, 19].reduce((s, h) => s + 50 * Math.exp(-((hour - h - 0.75) ** 2) / 0.5), 0);
      T.push(Math.round(105 + meals + drift + (r() - 0.5) * 4));
    }
    const m = 288;
    const mp = stump(T, m);
    const l = mp.profile.length;
    const excl = Math.ceil(m / 4);
    const zWindow = (s: number): Float64Array => {
      let mu = 0;
      for (let k = 0; k < m; k++) mu += T[s + k];
      mu /= m;
      let ss = 0;
      for (let k = 0; k < m; k++) ss += (T[s + k] - mu) ** 2;
      const sd = Math.sqrt(ss / m);
      return Float64Array.from({ length: m }, (_, k) => (T[s + k] - mu) / sd);
    };
    const dist = (a: Float64Array, b: Float64Array): number => {
      let s = 0;
      for (let k = 0; k < m; k++) s += (a[k] - b[k]) ** 2;
      return Math.sqrt(s);
    };
    let worst = 0;
    for (let i = 0; i < l; i++) worst = Math.max(worst, Math.abs(dist(zWindow(i), zWindow(mp.indices[i])) - mp.profile[i]));
    expect(worst).toBeLessThan(1e-9);
    // brute-force nearest neighbour of a few rows, including the first and last ones (longest diagonals)
    const zs = Array.from({ length: l }, (_, j) => zWindow(j));
    for (const i of [0, 1, 17, 4000, l - 2, l - 1]) {
      let best = Infinity;
      for (let j = 0; j < l; j++) if (Math.abs(i - j) > excl) best = Math.min(best, dist(zs[i], zs[j]));
      expect(Math.abs(best - mp.profile[i])).toBeLessThan(1e-9);
    }
  });
});
