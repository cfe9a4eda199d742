/**
 * @module worker/insights/pipeline/stages/correlations
 * One part per glucose target: Pearson correlations of every lifestyle factor with the target at
 * lags 0–7 days (`x[t]` against `y[t + lag]`, analytics/correlation), each with an effect in the
 * target's own units for the sentence. The finaliser adds Benjamini–Hochberg q-values across all
 * parts (one family: every factor, target and lag tested).
 */
import { laggedPairs, pearson } from "../../../../analytics/correlation/index.ts";
import { FACTORS, MAX_LAG_DAYS, MIN_PAIRS, recordedDays, TARGETS, type FactorKey, type TargetKey } from "../factors.ts";
import { loadDays, timed, type StageHandler } from "./context.ts";

/** The difference of the target's mean between days with and without the factor's condition. */
export interface SplitEffect {
  kind: "difference";
  /** mean(y | condition) − mean(y | not condition), in the target's units (mg/dL or points). */
  value: number;
  withDays: number;
  withoutDays: number;
}
/** Least-squares slope per the factor's step (factors.ts `per`). */
export interface SlopeEffect {
  kind: "slope";
  value: number;
  per: number;
}

export interface CorrelationRow {
  factor: FactorKey;
  target: TargetKey;
  lag: number;
  r: number;
  p: number;
  n: number;
  effect: SplitEffect | SlopeEffect;
}

export interface CorrelationPart {
  target: TargetKey;
  rows: CorrelationRow[];
  notes: string[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export const correlations: StageHandler = async (ctx) => {
  const { days } = await loadDays(ctx);
  const target = TARGETS[ctx.part];
  if (!target) throw new Error(`correlations: no target for part ${ctx.part}`);
  const { value, ms } = timed((): CorrelationPart => {
    const y = target.series(days);
    const rows: CorrelationRow[] = [];
    const notes: string[] = [];
    const yDays = recordedDays(y);
    if (yDays < MIN_PAIRS) {
      notes.push(`Correlations need at least ${MIN_PAIRS} days with CGM data; you have ${yDays}.`);
      return { target: target.key, rows, notes };
    }
    for (const factor of FACTORS) {
      const x = factor.series(days);
      const xDays = recordedDays(x);
      if (xDays < MIN_PAIRS) {
        notes.push(`${factor.label}: ${xDays} day${xDays === 1 ? "" : "s"} with records, at least ${MIN_PAIRS} are needed.`);
        continue;
      }
      for (let lag = factor.minLag; lag <= MAX_LAG_DAYS && lag < x.length; lag++) {
        const pairs = laggedPairs(x, y, lag);
        const px: number[] = [];
        const py: number[] = [];
        for (let i = 0; i < pairs.x.length; i++) {
          const a = pairs.x[i];
          const b = pairs.y[i];
          if (typeof a === "number" && typeof b === "number" && Number.isFinite(a) && Number.isFinite(b)) {
            px.push(a);
            py.push(b);
          }
        }
        if (px.length < MIN_PAIRS) continue;
        const res = pearson(px, py);
        if (!Number.isFinite(res.r) || !Number.isFinite(res.p)) continue; // constant input: nothing to say
        let effect: SplitEffect | SlopeEffect | null = null;
        if (factor.condition) {
          const yes: number[] = [];
          const no: number[] = [];
          px.forEach((a, i) => (factor.condition!.test(a) ? yes : no).push(py[i]!));
          if (yes.length >= 3 && no.length >= 3) effect = { kind: "difference", value: mean(yes) - mean(no), withDays: yes.length, withoutDays: no.length };
        }
        if (!effect) {
          const mx = mean(px);
          const my = mean(py);
          let sxy = 0;
          let sxx = 0;
          px.forEach((a, i) => {
            sxy += (a - mx) * (py[i]! - my);
            sxx += (a - mx) ** 2;
          });
          const per = factor.per?.size ?? 1;
          effect = { kind: "slope", value: (sxy / sxx) * per, per };
        }
        rows.push({ factor: factor.key, target: target.key, lag, r: res.r, p: res.p, n: res.n, effect });
      }
    }
    return { target: target.key, rows, notes };
  });
  return { result: value, cpuMs: ms };
};
