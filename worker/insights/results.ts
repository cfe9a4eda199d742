/**
 * @module worker/insights/results
 * The stored-result contract: the documents the finalize stage writes (one per kind, numbers in
 * mg/dL) and the read side serves (views.ts, in the user's unit). Types only, so that the
 * pipeline and the read side both depend on it and never on each other.
 */
import type { DayClustering } from "../../analytics/clustering/index.ts";
import type { CorrelationRow } from "./pipeline/stages/correlations.ts";
import type { Skipped } from "./pipeline/stages/context.ts";
import type { PatternResult } from "./pipeline/stages/matrix-profile.ts";
import type { MetricsResult } from "./pipeline/stages/metrics.ts";
import type { RulesResult } from "./pipeline/stages/rules.ts";
import type { SimilarDaysResult } from "./pipeline/stages/similar-days.ts";

export interface CorrelationsDoc {
  nDays: number;
  rows: (CorrelationRow & { q: number; significant: boolean })[];
  notes: string[];
}

export interface CausalLink {
  source: string;
  target: string;
  lag: number;
  /** PCMCI: MCI partial correlation; fallback: Pearson r. */
  strength: number;
  p: number;
  /** PCMCI link type ("-->" directed, "o-o" same-day, undirected); "correlation" for the fallback. */
  type: string;
}

export interface CausalDoc {
  method: "pcmci" | "lagged_correlation";
  /** Why PCMCI was not run (the fallback), else null. */
  reason: string | null;
  variables: string[];
  days: { first: string; last: string } | null;
  tauMax: number;
  links: CausalLink[];
  notes: string[];
}

export interface PatternsDoc {
  timezone: string;
  patterns: PatternResult | Skipped;
  similarDays: SimilarDaysResult | Skipped;
}

export type RulesDoc = RulesResult | Skipped;
export type MetricsDoc = MetricsResult | Skipped;

export interface JobDocuments {
  correlations: CorrelationsDoc;
  causal: CausalDoc;
  patterns: PatternsDoc;
  rules: RulesDoc;
  metrics: MetricsDoc;
  /** Days grouped by profile shape (stages/day-clusters.ts). */
  day_clusters: DayClustersResult;
}

export type DayClustersResult = DayClustering | Skipped;
