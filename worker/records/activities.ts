import { z } from "@hono/zod-openapi";
import { activities } from "../db/schema.ts";
import { iso } from "../schemas/common.ts";
import { amount, checkInterval, source, TimeInput } from "./fields.ts";
import { defineRecordKind } from "./kind.ts";

export const activityKind = defineRecordKind({
  schemaName: "Activity",
  label: "Activity",
  path: "activities",
  tag: "Activities",
  table: activities,
  timeColumn: activities.start,
  input: z
    .object({
      start: TimeInput,
      end: TimeInput,
      type: z.string().trim().min(1, "must not be empty").max(64).openapi({ example: "running" }),
      intensity: z.enum(["low", "moderate", "high"], { error: 'must be "low", "moderate" or "high"' }).nullish(),
      steps: z.number().int("must be a whole number").min(0).max(200_000).nullish().openapi({ example: 6500 }),
      calories: amount(20_000, 350),
      avg_heart_rate: amount(250, 142),
      source,
    })
    .strict(),
  output: z
    .object({
      start: z.string(),
      end: z.string(),
      type: z.string(),
      intensity: z.enum(["low", "moderate", "high"]).nullable(),
      steps: z.number().nullable(),
      calories: z.number().nullable(),
      avg_heart_rate: z.number().nullable(),
      source: z.string().nullable(),
    }),
  check: (v) => checkInterval(v.start, v.end, 24),
  toRow: (v) => ({
    start: v.start,
    end: v.end,
    type: v.type,
    intensity: v.intensity ?? null,
    steps: v.steps ?? null,
    calories: v.calories ?? null,
    avgHeartRate: v.avg_heart_rate ?? null,
    source: v.source ?? null,
  }),
  fromRow: (r) => ({
    start: iso(r.start as number),
    end: iso(r.end as number),
    type: r.type,
    intensity: r.intensity,
    steps: r.steps,
    calories: r.calories,
    avg_heart_rate: r.avgHeartRate,
    source: r.source,
  }),
});
