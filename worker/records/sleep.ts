import { z } from "@hono/zod-openapi";
import { sleepSessions } from "../db/schema.ts";
import { iso } from "../schemas/common.ts";
import { amount, checkInterval, source, TimeInput } from "./fields.ts";
import { defineRecordKind } from "./kind.ts";

const stage = (example: number) => amount(24 * 60, example);

export const sleepKind = defineRecordKind({
  schemaName: "Sleep",
  label: "Sleep session",
  path: "sleep",
  tag: "Sleep",
  table: sleepSessions,
  timeColumn: sleepSessions.start,
  // A night counts for the day it ends in.
  dayKey: "end",
  input: z
    .object({
      start: TimeInput,
      end: TimeInput,
      quality: z.number().int("must be a whole number").min(1, "must be 1–5").max(5, "must be 1–5").nullish().openapi({ example: 4 }),
      awakenings: z.number().int("must be a whole number").min(0).max(100).nullish().openapi({ example: 2 }),
      deep_minutes: stage(85),
      light_minutes: stage(230),
      rem_minutes: stage(95),
      awake_minutes: stage(20),
      source,
    })
    .strict(),
  output: z
    .object({
      start: z.string(),
      end: z.string(),
      quality: z.number().nullable(),
      awakenings: z.number().nullable(),
      deep_minutes: z.number().nullable(),
      light_minutes: z.number().nullable(),
      rem_minutes: z.number().nullable(),
      awake_minutes: z.number().nullable(),
      source: z.string().nullable(),
    }),
  check: (v) => checkInterval(v.start, v.end, 24),
  toRow: (v) => ({
    start: v.start,
    end: v.end,
    quality: v.quality ?? null,
    awakenings: v.awakenings ?? null,
    deepMinutes: v.deep_minutes ?? null,
    lightMinutes: v.light_minutes ?? null,
    remMinutes: v.rem_minutes ?? null,
    awakeMinutes: v.awake_minutes ?? null,
    source: v.source ?? null,
  }),
  fromRow: (r) => ({
    start: iso(r.start as number),
    end: iso(r.end as number),
    quality: r.quality,
    awakenings: r.awakenings,
    deep_minutes: r.deepMinutes,
    light_minutes: r.lightMinutes,
    rem_minutes: r.remMinutes,
    awake_minutes: r.awakeMinutes,
    source: r.source,
  }),
});
