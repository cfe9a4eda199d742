import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { causalOrLagged, pcmci } from "./index.ts";

const ref = JSON.parse(readFileSync(new URL("../../../shared/data/reference/pcmci_tau3_pc005.json", import.meta.url), "utf8"));
const names: string[] = ref.input.var_names;
const data: number[][] = ref.input.data;
const target = names[names.length - 1]!;

describe("causalOrLagged", () => {
  it("runs PCMCI when there are enough complete days (identical to pcmci)", () => {
    const r = causalOrLagged(data, names, [target], { tauMax: 3, pcAlpha: 0.05 });
    expect(r.method).toBe("pcmci");
    expect(r.method === "pcmci" && r.result.pMatrix).toEqual(pcmci(data, { tauMax: 3, pcAlpha: 0.05 }).pMatrix);
  });

  it("falls back to lagged correlation below the minimum and says why", () => {
    const few = data.slice(0, 12);
    const r = causalOrLagged(few, names, [target], { tauMax: 3 });
    expect(r.method).toBe("lagged_correlation");
    if (r.method !== "lagged_correlation") return;
    expect(r.reason).toBe("PCMCI needs at least 30 complete days; there are 12, so lagged correlations are shown instead");
    expect(r.links.length).toBe((names.length - 1) * 4);
    for (const l of r.links) {
      expect(l.n).toBe(12 - l.lag);
      expect(l.q).toBeGreaterThanOrEqual(l.p);
    }
  });

  it("counts only complete days", () => {
    const gappy = data.map((row, i) => (i % 3 === 0 ? row.map((v, j) => (j === 0 ? Number.NaN : v)) : row));
    const r = causalOrLagged(gappy, names, [target], { tauMax: 2 });
    expect(r.days).toBe(data.length - Math.ceil(data.length / 3));
  });

  it("names the field of bad input", () => {
    expect(() => causalOrLagged(data, ["a"], ["a"], { tauMax: 1 })).toThrow(/varNames|names/);
    expect(() => causalOrLagged(data, names, ["nope"], { tauMax: 1 })).toThrow(/unknown target/);
  });
});
