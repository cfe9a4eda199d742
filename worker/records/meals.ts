import { z } from "@hono/zod-openapi";
import { meals } from "../db/schema.ts";
import { iso } from "../schemas/common.ts";
import { amount, source, text, TimeInput } from "./fields.ts";
import { defineRecordKind } from "./kind.ts";

export const mealKind = defineRecordKind({
  schemaName: "Meal",
  label: "Meal",
  path: "meals",
  tag: "Meals",
  table: meals,
  timeColumn: meals.time,
  input: z
    .object({
      time: TimeInput,
      carbs: amount(1000, 45).openapi({ description: "grams" }),
      protein: amount(1000, 20).openapi({ description: "grams" }),
      fat: amount(1000, 12).openapi({ description: "grams" }),
      fibre: amount(500, 6).openapi({ description: "grams" }),
      calories: amount(20000, 420).openapi({ description: "kcal" }),
      glycemic_index: amount(150, 55),
      glycemic_load: amount(500, 25),
      description: text(500, "Porridge with berries"),
      tags: z.array(z.string().trim().min(1).max(40)).max(20).nullish().openapi({ example: ["breakfast"] }),
      source,
    })
    .strict(),
  output: z
    .object({
      time: z.string(),
      carbs: z.number().nullable(),
      protein: z.number().nullable(),
      fat: z.number().nullable(),
      fibre: z.number().nullable(),
      calories: z.number().nullable(),
      glycemic_index: z.number().nullable(),
      glycemic_load: z.number().nullable(),
      description: z.string().nullable(),
      tags: z.array(z.string()),
      source: z.string().nullable(),
    }),
  toRow: (v) => ({
    time: v.time,
    carbs: v.carbs ?? null,
    protein: v.protein ?? null,
    fat: v.fat ?? null,
    fibre: v.fibre ?? null,
    calories: v.calories ?? null,
    glycemicIndex: v.glycemic_index ?? null,
    glycemicLoad: v.glycemic_load ?? null,
    description: v.description ?? null,
    tags: v.tags?.length ? JSON.stringify(v.tags) : null,
    source: v.source ?? null,
  }),
  fromRow: (r) => ({
    time: iso(r.time as number),
    carbs: r.carbs,
    protein: r.protein,
    fat: r.fat,
    fibre: r.fibre,
    calories: r.calories,
    glycemic_index: r.glycemicIndex,
    glycemic_load: r.glycemicLoad,
    description: r.description,
    tags: r.tags ? (JSON.parse(r.tags as string) as string[]) : [],
    source: r.source,
  }),
});
