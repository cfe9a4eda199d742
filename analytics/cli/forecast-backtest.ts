/**
 * `analyze forecast-backtest FILE`: the glucose forecast's offline backtest on one CGM series.
 *
 * Input: `{"readings": [{"time": ISO 8601 string or epoch ms, "value": mg/dL}, …],
 * "train_fraction": 0.6, "horizons": [30, 60], "tz": optional IANA zone or UTC offset,
 * "refit_hours": optional, default 6}`.
 * ISO times without an offset are read in `tz`, or as UTC when there is no `tz`; `tz` is also the
 * wearer's clock for the model's time-of-day terms (UTC without it). Readings may come in any order;
 * readings sharing a timestamp are averaged. `train_fraction` defaults to 0.6 and `horizons` to
 * [30, 60] (multiples of 5 from 5 to 60).
 *
 * Protocol (`analytics/forecast/backtest.ts`): the model (`trainForecastModel`: a per-user ridge
 * model, or the population model when the training part is too short) is trained on the first
 * `train_fraction` of the readings; then at every later reading time it forecasts from the readings
 * at or before that time only. Online updating: at the first origin `refit_hours` (default 6; 0 =
 * never) after the previous fit, the model is retrained the same way on every reading at or before
 * that origin (the training part plus the test readings seen so far), as the weekly pipeline
 * retrains on all the history it has. Origins where it declines (a gap over 15 minutes in the last
 * hour) are left out and counted in `omitted`.
 *
 * Output: `{"model": {description, parameters: the model trained on the training part, refits,
 * refit_every_hours}, "origins": [{"time": epoch ms,
 * "predictions": {"30": mg/dL, …}, "intervals": {"30": [10 %, 90 %], …}}], "omitted": N}`.
 * Forecasts are rounded to 0.1 mg/dL.
 */
import { parseIsoDateTime, resolveTimeZone, toLocalMs } from "../cgm/index.ts";
import { backtest, DEFAULT_REFIT_EVERY_MINUTES, featureNames, linearForecaster, prepareSeries, trainForecastModel, utcMinuteOfDay, type MinuteOfDay, type Reading, type TrainedForecastModel } from "../forecast/index.ts";
import { InputError, requireObject, type Command } from "./io.ts";

function parseReadings(v: unknown, tz: string): Reading[] {
  if (!Array.isArray(v)) throw new InputError("readings", "readings must be an array of {time, value}");
  if (v.length < 2) throw new InputError("readings", "readings must hold at least two readings (one to train on, one to forecast from)");
  return v.map((r: unknown, i) => {
    const field = `readings[${i}]`;
    const o = requireObject(r, field);
    let time: number;
    if (typeof o.time === "number" && Number.isFinite(o.time)) time = o.time;
    else if (typeof o.time === "string") {
      time = parseIsoDateTime(o.time, tz);
      if (Number.isNaN(time)) throw new InputError(`${field}.time`, `${field}.time must be an ISO 8601 date-time such as "2024-03-01T08:05:00" or "2024-03-01T13:05:00Z", got ${JSON.stringify(o.time)}`);
    } else throw new InputError(`${field}.time`, `${field}.time must be an ISO 8601 string or epoch milliseconds`);
    if (typeof o.value !== "number" || !Number.isFinite(o.value) || o.value <= 0) throw new InputError(`${field}.value`, `${field}.value must be a glucose value in mg/dL greater than 0`);
    return { time, value: o.value };
  });
}

function parseHorizons(v: unknown): number[] {
  if (v === undefined) return [30, 60];
  if (!Array.isArray(v) || v.length === 0) throw new InputError("horizons", "horizons must be a non-empty array of minutes, e.g. [30, 60]");
  const out = v.map((h: unknown, i) => {
    if (typeof h !== "number" || !Number.isInteger(h) || h < 5 || h > 60 || h % 5 !== 0) throw new InputError(`horizons[${i}]`, `horizons[${i}] must be a multiple of 5 minutes from 5 to 60, got ${JSON.stringify(h)}`);
    return h;
  });
  if (new Set(out).size !== out.length) throw new InputError("horizons", "horizons must not repeat a value");
  return out;
}

function describe(trained: TrainedForecastModel, trainReadings: number, refitHours: number, refits: number): Record<string, unknown> {
  const m = trained.model;
  const at = (values: readonly number[]) => Object.fromEntries(m.horizons.map((h, i) => [String(h), values[i]]));
  return {
    name: "ridge-direct",
    description:
      "Ridge regression per horizon (direct strategy) on the last hour of 5-minute glucose (level and 11 first differences)" +
      (m.features.timeOfDay ? " and time of day" : "") +
      ", predicting the change from the current value; intervals from out-of-fold residual quantiles" +
      (refitHours > 0 ? `; retrained on all readings up to the origin every ${refitHours} h of test time (parameters: the model trained on the training part)` : ""),
    scope: m.scope,
    reason: trained.reason,
    train_readings: trainReadings,
    train_windows: trained.userSamples,
    masked_compression_low_readings: trained.maskedReadings,
    features: featureNames(m.features),
    horizons: m.horizons,
    lambda: at(m.lambda),
    validation_rmse: at(m.validationRmse),
    interval_quantiles: m.quantiles,
    size_bytes: JSON.stringify(m).length,
    refit_every_hours: refitHours,
    refits,
    parameters: m,
  };
}

const round1 = (v: number) => Math.round(v * 10) / 10;

export const forecastBacktest: Command = (input) => {
  const doc = requireObject(input, "$");
  let tz = "UTC";
  let minuteOfDay: MinuteOfDay = utcMinuteOfDay;
  if (doc.tz !== undefined) {
    if (typeof doc.tz !== "string" || doc.tz.trim() === "") throw new InputError("tz", 'tz must be an IANA time zone such as "America/New_York" or a UTC offset such as "-05:00"');
    const zone = resolveTimeZone(doc.tz);
    tz = doc.tz;
    minuteOfDay = (ms) => utcMinuteOfDay(toLocalMs(ms, zone));
  }
  const trainFraction = doc.train_fraction ?? 0.6;
  if (typeof trainFraction !== "number" || !(trainFraction > 0 && trainFraction < 1)) throw new InputError("train_fraction", "train_fraction must be a number between 0 and 1 (exclusive), e.g. 0.6");
  const horizons = parseHorizons(doc.horizons);
  const refitHours = doc.refit_hours ?? DEFAULT_REFIT_EVERY_MINUTES / 60;
  if (typeof refitHours !== "number" || !(refitHours >= 0 && Number.isFinite(refitHours))) throw new InputError("refit_hours", "refit_hours must be a number of hours >= 0 (0: never retrain during the test part), e.g. 6");
  const series = prepareSeries(parseReadings(doc.readings, tz));
  let trained: TrainedForecastModel | undefined;
  let trainReadings = 0;
  const result = backtest(series, { trainFraction, horizons, refitEveryMinutes: refitHours * 60 }, (train) => {
    const t = trainForecastModel(train, { minuteOfDay });
    if (!trained) {
      trained = t;
      trainReadings = train.times.length;
    }
    return linearForecaster(t.model, minuteOfDay);
  });
  const key = horizons.map(String);
  return {
    model: describe(trained as TrainedForecastModel, trainReadings, refitHours, result.refits),
    origins: result.origins.map((o) => ({
      time: o.time,
      predictions: Object.fromEntries(key.map((k, j) => [k, round1(o.forecast.values[j])])),
      intervals: Object.fromEntries(key.map((k, j) => [k, [round1(o.forecast.lower?.[j] ?? Number.NaN), round1(o.forecast.upper?.[j] ?? Number.NaN)]])),
    })),
    omitted: result.omitted,
  };
};
