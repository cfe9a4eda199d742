/** @module worker/schemas/glucose — glucose reading shapes (`/api/v1/glucose/...`). */
import { z } from "@hono/zod-openapi";
import { TREND_DIRECTIONS } from "../../vocabulary/trend.ts";
import { MGDL_PER_MMOL } from "../../vocabulary/units.ts";
import { TimeInput, TimeQuery } from "./common.ts";
import { Unit } from "./auth.ts";

/** Plausible glucose range in mg/dL (CGMs read 40–400, meters up to 600). */
export const MIN_MGDL = 20;
export const MAX_MGDL = 600;
export const MAX_BULK_READINGS = 10_000;

export const Trend = z.enum(TREND_DIRECTIONS).openapi({ example: "Flat" });

export const ReadingInput = z
  .object({
    time: TimeInput,
    value: z.number({ error: "must be a number" }).finite().openapi({ example: 112 }),
    unit: Unit.default("mg/dL"),
    source: z.string().trim().min(1, "must not be empty").max(64).default("manual").openapi({ example: "dexcom-g7" }),
    trend: Trend.nullish(),
  })
  .superRefine((r, ctx) => {
    const mgdl = r.unit === "mmol/L" ? r.value * MGDL_PER_MMOL : r.value;
    if (!(mgdl >= MIN_MGDL && mgdl <= MAX_MGDL)) {
      const range = r.unit === "mmol/L" ? `${(MIN_MGDL / MGDL_PER_MMOL).toFixed(1)}–${(MAX_MGDL / MGDL_PER_MMOL).toFixed(1)} mmol/L` : `${MIN_MGDL}–${MAX_MGDL} mg/dL`;
      ctx.addIssue({ code: "custom", path: ["value"], message: `must be between ${range}` });
    }
  })
  .openapi("ReadingInput");

export const ReadingPatch = z
  .object({
    time: TimeInput.optional(),
    value: z.number({ error: "must be a number" }).finite().optional(),
    unit: Unit.optional(),
    source: z.string().trim().min(1, "must not be empty").max(64).optional(),
    trend: Trend.nullish(),
  })
  .strict()
  .openapi("ReadingPatch");

export const Reading = z
  .object({
    id: z.string().openapi({ example: "lvb3k2p0.1" }),
    time: z.string().openapi({ example: "2024-05-01T05:30:00.000Z" }),
    value: z.number().openapi({ example: 112, description: "mg/dL" }),
    unit: z.literal("mg/dL"),
    source: z.string(),
    trend: Trend.nullable(),
  })
  .openapi("Reading");

export const ReadingList = z.object({ items: z.array(Reading), next_cursor: z.string().nullable() }).openapi("ReadingList");

export const BulkReadingsBody = z
  .object({
    readings: z
      .array(z.unknown().openapi({ allOf: [{ $ref: "#/components/schemas/ReadingInput" }] }))
      .max(MAX_BULK_READINGS, `at most ${MAX_BULK_READINGS} readings per request`)
      .openapi({ description: "Each item is validated on its own: invalid items are rejected, the others stored." }),
  })
  .openapi("BulkReadings");

export const BulkResult = z
  .object({
    inserted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.array(
      z.object({ index: z.number().int(), fields: z.array(z.object({ path: z.string(), message: z.string() })) }),
    ),
  })
  .openapi("BulkResult");

export const DeleteRangeQuery = z.object({
  start: z.string().openapi({ description: "Inclusive lower bound (ISO 8601 with offset or epoch ms)" }),
  end: z.string().openapi({ description: "Exclusive upper bound" }),
  source: z.string().max(64).optional(),
});

/** Longest range one series request may cover. */
export const MAX_SERIES_DAYS = 400;

export const SeriesQuery = z
  .object({
    start: TimeQuery.openapi({ description: "Inclusive lower bound (ISO 8601 with offset or epoch ms)" }),
    end: TimeQuery.openapi({ description: "Exclusive upper bound" }),
  })
  .refine((q) => q.start < q.end, { message: "must be after start", path: ["end"] })
  .refine((q) => q.end - q.start <= MAX_SERIES_DAYS * 86_400_000, { message: `must be within ${MAX_SERIES_DAYS} days of start`, path: ["end"] });

export const Series = z
  .object({
    unit: z.literal("mg/dL"),
    count: z.number().int(),
    t: z.array(z.number().int()).openapi({ description: "Epoch seconds, ascending (uPlot's x axis)" }),
    v: z.array(z.number()).openapi({ description: "mg/dL, one per entry of t" }),
  })
  .openapi("GlucoseSeries");
