/**
 * @module worker/push/schemas
 * Request and response shapes of /api/v1/push: a browser's PushSubscription (as its `toJSON()`
 * gives it), stored subscriptions, and the notification actions a service worker sends.
 */
import { z } from "@hono/zod-openapi";
import { AlertKind } from "../schemas/alerts.ts";

const base64url = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `must be base64url (${what})`)
    .refine((s) => Math.floor((s.replace(/=+$/, "").length * 3) / 4) === bytes, `must decode to ${bytes} bytes (${what})`);

/** `PushSubscription.toJSON()`; `expirationTime` and unknown keys are accepted and ignored. */
export const PushSubscriptionInput = z.object({
  endpoint: z.string().min(1, "is required").max(2048, "must be at most 2048 characters").openapi({ example: "https://fcm.googleapis.com/fcm/send/dAPT…" }),
  keys: z.object({
    p256dh: base64url(65, "the uncompressed P-256 public key").openapi({ example: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM" }),
    auth: base64url(16, "the authentication secret").openapi({ example: "tBHItJI5svbpez7KI4CCXg" }),
  }),
  expirationTime: z.number().nullable().optional(),
});
export type PushSubscriptionInput = z.infer<typeof PushSubscriptionInput>;

export const PushSubscriptionOut = z.object({
  id: z.string(),
  endpoint: z.string(),
  user_agent: z.string().nullable(),
  created_at: z.string(),
  last_sent_at: z.string().nullable(),
});

export const PushSubscriptionList = z.object({ items: z.array(PushSubscriptionOut) });

export const VapidKeyResponse = z.object({
  /** The `applicationServerKey` for `pushManager.subscribe` (base64url, uncompressed P-256). */
  public_key: z.string(),
});

/** A notification button pressed in the service worker (web/public/sw.js). */
export const PushActionInput = z.object({
  action: z.enum(["acknowledge", "snooze"]),
  subscription_id: z.number().int().positive(),
  /** The person the alert belongs to (public user id). */
  user_id: z.string().min(1).max(64),
  alert_id: z.string().min(1).max(64),
  kind: AlertKind,
  /** The action token carried by the push payload. */
  token: z.string().min(1).max(128),
  /** Snooze length; the notification's button snoozes for 30. */
  minutes: z.union([z.literal(15), z.literal(30), z.literal(60)]).default(30),
});

export const PushTestResult = z.object({ sent: z.number().int(), expired: z.number().int(), failed: z.number().int() });
