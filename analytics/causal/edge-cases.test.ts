/**
 * Edge cases: too few samples, malformed data and options (AnalyticsInputError naming the field),
 * a constant variable, tests without degrees of freedom, tau_max = 0, and the graph/FDR helpers.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { correctedPValues, graphFromPMatrix, pcmci, symmetrizeContemporaneous } from "./index.ts";
import { AnalyticsInputError } from "../errors.ts";

const ref = JSON.parse(readFileSync(new URL("../../../shared/data/reference/pcmci_tau3_pc005.json", import.meta.url), "utf8")) as {
  input: { data: number[][] };
};
const data = Object.freeze(ref.input.data.map((row) => Object.freeze([...row])));

function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    if (err instanceof AnalyticsInputError) return err.field;
    throw err;
  }
  return undefined;
}

describe("pcmci input errors", () => {
  it("too few samples: needs 2*tau_max + 3 time steps", () => {
    const short = data.slice(0, 8);
    expect(() => pcmci(short, { tauMax: 3 })).toThrow(AnalyticsInputError);
    expect(() => pcmci(short, { tauMax: 3 })).toThrow("pcmci needs at least 2*tau_max + 3 = 9 time steps for tau_max = 3, got 8");
    expect(fieldOf(() => pcmci(short, { tauMax: 3 }))).toBe("data");
    expect(() => pcmci(data.slice(0, 9), { tauMax: 3 })).not.toThrow();
  });
  it("malformed data", () => {
    expect(fieldOf(() => pcmci([], { tauMax: 1 }))).toBe("data");
    expect(fieldOf(() => pcmci([[1, 2], [3]], { tauMax: 0 }))).toBe("data");
    expect(fieldOf(() => pcmci([[1], [2], [Number.NaN], [4]], { tauMax: 0 }))).toBe("data");
    expect(fieldOf(() => pcmci([[1], [2], [Number.POSITIVE_INFINITY], [4]], { tauMax: 0 }))).toBe("data");
  });
  it("bad options name their field", () => {
    expect(fieldOf(() => pcmci(data, { tauMax: -1 }))).toBe("tau_max");
    expect(fieldOf(() => pcmci(data, { tauMax: 1.5 }))).toBe("tau_max");
    expect(fieldOf(() => pcmci(data, { tauMin: 3, tauMax: 2 }))).toBe("tau_min");
    expect(fieldOf(() => pcmci(data, { tauMax: 2, pcAlpha: 1.5 }))).toBe("pc_alpha");
    expect(fieldOf(() => pcmci(data, { tauMax: 2, pcAlpha: [] }))).toBe("pc_alpha");
    expect(fieldOf(() => pcmci(data, { tauMax: 2, alphaLevel: -0.1 }))).toBe("alpha_level");
    expect(fieldOf(() => pcmci(data, { tauMax: 2, fdrMethod: "bonferroni" as "none" }))).toBe("fdr_method");
    expect(fieldOf(() => pcmci(data, { tauMax: 2, maxCombinations: 0 }))).toBe("max_combinations");
    expect(fieldOf(() => pcmci(data, { tauMax: 2, maxCondsPx: -1 }))).toBe("max_conds_px");
  });
});

describe("pcmci with a constant variable", () => {
  // carbs_g (column 3) replaced by a constant: every test involving it gives val 0, p 1, it is
  // nobody's parent, and the rest of the result equals the analysis without that column.
  const withConst = Object.freeze(data.map((row) => Object.freeze(row.map((v, k) => (k === 3 ? 5 : v)))));
  const without = Object.freeze(data.map((row) => Object.freeze(row.filter((_, k) => k !== 3))));
  const opts = { tauMax: 2, pcAlpha: 0.2 } as const;
  const a = pcmci(withConst, opts);
  const b = pcmci(without, opts);
  const map = (k: number) => (k < 3 ? k : k + 1);
  it("gives val 0, p 1, no links and no parents for the constant variable", () => {
    for (let i = 0; i < 7; i++) {
      for (let tau = 0; tau <= 2; tau++) {
        for (const [s, t] of [[3, i], [i, 3]] as const) {
          expect(a.valMatrix[s]![t]![tau]).toBe(0);
          expect(a.pMatrix[s]![t]![tau]).toBe(1);
          expect(a.graph[s]![t]![tau]).toBe("");
        }
      }
    }
    expect(a.parents[3]).toEqual([]);
    for (const ps of a.parents) for (const [i] of ps) expect(i).not.toBe(3);
  });
  it("leaves the other links as without the variable", () => {
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 6; j++)
        for (let tau = 0; tau <= 2; tau++) {
          expect(a.valMatrix[map(i)]![map(j)]![tau]).toBe(b.valMatrix[i]![j]![tau]);
          expect(a.pMatrix[map(i)]![map(j)]![tau]).toBe(b.pMatrix[i]![j]![tau]);
        }
  });
  it("still chooses a pc_alpha by AIC (first candidate for the constant target)", () => {
    const r = pcmci(withConst, { tauMax: 2, pcAlpha: null });
    expect(r.pcAlpha[3]).toBe(0.05);
  });
});

describe("pcmci degenerate sizes", () => {
  it("tests without degrees of freedom give NaN p-values, never links", () => {
    const tiny = [
      [1, 4, 2],
      [3, 1, 5],
      [2, 2, 1],
      [5, 3, 3],
      [4, 6, 2],
    ];
    const r = pcmci(tiny, { tauMax: 1, pcAlpha: 0.5, alphaLevel: 0.5 });
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        for (let tau = 0; tau <= 1; tau++) {
          const p = r.pMatrix[i]![j]![tau]!;
          expect(Number.isNaN(p) || (p >= 0 && p <= 1)).toBe(true);
          // An untestable link (NaN p) must not appear in the graph.
          expect(Number.isNaN(p) ? r.graph[i]![j]![tau] : "").toBe("");
        }
  });
  it("tau_max = 0 tests only contemporaneous links with empty conditions", () => {
    const r = pcmci(data, { tauMax: 0 });
    expect(r.parents.every((p) => p.length === 0)).toBe(true);
    for (const l of r.significantLinks) expect(l.link).toBe("o-o");
  });
});

describe("graphFromPMatrix / symmetrizeContemporaneous / correctedPValues", () => {
  it("thresholds lagged links and orients one-sided lag-0 links as tigramite's convert_to_string_graph", () => {
    // N = 2, tau_max = 1, flat index (i*2 + j)*2 + tau
    const p = Float64Array.of(0, 0.01, 0.01, 0.5, 0.2, 0.04, 0, 0.06);
    expect(graphFromPMatrix(p, 2, 1, 0.05)).toEqual([
      [["", "-->"], ["-->", ""]],
      [["<--", "-->"], ["", ""]],
    ]);
    // lags below tau_min and the diagonal at lag 0 are never links
    expect(graphFromPMatrix(p, 2, 1, 1, 1)).toEqual([
      [["", "-->"], ["", "-->"]],
      [["", "-->"], ["", "-->"]],
    ]);
  });
  it("symmetrises lag 0 with the larger p-value", () => {
    const p = Float64Array.of(1, 0.02, 0.03, 1);
    const v = Float64Array.of(0, 0.5, 0.4, 0);
    symmetrizeContemporaneous(p, v, 2, 0);
    expect([...p]).toEqual([1, 0.03, 0.03, 1]);
    expect([...v]).toEqual([0, 0.4, 0.4, 0]);
  });
  it("Benjamini-Hochberg on the lagged entries (hand-computed)", () => {
    // N = 1, tau_max = 4: lagged p = 0.01, 0.04, 0.03, 0.2 (m = 4)
    // sorted 0.01, 0.03, 0.04, 0.2 -> p*m/k = 0.04, 0.06, 0.0533.., 0.2 -> running min from the end
    const q = correctedPValues(Float64Array.of(1, 0.01, 0.04, 0.03, 0.2), 1, 4);
    expect(q[0]).toBe(1);
    expect(q[1]).toBeCloseTo(0.04, 15);
    expect(q[2]).toBeCloseTo(0.16 / 3, 15);
    expect(q[3]).toBeCloseTo(0.16 / 3, 15);
    expect(q[4]).toBeCloseTo(0.2, 15);
    // caps at 1, includes lag 0 off the diagonal when asked, and NaN spreads as in numpy
    expect([...correctedPValues(Float64Array.of(1, 0.9, 0.6, 1, 0.9, 0.95, 1, 1), 2, 1, { excludeContemporaneous: false })]).toEqual([
      1, 1, 1, 1, 1, 1, 1, 1,
    ]);
    expect(correctedPValues(Float64Array.of(1, Number.NaN, 0.01), 1, 2)[2]).toBeNaN();
  });
});
