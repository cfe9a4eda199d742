/**
 * @module worker/schemas/sharing
 * Request and response shapes of /api/v1/sharing and /api/v1/following: invitations, sharings
 * as either side sees them, a follower's push preferences, the access log and the escalation
 * setting.
 */
import { z } from "@hono/zod-openapi";
import { GlucoseUnitSchema } from "./alerts.ts";

export const InvitationInput = z
  .object({
    email: z.string({ error: "is required" }).trim().toLowerCase().max(254, "must be at most 254 characters").pipe(z.email({ error: "must be an email address" })).openapi({ example: "caregiver@example.com" }),
  })
  .strict();

const Person = z.object({ user_id: z.string(), name: z.string() });

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24-hour)");

export const QuietHours = z.object({ start: hhmm, end: hhmm, timezone: z.string().max(64) });

export const FollowerPreferences = z.object({
  /** Push lows at or below this value (in `unit`); null: no low pushes except escalations. */
  low_threshold: z.number().nullable(),
  high_threshold: z.number().nullable(),
  unit: GlucoseUnitSchema,
  /** Only escalations come through between start and end. */
  quiet_hours: QuietHours.nullable(),
});

export const Sharing = z.object({
  id: z.string(),
  status: z.enum(["pending", "active"]),
  /** `owner`: this user shares their data; `follower`: this user follows (or is invited to follow) the owner. */
  role: z.enum(["owner", "follower"]),
  email: z.string(),
  owner: Person,
  follower: Person.nullable(),
  created_at: z.string(),
  accepted_at: z.string().nullable(),
  /** The follower's own push preferences (shown to the follower only). */
  preferences: FollowerPreferences.nullable(),
});

export const SharingList = z.object({ items: z.array(Sharing) });

export const PreferencesInput = z
  .object({
    low_threshold: z.number().finite().nullable().optional(),
    high_threshold: z.number().finite().nullable().optional(),
    unit: GlucoseUnitSchema.optional(),
    quiet_hours: QuietHours.nullable().optional(),
  })
  .strict();

export const AccessLogEntry = z.object({
  id: z.string(),
  follower: Person,
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  time: z.string(),
});

export const AccessLogList = z.object({ items: z.array(AccessLogEntry), next_cursor: z.string().nullable() });

export const CareSettings = z.object({
  /** An urgent low not acknowledged for this long is escalated to every caregiver. */
  escalation_minutes: z.number().int(),
});

export const CareSettingsInput = z
  .object({ escalation_minutes: z.number({ error: "must be a number" }).int("must be whole minutes").min(1, "must be at least 1").max(120, "must be at most 120") })
  .strict();

export const FollowedList = z.object({ items: z.array(Person.extend({ sharing_id: z.string() })) });
