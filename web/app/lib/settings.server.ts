/**
 * @module settings.server
 * zod schemas of the /settings forms: profile, change password, delete account.
 */
import { z } from "zod";
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
  unit: z.enum(["mg/dL", "mmol/L"], { error: "Choose mg/dL or mmol/L" }),
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
