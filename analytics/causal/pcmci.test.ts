/**
 * PCMCI against the reference case `pcmci_tau3_pc005.json` (shared/data/reference, beside the repo):
 * tigramite 5.2.10.1 (commit ff3ff13), `PCMCI(dataframe, ParCorr(significance='analytic')).run_pcmci(
 * tau_min=0, tau_max=3, pc_alpha=0.05, alpha_level=0.05)` under numpy 1.24.2 / scipy 1.10.1, with the
 * tolerances the case file states (val 1e-10 absolute, p and q 1e-8 relative, graph exact).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { correctedPValues, pcmci, type PcmciResult } from "./index.ts";

interface RefCase {
  input: { var_names: string[]; data: number[][] };
  settings: { tau_min: number; tau_max: number; pc_alpha: number; alpha_level: number };
  expected: {
    val_matrix: number[][][];
    p_matrix: number[][][];
    graph: string[][][];
    significant_links: Array<{ source: string; target: string; lag: number; link: string; val: number; p: number }>;
    pc_parents: Record<string, Array<[string, number]>>;
    q_matrix_fdr_bh: number[][][];
  };
}

const ref = JSON.parse(readFileSync(new URL("../../../shared/data/reference/pcmci_tau3_pc005.json", import.meta.url), "utf8")) as RefCase;
const names = ref.input.var_names;
const N = names.length;
const TAU = ref.settings.tau_max;
const data = Object.freeze(ref.input.data.map((row) => Object.freeze([...row])));
const options = Object.freeze({
  tauMin: ref.settings.tau_min,
  tauMax: TAU,
  pcAlpha: ref.settings.pc_alpha,
  alphaLevel: ref.settings.alpha_level,
});

/** p-value comparison of the case file: 1e-8 relative; an expected 0 accepts up to 1e-15. */
function expectP(actual: number, expected: number): void {
  const error = expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
  expect(error).toBeLessThanOrEqual(expected === 0 ? 1e-15 : 1e-8);
}

function flat(m: number[][][]): Float64Array {
  const out = new Float64Array(N * N * (TAU + 1));
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) for (let t = 0; t <= TAU; t++) out[(i * N + j) * (TAU + 1) + t] = m[i]![j]![t]!;
  return out;
}

describe("pcmci: tigramite reference pcmci_tau3_pc005", () => {
  const result: PcmciResult = pcmci(data, options);

  it("matches val_matrix within 1e-10 absolute", () => {
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++)
        for (let t = 0; t <= TAU; t++) expect(Math.abs(result.valMatrix[i]![j]![t]! - ref.expected.val_matrix[i]![j]![t]!)).toBeLessThanOrEqual(1e-10);
  });

  it("matches p_matrix within 1e-8 relative", () => {
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) for (let t = 0; t <= TAU; t++) expectP(result.pMatrix[i]![j]![t]!, ref.expected.p_matrix[i]![j]![t]!);
  });

  it("matches the graph exactly", () => {
    expect(result.graph).toEqual(ref.expected.graph);
  });

  it("matches the set of significant links, their values and p-values", () => {
    const key = (l: { source: string; target: string; lag: number; link: string }) => `${l.source}|${l.target}|${l.lag}|${l.link}`;
    const got = result.significantLinks.map((l) => ({ ...l, source: names[l.source]!, target: names[l.target]! }));
    expect(new Set(got.map(key))).toEqual(new Set(ref.expected.significant_links.map(key)));
    expect(got).toHaveLength(ref.expected.significant_links.length);
    for (const e of ref.expected.significant_links) {
      const g = got.find((l) => key(l) === key(e))!;
      expect(Math.abs(g.val - e.val)).toBeLessThanOrEqual(1e-10);
      expectP(g.p, e.p);
    }
    // library order: by target index, then p-value
    for (let k = 1; k < result.significantLinks.length; k++) {
      const a = result.significantLinks[k - 1]!;
      const b = result.significantLinks[k]!;
      expect(a.target < b.target || (a.target === b.target && a.p <= b.p)).toBe(true);
    }
  });

  it("matches the PC-stage parents per target (as sets, and in tigramite's strongest-first order)", () => {
    for (let j = 0; j < N; j++) {
      const got = result.parents[j]!.map(([i, lag]) => [names[i]!, lag]);
      const want = ref.expected.pc_parents[names[j]!]!;
      expect(new Set(got.map((x) => JSON.stringify(x)))).toEqual(new Set(want.map((x) => JSON.stringify(x))));
      expect(got).toEqual(want);
    }
    expect(result.pcAlpha).toEqual(Array.from({ length: N }, () => 0.05));
  });

  it("matches the Benjamini-Hochberg q-values (get_corrected_pvalues, exclude_contemporaneous=True)", () => {
    const q = correctedPValues(flat(result.pMatrix), N, TAU, { tauMin: 0, excludeContemporaneous: true });
    const want = flat(ref.expected.q_matrix_fdr_bh);
    for (let k = 0; k < q.length; k++) expectP(q[k]!, want[k]!);
  });

  it("with fdr_method 'fdr_bh' reports the q-values and thresholds them (lag 0 uncorrected)", () => {
    const bh = pcmci(data, { ...options, fdrMethod: "fdr_bh" });
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        for (let t = 0; t <= TAU; t++) {
          expectP(bh.pMatrix[i]![j]![t]!, ref.expected.q_matrix_fdr_bh[i]![j]![t]!);
          expect(bh.valMatrix[i]![j]![t]).toBe(result.valMatrix[i]![j]![t]);
          const passes = bh.pMatrix[i]![j]![t]! <= 0.05 && !(t === 0 && i === j);
          expect(bh.graph[i]![j]![t] !== "").toBe(passes);
        }
      }
    }
    // lagged links that survive the correction are a subset of the uncorrected ones
    for (const l of bh.significantLinks) expect(result.graph[l.source]![l.target]![l.lag]).not.toBe("");
  });

  it("does not modify its (frozen) input", () => {
    expect(() => pcmci(data, options)).not.toThrow();
    expect(data[0]).toEqual(ref.input.data[0]);
  });
});
