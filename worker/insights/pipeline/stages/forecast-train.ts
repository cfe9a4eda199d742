/**
 * @module worker/insights/pipeline/stages/forecast-train
 * Trains the user's glucose forecast model (analytics/forecast `trainForecastModel`) on the job's
 * 5-minute grid and stores it in `user_models` in the same D1 batch as the chunk row, so a
 * redelivered chunk stores nothing twice. The forecast API and the live monitor (which reloads it
 * with the alert settings) use it from then on. With fewer than 1.5 days of gap-free data the
 * population model is stored instead, and the result says why.
 */
import { timeZoneMinuteOfDay, trainForecastModel } from "../../../../analytics/forecast/index.ts";
import { saveUserModelStatement } from "../../../repositories/models.ts";
import { loadDataset, timed, type StageHandler } from "./context.ts";

export interface ForecastTrainResult {
  scope: "user" | "population";
  reason: string;
  samples: number;
  maskedReadings: number;
  /** Out-of-fold RMSE (mg/dL) at 30 and 60 minutes; null for the population model. */
  validationRmse: { "30": number; "60": number } | null;
}

export const forecastTrain: StageHandler = async (ctx) => {
  const ds = await loadDataset(ctx);
  const { value, ms } = timed(() => {
    let n = 0;
    for (let i = 0; i < ds.n; i++) if (!Number.isNaN(ds.grid[i])) n++;
    const times = new Float64Array(n);
    const values = new Float64Array(n);
    for (let i = 0, k = 0; i < ds.n; i++) {
      const v = ds.grid[i]!;
      if (Number.isNaN(v)) continue;
      times[k] = ds.gridStart + i * ds.step;
      values[k++] = v;
    }
    return trainForecastModel({ times, values }, { minuteOfDay: timeZoneMinuteOfDay(ds.timezone) });
  });
  const m = value.model;
  const rmseAt = (h: number) => m.validationRmse[m.horizons.indexOf(h)] ?? Number.NaN;
  const result: ForecastTrainResult = {
    scope: m.scope,
    reason: value.reason,
    samples: value.userSamples,
    maskedReadings: value.maskedReadings,
    validationRmse: m.scope === "user" ? { "30": rmseAt(30), "60": rmseAt(60) } : null,
  };
  return { result, cpuMs: ms, statements: [saveUserModelStatement(ctx.db, ctx.userId, "forecast", m, ctx.job.id, Date.now())] };
};
