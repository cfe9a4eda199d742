/**
 * Motif and discord selection (the rules in `mp_cgm14_m36.json` settings), checked by hand on small
 * profiles where every step can be followed.
 */
import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "../errors.ts";
import { argminFirst, stump, topDiscords, topMotifs } from "./index.ts";

const mpOf = (profile: number[], indices: number[], exclZone: number) => ({
  profile: Float64Array.from(profile),
  indices: Int32Array.from(indices),
  exclZone,
});

describe("topMotifs", () => {
  it("takes argmin, pairs it with its neighbour and blanks both zones", () => {
    // rows:           0    1    2    3    4    5    6    7    8    9
    const P = [5, 0.5, 0.4, 3, 2, 0.4, 6, 0.9, 1.5, 1.1];
    const I = [4, 9, 5, 8, 0, 2, 1, 9, 3, 1];
    const mp = mpOf(P, I, 1);
    // 1) argmin 0.4 first at 2 (lowest index on ties) → pair (2, 5); blank 1..3 and 4..6
    // 2) remaining: 0:5, 7:0.9, 8:1.5, 9:1.1 → 7, pair (7, 9); blank 6..8 and 8..9
    // 3) remaining: 0:5 → pair (0, 4)
    expect(topMotifs(mp, 3)).toEqual([
      { pair: [2, 5], distance: 0.4 },
      { pair: [7, 9], distance: 0.9 },
      { pair: [0, 4], distance: 5 },
    ]);
    expect(Array.from(mp.profile)).toEqual(P); // not modified
  });

  it("stops when no finite value is left and accepts k = 0", () => {
    const mp = mpOf([1, Infinity, Infinity, 2], [3, -1, -1, 0], 1);
    expect(topMotifs(mp, 5)).toEqual([{ pair: [0, 3], distance: 1 }]);
    expect(topMotifs(mp, 0)).toEqual([]);
    expect(() => topMotifs(mp, -1)).toThrow(AnalyticsInputError);
  });

  it("finds a planted repeat in a series", () => {
    let seed = 12345;
    const noise = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648; // LCG, reproducible
      return seed / 2147483648 - 0.5;
    };
    const T: number[] = [];
    let level = 100;
    for (let t = 0; t < 300; t++) T.push((level += 4 * noise()));
    const pattern = [0, 30, 55, 60, 40, 20, 10, 5, 0, -5];
    pattern.forEach((v, k) => {
      T[50 + k] += v;
      T[220 + k] += v * 1.5;
    });
    const [best] = topMotifs(stump(T, 10), 1);
    const [a, b] = [...best.pair].sort((x, y) => x - y);
    // the best pair overlaps the plants (at 50 and 220) at the same phase
    expect(b - a).toBe(170);
    expect(Math.abs(a - 50)).toBeLessThan(10);
  });
});

describe("topDiscords", () => {
  it("takes argmax of the finite values and blanks its zone", () => {
    const mp = mpOf([1, 7, Infinity, 7, 2, 6.5, 3, 0, 6], [0, 0, -1, 0, 0, 0, 0, 0, 0], 1);
    // 1) max finite 7 first at 1 → blank 0..2  2) 7 at 3 → blank 2..4  3) 6.5 at 5
    expect(topDiscords(mp, 3)).toEqual([
      { index: 1, distance: 7 },
      { index: 3, distance: 7 },
      { index: 5, distance: 6.5 },
    ]);
    // 4) blank 4..6 left 7:0 and 8:6 → 8; blank 7..8 → nothing finite left
    expect(topDiscords(mp, 10).map((d) => d.index)).toEqual([1, 3, 5, 8]);
  });

  it("never reports gap windows and returns [] for an all-infinite profile", () => {
    expect(topDiscords(mpOf([Infinity, Infinity], [-1, -1], 1), 3)).toEqual([]);
  });
});

describe("argminFirst", () => {
  it("returns the lowest index of the minimum, -1 when nothing is finite", () => {
    expect(argminFirst([3, 1, 1, 2])).toBe(1);
    expect(argminFirst([Infinity, Infinity])).toBe(-1);
    expect(argminFirst([])).toBe(-1);
  });
});
