/**
 * @module worker/insights/schemas
 * Request and response schemas of /api/v1/insights. Glucose values are in the user's unit
 * (`unit` in each response); times are ISO 8601 (UTC) unless named `local_*`; every result names
 * the job it came from (`job`), or `null` when no analysis has finished yet.
 */
import { z } from "@hono/zod-openapi";
import { GLUCOSE_UNITS } from "../../vocabulary/units.ts";
import { DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS, MIN_PERIOD_DAYS } from "./pipeline/jobs.ts";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");
const unit = z.enum(GLUCOSE_UNITS);
const num = z.number();
const nullableNum = z.number().nullable();

export const DailyQuery = z
  .object({
    start: isoDate.optional().openapi({ description: "First local date (inclusive). Default: 30 days before `end`.", example: "2024-05-01" }),
    end: isoDate.optional().openapi({ description: "Last local date (inclusive). Default: today.", example: "2024-05-30" }),
  })
  .refine((q) => q.start === undefined || q.end === undefined || q.start <= q.end, { message: "must not be before start", path: ["end"] });

export const DailyItem = z
  .object({
    date: isoDate,
    start: z.string(),
    end: z.string(),
    hours: num.openapi({ description: "24, or 23 / 25 on DST days" }),
    readings: z.number().int(),
    coverage_percent: num,
    glucose: z.object({
      mean: nullableNum,
      sd: nullableNum,
      cv_percent: nullableNum,
      gmi_percent: nullableNum,
      min: nullableNum,
      max: nullableNum,
      morning_mean: nullableNum.openapi({ description: "Mean from local 00:00 to 10:00" }),
      below_54_percent: nullableNum,
      below_70_percent: nullableNum,
      in_range_percent: nullableNum.openapi({ description: "70–180 mg/dL (3.9–10.0 mmol/L)" }),
      above_180_percent: nullableNum,
      above_250_percent: nullableNum,
    }),
    lifestyle: z.object({
      sleep_hours: nullableNum.openapi({ description: "The night before the day" }),
      sleep_quality: nullableNum,
      awakenings: nullableNum,
      meals: z.number().int(),
      carbs_g: nullableNum,
      late_meals: z.number().int().openapi({ description: "Meals after 21:00" }),
      exercise_minutes: num,
      light_activity_minutes: num,
      exercise_intensity: z.enum(["low", "moderate", "high"]).nullable(),
      steps: nullableNum,
      insulin_bolus_units: nullableNum,
      insulin_basal_units: nullableNum,
      insulin_total_units: nullableNum,
      medications: z.number().int(),
    }),
    aggregated_at: z.string(),
  })
  .openapi("DailySummary");

export const DailyList = z.object({ unit, timezone: z.string(), start: isoDate, end: isoDate, items: z.array(DailyItem) }).openapi("DailySummaryList");

export const TriggerBody = z
  .object({
    period_days: z.number().int("must be a whole number").min(MIN_PERIOD_DAYS, `must be at least ${MIN_PERIOD_DAYS}`).max(MAX_PERIOD_DAYS, `must be at most ${MAX_PERIOD_DAYS}`).optional().openapi({ example: DEFAULT_PERIOD_DAYS, description: `Days analysed, ending yesterday (default ${DEFAULT_PERIOD_DAYS})` }),
  })
  .strict()
  .openapi("TriggerAnalysis");

export const TriggerResult = z
  .object({
    job_id: z.string(),
    status: z.enum(["queued", "running", "done", "failed"]),
    already_running: z.boolean().openapi({ description: "true when the user's queued or running job was returned instead of a new one" }),
  })
  .openapi("TriggerResult");

export const JobStatus = z
  .object({
    job_id: z.string(),
    status: z.enum(["queued", "running", "done", "failed"]),
    progress: num.openapi({ description: "Done chunks / planned chunks, 0–1" }),
    stage: z.string(),
    stage_label: z.string(),
    error: z.string().nullable(),
    trigger: z.enum(["api", "cron"]),
    period: z.object({ start: z.string(), end: z.string(), days: z.number().int() }),
    chunks: z.object({ done: z.number().int(), planned: z.number().int(), plan: z.record(z.string(), z.number().int()) }),
    timings: z.object({ largest_chunk_cpu_ms: num, largest_chunk: z.string().nullable(), total_cpu_ms: num }),
    created_at: z.string(),
    updated_at: z.string(),
    finished_at: z.string().nullable(),
  })
  .openapi("AnalysisJob");

export const JobRef = z
  .object({ id: z.string(), finished_at: z.string(), period: z.object({ start: z.string(), end: z.string(), days: z.number().int() }) })
  .nullable()
  .openapi("InsightSource", { description: "The job the result came from; null when no analysis has finished yet" });

export const Correlations = z
  .object({
    job: JobRef,
    unit,
    n_days: z.number().int(),
    items: z.array(
      z.object({
        factor: z.string(),
        target: z.string(),
        lag_days: z.number().int(),
        r: num,
        p: num,
        q: num.openapi({ description: "Benjamini–Hochberg q-value over every factor, target and lag tested" }),
        n: z.number().int(),
        direction: z.enum(["positive", "negative"]),
        significant: z.boolean(),
        effect: z.object({ kind: z.enum(["difference", "slope"]), value: num, unit: z.string() }),
        sentence: z.string(),
      }),
    ),
    notes: z.array(z.string()),
  })
  .openapi("Correlations");

const CausalLinkOut = z.object({ source: z.string(), target: z.string(), lag_days: z.number().int(), strength: num, p: num, type: z.string(), sentence: z.string() });

export const Causal = z
  .object({
    job: JobRef,
    method: z.enum(["pcmci", "lagged_correlation"]).nullable(),
    reason: z.string().nullable(),
    variables: z.array(z.string()),
    days: z.object({ first: z.string(), last: z.string() }).nullable(),
    links: z.array(CausalLinkOut).openapi({ description: "Lifestyle → glucose links, strongest first" }),
    graph: z.object({
      nodes: z.array(z.object({ id: z.string(), label: z.string() })),
      edges: z.array(z.object({ source: z.string(), target: z.string(), lag_days: z.number().int(), type: z.string(), strength: num, p: num })),
    }),
    notes: z.array(z.string()),
  })
  .openapi("Causal");

export const Patterns = z
  .object({
    job: JobRef,
    unit,
    timezone: z.string(),
    window_minutes: z.number().int(),
    motifs: z.array(
      z.object({
        minutes: z.array(z.number().int()).openapi({ description: "x axis of `values`: minutes from the start of an occurrence" }),
        occurrences: z.array(z.object({ start: z.string(), local_time: z.string(), distance: num, values: z.array(num) })),
        sentence: z.string(),
      }),
    ),
    anomalies: z.array(
      z.object({
        start: z.string(),
        local_time: z.string(),
        distance: num,
        values: z.array(num),
        nearest: z.object({ start: z.string(), values: z.array(num) }).nullable(),
        sentence: z.string(),
      }),
    ),
    similar_days: z.array(z.object({ date: z.string(), similar: z.array(z.object({ date: z.string(), distance: num })), sentence: z.string() })),
    notes: z.array(z.string()),
  })
  .openapi("Patterns");

export const Rules = z
  .object({
    job: JobRef,
    n_days: z.number().int(),
    items: z.array(
      z.object({
        if: z.array(z.string()),
        then: z.array(z.string()),
        support: num,
        confidence: num,
        lift: num,
        days: z.number().int(),
        antecedent_days: z.number().int(),
        sentence: z.string(),
      }),
    ),
    notes: z.array(z.string()),
  })
  .openapi("Rules");

export const PeriodDaysQuery = z.object({
  period_days: z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(90, "must be at most 90").default(7).openapi({ example: 7 }),
});

export const AgpQuery = z.object({
  days: z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(90, "must be at most 90").default(14).openapi({ example: 14 }),
});

const Metrics = z
  .object({
    readings: z.number().int(),
    mean: num,
    sd: num,
    cv_percent: num,
    gmi_percent: num,
    below_54_percent: num,
    below_70_percent: num,
    in_range_percent: num.openapi({ description: "70–180 mg/dL (3.9–10.0 mmol/L)" }),
    tight_range_percent: num.openapi({ description: "Time in tight range, 70–140 mg/dL (3.9–7.8 mmol/L); iglu `in_range_percent(targets = list(c(70, 140)))`" }),
    above_180_percent: num,
    above_250_percent: num,
    active_percent: num,
    gri: num.openapi({ description: "Glycaemia risk index 0–100 (Klonoff et al. 2023): 3 · gri_hypo + 1.6 · gri_hyper, capped at 100" }),
    gri_hypo: num.openapi({ description: "GRI hypoglycaemia component: % < 54 + 0.8 · % 54–69 mg/dL" }),
    gri_hyper: num.openapi({ description: "GRI hyperglycaemia component: % > 250 + 0.5 · % 181–250 mg/dL" }),
    gri_zone: z.enum(["A", "B", "C", "D", "E"]).openapi({ description: "A: GRI 0–20, B: 21–40, C: 41–60, D: 61–80, E: 81–100" }),
  })
  .nullable();

export const Dashboard = z
  .object({
    unit,
    period_days: z.number().int(),
    current: z.object({ start: z.string(), end: z.string(), metrics: Metrics }),
    previous: z.object({ start: z.string(), end: z.string(), metrics: Metrics }),
    changes: z.record(z.string(), num).openapi({ description: "current − previous, per metric (same units as the metrics)" }),
    targets: z.array(z.object({ metric: z.string(), label: z.string(), value: nullableNum, target: z.string(), met: z.boolean().nullable(), sentence: z.string() })),
    insights: z.array(z.object({ kind: z.string(), sentence: z.string() })),
    job: JobRef,
  })
  .openapi("Dashboard");

export const Agp = z
  .object({
    unit,
    days: z.number().int(),
    start: z.string(),
    end: z.string(),
    timezone: z.string(),
    readings: z.number().int(),
    bin_minutes: z.number().int(),
    minute: z.array(z.number().int()).openapi({ description: "x: minutes after local midnight of each bin" }),
    p5: z.array(nullableNum),
    p25: z.array(nullableNum),
    p50: z.array(nullableNum),
    p75: z.array(nullableNum),
    p95: z.array(nullableNum),
    count: z.array(z.number().int()),
    metrics: Metrics.openapi({ description: "The consensus metrics of the same readings (null with fewer than 2)" }),
    computed_at: z.string(),
  })
  .openapi("Agp");

export const DayClusters = z
  .object({
    job: JobRef,
    unit,
    k: z.number().int().openapi({ description: "Number of clusters (0 when none could be formed)" }),
    criterion: z.string().openapi({ description: "How the days were clustered and k chosen" }),
    clusters: z.array(
      z.object({
        id: z.number().int(),
        name: z.string().openapi({ example: "late-evening spikes" }),
        description: z.string(),
        days: z.number().int(),
        representative_dates: z.array(z.string()),
        profile: z.array(num).openapi({ description: "Mean glucose by local hour (24 values from 00:00), in `unit`" }),
        features: z.array(z.object({ name: z.string(), cluster_mean: nullableNum, other_mean: nullableNum, p_value: num, significant: z.boolean() })),
      }),
    ),
    notes: z.array(z.string()),
  })
  .openapi("DayClusters");
