/**
 * @module worker/insights/pipeline/stages/similar-days
 * For each of the last seven complete days, the three days of the period most alike in shape
 * (z-normalised distance of whole local days, analytics/matrix-profile `similarDays`). Days follow
 * the local clock (grid.ts `localDayRows`), so a DST day compares 07:00 with 07:00; gaps up to an
 * hour are filled first (which also covers the skipped hour of a spring-forward day).
 */
import { similarDays as nearestDays } from "../../../../analytics/matrix-profile/index.ts";
import { fillShortGaps, localDayRows } from "../grid.ts";
import { loadDataset, timed, type Skipped, type StageHandler } from "./context.ts";

const SLOTS = 288;
const MAX_FILLED_GAP = 12;
const QUERY_DAYS = 7;
const NEIGHBOURS = 3;

export interface SimilarDaysResult {
  completeDays: number;
  days: { date: string; similar: { date: string; distance: number }[] }[];
}

export const similarDays: StageHandler = async (ctx) => {
  const ds = await loadDataset(ctx);
  const { value, ms } = timed((): SimilarDaysResult | Skipped => {
    const rows = localDayRows(ds.grid, ds.gridStart, ds.step, ds.timezone, ds.days, SLOTS).map((r) => fillShortGaps(r, MAX_FILLED_GAP));
    const complete = rows.map((r) => r.every((v) => !Number.isNaN(v)));
    const completeDays = complete.filter(Boolean).length;
    if (completeDays < 2) return { skipped: `it needs at least two days of CGM data with no gap over an hour; you have ${completeDays}` };
    const series = new Float64Array(rows.length * SLOTS);
    rows.forEach((r, d) => series.set(r, d * SLOTS));
    const queries: number[] = [];
    for (let d = rows.length - 1; d >= 0 && queries.length < QUERY_DAYS; d--) if (complete[d]) queries.push(d);
    return {
      completeDays,
      days: queries.map((d) => ({
        date: ds.days[d]!.date,
        similar: nearestDays(series, SLOTS, d, { k: NEIGHBOURS }).map((s) => ({ date: ds.days[s.day]!.date, distance: Math.round(s.distance * 1000) / 1000 })),
      })),
    };
  });
  return { result: value, cpuMs: ms };
};
