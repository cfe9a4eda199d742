/**
 * @module worker/routes/meal-impact
 * `POST /api/v1/meals/predict-impact`: how much a meal is expected to raise glucose and when it
 * peaks, learnt from the caller's own meals of the last 90 days (analytics/meal-impact). Fitted per
 * request (a few hundred meals: milliseconds), so it always reflects the newest records; below
 * 12 usable meals it answers `enough_data: false` with what is missing. Authenticated by the
 * `/api/v1/meals/*` guard; reads only the caller's rows.
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { prepareSeries, timeZoneMinuteOfDay } from "../../analytics/forecast/index.ts";
import { predictMealFromHistory } from "../../analytics/meal-impact/index.ts";
import { userDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { notFound } from "../lib/errors.ts";
import { userSettings } from "../insights/repository.ts";
import { loadMealHistory } from "../repositories/meal-impact.ts";
import { commonErrors, jsonBody, jsonContent } from "../schemas/common.ts";
import { MealImpact, MealImpactBody } from "../schemas/forecast.ts";

const HISTORY_DAYS = 90;
const DAY_MS = 86_400_000;

export const mealImpactRoutes = new OpenAPIHono<AppEnv>();

mealImpactRoutes.openapi(
  createRoute({
    method: "post",
    path: "/predict-impact",
    tags: ["Meals"],
    summary: "Predict a meal's glucose rise and time to peak",
    description:
      "From your own meals of the last 90 days (each with its CGM response: the peak rise over the pre-meal glucose within 3 hours), a ridge regression on carbohydrate, protein, fat, fibre, pre-meal glucose and trend, time of day, exercise in the 6 hours before and the night's sleep. Ranges are 80 % (10th–90th percentile of cross-validated errors). With fewer than 12 usable meals `enough_data` is false and `message` says what is missing. Nothing is stored.",
    security: [{ Bearer: [] }],
    request: { body: jsonBody(MealImpactBody) },
    responses: { 200: jsonContent(MealImpact, "The prediction, or why there is none"), ...commonErrors },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const userId = c.get("user").id;
    const db = await userDb(c);
    const start = body.time - HISTORY_DAYS * DAY_MS;
    const [settings, h] = await Promise.all([userSettings(db, userId), loadMealHistory(db, userId, start, body.time + 1)]);
    if (!settings) throw notFound("Account");
    // Two sources may hold a reading at the same time: prepareSeries averages them.
    const series = prepareSeries(Array.from(h.readings.times, (time, i) => ({ time, value: h.readings.values[i]! })));
    const p = predictMealFromHistory(
      { series, meals: h.meals, exercise: h.exercise, sleep: h.sleep, minuteOfDay: timeZoneMinuteOfDay(settings.timezone) },
      { time: body.time, carbs: body.carbs, protein: body.protein ?? null, fat: body.fat ?? null, fibre: body.fibre ?? null },
    );
    return c.json({ unit: "mg/dL" as const, rise: p.rise, time_to_peak_minutes: p.minutesToPeak, based_on_meals: p.basedOnMeals, enough_data: p.enoughData, message: p.message }, 200);
  },
);
