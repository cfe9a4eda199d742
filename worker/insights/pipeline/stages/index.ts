/**
 * @module worker/insights/pipeline/stages
 * The handler of every stage of an analysis job (one file per stage).
 */
import type { Stage } from "../plan.ts";
import type { StageHandler } from "./context.ts";
import { correlations } from "./correlations.ts";
import { dayClusters } from "./day-clusters.ts";
import { finalize } from "./finalize.ts";
import { forecastTrain } from "./forecast-train.ts";
import { mp, mpMerge } from "./matrix-profile.ts";
import { metrics } from "./metrics.ts";
import { pcmciMci, pcmciPc } from "./pcmci.ts";
import { prepare } from "./prepare.ts";
import { rules } from "./rules.ts";
import { similarDays } from "./similar-days.ts";

export const STAGE_HANDLERS: Record<Stage, StageHandler> = {
  prepare,
  metrics,
  correlations,
  pcmci_pc: pcmciPc,
  pcmci_mci: pcmciMci,
  mp,
  mp_merge: mpMerge,
  similar_days: similarDays,
  rules,
  forecast_train: forecastTrain,
  day_clusters: dayClusters,
  finalize,
};
