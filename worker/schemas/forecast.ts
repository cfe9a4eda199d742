/**
 * @module worker/schemas/forecast
 * Request and response schemas of the prediction routes: the glucose forecast
 * (`GET /api/v1/glucose/forecast`) and the meal-impact prediction (`POST /api/v1/meals/predict-impact`).
 * Values are in mg/dL whatever the user's unit (the dashboard converts).
 */
import { z } from "@hono/zod-openapi";
import { TimeInput } from "./common.ts";

export const ForecastQuery = z.object({
  horizon: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return 60;
      const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
      if (!Number.isInteger(n) || n < 5 || n > 60 || n % 5 !== 0) {
        ctx.addIssue({ code: "custom", message: "must be a whole number of minutes from 5 to 60, a multiple of 5" });
        return z.NEVER;
      }
      return n;
    })
    .openapi({ param: { name: "horizon", in: "query" }, example: "60", description: "Minutes ahead, 5–60 in steps of 5 (default 60)" }),
});

export const ForecastPrediction = z
  .object({
    minutes: z.number().int().openapi({ example: 30 }),
    time: z.string().openapi({ example: "2024-05-01T08:30:00.000Z" }),
    value: z.number().openapi({ example: 124.5, description: "mg/dL" }),
    lower: z.number().openapi({ example: 108.1, description: "lower end of the 80 % prediction interval (10th percentile), mg/dL" }),
    upper: z.number().openapi({ example: 141.9, description: "upper end of the 80 % prediction interval (90th percentile), mg/dL" }),
  })
  .openapi("ForecastPrediction");

export const Forecast = z
  .object({
    unit: z.literal("mg/dL"),
    model: z.object({
      kind: z.enum(["user", "population"]),
      name: z.string().openapi({ example: "ridge-12lag-direct" }),
      trained_at: z.string().nullable(),
      description: z.string(),
    }),
    origin: z.object({ time: z.string(), value: z.number() }).nullable(),
    horizon_minutes: z.number().int(),
    predictions: z.array(ForecastPrediction),
    reason: z.string().nullable().openapi({ description: "Why `predictions` is empty (no recent reading, a gap), else null" }),
  })
  .openapi("Forecast");

const grams = (max: number) => z.number({ error: "must be a number" }).finite().min(0, "must not be negative").max(max, `must be at most ${max}`);

export const MealImpactBody = z
  .object({
    time: TimeInput,
    carbs: grams(1000).openapi({ example: 60, description: "grams" }),
    protein: grams(1000).nullish().openapi({ example: 20, description: "grams" }),
    fat: grams(1000).nullish().openapi({ example: 12, description: "grams" }),
    fibre: grams(500).nullish().openapi({ example: 6, description: "grams" }),
  })
  .strict()
  .openapi("MealImpactRequest");

const Range = z.object({ value: z.number(), low: z.number(), high: z.number() });

export const MealImpact = z
  .object({
    unit: z.literal("mg/dL"),
    rise: Range.nullable().openapi({ description: "Predicted peak rise over the pre-meal glucose (mg/dL) with an 80 % range" }),
    time_to_peak_minutes: Range.nullable(),
    based_on_meals: z.number().int(),
    enough_data: z.boolean(),
    message: z.string(),
  })
  .openapi("MealImpact");
