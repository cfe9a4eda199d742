/**
 * @module worker/insights/pipeline/plan
 * The chunk plan of an analysis job: its stages, what each waits for, and how many parts (Queue
 * messages) each has. The plan is fixed when the job is created (it depends only on the period),
 * so progress is `done chunks / planned chunks` from the first message on.
 *
 * ```
 * prepare ─┬─ metrics ───────────────────────────┐
 *          ├─ correlations (one part per target) ─┤
 *          ├─ pcmci_pc (per variable) ─ pcmci_mci (per variable) ─┤
 *          ├─ mp (diagonal ranges) ─ mp_merge ────┤── finalize
 *          ├─ similar_days ───────────────────────┤
 *          ├─ rules ──────────────────────────────┤
 *          ├─ forecast_train (stores the model) ──┤
 *          └─ day_clusters ───────────────────────┘
 * ```
 */
import { exclusionZone, planDiagonalChunks } from "../../../analytics/matrix-profile/index.ts";
import { PCMCI_VARIABLES, TARGETS } from "./factors.ts";

export const STAGES = ["prepare", "metrics", "correlations", "pcmci_pc", "pcmci_mci", "mp", "mp_merge", "similar_days", "rules", "forecast_train", "day_clusters", "finalize"] as const;
export type Stage = (typeof STAGES)[number];

export const DEPENDS_ON: Record<Stage, readonly Stage[]> = {
  prepare: [],
  metrics: ["prepare"],
  correlations: ["prepare"],
  pcmci_pc: ["prepare"],
  pcmci_mci: ["pcmci_pc"],
  mp: ["prepare"],
  mp_merge: ["mp"],
  similar_days: ["prepare"],
  rules: ["prepare"],
  forecast_train: ["prepare"],
  day_clusters: ["prepare"],
  finalize: ["metrics", "correlations", "pcmci_mci", "mp_merge", "similar_days", "rules", "forecast_train", "day_clusters"],
};

/** What each stage is called while it runs (job status `stage_label`, failure reasons). */
export const STAGE_LABELS: Record<Stage, string> = {
  prepare: "preparing your data",
  metrics: "CGM metrics and AGP",
  correlations: "correlations",
  pcmci_pc: "causal discovery (condition selection)",
  pcmci_mci: "causal discovery (link tests)",
  mp: "pattern search",
  mp_merge: "combining the pattern search",
  similar_days: "similar days",
  rules: "if-then rules",
  forecast_train: "training your glucose forecast",
  day_clusters: "grouping similar days",
  finalize: "writing up the results",
};

/** Time step of the glucose grid the pattern search runs on. */
export const GRID_STEP_MS = 5 * 60_000;
/**
 * Window of the matrix profile: 24 points = 2 hours of 5-minute data, long enough to hold a meal
 * response or an overnight low, short enough that a 90-day period has thousands of them to compare
 * (motifs and discords). Similar days compare whole local days instead (288 points, stages/similar-days.ts).
 */
export const MP_WINDOW = 24;
/**
 * Most distance-matrix cells per matrix-profile chunk: 5·10⁷ is ~0.25 s at the library's
 * conservative 2·10⁸ cells/s (analytics/matrix-profile/chunks.ts), so a 90-day period (25,920
 * points, ~3.4·10⁸ cells) is 7 chunks, each far below the 5 s budget even on a slow, shared CPU.
 */
export const MP_MAX_CELLS = 5e7;

export type Plan = Record<Stage, number>;

/** Number of points of the period's 5-minute grid. */
export const gridLength = (periodStart: number, periodEnd: number) => Math.round((periodEnd - periodStart) / GRID_STEP_MS);

/** Diagonal ranges of the matrix profile for a grid of `n` points ([] when the series is too short). */
export function mpRanges(n: number, parts?: number) {
  const l = n - MP_WINDOW + 1;
  if (l < 2) return [];
  const excl = exclusionZone(MP_WINDOW);
  return parts === undefined ? planDiagonalChunks(l, excl, { maxCells: MP_MAX_CELLS }) : planDiagonalChunks(l, excl, { chunks: parts });
}

/** The plan of a job over `[periodStart, periodEnd)`. */
export function planJob(periodStart: number, periodEnd: number): Plan {
  return {
    prepare: 1,
    metrics: 1,
    correlations: TARGETS.length,
    pcmci_pc: PCMCI_VARIABLES.length,
    pcmci_mci: PCMCI_VARIABLES.length,
    mp: Math.max(1, mpRanges(gridLength(periodStart, periodEnd)).length),
    mp_merge: 1,
    similar_days: 1,
    rules: 1,
    forecast_train: 1,
    day_clusters: 1,
    finalize: 1,
  };
}

export const plannedChunks = (plan: Plan) => STAGES.reduce((n, s) => n + plan[s], 0);

/** Stages whose dependencies are all complete and which are not complete themselves. */
export function readyStages(plan: Plan, done: ReadonlyMap<string, number>): Stage[] {
  // `?? 0`: a job planned before a stage existed (stored plan) has nothing to wait for there.
  const complete = (s: Stage) => (done.get(s) ?? 0) >= (plan[s] ?? 0);
  return STAGES.filter((s) => !complete(s) && DEPENDS_ON[s].every(complete));
}

export const dependenciesComplete = (plan: Plan, done: ReadonlyMap<string, number>, stage: Stage) => DEPENDS_ON[stage].every((d) => (done.get(d) ?? 0) >= (plan[d] ?? 0));
