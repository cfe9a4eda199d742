import { z } from "@hono/zod-openapi";
import { medications } from "../db/schema.ts";
import { iso } from "../schemas/common.ts";
import { amount, source, text, TimeInput } from "./fields.ts";
import { defineRecordKind } from "./kind.ts";

export const medicationKind = defineRecordKind({
  schemaName: "Medication",
  label: "Medication",
  path: "medications",
  tag: "Medications",
  table: medications,
  timeColumn: medications.time,
  input: z
    .object({
      time: TimeInput,
      name: z.string().trim().min(1, "must not be empty").max(100).openapi({ example: "Metformin" }),
      dose: amount(100_000, 500),
      unit: text(20, "mg"),
      source,
    })
    .strict(),
  output: z
    .object({ time: z.string(), name: z.string(), dose: z.number().nullable(), unit: z.string().nullable(), source: z.string().nullable() }),
  toRow: (v) => ({ time: v.time, name: v.name, dose: v.dose ?? null, unit: v.unit ?? null, source: v.source ?? null }),
  fromRow: (r) => ({ time: iso(r.time as number), name: r.name, dose: r.dose, unit: r.unit, source: r.source }),
});
