/**
 * @module settings.server
 * zod schemas of the /settings forms: profile, change password, delete account.
 */
import { z } from "zod";
import { GLUCOSE_UNITS } from "../../../vocabulary/units.ts";
import { isValidTimeZone, PASSWORD_MAX, PASSWORD_MIN } from "./validation.ts";

export const profileSchema = z.object({
  name: z
    .string({ error: "Enter your name" })
    .trim()
    .min(1, { error: "Enter your name" })
    .max(100, { error: "Use at most 100 characters" }),
  timezone: z
    .string({ error: "Choose your time zone" })
    .refine(isValidTimeZone, { error: "Choose a time zone from the list" }),
  unit: z.enum(GLUCOSE_UNITS, { error: "Choose mg/dL or mmol/L" }),
});

export const changePasswordSchema = z
  .object({
    current_password: z.string({ error: "Enter your current password" }).min(1, { error: "Enter your current password" }),
    new_password: z
      .string({ error: "Choose a new password" })
      .min(PASSWORD_MIN, { error: `Use at least ${PASSWORD_MIN} characters` })
      .max(PASSWORD_MAX, { error: `Use at most ${PASSWORD_MAX} characters` }),
    confirm_password: z.string({ error: "Repeat the new password" }),
  })
  .superRefine((v, ctx) => {
    if (v.confirm_password !== v.new_password) {
      ctx.addIssue({ code: "custom", path: ["confirm_password"], message: "The two new passwords don't match" });
    }
    if (v.new_password && v.new_password === v.current_password) {
      ctx.addIssue({ code: "custom", path: ["new_password"], message: "Choose a password different from the current one" });
    }
  });

export const deleteAccountSchema = z.object({
  password: z.string({ error: "Enter your password to confirm" }).min(1, { error: "Enter your password to confirm" }),
  confirm: z.literal("yes", { error: "Tick the box to confirm" }),
});

// ---------------------------------------------------------------------------------------------
// Alert thresholds (`PUT /api/v1/alerts/settings`) and uploader secrets

/**
 * Form field names of the alert settings: the API's dotted paths with "_" ("low.value" →
 * "low_value"), so an API field error lands next to its input by a plain rename.
 */
export const ALERT_FIELDS = [
  "urgent_low_value",
  "low_enabled",
  "low_value",
  "high_enabled",
  "high_value",
  "urgent_high_enabled",
  "urgent_high_value",
  "falling_fast_enabled",
  "falling_fast_rate",
  "rising_fast_enabled",
  "rising_fast_rate",
  "predicted_low_enabled",
  "predicted_low_minutes",
  "stale_enabled",
  "stale_warning_minutes",
  "stale_urgent_minutes",
  "repeat_minutes_default",
  "repeat_minutes_urgent_low",
] as const;

/** "low.value" or "body.low.value" → "low_value". */
export function alertFieldKey(apiPath: string): string {
  return apiPath.replace(/^(body|json)\./, "").replace(/\./g, "_");
}

/** A decimal number as typed: "3,9" (comma locales) and "3.9" both work; blank is missing. */
const decimal = (what: string) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? Number(v.trim().replace(",", ".")) : undefined),
    z.number({ error: `Enter ${what} as a number` }).refine(Number.isFinite, { error: `Enter ${what} as a number` }),
  );
const wholeMinutes = (what: string) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() !== "" ? Number(v.trim()) : undefined),
    z.number({ error: `Enter ${what} in minutes` }).int({ error: `Enter ${what} as whole minutes` }),
  );
/** An unticked checkbox is simply absent from the form. */
const checkbox = z.preprocess((v) => v === "on" || v === "true", z.boolean());

/**
 * The alert settings form → the `PUT /api/v1/alerts/settings` body, in the user's unit (sent
 * with `unit`, so the API converts). Ranges and ordering are the API's to check: its messages
 * name the field and speak the unit.
 */
export function alertSettingsFormSchema(unit: "mg/dL" | "mmol/L") {
  return z
    .object({
      urgent_low_value: decimal("the urgent low threshold"),
      low_enabled: checkbox,
      low_value: decimal("the low threshold"),
      high_enabled: checkbox,
      high_value: decimal("the high threshold"),
      urgent_high_enabled: checkbox,
      urgent_high_value: decimal("the urgent high threshold"),
      falling_fast_enabled: checkbox,
      falling_fast_rate: decimal("the falling rate"),
      rising_fast_enabled: checkbox,
      rising_fast_rate: decimal("the rising rate"),
      predicted_low_enabled: checkbox,
      predicted_low_minutes: wholeMinutes("how far ahead"),
      stale_enabled: checkbox,
      stale_warning_minutes: wholeMinutes("the no-data warning"),
      stale_urgent_minutes: wholeMinutes("the urgent no-data alert"),
      repeat_minutes_default: wholeMinutes("the repeat interval"),
      repeat_minutes_urgent_low: wholeMinutes("the urgent low repeat interval"),
    })
    .transform((f) => ({
      unit,
      urgent_low: { value: f.urgent_low_value },
      low: { enabled: f.low_enabled, value: f.low_value },
      high: { enabled: f.high_enabled, value: f.high_value },
      urgent_high: { enabled: f.urgent_high_enabled, value: f.urgent_high_value },
      falling_fast: { enabled: f.falling_fast_enabled, rate: f.falling_fast_rate },
      rising_fast: { enabled: f.rising_fast_enabled, rate: f.rising_fast_rate },
      predicted_low: { enabled: f.predicted_low_enabled, minutes: f.predicted_low_minutes },
      stale: { enabled: f.stale_enabled, warning_minutes: f.stale_warning_minutes, urgent_minutes: f.stale_urgent_minutes },
      repeat_minutes: { default: f.repeat_minutes_default, urgent_low: f.repeat_minutes_urgent_low },
    }));
}

/** The uploader form: a name, and the Nightscout role (a form without one, as before roles, is admin). */
export const uploaderCreateSchema = z.object({
  name: z
    .string({ error: "Name the app or phone" })
    .trim()
    .min(1, { error: "Name the app or phone, e.g. “xDrip+ on my phone”" })
    .max(64, { error: "Use at most 64 characters" }),
  role: z.enum(["admin", "readable"], { error: "Choose what the app may do" }).default("admin"),
});

export const uploaderIdSchema = z.object({
  id: z.string({ error: "Which uploader?" }).regex(/^\d{1,12}$/, { error: "Which uploader?" }),
});

/** The clinician report link form: the report's period and how long the link works. */
export const shareCreateSchema = z.object({
  days: z.enum(["14", "30", "90"], { error: "Choose 14, 30 or 90 days" }).transform(Number),
  expires_in_days: z.coerce
    .number({ error: "Enter a number of days from 1 to 90" })
    .int({ error: "Enter a whole number of days" })
    .min(1, { error: "A link works for at least 1 day" })
    .max(90, { error: "A link works for at most 90 days" }),
});

export const shareIdSchema = z.object({
  id: z.string({ error: "Which link?" }).min(1, { error: "Which link?" }).max(64, { error: "Which link?" }),
});
