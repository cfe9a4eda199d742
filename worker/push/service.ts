/**
 * @module worker/push/service
 * Sending Web Push messages: the VAPID keys (Worker secrets, development defaults outside
 * production), which endpoints may be stored, the scoped tokens that let a service worker's
 * notification buttons act without a session, and delivery with removal of expired
 * subscriptions (404/410 from the push service, RFC 8030 §7.3).
 *
 * Used by the user's Durable Object (durable/push.ts) after the alert has gone out on the
 * sockets, and by `POST /api/v1/push/test`.
 */
import type { Db } from "../db/client.ts";
import type { Bindings } from "../env.ts";
import { jwtSecret, isProduction } from "../lib/config.ts";
import { base64ToBytes, bytesToBase64Url } from "../../vocabulary/bytes.ts";
import { constantTimeEqual } from "../lib/crypto.ts";
import { ApiError } from "../lib/errors.ts";
import { pushEndpointProblem } from "./endpoint.ts";
import { buildPushRequest, type Urgency, type VapidKeys } from "./webpush.ts";
import { deleteSubscription, markSent, type StoredSubscription } from "./repository.ts";

/**
 * DEVELOPMENT ONLY: the VAPID key pair of local runs and tests (`npm run vapid-keys` makes a
 * real one). Never used when ENVIRONMENT is "production".
 */
const DEV_VAPID = {
  publicKey: "BHsWsAcu8GT1CiRrmWLj8J9M-DERtwdtZVop_B2JbVzgZ1ZkqvfAihGP8GfRRw-S450NdF-jvM7zMTdFnDm-mTY",
  privateKey: "fp7byMLEHYbkzG7st68v58dY9ROxUIAKrpobBAOa9ac",
};

export function vapidKeys(env: Bindings): VapidKeys {
  const subject = env.VAPID_SUBJECT || "mailto:ops@glucolens.local";
  if (env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY) return { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject };
  if (isProduction(env)) throw new ApiError(500, "misconfigured", "VAPID keys are not set; see docs/push.md (`npm run vapid-keys`)");
  return { ...DEV_VAPID, subject };
}

/**
 * Why an endpoint cannot be stored or sent to, or null (worker/push/endpoint.ts). Loopback
 * endpoints, for the local test push service, only when ENVIRONMENT is "development" and
 * PUSH_ALLOW_LOOPBACK_ENDPOINTS is "true" (test/push-service passes it to its `wrangler dev`).
 */
export function endpointProblem(env: Bindings, endpoint: string): string | null {
  const allowLoopback = env.ENVIRONMENT === "development" && !isProduction(env) && env.PUSH_ALLOW_LOOPBACK_ENDPOINTS === "true";
  return pushEndpointProblem(endpoint, { allowLoopback });
}

// ---------------------------------------------------------------------------------------------
// Action tokens: a notification's "Acknowledge" / "Snooze" buttons run in the service worker,
// which holds no access token. Each payload carries an HMAC over exactly what the button may do
// (this subscription, this person, this alert); deleting the subscription revokes it.

const enc = new TextEncoder();

async function actionKey(env: Bindings): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", enc.encode(`push-action:${jwtSecret(env)}`), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

const actionMessage = (subscriptionId: number, personId: string, alertId: string, kind: string) => `v1.${subscriptionId}.${personId}.${alertId}.${kind}`;

export async function actionToken(env: Bindings, subscriptionId: number, personId: string, alertId: string, kind: string): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await actionKey(env), enc.encode(actionMessage(subscriptionId, personId, alertId, kind)));
  return bytesToBase64Url(new Uint8Array(mac));
}

export async function checkActionToken(env: Bindings, token: string, subscriptionId: number, personId: string, alertId: string, kind: string): Promise<boolean> {
  let given: Uint8Array;
  try {
    given = base64ToBytes(token);
  } catch {
    return false;
  }
  return constantTimeEqual(given, base64ToBytes(await actionToken(env, subscriptionId, personId, alertId, kind)));
}

// ---------------------------------------------------------------------------------------------
// Delivery

export interface PushOptions {
  ttl: number;
  urgency: Urgency;
  /** Replaces a message still queued at the push service with the same topic (RFC 8030 §5.4). */
  topic?: string;
}

export type PushOutcome = "sent" | "expired" | "failed";

/** Push services answer 201; 404 and 410 mean the subscription is gone for good. */
async function sendOne(env: Bindings, sub: StoredSubscription, payload: unknown, options: PushOptions): Promise<PushOutcome> {
  // Checked again at delivery: a subscription stored before the rules were tightened is not sent to.
  const problem = endpointProblem(env, sub.endpoint);
  if (problem) {
    console.warn(JSON.stringify({ level: "warn", event: "push.endpoint_refused", subscription: sub.id, problem }));
    return "failed";
  }
  const req = await buildPushRequest(sub, enc.encode(JSON.stringify(payload)), vapidKeys(env), options);
  // A push service answers 201 (or an error) itself; a redirect could lead anywhere, so none is followed.
  const res = await fetch(req.endpoint, { method: "POST", headers: req.headers, body: req.body, redirect: "manual" });
  await res.body?.cancel();
  if (res.ok) return "sent";
  if (res.status === 404 || res.status === 410) return "expired";
  console.warn(JSON.stringify({ level: "warn", event: "push.refused", subscription: sub.id, status: res.status }));
  return "failed";
}

/**
 * Sends one message per subscription (payload built per subscription: each carries its own
 * action token), all at once; expired subscriptions are deleted, the others marked as sent.
 * Never throws: a failing push service must not affect the alert that caused it.
 */
export async function deliver(env: Bindings, db: Db, items: { subscription: StoredSubscription; payload: unknown; options: PushOptions }[]): Promise<Record<PushOutcome, number>> {
  const counts: Record<PushOutcome, number> = { sent: 0, expired: 0, failed: 0 };
  const outcomes = await Promise.all(
    items.map(async (it) => {
      try {
        return { it, outcome: await sendOne(env, it.subscription, it.payload, it.options) };
      } catch (err) {
        console.warn(JSON.stringify({ level: "warn", event: "push.failed", subscription: it.subscription.id, error: String(err) }));
        return { it, outcome: "failed" as const };
      }
    }),
  );
  const sent: number[] = [];
  for (const { it, outcome } of outcomes) {
    counts[outcome]++;
    if (outcome === "sent") sent.push(it.subscription.id);
    if (outcome === "expired") {
      await deleteSubscription(db, it.subscription.userId, it.subscription.id).catch((err: unknown) =>
        console.warn(JSON.stringify({ level: "warn", event: "push.expired_delete_failed", subscription: it.subscription.id, error: String(err) })),
      );
    }
  }
  await markSent(db, sent, Date.now()).catch(() => undefined);
  return counts;
}
