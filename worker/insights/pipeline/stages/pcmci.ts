/**
 * @module worker/insights/pipeline/stages/pcmci
 * Causal discovery with PCMCI (analytics/causal), one queue message per target variable and
 * stage: `pcmci_pc` part j selects the conditions (parents) of variable j, `pcmci_mci` part j tests
 * every link into j given all parents; the finaliser combines them (`combinePcmci`, bit-identical
 * to the unchunked run).
 *
 * Data: one row per local day of the period, trimmed to the first and last day with CGM data;
 * PCMCI needs complete rows, so a day without a record of a variable gets that variable's mean.
 * Not enough data is a result: with fewer than {@link MIN_PCMCI_DAYS} days of CGM data or of
 * sleep records every part stores the reason and the finaliser falls back to the lagged
 * correlations (as the seed did). Other variables with too few records are left out, with a note.
 */
import { createPcmciContext, mciStageTarget, pcStageTarget, type MciTargetResult, type PcmciOptions, type PcTargetResult } from "../../../../analytics/causal/index.ts";
import type { DaySummary } from "../daily.ts";
import { factorByKey, PCMCI_VARIABLES, recordedDays, targetByKey, type PcmciVariable } from "../factors.ts";
import { chunkResults } from "../../repository.ts";
import { isSkipped, loadDays, timed, type Skipped, type StageHandler } from "./context.ts";

/** Fewest days with CGM data, and with sleep records, for PCMCI. */
export const MIN_PCMCI_DAYS = 30;

/**
 * tau_max 2 days (a night's or a meal's effect shows up the next day, rarely later); pc_alpha 0.2,
 * the liberal condition-selection level tigramite recommends for PC1; links at alpha 0.05 after
 * Benjamini–Hochberg on the lagged links.
 */
export const PCMCI_OPTIONS: PcmciOptions = { tauMin: 0, tauMax: 2, pcAlpha: 0.2, alphaLevel: 0.05, fdrMethod: "fdr_bh" };

export type PcmciInput =
  | { ok: true; variables: PcmciVariable[]; rows: number[][]; firstDay: string; lastDay: string; notes: string[] }
  | { ok: false; reason: string };

const seriesOf = (v: PcmciVariable, days: readonly DaySummary[]) => (targetByKey(v) ?? factorByKey(v))!.series(days);
const label = (v: PcmciVariable) => (targetByKey(v) ?? factorByKey(v))!.label;

/** Chooses the variables and builds the data matrix (deterministic: every part computes the same). */
export function pcmciInput(days: readonly DaySummary[]): PcmciInput {
  const glucose = seriesOf("mean_glucose", days);
  const cgmDays = recordedDays(glucose);
  if (cgmDays < MIN_PCMCI_DAYS) return { ok: false, reason: `PCMCI needs at least ${MIN_PCMCI_DAYS} days with CGM data; you have ${cgmDays}` };
  const sleepDays = days.filter((d) => d.sleepHours !== null).length;
  if (sleepDays < MIN_PCMCI_DAYS) return { ok: false, reason: `PCMCI needs at least ${MIN_PCMCI_DAYS} days with sleep records; you have ${sleepDays}` };
  let first = 0;
  let last = days.length - 1;
  while (!Number.isFinite(glucose[first])) first++;
  while (!Number.isFinite(glucose[last])) last--;
  const notes: string[] = [];
  const variables: PcmciVariable[] = [];
  const columns: number[][] = [];
  for (const v of PCMCI_VARIABLES) {
    const xs = seriesOf(v, days).slice(first, last + 1);
    const recorded = xs.filter(Number.isFinite);
    if (recorded.length < MIN_PCMCI_DAYS) {
      notes.push(`${label(v)} left out: ${recorded.length} days with records, PCMCI needs ${MIN_PCMCI_DAYS}.`);
      continue;
    }
    const mean = recorded.reduce((a, b) => a + b, 0) / recorded.length;
    const filled = xs.map((x) => (Number.isFinite(x) ? x : mean));
    if (filled.every((x) => x === filled[0])) {
      notes.push(`${label(v)} left out: it never changes.`);
      continue;
    }
    const missing = xs.length - recorded.length;
    if (missing > 0) notes.push(`${label(v)}: ${missing} of ${xs.length} days without a record were given the average.`);
    variables.push(v);
    columns.push(filled);
  }
  const rows = columns[0]!.map((_, t) => columns.map((c) => c[t]!));
  return { ok: true, variables, rows, firstDay: days[first]!.date, lastDay: days[last]!.date, notes };
}

export type PcPart = PcTargetResult | Skipped;
export type MciPart = MciTargetResult | Skipped;

export const pcmciPc: StageHandler = async (ctx) => {
  const { days } = await loadDays(ctx);
  const { value, ms } = timed((): PcPart => {
    const input = pcmciInput(days);
    if (!input.ok) return { skipped: input.reason };
    if (ctx.part >= input.variables.length) return { skipped: "variable left out" };
    return pcStageTarget(createPcmciContext(input.rows, PCMCI_OPTIONS), ctx.part);
  });
  return { result: value, cpuMs: ms };
};

export const pcmciMci: StageHandler = async (ctx) => {
  const [{ days }, pc] = await Promise.all([loadDays(ctx), chunkResults<PcPart>(ctx.db, ctx.userId, ctx.job.id, "pcmci_pc")]);
  const { value, ms } = timed((): MciPart => {
    const input = pcmciInput(days);
    if (!input.ok) return { skipped: input.reason };
    if (ctx.part >= input.variables.length) return { skipped: "variable left out" };
    const parents = input.variables.map((_, j) => {
      const r = pc.get(j);
      if (!r || isSkipped(r)) throw new Error(`pcmci_mci: the condition selection of variable ${j} is missing`);
      return r.parents;
    });
    return mciStageTarget(createPcmciContext(input.rows, PCMCI_OPTIONS), ctx.part, parents);
  });
  return { result: value, cpuMs: ms };
};
