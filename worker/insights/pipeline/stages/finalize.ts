/**
 * @module worker/insights/pipeline/stages/finalize
 * Last stage: combines the stored chunk results into the job's results (one document per kind:
 * correlations, causal, patterns, rules, metrics), writes them together with the job's "done"
 * status in the same D1 batch as this chunk's row, and clears the binary partials. Documents hold
 * numbers in mg/dL; sentences are written when a result is served, in the user's unit of the day.
 */
import { combinePcmci } from "../../../../analytics/causal/index.ts";
import { benjaminiHochberg } from "../../../../analytics/correlation/index.ts";
import { chunkResults, finishJobStatements } from "../../repository.ts";
import { FACTORS, factorByKey, TARGETS } from "../factors.ts";
import type { CausalDoc, CorrelationsDoc, DayClustersResult, JobDocuments, MetricsDoc, RulesDoc } from "../../results.ts";
import type { CorrelationPart, CorrelationRow } from "./correlations.ts";
import { isSkipped, loadDays, timed, type Skipped, type StageContext, type StageHandler } from "./context.ts";
import type { PatternResult } from "./matrix-profile.ts";
import { PCMCI_OPTIONS, pcmciInput, type MciPart, type PcPart } from "./pcmci.ts";
import type { SimilarDaysResult } from "./similar-days.ts";

/** False-discovery rate at which a correlation counts as significant. */
export const Q_SIGNIFICANT = 0.05;

/** Ranks correlations: significant first, then by strength |r|, then by q. */
export function rankCorrelations(rows: CorrelationsDoc["rows"]): CorrelationsDoc["rows"] {
  const factorIndex = (k: string) => FACTORS.findIndex((f) => f.key === k);
  const targetIndex = (k: string) => TARGETS.findIndex((t) => t.key === k);
  return [...rows].sort(
    (a, b) =>
      Number(b.significant) - Number(a.significant) ||
      Math.abs(b.r) - Math.abs(a.r) ||
      a.q - b.q ||
      factorIndex(a.factor) - factorIndex(b.factor) ||
      targetIndex(a.target) - targetIndex(b.target) ||
      a.lag - b.lag,
  );
}

function buildCorrelations(parts: Map<number, CorrelationPart>, nDays: number): CorrelationsDoc {
  const rows: CorrelationRow[] = [];
  const notes = new Set<string>();
  for (let part = 0; part < TARGETS.length; part++) {
    const p = parts.get(part);
    if (!p) throw new Error(`finalize: correlations part ${part} is missing`);
    rows.push(...p.rows);
    for (const n of p.notes) notes.add(n);
  }
  const q = benjaminiHochberg(rows.map((r) => r.p));
  const withQ = rows.map((r, i) => ({ ...r, q: q[i]!, significant: q[i]! < Q_SIGNIFICANT }));
  return { nDays, rows: rankCorrelations(withQ), notes: [...notes] };
}

function buildCausal(days: Awaited<ReturnType<typeof loadDays>>["days"], pc: Map<number, PcPart>, mci: Map<number, MciPart>, correlations: CorrelationsDoc): CausalDoc {
  const input = pcmciInput(days);
  if (!input.ok) {
    // The seed's fallback: lagged correlations (lag ≥ 1 day, significant after BH) stand in for links.
    const links = correlations.rows
      .filter((r) => r.significant && r.lag >= Math.max(1, factorByKey(r.factor)?.minLag ?? 1))
      .map((r) => ({ source: r.factor, target: r.target, lag: r.lag, strength: r.r, p: r.p, type: "correlation" }));
    return { method: "lagged_correlation", reason: input.reason, variables: [], days: null, tauMax: PCMCI_OPTIONS.tauMax, links, notes: [] };
  }
  const N = input.variables.length;
  const pcs = Array.from({ length: N }, (_, j) => {
    const r = pc.get(j);
    if (!r || isSkipped(r)) throw new Error(`finalize: the PCMCI condition selection of variable ${j} is missing`);
    return r;
  });
  const mcis = Array.from({ length: N }, (_, j) => {
    const r = mci.get(j);
    if (!r || isSkipped(r)) throw new Error(`finalize: the PCMCI link tests of variable ${j} are missing`);
    return r;
  });
  const result = combinePcmci(N, PCMCI_OPTIONS, pcs, mcis);
  const links = result.significantLinks
    // tigramite lists a same-day (o-o) link from both ends; keep one.
    .filter((l) => !(l.lag === 0 && l.source > l.target))
    .map((l) => ({ source: input.variables[l.source]!, target: input.variables[l.target]!, lag: l.lag, strength: l.val, p: l.p, type: l.link }));
  return { method: "pcmci", reason: null, variables: input.variables, days: { first: input.firstDay, last: input.lastDay }, tauMax: PCMCI_OPTIONS.tauMax, links, notes: input.notes };
}

async function load(ctx: StageContext) {
  const get = <T>(stage: Parameters<typeof chunkResults>[3]) => chunkResults<T>(ctx.db, ctx.userId, ctx.job.id, stage);
  const [meta, correlations, pc, mci, patterns, similar, rulesResult, metricsResult] = await Promise.all([
    loadDays(ctx),
    get<CorrelationPart>("correlations"),
    get<PcPart>("pcmci_pc"),
    get<MciPart>("pcmci_mci"),
    get<PatternResult | Skipped>("mp_merge"),
    get<SimilarDaysResult | Skipped>("similar_days"),
    get<RulesDoc>("rules"),
    get<MetricsDoc>("metrics"),
  ]);
  const dayClusters = await get<DayClustersResult>("day_clusters");
  return { meta, correlations, pc, mci, patterns, similar, rulesResult, metricsResult, dayClusters };
}

const only = <T>(m: Map<number, T>, what: string): T => {
  const v = m.get(0);
  if (v === undefined) throw new Error(`finalize: the ${what} result is missing`);
  return v;
};

export const finalize: StageHandler = async (ctx) => {
  const loaded = await load(ctx);
  const { value, ms } = timed((): JobDocuments => {
    const nDays = loaded.meta.days.filter((d) => d.readings > 0).length;
    const correlations = buildCorrelations(loaded.correlations, nDays);
    return {
      correlations,
      causal: buildCausal(loaded.meta.days, loaded.pc, loaded.mci, correlations),
      patterns: { timezone: loaded.meta.timezone, patterns: only(loaded.patterns, "pattern search"), similarDays: only(loaded.similar, "similar days") },
      rules: only(loaded.rulesResult, "rules"),
      metrics: only(loaded.metricsResult, "metrics"),
      day_clusters: only(loaded.dayClusters, "day clusters"),
    };
  });
  return {
    result: { kinds: Object.keys(value) },
    cpuMs: ms,
    statements: finishJobStatements(ctx.db, ctx.userId, ctx.job.id, value as unknown as Record<string, unknown>),
  };
};
