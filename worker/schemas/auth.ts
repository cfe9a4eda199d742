/** @module worker/schemas/auth — request and response shapes of /api/v1/auth. */
import { z } from "@hono/zod-openapi";
import { isValidTimeZone } from "../../vocabulary/timezone.ts";
import { GLUCOSE_UNITS } from "../../vocabulary/units.ts";

export const Email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: "must be an email address" }))
  .transform((e) => e.toLowerCase())
  .openapi({ example: "alex@example.com" });

export const Password = z
  .string()
  .min(10, "must be at least 10 characters")
  .max(256, "must be at most 256 characters")
  .openapi({ example: "correct horse battery" });

export const TimeZone = z
  .string()
  .max(64)
  .refine(isValidTimeZone, "must be an IANA time zone such as Europe/Berlin")
  .openapi({ example: "Europe/Berlin" });

export const Unit = z.enum(GLUCOSE_UNITS, { error: 'must be "mg/dL" or "mmol/L"' }).openapi({ example: "mg/dL" });

export const Name = z.string().trim().min(1, "must not be empty").max(100).openapi({ example: "Alex" });

export const User = z
  .object({
    id: z.string().openapi({ example: "5f0c8a9e-7f0e-4d5e-9d65-0a8c2b3e6f11" }),
    email: z.string(),
    email_verified: z.boolean().openapi({ description: "Whether the address was confirmed (verification link or magic link); invitations to it need that" }),
    name: z.string(),
    timezone: z.string(),
    unit: Unit,
  })
  .openapi("User");

export const RegisterBody = z
  .object({
    email: Email,
    password: Password,
    name: Name,
    timezone: TimeZone.default("UTC"),
    unit: Unit.default("mg/dL"),
  })
  .openapi("RegisterRequest");

export const LoginBody = z
  .object({ email: Email, password: z.string().min(1, "is required").max(256) })
  .openapi("LoginRequest");

export const RefreshBody = z.object({ refresh_token: z.string().min(1, "is required").max(200) }).openapi("RefreshRequest");

export const MagicLinkBody = z.object({ email: Email }).openapi("MagicLinkRequest");
export const MagicLinkVerifyBody = z.object({ token: z.string().min(1, "is required").max(200) }).openapi("MagicLinkVerify");
export const VerifyEmailBody = z.object({ token: z.string().min(1, "is required").max(200) }).openapi("VerifyEmailRequest");

export const PatchMeBody = z
  .object({ name: Name.optional(), timezone: TimeZone.optional(), unit: Unit.optional() })
  .strict()
  .openapi("UpdateProfile");

export const ChangePasswordBody = z
  .object({ current_password: z.string().min(1, "is required").max(256), new_password: Password })
  .openapi("ChangePassword");

export const DeleteAccountBody = z.object({ password: z.string().min(1, "is required").max(256) }).openapi("DeleteAccount");

export const TokenPair = z
  .object({
    user: User,
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal("bearer"),
    expires_in: z.number().int().openapi({ example: 900, description: "Seconds until the access token expires" }),
  })
  .openapi("TokenPair");
