/**
 * pc_alpha = null (choice per target among 0.05, 0.1, 0.2, 0.3, 0.4, 0.5 by ParCorr's AIC). The
 * reference case only covers pc_alpha = 0.05, so these are internal-consistency checks on the same
 * data: the chosen alpha is a candidate with the smallest score, the parents are those of a run
 * with that alpha, and the MCI result equals an MCI run on those parents.
 * (The chosen alphas were also cross-checked against an independent numpy port of tigramite's
 * algorithm: [0.5, 0.05, 0.4, 0.3, 0.1, 0.5, 0.3] for tau_max = 3.)
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { aicScore, combinePcmci, createPcmciContext, DEFAULT_PC_ALPHAS, mciStageTarget, pcmci, pcStageTarget, runPcStableSingle } from "./index.ts";

const ref = JSON.parse(readFileSync(new URL("../../../shared/data/reference/pcmci_tau3_pc005.json", import.meta.url), "utf8")) as {
  input: { data: number[][] };
};
const data = Object.freeze(ref.input.data.map((row) => Object.freeze([...row])));
const N = data[0]!.length;

describe("pcmci with pc_alpha = null", () => {
  const options = { tauMin: 0, tauMax: 3, pcAlpha: null, alphaLevel: 0.05 } as const;
  const result = pcmci(data, options);

  it("chooses, per target, a candidate alpha with the smallest AIC (first on ties)", () => {
    const ctx = createPcmciContext(data, options);
    for (let j = 0; j < N; j++) {
      const pc = pcStageTarget(ctx, j);
      expect(DEFAULT_PC_ALPHAS).toContain(result.pcAlpha[j]);
      expect(pc.pcAlpha).toBe(result.pcAlpha[j]);
      expect(pc.scores).toHaveLength(DEFAULT_PC_ALPHAS.length);
      const best = Math.min(...pc.scores);
      const k = DEFAULT_PC_ALPHAS.indexOf(pc.pcAlpha);
      expect(pc.scores[k]).toBe(best);
      expect(pc.scores.indexOf(best)).toBe(k);
      for (let a = 0; a < DEFAULT_PC_ALPHAS.length; a++) {
        expect(pc.scores[a]).toBe(aicScore(ctx.parcorr, j, runPcStableSingle(ctx, j, DEFAULT_PC_ALPHAS[a]!).parents));
      }
    }
    expect(result.pcAlpha).toEqual([0.5, 0.05, 0.4, 0.3, 0.1, 0.5, 0.3]);
  });

  it("gives, per target, the parents of a run with the chosen alpha", () => {
    for (let j = 0; j < N; j++) {
      const fixed = pcStageTarget(createPcmciContext(data, { ...options, pcAlpha: result.pcAlpha[j]! }), j);
      expect(result.parents[j]).toEqual(fixed.parents);
    }
  });

  it("gives the MCI result of those parents", () => {
    const pc = Array.from({ length: N }, (_, j) => pcStageTarget(createPcmciContext(data, { ...options, pcAlpha: result.pcAlpha[j]! }), j));
    const ctx = createPcmciContext(data, options);
    const mci = Array.from({ length: N }, (_, j) => mciStageTarget(ctx, j, pc.map((r) => r.parents)));
    const again = combinePcmci(N, options, pc, mci);
    expect(again.valMatrix).toEqual(result.valMatrix);
    expect(again.pMatrix).toEqual(result.pMatrix);
    expect(again.graph).toEqual(result.graph);
    expect(again.significantLinks).toEqual(result.significantLinks);
  });

  it("accepts an explicit candidate list", () => {
    const r = pcmci(data, { ...options, pcAlpha: [0.2, 0.05] });
    for (const a of r.pcAlpha) expect([0.2, 0.05]).toContain(a);
    const single = pcmci(data, { ...options, pcAlpha: [0.05] });
    expect(single.parents).toEqual(pcmci(data, { ...options, pcAlpha: 0.05 }).parents);
  });
});
