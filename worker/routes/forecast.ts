/**
 * @module worker/routes/forecast
 * `GET /api/v1/glucose/forecast`: the glucose forecast 5–60 minutes after the newest reading, with
 * an 80 % prediction interval, from the user's own model (trained weekly by the pipeline's
 * `forecast_train` stage) or the population model. Authenticated by the `/api/v1/glucose/*` guard;
 * reads only the caller's readings and model.
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { LIVE_HISTORY_MS, liveForecast, MAX_ORIGIN_AGE_MS, timeZoneMinuteOfDay, type LinearForecastModel } from "../../analytics/forecast/index.ts";
import { userDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { notFound } from "../lib/errors.ts";
import { readingsInRange, userSettings } from "../insights/repository.ts";
import { loadForecastModel, type ForecastModelChoice } from "../repositories/models.ts";
import { commonErrors, iso, jsonContent } from "../schemas/common.ts";
import { Forecast, ForecastQuery } from "../schemas/forecast.ts";

const security = [{ Bearer: [] }];

/** A short stable name of the model class (the dashboard shows it). */
export function modelName(model: LinearForecastModel): string {
  const f = model.features;
  return `ridge-direct-${f.lags}lag${f.timeOfDay ? "-tod" : ""}${f.exogenous.length ? `-${f.exogenous.join("-")}` : ""}`;
}

/** What the model is, in one paragraph (says which interval). */
export function modelDescription(choice: ForecastModelChoice): string {
  const m = choice.model;
  const [qlo, qhi] = m.quantiles;
  const level = Math.round((qhi - qlo) * 100);
  const who =
    choice.kind === "user"
      ? `Your own model, trained on ${m.training.samples} one-hour windows of your readings`
      : "The population model (pooled over many people), used until the weekly analysis has 1.5 days of your readings without gaps";
  return `${who}: ridge regression on the last hour of glucose (${m.features.lags} values 5 minutes apart)${m.features.timeOfDay ? " and the time of day" : ""}, one model per horizon. The band is an ${level} % prediction interval (the ${Math.round(qlo * 100)}th to ${Math.round(qhi * 100)}th percentile of its errors on held-out data). No forecast is made across a gap of over ${m.resample.maxGapMinutes} minutes.`;
}

export const forecastRoutes = new OpenAPIHono<AppEnv>();

forecastRoutes.openapi(
  createRoute({
    method: "get",
    path: "/forecast",
    tags: ["Glucose"],
    summary: "Glucose forecast for the next 5–60 minutes",
    description:
      "Predictions every 5 minutes from the newest reading up to `horizon` minutes ahead, each with an 80 % prediction interval, in mg/dL, from your own model when the weekly analysis has trained one, else the population model. `predictions` is empty, with a `reason`, when there is no reading from the last 15 minutes or the last hour has a gap of over 15 minutes.",
    security,
    request: { query: ForecastQuery },
    responses: { 200: jsonContent(Forecast, "The forecast (possibly empty, with a reason)"), ...commonErrors },
  }),
  async (c) => {
    const { horizon } = c.req.valid("query");
    const userId = c.get("user").id;
    const db = await userDb(c);
    const now = Date.now();
    const [choice, settings, readings] = await Promise.all([loadForecastModel(db, userId), userSettings(db, userId), readingsInRange(db, userId, now - MAX_ORIGIN_AGE_MS - LIVE_HISTORY_MS, now + 5 * 60_000)]);
    if (!settings) throw notFound("Account");
    const points = Array.from(readings.times, (time, i) => ({ time, value: readings.values[i]! }));
    const f = liveForecast(points, choice.model, { now, horizon, minuteOfDay: timeZoneMinuteOfDay(settings.timezone) });
    return c.json(
      {
        unit: "mg/dL" as const,
        model: { kind: choice.kind, name: modelName(choice.model), trained_at: choice.trainedAt === null ? null : iso(choice.trainedAt), description: modelDescription(choice) },
        origin: f.origin ? { time: iso(f.origin.time), value: Math.round(f.origin.value * 10) / 10 } : null,
        horizon_minutes: horizon,
        predictions: f.predictions.map((p) => ({ minutes: p.minutes, time: iso(p.time), value: p.value, lower: p.lower, upper: p.upper })),
        reason: f.reason,
      },
      200,
    );
  },
);
