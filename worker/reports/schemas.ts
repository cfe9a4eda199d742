/**
 * @module worker/reports/schemas
 * Request and response schemas of /api/v1/reports (the clinician AGP report and its share
 * links) and /api/v1/shared/{token} (what a share link opens).
 */
import { z } from "@hono/zod-openapi";
import { GLUCOSE_UNITS } from "../../vocabulary/units.ts";
import { Agp } from "../insights/schemas.ts";

/** The report periods of the consensus report: 14 days (the minimum it asks for), 30 or 90. */
export const REPORT_DAYS = [14, 30, 90] as const;
const reportDays = z
  .union([z.literal(14), z.literal(30), z.literal(90)], { error: "must be 14, 30 or 90" })
  .openapi({ type: "integer", enum: [...REPORT_DAYS], example: 14 });

export const ReportQuery = z.object({
  days: z
    .enum(["14", "30", "90"], { error: "must be 14, 30 or 90" })
    .default("14")
    .transform(Number)
    .openapi({ type: "integer", enum: [...REPORT_DAYS], description: "Complete local days before today (default 14)", example: 14 }),
});

export const ShareInput = z
  .object({
    days: reportDays.default(14).openapi({ description: "Report period the link opens: the last 14, 30 or 90 complete days at each open (default 14)" }),
    expires_in_days: z
      .number({ error: "must be a number of days" })
      .int("must be a whole number of days")
      .min(1, "must be at least 1")
      .max(90, "must be at most 90")
      .default(14)
      .openapi({ description: "Days until the link stops working (1–90, default 14)", example: 14 }),
  })
  .strict()
  .openapi("ReportShareInput");

const shareFields = {
  id: z.uuid(),
  days: z.number().int(),
  created_at: z.string(),
  expires_at: z.string(),
};

export const CreatedShare = z
  .object({
    ...shareFields,
    url: z.string().openapi({ description: "The link to give the clinician: the web site's /share/{token}", example: "https://glucolens.example/share/3q2-…" }),
    token: z.string().openapi({ description: "256 random bits, base64url. Shown only in this answer: only its SHA-256 is stored." }),
  })
  .openapi("ReportShareCreated");

export const Share = z
  .object({
    ...shareFields,
    revoked_at: z.string().nullable(),
    status: z.enum(["active", "expired", "revoked"]),
    opens: z.number().int().openapi({ description: "Successful opens of the report through the link" }),
    last_opened_at: z.string().nullable(),
  })
  .openapi("ReportShare");

export const ShareList = z.object({ items: z.array(Share) }).openapi("ReportShareList");

export const ShareAccessList = z
  .object({
    items: z.array(z.object({ id: z.string(), resource: z.enum(["agp", "agp.pdf"]), status: z.number().int(), time: z.string() })),
    next_cursor: z.string().nullable(),
  })
  .openapi("ReportShareAccessList");

export const ShareId = z.object({
  id: z.uuid({ error: "is not a share link id" }).openapi({ param: { name: "id", in: "path" }, example: "0b7d3c5e-3f7a-4a5e-9a56-8f0e7b1d2c3a" }),
});

export const ShareToken = z.object({
  token: z
    .string()
    .max(100)
    .openapi({ param: { name: "token", in: "path", description: "The share link's token (it is the credential)" }, example: "3q2-7wWc1kQp0oUQv1l2mZ0x8b6kM1a4J9sX2tY5rW8" }),
});

const nullableNum = z.number().nullable();

export const AgpReportDoc = z
  .object({
    patient: z.object({ name: z.string() }),
    unit: z.enum(GLUCOSE_UNITS),
    timezone: z.string(),
    days: z.number().int(),
    first_date: z.string().openapi({ description: "First local date of the period" }),
    last_date: z.string().openapi({ description: "Last local date of the period (yesterday)" }),
    days_with_data: z.number().int(),
    agp: Agp,
    daily: z
      .array(z.object({ date: z.string(), minute: z.array(z.number().int()), value: z.array(z.number()) }))
      .openapi({ description: "Readings of each of the most recent 14 days: minutes after local midnight and glucose in `unit`" }),
    therapy: z
      .object({
        days_with_meals: z.number().int(),
        days_with_insulin: z.number().int(),
        meals_per_day: nullableNum,
        carbs_g_per_day: nullableNum,
        bolus_units_per_day: nullableNum,
        basal_units_per_day: nullableNum,
        total_units_per_day: nullableNum,
      })
      .openapi({ description: "Means of the daily totals over the days that have meal / insulin records" }),
    generated_at: z.string(),
  })
  .openapi("AgpReport");
