/**
 * @module worker/insights/routes
 * /api/v1/insights: daily summaries, analysis jobs (trigger and status) and the latest results in
 * plain language. Every route is authenticated and reads only the caller's rows; another user's
 * job id answers 404. Results name the job and time they came from.
 */
import { createRoute, OpenAPIHono, type z } from "@hono/zod-openapi";
import { dayNumberToIsoDate, localDayNumber, startOfLocalDay } from "../../analytics/cgm/index.ts";
import type { Context } from "hono";
import { userDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { invalid, notFound } from "../lib/errors.ts";
import { findJob, jobTimings, latestResult, listDailySummaries, readingsInRange, userSettings } from "./repository.ts";
import { startAnalysis } from "./pipeline/jobs.ts";
import type { CausalDoc, CorrelationsDoc, DayClustersResult, PatternsDoc, RulesDoc } from "./results.ts";
import { agpView, causalView, correlationsView, dailyView, dashboardView, dayClustersView, jobView, metricsOf, patternsView, rulesView } from "./views.ts";
import { commonErrors, IdParam, jsonContent, notFoundError } from "../schemas/common.ts";
import { Agp, AgpQuery, Causal, Correlations, DailyList, DailyQuery, Dashboard, DayClusters, JobStatus, Patterns, PeriodDaysQuery, Rules, TriggerBody, TriggerResult } from "./schemas.ts";

const security = [{ Bearer: [] }];
const tags = ["Insights"];
const DAY_MS = 86_400_000;
const MAX_DAILY_RANGE_DAYS = 400;

export const insightRoutes = new OpenAPIHono<AppEnv>();

async function settings(c: Context<AppEnv>) {
  const s = await userSettings(await userDb(c), c.get("user").id);
  if (!s) throw notFound("Account");
  return s;
}

insightRoutes.openapi(
  createRoute({
    method: "get",
    path: "/daily",
    tags,
    summary: "Daily summaries (glucose and lifestyle per local day)",
    description:
      "One item per local calendar day with data (23 or 25 hours on DST days), aggregated every night after 03:00 local time, re-aggregated when older data arrives and by every analysis. Sleep is the night before the day; meals, insulin and medications count on their local day; activities on the day they start.",
    security,
    request: { query: DailyQuery },
    responses: { 200: jsonContent(DailyList, "Daily summaries in date order"), ...commonErrors },
  }),
  async (c) => {
    const { timezone, unit } = await settings(c);
    const q = c.req.valid("query");
    const end = q.end ?? dayNumberToIsoDate(localDayNumber(Date.now(), timezone));
    const endDay = Date.parse(`${end}T00:00:00Z`) / DAY_MS;
    const start = q.start ?? dayNumberToIsoDate(endDay - 29);
    if (endDay - Date.parse(`${start}T00:00:00Z`) / DAY_MS >= MAX_DAILY_RANGE_DAYS) {
      throw invalid([{ path: "start", message: `the range may span at most ${MAX_DAILY_RANGE_DAYS} days` }]);
    }
    const rows = await listDailySummaries(await userDb(c), c.get("user").id, start, end);
    return c.json({ unit, timezone, start, end, items: rows.map((r) => dailyView(r, unit)) }, 200);
  },
);

insightRoutes.openapi(
  createRoute({
    method: "post",
    path: "/trigger-analysis",
    tags,
    summary: "Start an analysis of your recent data",
    description:
      "Queues an analysis of the last `period_days` complete local days (default 90): correlations, lagged correlations with q-values, causal discovery (PCMCI), patterns (matrix profile), if-then rules, CGM metrics and AGP. One job per user at a time: while one is queued or running this answers 202 with that job's id (`already_running: true`) instead of starting another. Poll `GET /jobs/{id}`.",
    security,
    request: { body: { required: false, content: { "application/json": { schema: TriggerBody } } } },
    responses: { 202: jsonContent(TriggerResult, "Queued (or the job already running)"), ...commonErrors },
  }),
  async (c) => {
    const body = c.req.valid("json") as z.output<typeof TriggerBody> | undefined;
    const { job, created } = await startAnalysis(c.env, c.get("user").id, { periodDays: body?.period_days, trigger: "api" });
    c.header("Location", `/api/v1/insights/jobs/${job.id}`);
    return c.json({ job_id: job.id, status: job.status, already_running: !created }, 202);
  },
);

insightRoutes.openapi(
  createRoute({
    method: "get",
    path: "/jobs/{id}",
    tags,
    summary: "Status and progress of an analysis job",
    description: "`progress` is done chunks / planned chunks (0–1); `stage` the step being worked on; `error` the reason when `status` is `failed`.",
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(JobStatus, "The job"), ...commonErrors, ...notFoundError },
  }),
  async (c) => {
    const db = await userDb(c);
    const userId = c.get("user").id;
    const job = await findJob(db, userId, c.req.valid("param").id);
    if (!job) throw notFound("Analysis job");
    return c.json(jobView(job, await jobTimings(db, userId, job.id)), 200);
  },
);

insightRoutes.openapi(
  createRoute({
    method: "get",
    path: "/correlations",
    tags,
    summary: "How your habits go with your glucose (lags 0–7 days)",
    description:
      "Pearson correlations of each lifestyle factor with each glucose target at lags of 0–7 days, with Benjamini–Hochberg q-values over all of them; significant (q < 0.05) first, then by strength. Night factors (sleep) count lags from the evening the night starts, so lag 1 is the next day.",
    security,
    responses: { 200: jsonContent(Correlations, "From the latest finished analysis"), ...commonErrors },
  }),
  async (c) => {
    const { unit } = await settings(c);
    return c.json(correlationsView(await latestResult<CorrelationsDoc>(await userDb(c), c.get("user").id, "correlations"), unit), 200);
  },
);

insightRoutes.openapi(
  createRoute({
    method: "get",
    path: "/causal",
    tags,
    summary: "Likely causes: PCMCI links and graph",
    description:
      "PCMCI (ParCorr, tau_max 2 days, FDR-corrected) on the daily series. With fewer than 30 days of CGM data or of sleep records it falls back to lagged correlations and says why (`reason`).",
    security,
    responses: { 200: jsonContent(Causal, "From the latest finished analysis"), ...commonErrors },
  }),
  async (c) => c.json(causalView(await latestResult<CausalDoc>(await userDb(c), c.get("user").id, "causal")), 200),
);

insightRoutes.openapi(
  createRoute({
    method: "get",
    path: "/patterns",
    tags,
    summary: "Recurring glucose shapes, anomalies and similar days",
    description:
      "Motifs (recurring 2-hour shapes, with every occurrence and its values), anomalies (the 2-hour stretches least like any other, with why) from the matrix profile of the 5-minute series, and the days most alike in shape to each of the last seven complete days.",
    security,
    responses: { 200: jsonContent(Patterns, "From the latest finished analysis"), ...commonErrors },
  }),
  async (c) => {
    const { unit } = await settings(c);
    return c.json(patternsView(await latestResult<PatternsDoc>(await userDb(c), c.get("user").id, "patterns"), unit), 200);
  },
);

insightRoutes.openapi(
  createRoute({
    method: "get",
    path: "/rules",
    tags,
    summary: "IF-THEN rules from your days",
    description: "Association rules from lifestyle features to glucose outcomes (support ≥ 5 %, confidence ≥ 25 %, lift ≥ 1.5), strongest lift first.",
    security,
    responses: { 200: jsonContent(Rules, "From the latest finished analysis"), ...commonErrors },
  }),
  async (c) => {
    const { unit } = await settings(c);
    return c.json(rulesView(await latestResult<RulesDoc>(await userDb(c), c.get("user").id, "rules"), unit), 200);
  },
);

insightRoutes.openapi(
  createRoute({
    method: "get",
    path: "/dashboard",
    tags,
    summary: "Current metrics against the consensus targets, and the top insights",
    description:
      "Metrics of the last `period_days` (computed now from your readings) and of the period before, their change, the consensus targets (TIR > 70 %, TBR < 4 %, < 1 % below 54 mg/dL, CV ≤ 36 %), and the top three insights of the latest finished analysis.",
    security,
    request: { query: PeriodDaysQuery },
    responses: { 200: jsonContent(Dashboard, "The dashboard"), ...commonErrors },
  }),
  async (c) => {
    const { timezone, unit } = await settings(c);
    const { period_days: periodDays } = c.req.valid("query");
    const db = await userDb(c);
    const userId = c.get("user").id;
    const end = Date.now();
    const mid = end - periodDays * DAY_MS;
    const start = mid - periodDays * DAY_MS;
    const [current, previous, correlations, causal, rules] = await Promise.all([
      readingsInRange(db, userId, mid, end),
      readingsInRange(db, userId, start, mid),
      latestResult<CorrelationsDoc>(db, userId, "correlations"),
      latestResult<CausalDoc>(db, userId, "causal"),
      latestResult<RulesDoc>(db, userId, "rules"),
    ]);
    return c.json(
      dashboardView({
        unit,
        periodDays,
        current: { start: mid, end, metrics: metricsOf(current, timezone) },
        previous: { start, end: mid, metrics: metricsOf(previous, timezone) },
        correlations,
        causal,
        rules,
      }),
      200,
    );
  },
);

insightRoutes.openapi(
  createRoute({
    method: "get",
    path: "/agp",
    tags,
    summary: "Ambulatory glucose profile, chart-ready",
    description:
      "Percentiles 5/25/50/75/95 of the last `days` complete local days by local time of day in 15-minute bins, as columns (x = `minute` after local midnight; `null` where a bin has no reading), computed now from your readings.",
    security,
    request: { query: AgpQuery },
    responses: { 200: jsonContent(Agp, "AGP columns"), ...commonErrors },
  }),
  async (c) => {
    const { timezone, unit } = await settings(c);
    const { days } = c.req.valid("query");
    const today = localDayNumber(Date.now(), timezone);
    const end = startOfLocalDay(today, timezone);
    const start = startOfLocalDay(today - days, timezone);
    const readings = await readingsInRange(await userDb(c), c.get("user").id, start, end);
    return c.json(agpView({ unit, days, start, end, timezone, readings }), 200);
  },
);

insightRoutes.openapi(
  createRoute({
    method: "get",
    path: "/day-clusters",
    tags,
    summary: "Your days grouped by the shape of their glucose profile",
    description:
      "k-means on z-normalised hourly glucose profiles of the analysed days (k = 2–6, chosen by the highest mean silhouette width), each cluster named by what distinguishes it from a typical day (\"steady days\", \"late-evening spikes\", \"night lows\"…), with its three most representative days, its mean profile by local hour and the lifestyle features that differ from the other days (two-sided Mann–Whitney U, `significant` after Benjamini–Hochberg at q < 0.05).",
    security,
    responses: { 200: jsonContent(DayClusters, "From the latest finished analysis"), ...commonErrors },
  }),
  async (c) => {
    const { unit } = await settings(c);
    return c.json(dayClustersView(await latestResult<DayClustersResult>(await userDb(c), c.get("user").id, "day_clusters"), unit), 200);
  },
);
