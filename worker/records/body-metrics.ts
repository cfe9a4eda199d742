import { z } from "@hono/zod-openapi";
import { bodyMetrics } from "../db/schema.ts";
import { iso } from "../schemas/common.ts";
import { source, TimeInput } from "./fields.ts";
import { defineRecordKind } from "./kind.ts";

const bounded = (min: number, max: number, unit: string, example: number) =>
  z.number({ error: "must be a number" }).finite().min(min, `must be ${min}–${max} ${unit}`).max(max, `must be ${min}–${max} ${unit}`).nullish().openapi({ example });

export const bodyMetricsKind = defineRecordKind({
  schemaName: "BodyMetrics",
  label: "Body metrics entry",
  path: "body-metrics",
  tag: "Body metrics",
  table: bodyMetrics,
  timeColumn: bodyMetrics.time,
  input: z
    .object({
      time: TimeInput,
      weight_kg: bounded(1, 500, "kg", 78.4),
      body_fat_percent: bounded(1, 80, "%", 24.5),
      waist_cm: bounded(20, 300, "cm", 88),
      source,
    })
    .strict(),
  output: z
    .object({ time: z.string(), weight_kg: z.number().nullable(), body_fat_percent: z.number().nullable(), waist_cm: z.number().nullable(), source: z.string().nullable() }),
  check: (v) => (v.weight_kg == null && v.body_fat_percent == null && v.waist_cm == null ? [{ path: "weight_kg", message: "give at least one of weight_kg, body_fat_percent, waist_cm" }] : []),
  toRow: (v) => ({ time: v.time, weightKg: v.weight_kg ?? null, bodyFatPercent: v.body_fat_percent ?? null, waistCm: v.waist_cm ?? null, source: v.source ?? null }),
  fromRow: (r) => ({ time: iso(r.time as number), weight_kg: r.weightKg, body_fat_percent: r.bodyFatPercent, waist_cm: r.waistCm, source: r.source }),
});
