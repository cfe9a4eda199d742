/**
 * @module analytics/causal/causal-or-lagged
 * PCMCI when there are enough days, lagged correlation otherwise, and a sentence saying which
 * was used and why. This is the seed system's fallback: PCMCI's conditional tests need many more
 * samples than a plain correlation, and with a few weeks of diary data it finds nothing reliable.
 */
import { AnalyticsInputError } from "../errors.ts";
import { benjaminiHochberg } from "../correlation/benjamini-hochberg.ts";
import { laggedCorrelations } from "../correlation/lagged.ts";
import { pcmci } from "./pcmci.ts";
import type { PcmciOptions, PcmciResult } from "./types.ts";

/** Fewest complete days PCMCI is run on (the pipeline's rule; below it, lagged correlation). */
export const PCMCI_MIN_DAYS = 30;

export interface LaggedLink {
  source: string;
  target: string;
  lag: number;
  r: number;
  p: number;
  /** Benjamini–Hochberg q-value over every (source, target, lag) tested. */
  q: number;
  n: number;
}

export type CausalOrLagged =
  | { method: "pcmci"; days: number; result: PcmciResult }
  | { method: "lagged_correlation"; days: number; reason: string; links: LaggedLink[] };

/**
 * Runs PCMCI on `data` (rows = days, columns = `varNames`) if at least `minDays` rows are complete
 * (no NaN); otherwise Pearson correlations of every variable with each target at lags
 * `tauMin..tauMax` over the available pairs, with BH q-values, and a reason naming what is missing.
 *
 * Runs in the time of {@link pcmci}, or `O(V² · L · n log n)` for the fallback.
 *
 * @throws {AnalyticsInputError} `varNames` when it does not match the data's width, `targets` for
 *   an unknown target name
 * @example
 * const r = causalOrLagged(rows, ["sleep_hours", "mean_glucose"], ["mean_glucose"], { tauMax: 2 });
 * if (r.method === "lagged_correlation") console.log(r.reason);
 */
export function causalOrLagged(
  data: ReadonlyArray<ArrayLike<number>>,
  varNames: readonly string[],
  targets: readonly string[],
  options: PcmciOptions,
  minDays = PCMCI_MIN_DAYS,
): CausalOrLagged {
  if (data.length && data[0]!.length !== varNames.length) {
    throw new AnalyticsInputError("varNames", `causalOrLagged: ${varNames.length} names for ${data[0]!.length} columns`);
  }
  for (const t of targets) if (!varNames.includes(t)) throw new AnalyticsInputError("targets", `causalOrLagged: unknown target ${t}`);
  const complete = data.filter((row) => Array.from(row).every(Number.isFinite));
  if (complete.length >= minDays) return { method: "pcmci", days: complete.length, result: pcmci(complete, options) };

  const column = (j: number) => data.map((row) => (Number.isFinite(row[j]!) ? row[j]! : Number.NaN));
  const tauMin = Math.max(options.tauMin ?? 0, 0);
  const lags: number[] = [];
  for (let lag = tauMin; lag <= options.tauMax && lag < data.length - 2; lag++) lags.push(lag);
  const links: Omit<LaggedLink, "q">[] = [];
  for (const target of targets) {
    const y = column(varNames.indexOf(target));
    varNames.forEach((source, j) => {
      if (source === target) return;
      const x = column(j);
      for (const c of safeLagged(x, y, lags)) links.push({ source, target, lag: c.lag, r: c.r, p: c.p, n: c.n });
    });
  }
  const q = benjaminiHochberg(links.map((l) => l.p));
  return {
    method: "lagged_correlation",
    days: complete.length,
    reason: `PCMCI needs at least ${minDays} complete days; there are ${complete.length}, so lagged correlations are shown instead`,
    links: links.map((l, i) => ({ ...l, q: q[i]! })),
  };
}

/** Lagged Pearson correlations, skipping lags that leave fewer than 3 complete pairs. */
function safeLagged(x: number[], y: number[], lags: number[]): { lag: number; r: number; p: number; n: number }[] {
  const out: { lag: number; r: number; p: number; n: number }[] = [];
  for (const lag of lags) {
    try {
      const [c] = laggedCorrelations(x, y, [lag]);
      if (c && c.pearson.n >= 3) out.push({ lag, r: c.pearson.r, p: c.pearson.p, n: c.pearson.n });
    } catch (err) {
      if (!(err instanceof AnalyticsInputError)) throw err;
    }
  }
  return out;
}
