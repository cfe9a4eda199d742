/**
 * @module worker/insights/pipeline/stages/metrics
 * The period's consensus CGM metrics (analytics/cgm `consensusMetrics`) and its AGP profile
 * (5/25/50/75/95th percentiles by local time of day, 15-minute bins), from the job's grid.
 */
import { agpProfile, consensusMetrics, prepareReadings, type ConsensusMetrics } from "../../../../analytics/cgm/index.ts";
import { loadDataset, timed, type Skipped, type StageHandler } from "./context.ts";

export interface MetricsResult {
  consensus: ConsensusMetrics;
  agp: { binMinutes: number; minute: number[]; percentiles: Record<string, (number | null)[]>; count: number[] };
}

const r1 = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);

export const metrics: StageHandler = async (ctx) => {
  const ds = await loadDataset(ctx);
  const { value, ms } = timed((): MetricsResult | Skipped => {
    const readings: { time: number; value: number }[] = [];
    for (let i = 0; i < ds.n; i++) if (Number.isFinite(ds.grid[i])) readings.push({ time: ds.gridStart + i * ds.step, value: ds.grid[i]! });
    if (readings.length < 2) return { skipped: `CGM metrics need at least two readings in the period; there are ${readings.length}` };
    const series = prepareReadings(readings, ds.timezone);
    const agp = agpProfile(series, { binMinutes: 15 });
    return {
      consensus: consensusMetrics(series),
      agp: {
        binMinutes: agp.binMinutes,
        minute: Array.from(agp.minute),
        percentiles: Object.fromEntries(Object.entries(agp.percentiles).map(([k, v]) => [k, Array.from(v, r1)])),
        count: Array.from(agp.count),
      },
    };
  });
  return { result: value, cpuMs: ms };
};
