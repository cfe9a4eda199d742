/**
 * @module worker/insights/views
 * Stored results → API responses (worker/insights/schemas.ts): glucose converted to the user's
 * unit, sentences written (sentences.ts), the job each result came from named. Pure functions,
 * so the routes stay thin and the shaping is testable without HTTP.
 */
import { agpProfile, consensusMetrics, formatLocalDateTime, prepareReadings, type ConsensusMetrics } from "../../analytics/cgm/index.ts";
import { GLUCOSE_CV_MAX_PERCENT, TIME_BELOW_RANGE_MAX_PERCENT, TIME_IN_RANGE_TARGET_PERCENT } from "../../analytics/rules/index.ts";
import { iso } from "../schemas/common.ts";
import type { GlucoseUnit } from "../../vocabulary/units.ts";
import type { Job } from "./repository.ts";
import type { DaySummary } from "./pipeline/daily.ts";
import { factorByKey, targetByKey } from "./pipeline/factors.ts";
import { STAGE_LABELS, type Stage } from "./pipeline/plan.ts";
import {
  causalSentence,
  correlationSentence,
  discordSentence,
  glucoseValue,
  isLifestyleLink,
  motifSentence,
  ruleItemLabel,
  ruleSentence,
  similarDaySentence,
} from "./sentences.ts";
import { isSkipped } from "./pipeline/stages/context.ts";
import type { CausalDoc, CorrelationsDoc, DayClustersResult, PatternsDoc, RulesDoc } from "./results.ts";
import type { DiscordResult, MotifResult, PatternResult } from "./pipeline/stages/matrix-profile.ts";
import { MIN_CONFIDENCE, MIN_LIFT, MIN_SUPPORT } from "./pipeline/stages/rules.ts";

type Stored<T> = { job: Job; data: T } | null;

const g = (mgdl: number | null, unit: GlucoseUnit) => (mgdl === null ? null : glucoseValue(mgdl, unit));
const r2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

export const jobRef = (job: Job) => ({
  id: job.id,
  finished_at: iso(job.finishedAt ?? job.updatedAt),
  period: { start: iso(job.periodStart), end: iso(job.periodEnd), days: job.periodDays },
});

export function jobView(job: Job, timings: { largestMs: number; largest: string | null; totalMs: number }) {
  return {
    job_id: job.id,
    status: job.status,
    progress: job.status === "done" ? 1 : Math.round((job.doneChunks / job.plannedChunks) * 1000) / 1000,
    stage: job.stage,
    stage_label: STAGE_LABELS[job.stage as Stage] ?? job.stage,
    error: job.error,
    trigger: job.trigger,
    period: { start: iso(job.periodStart), end: iso(job.periodEnd), days: job.periodDays },
    chunks: { done: job.status === "done" ? job.plannedChunks : job.doneChunks, planned: job.plannedChunks, plan: job.plan },
    timings: { largest_chunk_cpu_ms: Math.round(timings.largestMs * 10) / 10, largest_chunk: timings.largest, total_cpu_ms: Math.round(timings.totalMs * 10) / 10 },
    created_at: iso(job.createdAt),
    updated_at: iso(job.updatedAt),
    finished_at: job.finishedAt === null ? null : iso(job.finishedAt),
  };
}

export function dailyView(d: DaySummary & { aggregatedAt: number }, unit: GlucoseUnit) {
  return {
    date: d.date,
    start: iso(d.dayStart),
    end: iso(d.dayEnd),
    hours: d.hours,
    readings: d.readings,
    coverage_percent: d.coveragePercent,
    glucose: {
      mean: g(d.mean, unit),
      sd: g(d.sd, unit),
      cv_percent: r2(d.cv),
      gmi_percent: r2(d.gmi),
      min: g(d.min, unit),
      max: g(d.max, unit),
      morning_mean: g(d.morningMean, unit),
      below_54_percent: r2(d.below54),
      below_70_percent: r2(d.below70),
      in_range_percent: r2(d.inRange),
      above_180_percent: r2(d.above180),
      above_250_percent: r2(d.above250),
    },
    lifestyle: {
      sleep_hours: r2(d.sleepHours),
      sleep_quality: r2(d.sleepQuality),
      awakenings: d.awakenings,
      meals: d.meals,
      carbs_g: d.carbs,
      late_meals: d.lateMeals,
      exercise_minutes: d.exerciseMinutes,
      light_activity_minutes: d.lightActivityMinutes,
      exercise_intensity: d.exerciseIntensity,
      steps: d.steps,
      insulin_bolus_units: d.insulinBolus,
      insulin_basal_units: d.insulinBasal,
      insulin_total_units: d.insulinTotal,
      medications: d.medications,
    },
    aggregated_at: iso(d.aggregatedAt),
  };
}

const NO_JOB = "No analysis has finished yet: POST /api/v1/insights/trigger-analysis starts one.";

export function correlationsView(stored: Stored<CorrelationsDoc>, unit: GlucoseUnit) {
  if (!stored) return { job: null, unit, n_days: 0, items: [], notes: [NO_JOB] };
  const { job, data } = stored;
  return {
    job: jobRef(job),
    unit,
    n_days: data.nDays,
    items: data.rows.map((row) => {
      const target = targetByKey(row.target);
      const glucoseEffect = target?.kind === "mgdl";
      return {
        factor: row.factor,
        target: row.target,
        lag_days: row.lag,
        r: row.r,
        p: row.p,
        q: row.q,
        n: row.n,
        direction: row.r >= 0 ? ("positive" as const) : ("negative" as const),
        significant: row.significant,
        effect: {
          kind: row.effect.kind,
          value: glucoseEffect ? glucoseValue(row.effect.value, unit) : Math.round(row.effect.value * 100) / 100,
          unit: `${glucoseEffect ? unit : "percentage points"}${row.effect.kind === "slope" ? ` per ${factorByKey(row.factor)?.per?.size ?? 1}` : ""}`,
        },
        sentence: correlationSentence(row, unit),
      };
    }),
    notes: data.notes,
  };
}

const label = (key: string) => (targetByKey(key) ?? factorByKey(key))?.label ?? key;

export function causalView(stored: Stored<CausalDoc>) {
  if (!stored) return { job: null, method: null, reason: null, variables: [], days: null, links: [], graph: { nodes: [], edges: [] }, notes: [NO_JOB] };
  const { job, data } = stored;
  const edges = data.links.map((l) => ({ source: l.source, target: l.target, lag_days: l.lag, type: l.type, strength: l.strength, p: l.p }));
  const nodes = [...new Set([...data.variables, ...data.links.flatMap((l) => [l.source, l.target])])].map((id) => ({ id, label: label(id) }));
  const links = data.links
    .filter(isLifestyleLink)
    .sort((a, b) => Math.abs(b.strength) - Math.abs(a.strength) || a.p - b.p)
    .map((l) => ({ source: l.source, target: l.target, lag_days: l.lag, strength: l.strength, p: l.p, type: l.type, sentence: causalSentence(l, data.method) }));
  const notes = [...data.notes];
  if (data.reason) notes.unshift(`${data.reason}, so the links below come from lagged correlations instead.`);
  return { job: jobRef(job), method: data.method, reason: data.reason, variables: data.variables, days: data.days, links, graph: { nodes, edges }, notes };
}

function motifView(m: MotifResult, windowMinutes: number, tz: string, unit: GlucoseUnit) {
  const points = m.values[0]?.length ?? 0;
  return {
    minutes: Array.from({ length: points }, (_, k) => Math.round((k * windowMinutes) / points)),
    occurrences: m.occurrences.map((o, k) => ({
      start: iso(o.start),
      local_time: localTime(o.start, tz),
      distance: o.distance,
      values: m.values[k]!.map((v) => glucoseValue(v, unit)),
    })),
    sentence: motifSentence(m, windowMinutes, tz, unit),
  };
}

function anomalyView(d: DiscordResult, p: PatternResult, tz: string, unit: GlucoseUnit) {
  return {
    start: iso(d.start),
    local_time: localTime(d.start, tz),
    distance: d.distance,
    values: d.values.map((v) => glucoseValue(v, unit)),
    nearest: d.nearest ? { start: iso(d.nearest.start), values: d.nearest.values.map((v) => glucoseValue(v, unit)) } : null,
    sentence: discordSentence(d, p.windowMinutes, p.typicalDistance, p.typicalRange, tz, unit),
  };
}

/** "YYYY-MM-DD HH:MM" on the user's clock. */
const localTime = (ms: number, tz: string) => formatLocalDateTime(ms, tz).slice(0, 16);

export function patternsView(stored: Stored<PatternsDoc>, unit: GlucoseUnit) {
  if (!stored) return { job: null, unit, timezone: "UTC", window_minutes: 120, motifs: [], anomalies: [], similar_days: [], notes: [NO_JOB] };
  const { job, data } = stored;
  const tz = data.timezone;
  const notes: string[] = [];
  const p = isSkipped(data.patterns) ? null : data.patterns;
  if (isSkipped(data.patterns)) notes.push(`No pattern search: ${data.patterns.skipped}.`);
  const similar = isSkipped(data.similarDays) ? [] : data.similarDays.days.map((d) => ({ ...d, sentence: similarDaySentence(d.date, d.similar) }));
  if (isSkipped(data.similarDays)) notes.push(`No similar days: ${data.similarDays.skipped}.`);
  return {
    job: jobRef(job),
    unit,
    timezone: tz,
    window_minutes: p?.windowMinutes ?? 120,
    motifs: p ? p.motifs.map((m) => motifView(m, p.windowMinutes, tz, unit)) : [],
    anomalies: p ? p.discords.map((d) => anomalyView(d, p, tz, unit)) : [],
    similar_days: similar,
    notes,
  };
}

export function rulesView(stored: Stored<RulesDoc>, unit: GlucoseUnit) {
  if (!stored) return { job: null, n_days: 0, items: [], notes: [NO_JOB] };
  const { job, data } = stored;
  if (isSkipped(data)) return { job: jobRef(job), n_days: 0, items: [], notes: [`No if-then rules: ${data.skipped}.`] };
  return {
    job: jobRef(job),
    n_days: data.nDays,
    items: data.rules.map((r) => ({
      if: r.antecedents.map((i) => ruleItemLabel(i, unit)),
      then: r.consequents.map((i) => ruleItemLabel(i, unit)),
      support: Math.round(r.support * 1000) / 1000,
      confidence: Math.round(r.confidence * 1000) / 1000,
      lift: Math.round(r.lift * 100) / 100,
      days: r.days,
      antecedent_days: r.antecedentDays,
      sentence: ruleSentence(r, unit),
    })),
    notes: data.rules.length ? [] : [`No rule from your habits to a glucose outcome was frequent and strong enough (support ${MIN_SUPPORT * 100} %, confidence ${MIN_CONFIDENCE * 100} %, lift ${MIN_LIFT}).`],
  };
}

// ---------------------------------------------------------------------------------------------
// Live views (computed from readings on request)

export function metricsOf(readings: { times: Float64Array; values: Float64Array }, tz: string): ConsensusMetrics | null {
  if (readings.times.length < 2) return null;
  return consensusMetrics(prepareReadings(Array.from(readings.times, (time, i) => ({ time, value: readings.values[i]! })), tz));
}

export function metricsView(m: ConsensusMetrics | null, unit: GlucoseUnit) {
  if (!m) return null;
  return {
    readings: m.readings,
    mean: glucoseValue(m.mean, unit),
    sd: glucoseValue(m.sd, unit),
    cv_percent: r2(m.cv)!,
    gmi_percent: r2(m.gmi)!,
    below_54_percent: r2(m.below_54)!,
    below_70_percent: r2(m.below_70)!,
    in_range_percent: r2(m.in_range_70_180)!,
    tight_range_percent: r2(m.in_range_70_140)!,
    above_180_percent: r2(m.above_180)!,
    above_250_percent: r2(m.above_250)!,
    active_percent: r2(m.active_percent)!,
    gri: r2(m.gri)!,
    gri_hypo: r2(m.gri_hypo)!,
    gri_hyper: r2(m.gri_hyper)!,
    gri_zone: m.gri_zone,
  };
}

/** The consensus targets (Battelino et al. 2019): value, target and whether it is met. */
function targetsOf(m: ReturnType<typeof metricsView>) {
  const row = (metric: string, labelText: string, value: number | null, target: string, met: (v: number) => boolean) => {
    const ok = value === null ? null : met(value);
    const sentence =
      value === null
        ? `${labelText}: no data in this period.`
        : `${labelText}: ${Math.round(value * 10) / 10} % (target ${target}): ${ok ? "on target" : "not on target yet"}.`;
    return { metric, label: labelText, value, target, met: ok, sentence };
  };
  return [
    row("in_range_percent", "Time in range", m?.in_range_percent ?? null, `above ${TIME_IN_RANGE_TARGET_PERCENT} %`, (v) => v > TIME_IN_RANGE_TARGET_PERCENT),
    row("below_70_percent", "Time below range", m?.below_70_percent ?? null, `under ${TIME_BELOW_RANGE_MAX_PERCENT} %`, (v) => v < TIME_BELOW_RANGE_MAX_PERCENT),
    row("below_54_percent", "Time very low", m?.below_54_percent ?? null, "under 1 %", (v) => v < 1),
    row("cv_percent", "Glucose variability (CV)", m?.cv_percent ?? null, `${GLUCOSE_CV_MAX_PERCENT} % or less`, (v) => v <= GLUCOSE_CV_MAX_PERCENT),
  ];
}

export function dashboardView(input: {
  unit: GlucoseUnit;
  periodDays: number;
  current: { start: number; end: number; metrics: ConsensusMetrics | null };
  previous: { start: number; end: number; metrics: ConsensusMetrics | null };
  correlations: Stored<CorrelationsDoc>;
  causal: Stored<CausalDoc>;
  rules: Stored<RulesDoc>;
}) {
  const { unit } = input;
  const cur = metricsView(input.current.metrics, unit);
  const prev = metricsView(input.previous.metrics, unit);
  const changes: Record<string, number> = {};
  if (cur && prev) {
    for (const k of Object.keys(cur) as (keyof typeof cur)[]) {
      const a = cur[k];
      const b = prev[k];
      if (k !== "readings" && typeof a === "number" && typeof b === "number") changes[k] = Math.round((a - b) * 100) / 100;
    }
  }
  // Top three insights: the strongest significant correlations, then the strongest causal link and rule.
  const insights: { kind: string; sentence: string }[] = [];
  const corr = input.correlations ? correlationsView(input.correlations, unit).items.filter((i) => i.significant) : [];
  const causal = input.causal ? causalView(input.causal).links : [];
  const rules = input.rules ? rulesView(input.rules, unit).items : [];
  if (causal[0]) insights.push({ kind: "causal", sentence: causal[0].sentence });
  for (const c of corr) {
    if (insights.length >= 2) break;
    insights.push({ kind: "correlation", sentence: c.sentence });
  }
  if (rules[0]) insights.push({ kind: "rule", sentence: rules[0].sentence });
  for (const c of corr.slice(1)) {
    if (insights.length >= 3) break;
    if (!insights.some((i) => i.sentence === c.sentence)) insights.push({ kind: "correlation", sentence: c.sentence });
  }
  const source = [input.correlations, input.causal, input.rules].find((x) => x !== null) ?? null;
  return {
    unit,
    period_days: input.periodDays,
    current: { start: iso(input.current.start), end: iso(input.current.end), metrics: cur },
    previous: { start: iso(input.previous.start), end: iso(input.previous.end), metrics: prev },
    changes,
    targets: targetsOf(cur),
    insights: insights.slice(0, 3),
    job: source ? jobRef(source.job) : null,
  };
}

export function agpView(input: { unit: GlucoseUnit; days: number; start: number; end: number; timezone: string; readings: { times: Float64Array; values: Float64Array } }) {
  const { unit, readings } = input;
  const binMinutes = 15;
  const bins = 1440 / binMinutes;
  const minute = Array.from({ length: bins }, (_, k) => k * binMinutes);
  const empty = () => Array.from({ length: bins }, () => null as number | null);
  let p: Record<string, (number | null)[]> = { p5: empty(), p25: empty(), p50: empty(), p75: empty(), p95: empty() };
  let count = Array.from({ length: bins }, () => 0);
  let metrics: ConsensusMetrics | null = null;
  if (readings.times.length > 0) {
    const series = prepareReadings(Array.from(readings.times, (time, i) => ({ time, value: readings.values[i]! })), input.timezone);
    if (series.values.length >= 2) metrics = consensusMetrics(series);
    const agp = agpProfile(series, { binMinutes });
    p = Object.fromEntries(Object.entries(agp.percentiles).map(([k, v]) => [k, Array.from(v, (x) => (Number.isFinite(x) ? glucoseValue(x, unit) : null))]));
    count = Array.from(agp.count);
  }
  return {
    unit,
    days: input.days,
    start: iso(input.start),
    end: iso(input.end),
    timezone: input.timezone,
    readings: readings.times.length,
    bin_minutes: binMinutes,
    minute,
    p5: p.p5!,
    p25: p.p25!,
    p50: p.p50!,
    p75: p.p75!,
    p95: p.p95!,
    count,
    metrics: metricsView(metrics, unit),
    computed_at: new Date().toISOString(),
  };
}

/** The stored result → `GET /api/v1/insights/day-clusters` (profiles in the user's unit). */
export function dayClustersView(stored: { job: Job; data: DayClustersResult } | null, unit: GlucoseUnit) {
  if (!stored) return { job: null, unit, k: 0, criterion: "", clusters: [], notes: ["No analysis has finished yet: POST /api/v1/insights/trigger-analysis starts one."] };
  const { job, data } = stored;
  if (isSkipped(data)) return { job: jobRef(job), unit, k: 0, criterion: "", clusters: [], notes: [`No day clusters: ${data.skipped}.`] };
  return {
    job: jobRef(job),
    unit,
    k: data.k,
    criterion: data.criterion,
    clusters: data.clusters.map((c) => ({
      id: c.id,
      name: c.name,
      description: c.description,
      days: c.days,
      representative_dates: [...c.representativeDates],
      profile: c.profile.map((v) => glucoseValue(v, unit)),
      features: c.features.map((f) => ({ name: f.name, cluster_mean: f.clusterMean, other_mean: f.otherMean, p_value: f.p, significant: f.significant })),
    })),
    notes: [],
  };
}
