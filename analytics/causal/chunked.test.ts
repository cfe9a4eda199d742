/**
 * Per-target chunking: running the PC and MCI stages one target at a time (as queue messages do,
 * with a fresh context per message and chunk results passed through JSON) and combining gives
 * exactly the result of the whole run. Data: the 90-day diary of the reference case.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { combinePcmci, createPcmciContext, mciStageTarget, pcmci, pcStageTarget, type MciTargetResult, type PcmciOptions, type PcTargetResult } from "./index.ts";
import { AnalyticsInputError } from "../errors.ts";

const ref = JSON.parse(readFileSync(new URL("../../../shared/data/reference/pcmci_tau3_pc005.json", import.meta.url), "utf8")) as {
  input: { data: number[][] };
};
const data = Object.freeze(ref.input.data.map((row) => Object.freeze([...row])));
const N = data[0]!.length;

function chunked(options: PcmciOptions) {
  // 1. one message per target for the PC stage; results stored as JSON
  const pc = Array.from({ length: N }, (_, j) => JSON.parse(JSON.stringify(pcStageTarget(createPcmciContext(data, options), j))) as PcTargetResult);
  // 2. one message per target for MCI, using the parents of all targets; processed in reverse order
  const parents = pc.map((r) => r.parents);
  const mci: MciTargetResult[] = [];
  for (let j = N - 1; j >= 0; j--) mci.push(JSON.parse(JSON.stringify(mciStageTarget(createPcmciContext(data, options), j, parents))) as MciTargetResult);
  // 3. combine
  return { pc, mci, result: combinePcmci(N, options, pc, mci) };
}

describe("pcmci chunked per target", () => {
  const cases: Array<[string, PcmciOptions]> = [
    ["tau 3, pc_alpha 0.05", { tauMin: 0, tauMax: 3, pcAlpha: 0.05 }],
    ["tau 3, pc_alpha null (AIC)", { tauMin: 0, tauMax: 3, pcAlpha: null }],
    ["tau 5, tau_min 1, fdr_bh", { tauMin: 1, tauMax: 5, pcAlpha: 0.2, fdrMethod: "fdr_bh", alphaLevel: 0.1 }],
  ];
  for (const [name, options] of cases) {
    it(`equals the whole run exactly (${name})`, () => {
      const whole = pcmci(data, options);
      const { result } = chunked(options);
      expect(result).toEqual(whole);
    });
  }

  it("gives bit-identical lag-0 results from the chunks of the two targets", () => {
    const { mci } = chunked({ tauMax: 2 });
    const byT = new Map(mci.map((c) => [c.target, c]));
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        if (i === j) continue;
        expect(byT.get(j)!.val[i * 3]).toBe(byT.get(i)!.val[j * 3]);
        expect(byT.get(j)!.p[i * 3]).toBe(byT.get(i)!.p[j * 3]);
      }
    }
  });

  it("combinePcmci rejects missing or duplicated chunks", () => {
    const { pc, mci } = chunked({ tauMax: 1 });
    expect(() => combinePcmci(N, { tauMax: 1 }, pc, mci.slice(1))).toThrow(AnalyticsInputError);
    expect(() => combinePcmci(N, { tauMax: 1 }, pc, [...mci.slice(1), mci[1]!])).toThrow(/exactly once/);
    expect(() => combinePcmci(N, { tauMax: 2 }, pc, mci)).toThrow(/does not match/);
  });

  it("mciStageTarget checks the parents table", () => {
    const ctx = createPcmciContext(data, { tauMax: 2 });
    expect(() => mciStageTarget(ctx, 0, [])).toThrow(AnalyticsInputError);
    const bad = Array.from({ length: N }, () => [] as Array<[number, number]>);
    bad[2] = [[1, -3]];
    expect(() => mciStageTarget(ctx, 0, bad)).toThrow(/invalid node/);
    expect(() => mciStageTarget(ctx, N, bad)).toThrow(/target/);
  });
});
