import { z } from "@hono/zod-openapi";
import { bloodPressure } from "../db/schema.ts";
import { iso } from "../schemas/common.ts";
import { source, TimeInput } from "./fields.ts";
import { defineRecordKind } from "./kind.ts";

const mmHg = (min: number, max: number, example: number) =>
  z.number({ error: "must be a number" }).finite().min(min, `must be ${min}–${max} mmHg`).max(max, `must be ${min}–${max} mmHg`).openapi({ example });

export const bloodPressureKind = defineRecordKind({
  schemaName: "BloodPressure",
  label: "Blood pressure reading",
  path: "blood-pressure",
  tag: "Blood pressure",
  table: bloodPressure,
  timeColumn: bloodPressure.time,
  input: z
    .object({
      time: TimeInput,
      systolic: mmHg(40, 300, 124),
      diastolic: mmHg(20, 200, 79),
      pulse: z.number({ error: "must be a number" }).finite().min(20, "must be 20–250 bpm").max(250, "must be 20–250 bpm").nullish().openapi({ example: 66 }),
      source,
    })
    .strict(),
  output: z.object({ time: z.string(), systolic: z.number(), diastolic: z.number(), pulse: z.number().nullable(), source: z.string().nullable() }),
  check: (v) => (v.diastolic >= v.systolic ? [{ path: "diastolic", message: "must be below systolic" }] : []),
  toRow: (v) => ({ time: v.time, systolic: v.systolic, diastolic: v.diastolic, pulse: v.pulse ?? null, source: v.source ?? null }),
  fromRow: (r) => ({ time: iso(r.time as number), systolic: r.systolic, diastolic: r.diastolic, pulse: r.pulse, source: r.source }),
});
