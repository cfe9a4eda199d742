import { z } from "@hono/zod-openapi";
import { insulinDoses } from "../db/schema.ts";
import { iso } from "../schemas/common.ts";
import { source, text, TimeInput } from "./fields.ts";
import { defineRecordKind } from "./kind.ts";

export const insulinKind = defineRecordKind({
  schemaName: "Insulin",
  label: "Insulin dose",
  path: "insulin",
  tag: "Insulin",
  table: insulinDoses,
  timeColumn: insulinDoses.time,
  input: z
    .object({
      time: TimeInput,
      units: z.number({ error: "must be a number" }).finite().gt(0, "must be greater than 0").max(300, "must be at most 300").openapi({ example: 4.5 }),
      kind: z.enum(["rapid", "long", "basal", "bolus"], { error: 'must be "rapid", "long", "basal" or "bolus"' }).openapi({ example: "bolus" }),
      insulin: text(64, "Fiasp"),
      source,
    })
    .strict(),
  output: z
    .object({ time: z.string(), units: z.number(), kind: z.enum(["rapid", "long", "basal", "bolus"]), insulin: z.string().nullable(), source: z.string().nullable() }),
  toRow: (v) => ({ time: v.time, units: v.units, kind: v.kind, insulin: v.insulin ?? null, source: v.source ?? null }),
  fromRow: (r) => ({ time: iso(r.time as number), units: r.units, kind: r.kind, insulin: r.insulin, source: r.source }),
});
