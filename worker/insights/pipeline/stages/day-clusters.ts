/**
 * @module worker/insights/pipeline/stages/day-clusters
 * Groups the period's days by the shape of their glucose profile (analytics/clustering
 * `clusterDays`: k-means on z-normalised hourly profiles, k by silhouette), names the clusters and
 * tests which lifestyle features differ between them. Days follow the local clock (grid.ts
 * `localDayRows`); gaps up to an hour are filled first, and a day still missing an hour is left out.
 */
import { clusterDays, type ClusterDay } from "../../../../analytics/clustering/index.ts";
import { fillShortGaps, localDayRows } from "../grid.ts";
import type { DaySummary } from "../daily.ts";
import type { DayClustersResult } from "../../results.ts";
import { loadDataset, timed, type StageHandler } from "./context.ts";

const SLOTS = 288;
const MAX_FILLED_GAP = 12;

/** The lifestyle features compared between clusters (API names). */
export const CLUSTER_FEATURES: readonly { name: string; of: (d: DaySummary) => number | null }[] = [
  { name: "sleep_hours", of: (d) => d.sleepHours },
  { name: "carbs", of: (d) => (d.meals > 0 ? d.carbs : null) },
  { name: "meals", of: (d) => d.meals },
  { name: "late_meals", of: (d) => d.lateMeals },
  { name: "last_meal_minute", of: (d) => d.lastMealMinute },
  { name: "exercise_minutes", of: (d) => d.exerciseMinutes },
  { name: "steps", of: (d) => d.steps },
  { name: "insulin_total", of: (d) => d.insulinTotal },
];


/** Hourly means of one local day's 5-minute slots, or null when an hour is empty. */
function hourly(row: Float64Array): number[] | null {
  const per = SLOTS / 24;
  const out: number[] = [];
  for (let h = 0; h < 24; h++) {
    let s = 0;
    let n = 0;
    for (let k = h * per; k < (h + 1) * per; k++) {
      if (Number.isNaN(row[k])) continue;
      s += row[k]!;
      n++;
    }
    if (n === 0) return null;
    out.push(s / n);
  }
  return out;
}

export const dayClusters: StageHandler = async (ctx) => {
  const ds = await loadDataset(ctx);
  const { value, ms } = timed((): DayClustersResult => {
    const rows = localDayRows(ds.grid, ds.gridStart, ds.step, ds.timezone, ds.days, SLOTS).map((r) => fillShortGaps(r, MAX_FILLED_GAP));
    const days: ClusterDay[] = [];
    rows.forEach((r, d) => {
      const profile = hourly(r);
      const day = ds.days[d]!;
      if (profile) days.push({ date: day.date, profile, features: Object.fromEntries(CLUSTER_FEATURES.map((f) => [f.name, f.of(day)])) });
    });
    return clusterDays(days);
  });
  return { result: value, cpuMs: ms };
};
