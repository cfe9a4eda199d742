/**
 * @module worker/insights/pipeline/stages/prepare
 * First stage of a job: aggregates every local day of the period (storing the daily summaries,
 * which also back-fills them) and lays the readings on the 5-minute grid. Its result is the
 * snapshot every later chunk reads, so data arriving while the job runs cannot make two chunks of
 * the same job disagree, and a redelivered chunk recomputes exactly what it computed before.
 */
import { localDayNumber } from "../../../../analytics/cgm/index.ts";
import { loadDayInputs, replaceDailySummaries } from "../../repository.ts";
import { packArrays } from "../codec.ts";
import { aggregateDays, inputRange } from "../daily.ts";
import { buildGrid } from "../grid.ts";
import { GRID_STEP_MS, gridLength } from "../plan.ts";
import { timed, type PreparedMeta, type StageHandler } from "./context.ts";

export const prepare: StageHandler = async ({ db, userId, job }) => {
  const tz = job.timezone;
  const firstDay = localDayNumber(job.periodStart, tz);
  const lastDay = localDayNumber(job.periodEnd - 1, tz);
  const range = inputRange(tz, firstDay, lastDay);
  const inputs = await loadDayInputs(db, userId, range.start, range.end);
  const n = gridLength(job.periodStart, job.periodEnd);
  const { value, ms } = timed(() => {
    const dayNumbers = Array.from({ length: lastDay - firstDay + 1 }, (_, i) => firstDay + i);
    const days = aggregateDays(tz, dayNumbers, inputs);
    const grid = buildGrid(inputs.readings.times, inputs.readings.values, job.periodStart, n, GRID_STEP_MS);
    let readings = 0;
    const times = inputs.readings.times;
    for (let i = 0; i < times.length; i++) if (times[i]! >= job.periodStart && times[i]! < job.periodEnd) readings++;
    const meta: PreparedMeta = { timezone: tz, gridStart: job.periodStart, step: GRID_STEP_MS, n, readings, days };
    return { meta, data: packArrays([grid]) };
  });
  // Idempotent side effect: the period's daily summaries are (re)written from the same inputs.
  await replaceDailySummaries(db, userId, value.meta.days);
  return { result: value.meta, data: value.data, cpuMs: ms };
};
