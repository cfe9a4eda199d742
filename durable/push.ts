/**
 * @module durable/push
 * Web Push from the live monitor. After an alert has gone out on the sockets (raised, repeated,
 * or escalated to the caregivers), the user's Durable Object hands it here inside
 * `ctx.waitUntil`, so a slow push service never delays the socket messages.
 *
 * Who gets what:
 * - the user's own subscriptions: every alert raised or repeated;
 * - each active follower's subscriptions (their own preferences on the sharing): lows at or
 *   below the follower's low threshold, highs at or above the high threshold, never during the
 *   follower's quiet hours, nothing without a threshold;
 * - escalations (durable/escalation.ts): every follower, quiet hours or not.
 *
 * Each payload names the person, the value and trend, and carries an action token scoped to
 * (subscription, person, alert), so the service worker's buttons work without a session.
 */
import { directoryDb } from "../worker/db/shards.ts";
import { localMinutesOfDay } from "../vocabulary/timezone.ts";
import { movementArrow } from "../vocabulary/trend.ts";
import { mgdlFrom } from "../vocabulary/units.ts";
import type { FollowerPreferences, PushRecipients, StoredSubscription } from "../worker/push/repository.ts";
import type { Alert, AlertKind, ServerMessage } from "../worker/schemas/alerts.ts";
import { actionToken, deliver, type PushOptions } from "../worker/push/service.ts";
import type { MonitorOwner } from "../vocabulary/monitor.ts";

export type PushEvent = "raised" | "repeated" | "escalated";

export interface AlertPush {
  alert: Alert;
  event: PushEvent;
}

/** The wire payload the service worker (web/public/sw.js) reads. */
export interface PushPayload {
  v: 1;
  type: "alert";
  event: PushEvent;
  title: string;
  body: string;
  /** Notifications with one tag replace each other: one per alert. */
  tag: string;
  urgent: boolean;
  person: { user_id: string; name: string; own: boolean };
  alert: Pick<Alert, "id" | "kind" | "level" | "value" | "unit" | "rate" | "direction" | "time" | "message" | "repeat">;
  /** Buttons the notification offers; a caregiver cannot snooze the person's alerts. */
  actions: ("snooze" | "acknowledge")[];
  action: { path: string; subscription_id: number; token: string };
  /** Page to open on a click, relative to the web site. */
  url: string;
}

const LOW_KINDS: ReadonlySet<AlertKind> = new Set(["urgent_low", "low", "predicted_low", "falling_fast"]);
const HIGH_KINDS: ReadonlySet<AlertKind> = new Set(["urgent_high", "high", "rising_fast"]);

/** Urgent alerts: `Urgency: high` and an hour at the push service; others `normal`, 15 minutes. */
export function pushOptions(alert: Pick<Alert, "id" | "level">, event: PushEvent): PushOptions {
  const urgent = alert.level === "urgent" || event === "escalated";
  // The topic makes a queued repeat replace the undelivered earlier message of the same alert.
  return { urgency: urgent ? "high" : "normal", ttl: urgent ? 3600 : 900, topic: alert.id.replaceAll("-", "").slice(0, 32) };
}

export function inQuietHours(p: Pick<FollowerPreferences, "quietStart" | "quietEnd" | "quietTimezone">, now: number): boolean {
  if (p.quietStart === null || p.quietEnd === null || p.quietStart === p.quietEnd) return false;
  let m: number;
  try {
    m = localMinutesOfDay(now, p.quietTimezone ?? "UTC");
  } catch {
    m = localMinutesOfDay(now, "UTC");
  }
  // 22:00–07:00 wraps past midnight.
  return p.quietStart < p.quietEnd ? m >= p.quietStart && m < p.quietEnd : m >= p.quietStart || m < p.quietEnd;
}

/** Whether a follower with these preferences is sent this alert. */
export function followerWants(p: FollowerPreferences, push: AlertPush, now: number): boolean {
  if (push.event === "escalated") return true;
  if (inQuietHours(p, now)) return false;
  const a = push.alert;
  if (a.value === null) return false;
  const mgdl = mgdlFrom(a.value, a.unit);
  if (LOW_KINDS.has(a.kind)) return p.lowThreshold !== null && mgdl <= p.lowThreshold;
  if (HIGH_KINDS.has(a.kind)) return p.highThreshold !== null && mgdl >= p.highThreshold;
  return false;
}

function payloadFor(push: AlertPush, owner: MonitorOwner, ownerName: string, own: boolean, sub: StoredSubscription, token: string): PushPayload {
  const a = push.alert;
  const value = a.value === null ? "" : `${a.value} ${a.unit}${movementArrow(a.direction) ? ` ${movementArrow(a.direction)}` : ""}`;
  const title = own ? (value ? `${a.message.split(":")[0]}: ${value}` : a.message) : `${push.event === "escalated" ? "Not acknowledged: " : ""}${ownerName}: ${value || a.message.split(":")[0]}`;
  return {
    v: 1,
    type: "alert",
    event: push.event,
    title,
    body: push.event === "escalated" ? `${a.message}. No acknowledgement since ${new Date(a.time).toISOString().slice(11, 16)} UTC.` : a.message,
    tag: a.id,
    urgent: a.level === "urgent" || push.event === "escalated",
    person: { user_id: owner.publicId, name: ownerName, own },
    alert: { id: a.id, kind: a.kind, level: a.level, value: a.value, unit: a.unit, rate: a.rate, direction: a.direction, time: a.time, message: a.message, repeat: a.repeat },
    actions: own ? ["snooze", "acknowledge"] : ["acknowledge"],
    action: { path: "/api/v1/push/actions", subscription_id: sub.id, token },
    url: own ? "/" : `/following/${owner.publicId}`,
  };
}

/**
 * Pushes the alerts to everyone who should get them, as `recipientsOf` names them (the live
 * monitor's copy, durable/push-recipients.ts). Resolves with the counts; never rejects (the alert
 * has already been sent on the sockets and recorded).
 */
export async function pushAlerts(
  env: Env,
  owner: MonitorOwner,
  pushes: AlertPush[],
  now: number,
  recipientsOf: (userId: number) => Promise<PushRecipients | null>,
): Promise<{ sent: number; expired: number; failed: number }> {
  const none = { sent: 0, expired: 0, failed: 0 };
  if (!pushes.length) return none;
  try {
    const db = directoryDb(env);
    const recipients = await recipientsOf(owner.userId);
    if (!recipients) return none;
    const items: Parameters<typeof deliver>[2] = [];
    for (const push of pushes) {
      const options = pushOptions(push.alert, push.event);
      // The user's own devices: raised and repeated alerts (an escalation is for the caregivers).
      const targets: { sub: StoredSubscription; own: boolean }[] = push.event === "escalated" ? [] : recipients.own.map((sub) => ({ sub, own: true }));
      for (const f of recipients.followers) if (followerWants(f.prefs, push, now)) for (const sub of f.subscriptions) targets.push({ sub, own: false });
      for (const { sub, own } of targets) {
        const token = await actionToken(env, sub.id, owner.publicId, push.alert.id, push.alert.kind);
        items.push({ subscription: sub, payload: payloadFor(push, owner, recipients.ownerName, own, sub, token), options });
      }
    }
    return await deliver(env, db, items);
  } catch (err) {
    console.error(JSON.stringify({ level: "error", class: "GlucoseMonitor", user: owner.publicId, event: "push_failed", error: String(err) }));
    return none;
  }
}

/** The alert messages of one monitor step as pushes: repeat 0 is the raise, later ones repeats. */
export function alertPushes(messages: readonly ServerMessage[]): AlertPush[] {
  const out: AlertPush[] = [];
  for (const m of messages) if (m.type === "alert") out.push({ alert: m.alert, event: m.alert.repeat === 0 ? "raised" : "repeated" });
  return out;
}
