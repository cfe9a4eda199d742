/**
 * @module forms.server
 * Parses submitted forms with zod (Epic Stack parses with `parseWithZod`; we keep the same
 * shape without the extra dependency). Actions return `fieldErrors` with status 400 and the
 * form shows each message next to its input.
 */
import { z } from "zod";
import { GLUCOSE_UNITS } from "../../../vocabulary/units.ts";
import { isValidTimeZone, PASSWORD_MAX, PASSWORD_MIN } from "./validation.ts";

export type FieldErrors = Partial<Record<string, string[]>>;

export type FormResult<T> =
  | { success: true; data: T }
  | { success: false; fieldErrors: FieldErrors; formErrors: string[] };

/**
 * Validates the string fields of `formData` against `schema` (files are ignored).
 *
 * @example
 * const result = parseForm(loginSchema, await request.formData());
 * if (!result.success) return data({ errors: result }, { status: 400 });
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  formData: FormData,
): FormResult<z.output<S>> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData) {
    if (typeof value === "string") values[key] = value;
  }
  const result = schema.safeParse(values);
  if (result.success) return { success: true, data: result.data };
  const flat = z.flattenError(result.error);
  return { success: false, fieldErrors: flat.fieldErrors as FieldErrors, formErrors: flat.formErrors };
}

// ---------------------------------------------------------------------------------------------
// Schemas shared by the auth routes

export const emailField = z
  .string({ error: "Enter your email address" })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid email address, like name@example.com" }));

export const loginSchema = z.object({
  email: emailField,
  password: z.string({ error: "Enter your password" }).min(1, { error: "Enter your password" }),
  redirectTo: z.string().optional(),
});

export const magicLinkSchema = z.object({ email: emailField });

export const registerSchema = z.object({
  email: emailField,
  name: z
    .string({ error: "Enter your name" })
    .trim()
    .min(1, { error: "Enter your name" })
    .max(100, { error: "Use at most 100 characters" }),
  password: z
    .string({ error: "Choose a password" })
    .min(PASSWORD_MIN, { error: `Use at least ${PASSWORD_MIN} characters` })
    .max(PASSWORD_MAX, { error: `Use at most ${PASSWORD_MAX} characters` }),
  timezone: z
    .string({ error: "Choose your time zone" })
    .refine(isValidTimeZone, { error: "Choose a time zone from the list" }),
  unit: z.enum(GLUCOSE_UNITS, { error: "Choose mg/dL or mmol/L" }),
});
