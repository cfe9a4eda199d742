/**
 * @module worker/lib/metrics
 * Counters written to a Workers Analytics Engine dataset when the optional `METRICS` binding is
 * configured (wrangler.toml, `[[analytics_engine_datasets]]`); without it every call does nothing,
 * so local runs and tests need no setup.
 *
 * One data point per event: `indexes[0]` (the sampling key) and `blobs[0]` are the event name,
 * `blobs[1]` a label (source kind, stage, outcome), `doubles[0]` the value (a count or
 * milliseconds). No user ids or health values are written: these are operational counters. Query
 * them with the SQL API, e.g.
 * `SELECT blob2 AS source, SUM(_sample_interval * double1) FROM glucolens_metrics WHERE blob1 = 'readings_ingested' GROUP BY source`.
 */

export type MetricEvent = "readings_ingested" | "alert_raised" | "job_finished" | "job_failed" | "chunk_done" | "rate_limited";

interface MetricsEnv {
  METRICS?: AnalyticsEngineDataset;
}

/** Writes one data point; never throws (a metrics outage must not fail a request). */
export function recordMetric(env: MetricsEnv, event: MetricEvent, label: string, value = 1): void {
  const dataset = env.METRICS;
  if (!dataset) return;
  try {
    dataset.writeDataPoint({ indexes: [event], blobs: [event, label], doubles: [value] });
  } catch {
    // writeDataPoint is fire-and-forget; a bad binding only loses the counter.
  }
}
