/**
 * @module worker/monitor/client
 * The bridge from the Worker to the user's live monitor (one Durable Object per user, named by
 * the user's public id; see durable/glucose-monitor.ts). Every call carries the owner (internal
 * and public id), which the object keeps so that its alarm can write history with no request.
 */
import type { Context } from "hono";
import type { AppEnv, Bindings } from "../env.ts";
import { isAccountGone } from "../lib/errors.ts";
import { errorFields, type Logger } from "../lib/log.ts";
import type { GlucoseUnit } from "../../vocabulary/units.ts";
import type { AuthUser } from "../middleware/auth.ts";
import type { NewReading } from "../repositories/readings.ts";
import type { SnoozeRequest } from "../schemas/alerts.ts";
import type { AlertRules } from "../schemas/alert-rules.ts";
import { MONITOR_WINDOW_MS, OWNER_ID_HEADER, OWNER_PUBLIC_ID_HEADER, type MonitorOwner, type MonitorReading } from "../../vocabulary/monitor.ts";

export const monitorStub = (env: Bindings, publicId: string) => env.GLUCOSE_MONITOR.get(env.GLUCOSE_MONITOR.idFromName(publicId));

/** `requestId` travels with the call so that the object's log lines name the request (worker/lib/log.ts). */
const ownerOf = (user: AuthUser, requestId?: string): MonitorOwner => ({ userId: user.id, publicId: user.publicId, requestId });

/**
 * Sends the readings that fall inside the monitor's window to the user's Durable Object. Every
 * ingestion path calls it as its D1 write starts, so the alert path never waits for D1; the
 * sender is still answered only once D1 has the readings. The call is not awaited by the
 * response (waitUntil), so a slow object never delays the upload. The object itself ignores
 * old and duplicate readings, so a retried upload raises nothing twice.
 */
export function notifyMonitor(c: Context<AppEnv>, readings: NewReading[]): void {
  const since = Date.now() - MONITOR_WINDOW_MS;
  const recent: MonitorReading[] = [];
  for (const x of readings) if (x.time >= since) recent.push({ time: x.time, value: x.value, source: x.source, trend: x.trend });
  if (!recent.length) return;
  const user = c.get("user");
  const log = c.get("log");
  c.executionCtx.waitUntil(
    monitorStub(c.env, user.publicId)
      .ingest(ownerOf(user, c.get("requestId")), recent)
      .catch((err: unknown) =>
        // A deleted account's object refuses the readings: expected, not a fault.
        isAccountGone(err) ? log.info("monitor.ingest_refused_account_deleted", { user: user.publicId }) : log.error("monitor.ingest_failed", { user: user.publicId, ...errorFields(err) }),
      ),
  );
}

/**
 * Account deletion, first step: the user's object closes their sockets, wipes its storage and
 * refuses everything from then on; the caregivers' feeds of people the user follows are closed.
 */
export async function closeMonitors(env: Bindings, publicId: string, userId: number, followedPublicIds: readonly string[]): Promise<void> {
  await monitorStub(env, publicId).deleteAccount();
  await Promise.all(followedPublicIds.map((owner) => monitorStub(env, owner).disconnectFollower(userId)));
}

/**
 * Tells the objects of `publicIds` that who gets their alert pushes has changed
 * (durable/push-recipients.ts). Not thrown: the change is stored either way, and an object that
 * missed the word reads the directory again within its copy's lifetime (a minute).
 */
export async function pushRecipientsChanged(env: Bindings, publicIds: readonly string[], log: Logger): Promise<void> {
  await Promise.all(
    publicIds.map((publicId) => monitorStub(env, publicId).pushRecipientsChanged().catch((err: unknown) => log.warn("monitor.push_recipients_not_told", { user: publicId, ...errorFields(err) }))),
  );
}

export function monitorState(env: Bindings, user: AuthUser, requestId?: string) {
  return monitorStub(env, user.publicId).state(ownerOf(user, requestId));
}

/** Hands new rules to the object, which judges the newest reading again under them. */
export function pushAlertRules(env: Bindings, user: AuthUser, rules: AlertRules, unit: GlucoseUnit, requestId?: string) {
  return monitorStub(env, user.publicId).updateSettings(ownerOf(user, requestId), rules, unit);
}

/** Has the user's monitor write its pending alert history to D1 (before the history is read). */
export function flushAlertHistory(env: Bindings, user: AuthUser, requestId?: string) {
  return monitorStub(env, user.publicId).flushAlertHistory(ownerOf(user, requestId));
}

export function acknowledgeAlert(env: Bindings, user: AuthUser, alertId: string, requestId?: string) {
  return monitorStub(env, user.publicId).acknowledge(ownerOf(user, requestId), alertId);
}

export function snoozeAlerts(env: Bindings, user: AuthUser, request: SnoozeRequest, requestId?: string) {
  return monitorStub(env, user.publicId).snooze(ownerOf(user, requestId), request);
}

/**
 * Forwards a WebSocket upgrade to the owner's object, which accepts it (Hibernation API). A new
 * request is built rather than passing the client's on, so only the owner headers set here reach
 * the object.
 */
export function openAlertStream(env: Bindings, owner: MonitorOwner, request: Request): Promise<Response> {
  const headers = new Headers({ upgrade: "websocket", [OWNER_ID_HEADER]: String(owner.userId), [OWNER_PUBLIC_ID_HEADER]: owner.publicId });
  if (owner.requestId) headers.set("x-request-id", owner.requestId);
  const agent = request.headers.get("user-agent");
  if (agent) headers.set("user-agent", agent);
  return monitorStub(env, owner.publicId).fetch("https://monitor.internal/stream", { headers });
}
