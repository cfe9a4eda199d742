/**
 * @module analytics/forecast/serialize
 * Reading a stored forecast model back (D1 row, Durable Object storage, population constant).
 * Writing needs nothing: a {@link LinearForecastModel} is plain JSON (`JSON.stringify(model)`).
 */
import { AnalyticsInputError } from "../errors.ts";
import type { LinearForecastModel } from "./linear-model.ts";

function fail(path: string, what: string): never {
  throw new AnalyticsInputError(`model.${path}`, `parseForecastModel: model.${path} must be ${what}`);
}

function numbers(v: unknown, path: string, length?: number): number[] {
  if (!Array.isArray(v) || (length !== undefined && v.length !== length) || !v.every((x) => typeof x === "number" && Number.isFinite(x))) {
    fail(path, length === undefined ? "an array of finite numbers" : `an array of ${length} finite numbers`);
  }
  return v as number[];
}

/**
 * Validates a parsed JSON value as a {@link LinearForecastModel} (shapes and finiteness), so that a
 * corrupted row fails loudly instead of forecasting NaN. This runs in `O(H p)`.
 *
 * @throws {AnalyticsInputError} naming the first bad field, e.g. `model.coef[3]`
 * @example
 * parseForecastModel(JSON.parse(JSON.stringify(model))); // deep-equals model
 */
export function parseForecastModel(json: unknown): LinearForecastModel {
  if (typeof json !== "object" || json === null) fail("$", "an object");
  const m = json as Record<string, unknown>;
  if (m.kind !== "glucolens.forecast.ridge") fail("kind", '"glucolens.forecast.ridge"');
  if (m.version !== 1) fail("version", "1");
  if (m.scope !== "user" && m.scope !== "population") fail("scope", '"user" or "population"');
  const f = m.features as Record<string, unknown> | null;
  if (typeof f !== "object" || f === null) fail("features", "an object");
  if (typeof f.lags !== "number" || !Number.isInteger(f.lags) || f.lags < 2) fail("features.lags", "an integer >= 2");
  if (typeof f.timeOfDay !== "boolean") fail("features.timeOfDay", "a boolean");
  if (!Array.isArray(f.exogenous) || !f.exogenous.every((x) => typeof x === "string")) fail("features.exogenous", "an array of strings");
  const r = m.resample as Record<string, unknown> | null;
  if (typeof r !== "object" || r === null) fail("resample", "an object");
  for (const k of ["stepMinutes", "maxGapMinutes", "toleranceMinutes"]) if (typeof r[k] !== "number" || !((r[k] as number) >= 0)) fail(`resample.${k}`, "a number >= 0");
  const p = f.lags + (f.timeOfDay ? 2 : 0) + f.exogenous.length;
  numbers(m.center, "center", p);
  const scale = numbers(m.scale, "scale", p);
  if (scale.some((s) => !(s > 0))) fail("scale", "positive");
  const horizons = numbers(m.horizons, "horizons");
  const q = horizons.length;
  if (q === 0 || horizons.some((h) => !(h > 0))) fail("horizons", "a non-empty array of positive minutes");
  numbers(m.intercept, "intercept", q);
  numbers(m.lambda, "lambda", q);
  numbers(m.validationRmse, "validationRmse", q);
  if (!Array.isArray(m.coef) || m.coef.length !== q) fail("coef", `an array of ${q} coefficient arrays`);
  m.coef.forEach((c, i) => numbers(c, `coef[${i}]`, p));
  numbers(m.quantiles, "quantiles", 2);
  if (!Array.isArray(m.residualQuantiles) || m.residualQuantiles.length !== q) fail("residualQuantiles", `an array of ${q} [lower, upper] pairs`);
  m.residualQuantiles.forEach((c, i) => numbers(c, `residualQuantiles[${i}]`, 2));
  const t = m.training as Record<string, unknown> | null;
  if (typeof t !== "object" || t === null || typeof t.samples !== "number") fail("training", "an object with samples, from, to");
  return json as LinearForecastModel;
}
