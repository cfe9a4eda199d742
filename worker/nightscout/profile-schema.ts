/**
 * @module worker/nightscout/profile-schema
 * The Nightscout profile document as clients post it (AndroidAPS, Loop, Trio/iAPS, the
 * Nightscout profile editor, nightscout-connect): named profiles in `store`, the one in use in
 * `defaultProfile`, and `startDate`. Each named profile has DIA (hours), schedules of carb ratio
 * (g/U), sensitivity (unit/U), basal (U/h) and targets (in its `units`), `carbs_hr`, `delay`,
 * `units` and `timezone`. A schedule is a list of `{time: "HH:MM", value}` steps or one value for
 * the whole day; numbers may come as numeric strings. Unknown fields are kept as they came.
 */
import { z } from "@hono/zod-openapi";
import { resolveTimeZone } from "../../analytics/cgm/timezone.ts";

/** A valid Mongo ObjectId: 24 hexadecimal characters (lib/api/shared/objectid-validation.js). */
export const OBJECT_ID = /^[a-fA-F0-9]{24}$/;

const numeric = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number)], { error: "must be a number" });

function between(min: number, max: number, what: string, exclusiveMin = false) {
  return numeric.refine((v) => Number.isFinite(v) && (exclusiveMin ? v > min : v >= min) && v <= max, `must be ${what} (${exclusiveMin ? "above" : "from"} ${min}${exclusiveMin ? "," : ""} up to ${max})`);
}

const Step = (value: z.ZodType<number, unknown>) =>
  z
    .object({
      time: z.string({ error: 'must be a time of day "HH:MM"' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day "HH:MM"'),
      value,
      timeAsSeconds: z.number().int().min(0).max(86_399).optional(),
    })
    .passthrough();

/** A schedule: 1–48 steps starting at "00:00" in ascending time, or one value for the day. */
const Schedule = (value: z.ZodType<number, unknown>) =>
  z.union([
    z
      .array(Step(value))
      .min(1, "must have at least one step")
      .max(48, "must have at most 48 steps")
      .superRefine((steps, ctx) => {
        if (steps[0]?.time !== "00:00") ctx.addIssue({ code: "custom", path: [0, "time"], message: 'the first step must start at "00:00"' });
        for (let i = 1; i < steps.length; i++) {
          if (steps[i]!.time <= steps[i - 1]!.time) ctx.addIssue({ code: "custom", path: [i, "time"], message: "steps must be in ascending time of day" });
        }
      }),
    value,
  ], { error: 'must be a list of {"time": "HH:MM", "value": number} steps or one number' });

const TimeZoneName = z
  .string({ error: "must be a time zone name such as Europe/Berlin" })
  .trim()
  // Loop has uploaded "ETC/GMT+5" for "Etc/GMT+5"; Nightscout meant to repair it too.
  .transform((tz) => tz.replace(/^ETC\//, "Etc/"))
  .refine((tz) => {
    try {
      resolveTimeZone(tz);
      return true;
    } catch {
      return false;
    }
  }, "must be an IANA time zone such as Europe/Berlin");

/** Nightscout's units: "mg/dl" or "mmol" (also "mg/dL", "mmol/L"). */
export const ProfileUnits = z.string({ error: 'must be "mg/dl" or "mmol"' }).trim().regex(/^(mg\/dl|mmol(\/l)?)$/i, 'must be "mg/dl" or "mmol"');

export const NamedProfileInput = z
  .object({
    dia: between(0.5, 24, "hours", true),
    carbratio: Schedule(between(0, 500, "grams per unit", true)),
    sens: Schedule(between(0, 1000, "glucose units per insulin unit", true)),
    basal: Schedule(between(0, 50, "units per hour")).optional(),
    target_low: Schedule(between(0, 1000, "a glucose value", true)).optional(),
    target_high: Schedule(between(0, 1000, "a glucose value", true)).optional(),
    // Loop's ProfileSet sends "0" (it computes COB itself); 0 absorbs at the default rate (analytics/insulin/cob-decay.ts carbsPerHour).
    carbs_hr: between(0, 500, "grams per hour").optional(),
    delay: between(0, 600, "minutes").optional(),
    units: ProfileUnits.optional(),
    timezone: TimeZoneName.optional(),
  })
  .passthrough();

/** A time as Nightscout documents carry it: ISO 8601 or epoch milliseconds. */
const DocTime = z.union([z.number().finite(), z.string().trim().min(1)], { error: "must be an ISO 8601 date or epoch milliseconds" }).transform((v, ctx) => {
  const ms = typeof v === "number" ? v : /^-?\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: "custom", message: "must be an ISO 8601 date or epoch milliseconds" });
    return z.NEVER;
  }
  return Math.round(ms);
});

export const ProfileDocumentInput = z
  .object({
    _id: z.string().regex(OBJECT_ID).nullish(),
    defaultProfile: z.string({ error: "is required: the name of the profile in use (a key of store)" }).trim().min(1, "must not be empty").max(100),
    store: z
      .record(z.string().min(1).max(100), NamedProfileInput, { error: "is required: an object of named profiles" })
      .refine((s) => Object.keys(s).length >= 1 && Object.keys(s).length <= 50, "must hold 1 to 50 named profiles"),
    startDate: DocTime.optional(),
    created_at: DocTime.optional(),
    units: ProfileUnits.optional(),
  })
  .passthrough()
  .superRefine((doc, ctx) => {
    if (!(doc.defaultProfile in doc.store)) ctx.addIssue({ code: "custom", path: ["defaultProfile"], message: "must name a profile of store" });
  });

export type ProfileDocumentParsed = z.output<typeof ProfileDocumentInput>;
