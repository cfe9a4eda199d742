/**
 * @module durable/glucose-monitor
 * One SQLite-backed Durable Object per user (addressed by `idFromName(user public id)`): the
 * live monitor. It holds the rolling 24-hour window of readings, the active alerts, snoozes and a
 * copy of the user's alert rules in its own storage, so all of it survives eviction and restarts;
 * it serves the user's WebSocket feed with the Hibernation API, so idle sockets cost nothing.
 * This class is the shell around the alert state machine (durable/alert-machine.ts): storage,
 * sockets, the alarm and the rules' copy; the history's way to D1 is durable/alert-history.ts.
 *
 * Flow of a reading: every ingestion path of the Worker calls {@link GlucoseMonitor.ingest} (RPC,
 * not awaited by its answer) as its own D1 insert of the readings starts, so the two run side by
 * side and the alert never waits for D1. The object adds the readings to the window, lets the
 * alert machine decide what to raise, repeat or resolve, sends the messages to every socket of
 * the user (then to the socket.io sessions, then Web Push in the background), and only then
 * persists its state and the alert history: first into a local outbox table, then to D1 in the
 * background (retried by the alarm until D1 takes it).
 *
 * Only a reading newer than the newest seen, and at most 10 minutes old by the object's clock,
 * can raise an alert: backfills, uploader retries and duplicates update the window and never
 * alert about the past. No-data alerts and repeats come from the object's alarm, with no request.
 *
 * Account deletion ({@link GlucoseMonitor.deleteAccount}) is final: the object wipes its storage,
 * keeps only a tombstone row, and from then on refuses every call, socket, message and alarm.
 *
 * The alert bookkeeping (durable/alert-machine.ts), rules (durable/rules.ts), trend
 * (durable/trend.ts), the forecast behind predicted lows (durable/forecast.ts), the feed's wire
 * side (durable/feed-sockets.ts), the history outbox (durable/alert-history.ts) and the wire shapes (worker/schemas/alerts.ts) live apart from
 * the lifecycle here.
 */
import { DurableObject } from "cloudflare:workers";
import { shardDb } from "../worker/db/shards.ts";
import { accountGone } from "../worker/lib/errors.ts";
import { createLogger, errorFields, logLevelOf } from "../worker/lib/log.ts";
import { recordMetric } from "../worker/lib/metrics.ts";
import type { Bindings } from "../worker/env.ts";
import { glucoseIn, rateIn, type GlucoseUnit } from "../vocabulary/units.ts";
import { getMonitorConfig } from "../worker/repositories/alerts.ts";
import { AlertHistoryOutbox, HISTORY_RETRY_MS, OUTBOX_SCHEMA } from "./alert-history.ts";
import { DEFAULT_ALERT_RULES, type AlertRules } from "../worker/schemas/alert-rules.ts";
import {
  SnoozeRequest,
  type AlertKind,
  type LiveReading,
  type MonitorSnapshot,
  type Trend,
} from "../worker/schemas/alerts.ts";
import {
  acknowledge,
  alertSnapshot,
  emptyAlertState,
  escalate,
  evaluateReading,
  evaluateStale,
  iso,
  newAlertStep,
  nextAlertDue,
  resolveAll,
  sendDue,
  snooze,
  type ActiveAlert,
  type AlertContext,
  type AlertStep,
  type JudgedReading,
} from "./alert-machine.ts";
import { GRID_MS, minutesUntilBelow, type ForecastSource } from "./forecast.ts";
import { PING, PONG } from "../vocabulary/monitor-feed.ts";
import { MONITOR_WINDOW_MS, OWNER_ID_HEADER, OWNER_PUBLIC_ID_HEADER, type MonitorOwner, type MonitorReading } from "../vocabulary/monitor.ts";
import type { AckResult, IngestSummary, SnoozeResult } from "./monitor-types.ts";
import { alertPushes, pushAlerts } from "./push.ts";
import { PushRecipientsCache } from "./push-recipients.ts";
import { disconnectFollowerSockets } from "./followers.ts";
import { acceptFeedSocket, accountGoneResponse, answerClose, broadcast, closeDeleted, closeOnError, readClientMessage, sendError } from "./feed-sockets.ts";
import { Escalations } from "./escalation.ts";
import { ReadingWindow, type WindowRow } from "./reading-window.ts";
import { directionOf, slopePerMinute, TREND_SPAN_MS, type Point } from "./trend.ts";
import { SocketIoSubscribers } from "./socketio/subscribers.ts";
import type { NightscoutDelta } from "./socketio/nightscout-shapes.ts";
import type { StorageCollection } from "../vocabulary/socketio.ts";
import { BridgePoller, type PollOutcome } from "./bridges/poller.ts";

/** Only a reading at most this old (by the object's clock) can raise an alert. */
export const RAISE_WINDOW_MS = 10 * 60_000;
/** Readings further ahead of the clock (a wrong device clock) are kept but never count as newest. */
export const FUTURE_SKEW_MS = 5 * 60_000;
/** The copy of the rules is refreshed from D1 in the background when older than this (a unit change in the profile). */
const RULES_TTL_MS = 10 * 60_000;
/** How much of the window the forecast looks at (its grid goes back 2 hours). */
const FORECAST_HISTORY_MS = 2 * 3600_000 + GRID_MS;

interface Config {
  rules: AlertRules;
  unit: GlucoseUnit;
  /** Date.now() when read from D1 or pushed by the Worker */
  loadedAt: number;
  /** The forecast model behind the predicted-low alert (loaded with the rules; absent: population model). */
  forecast?: ForecastSource;
}


export class GlucoseMonitor extends DurableObject<Env> {
  /**
   * The clock behind every decision (raise window, repeats, snoozes, no-data). Tests replace it
   * through `runInDurableObject` to move time; being an instance property, not a method, it
   * cannot be reached over RPC.
   */
  clock: () => number = () => Date.now();

  private readonly sql: SqlStorage;
  private window!: ReadingWindow;
  private escalations: Escalations;
  private socketio: SocketIoSubscribers;
  /** Cloud follower bridges polled on this object's alarm (durable/bridges/poller.ts). */
  private bridges: BridgePoller;
  private owner: MonitorOwner | null = null;
  private config: Config | null = null;
  /** Bumped by every push from the Worker, so a slower D1 read started earlier cannot overwrite it. */
  private configVersion = 0;
  private configLoad: Promise<Config> | null = null;
  /** The active alerts and snoozes (durable/alert-machine.ts), kept in the tables active_alerts and snoozes. */
  private readonly alerts = emptyAlertState();
  /** The alarm as last set by this instance (undefined: unknown after a restart). */
  private alarmAt: number | null | undefined = undefined;
  /** Who the alerts are pushed to, as last read from the directory (durable/push-recipients.ts). */
  private readonly recipients = new PushRecipientsCache();
  /** The alert history's outbox on its way to D1 (durable/alert-history.ts). */
  private history!: AlertHistoryOutbox;
  /** Whether a reading has arrived as it happened (fresh) since the window was last empty. */
  private live = false;
  /**
   * The request id for log lines: the Worker request's that last called in (RPC or socket
   * upgrade), or a fresh one per alarm and socket event. Calls interleave at awaits, so a line
   * written in the background names the call that last entered, not always the one that caused it.
   */
  private workId: string | null = null;
  /**
   * The account was deleted: every call is refused. Read from storage once by the constructor and
   * then checked in memory, so it costs the reading path nothing.
   */
  private deleted = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.createSchema();
    this.escalations = new Escalations(this.sql);
    this.socketio = new SocketIoSubscribers(ctx, env);
    this.bridges = this.createBridgePoller();
    this.restore();
    // Events the previous instance queued but never wrote (evicted between the send and the D1
    // write): write them now rather than on the next reading, which may be hours away.
    if (this.history.hasBacklog) this.history.flushSoon();
    // Debug level (LOG_LEVEL=debug): shows each start of an instance, e.g. waking after eviction
    // with hibernated sockets (bench/eviction.ts watches for it).
    createLogger({ class: "GlucoseMonitor", object: ctx.id.toString() }, logLevelOf(env)).debug("monitor.started", { sockets: ctx.getWebSockets().length });
    // Answered by the runtime without waking the object (the Hibernation API's auto-response).
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  // -------------------------------------------------------------------------------------------
  // Storage

  private createSchema(): void {
    this.window = new ReadingWindow(this.sql);
    this.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS active_alerts (kind TEXT PRIMARY KEY, body TEXT NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS snoozes (kind TEXT PRIMARY KEY, until INTEGER NOT NULL)");
    this.sql.exec(OUTBOX_SCHEMA);
  }

  /** Loads what the previous instance left (the constructor runs again after every eviction). */
  private createBridgePoller(): BridgePoller {
    return new BridgePoller(this.ctx, this.env, this.sql, {
      owner: () => (this.deleted ? null : this.owner),
      ingest: (owner, readings) => this.ingest(owner, readings),
      reschedule: () => this.schedule(this.clock()),
      log: (level, event, err) => this.log(level, event, err),
    });
  }

  private createHistoryOutbox(): AlertHistoryOutbox {
    return new AlertHistoryOutbox({
      sql: this.sql,
      ctx: this.ctx,
      env: this.env,
      owner: () => (this.deleted ? null : this.owner),
      refused: () => this.schedule(this.clock()),
      log: (level, event, err) => this.log(level, event, err),
    });
  }

  private restore(): void {
    const meta = new Map(this.sql.exec<{ key: string; value: string }>("SELECT key, value FROM meta").toArray().map((r) => [r.key, r.value]));
    this.deleted = meta.get("deleted") === "true";
    const owner = meta.get("owner");
    if (owner) this.owner = JSON.parse(owner) as MonitorOwner;
    this.live = meta.get("live") === "true";
    const config = meta.get("config");
    if (config) this.config = JSON.parse(config) as Config;
    this.alerts.active.clear();
    for (const row of this.sql.exec<{ body: string }>("SELECT body FROM active_alerts")) {
      const a = JSON.parse(row.body) as ActiveAlert;
      this.alerts.active.set(a.kind, a);
    }
    this.alerts.snoozes.clear();
    for (const row of this.sql.exec<{ kind: string; until: number }>("SELECT kind, until FROM snoozes")) this.alerts.snoozes.set(row.kind as AlertKind, row.until);
    this.history = this.createHistoryOutbox();
  }

  private setMeta(key: string, value: unknown): void {
    // Work that was waiting (a D1 read) when the account was deleted must not write again.
    if (this.deleted) return;
    this.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, JSON.stringify(value));
  }

  private remember(owner: MonitorOwner): void {
    this.workId = owner.requestId ?? crypto.randomUUID();
    if (this.owner?.userId === owner.userId && this.owner.publicId === owner.publicId) return;
    this.owner = { userId: owner.userId, publicId: owner.publicId };
    this.setMeta("owner", this.owner);
  }

  // -------------------------------------------------------------------------------------------
  // Rules

  private setConfig(rules: AlertRules, unit: GlucoseUnit, loadedAt: number, forecast = this.config?.forecast): Config {
    this.config = { rules, unit, loadedAt, forecast };
    this.setMeta("config", this.config);
    return this.config;
  }

  /**
   * The user's rules: the stored copy, refreshed from D1 in the background once it is older than
   * 10 minutes; read from D1 (and awaited) only when the object has none yet. A failing D1 read
   * never stops an alert: the defaults stand in until the next try.
   */
  private async ensureConfig(): Promise<Config> {
    const c = this.config;
    if (c && Date.now() - c.loadedAt < RULES_TTL_MS) return c;
    if (c) {
      this.ctx.waitUntil(this.loadConfig().catch(() => undefined));
      return c;
    }
    return this.loadConfig();
  }

  private loadConfig(): Promise<Config> {
    if (this.configLoad) return this.configLoad;
    const version = this.configVersion;
    const owner = this.owner;
    this.configLoad = (async () => {
      try {
        const found = owner ? await getMonitorConfig(await shardDb(this.env, owner.userId), owner.userId) : null;
        if (this.configVersion !== version && this.config) return this.config;
        return this.setConfig(found?.rules ?? structuredClone(DEFAULT_ALERT_RULES), found?.unit ?? "mg/dL", Date.now(), found?.forecast);
      } catch (err) {
        this.log("error", "rules_load_failed", err);
        if (this.config) return this.config;
        // Not persisted and loadedAt 0: the next call tries D1 again.
        return (this.config = { rules: structuredClone(DEFAULT_ALERT_RULES), unit: "mg/dL", loadedAt: 0 });
      } finally {
        this.configLoad = null;
      }
    })();
    return this.configLoad;
  }

  // -------------------------------------------------------------------------------------------
  // RPC: called by the Worker

  /** Adds readings (mg/dL) to the window and runs the alert rules on the newest. */
  async ingest(owner: MonitorOwner, readings: MonitorReading[]): Promise<IngestSummary> {
    this.refuseIfDeleted();
    this.remember(owner);
    const { rules, unit } = await this.ensureConfig();
    this.refuseIfDeleted();
    const now = this.clock();
    const before = this.newest(now);
    const cutoff = now - MONITOR_WINDOW_MS;
    const added: MonitorReading[] = [];
    for (const x of readings) {
      if (x.time >= cutoff && this.window.add(x.time, x.source, x.value, x.trend)) added.push(x);
    }
    this.window.trim(cutoff);
    if (!added.length) {
      this.window.save();
      return { added: 0, evaluated: false, alerts: 0 };
    }

    const newest = this.newest(now);
    const advanced = newest !== null && (before === null || newest.time > before.time);
    const fresh = advanced && newest.time >= now - RAISE_WINDOW_MS;
    const step = newAlertStep();
    const rate = newest ? this.rateAt(newest.time) : null;
    const trend = this.wireTrend(rate, unit);
    added.sort((a, b) => a.time - b.time);
    for (const x of added) {
      step.messages.push({ type: "reading", reading: this.liveReading(x, unit), late: before !== null && x.time <= before.time, trend });
    }
    if (fresh && !this.live) {
      this.live = true;
      this.setMeta("live", true);
    }
    const ctx: AlertContext = { now, rules, unit: this.unit() };
    if (advanced) evaluateStale(this.alerts, ctx, newest, this.live, step);
    if (fresh) evaluateReading(this.alerts, ctx, this.judged(newest, rate, rules), true, step);
    sendDue(this.alerts, ctx, step);
    this.commit(now, step, added);
    return { added: added.length, evaluated: fresh, alerts: step.alertsSent };
  }

  /** The live state, as the `hello` message carries it. */
  async state(owner?: MonitorOwner): Promise<MonitorSnapshot> {
    this.refuseIfDeleted();
    if (owner) this.remember(owner);
    await this.ensureConfig();
    this.refuseIfDeleted();
    return this.snapshot(this.clock());
  }

  /** New rules (mg/dL) and unit from `PUT /api/v1/alerts/settings`; the newest reading is judged again. */
  async updateSettings(owner: MonitorOwner, rules: AlertRules, unit: GlucoseUnit): Promise<MonitorSnapshot> {
    this.refuseIfDeleted();
    this.remember(owner);
    this.configVersion++;
    this.setConfig(rules, unit, Date.now());
    const now = this.clock();
    const step = newAlertStep();
    const ctx: AlertContext = { now, rules, unit: this.unit() };
    const newest = this.newest(now);
    if (newest) evaluateReading(this.alerts, ctx, this.judged(newest, this.rateAt(newest.time), rules), newest.time >= now - RAISE_WINDOW_MS, step);
    evaluateStale(this.alerts, ctx, newest, this.live, step);
    sendDue(this.alerts, ctx, step);
    this.commit(now, step);
    return this.snapshot(now);
  }

  /** Acknowledges an active alert: its repeats stop (urgent low: the next repeat waits a full interval). */
  async acknowledge(owner: MonitorOwner, alertId: string): Promise<AckResult> {
    this.refuseIfDeleted();
    this.remember(owner);
    const { unit } = await this.ensureConfig();
    this.refuseIfDeleted();
    return this.acknowledgeNow(alertId, unit);
  }

  /**
   * Writes the alert history still in the outbox to D1 now, for a read of the history (its writes
   * otherwise wait HISTORY_FLUSH_DELAY_MS). A write that races the queued one stores nothing twice:
   * each event's key is unique.
   */
  async flushAlertHistory(owner: MonitorOwner): Promise<void> {
    this.refuseIfDeleted();
    this.remember(owner);
    await this.history.flushNow();
  }

  /** Snoozes one kind of alert; an active alert of that kind stays active but is not sent until the snooze ends. */
  async snooze(owner: MonitorOwner, request: SnoozeRequest): Promise<SnoozeResult> {
    this.refuseIfDeleted();
    this.remember(owner);
    await this.ensureConfig();
    this.refuseIfDeleted();
    return this.snoozeNow(SnoozeRequest.parse(request));
  }

  /** The user's escalation time (`PUT /api/v1/sharing/settings`); applies to urgent lows raised from now on. */
  async setEscalationMinutes(owner: MonitorOwner, minutes: number): Promise<void> {
    this.refuseIfDeleted();
    this.remember(owner);
    this.escalations.setMinutes(minutes);
  }

  /** Closes one caregiver's sockets at once (the sharing has ended); their pushes end with it. */
  async disconnectFollower(followerId: number): Promise<number> {
    this.recipients.forget();
    return disconnectFollowerSockets(this.ctx, followerId);
  }

  /**
   * Who gets this user's alert pushes has changed (a subscription stored or removed, a sharing
   * accepted or its preferences changed): the next alert reads them from the directory again.
   */
  async pushRecipientsChanged(): Promise<void> {
    this.recipients.forget();
  }

  /** A socket.io session that authorized as this user (durable/socketio/session.ts). */
  async subscribeSocketIo(owner: MonitorOwner, sid: string): Promise<void> {
    this.refuseIfDeleted();
    this.remember(owner);
    this.socketio.add(sid);
  }

  async unsubscribeSocketIo(sid: string): Promise<void> {
    this.socketio.remove(sid);
  }

  /** Nightscout documents stored by the REST API (treatments, device status, profiles), for the socket.io sessions. */
  async publishNightscout(owner: MonitorOwner, delta: NightscoutDelta): Promise<void> {
    if (this.deleted) return;
    this.remember(owner);
    this.socketio.publish([{ kind: "delta", delta }]);
  }

  /** Documents stored or deleted through API v3 that no delta carries, for the storage socket (durable/socketio/storage-channel.ts). */
  async publishStorage(owner: MonitorOwner, colName: StorageCollection, change: "stored" | "deleted", identifiers: string[]): Promise<void> {
    if (this.deleted || !identifiers.length) return;
    this.remember(owner);
    this.socketio.publish([{ kind: change, colName, identifiers }]);
  }

  /** A bridge was created or changed (worker/bridges/routes.ts): it is polled at `dueAt` (null: not at all). */
  async bridgeChanged(owner: MonitorOwner, bridgeId: string, dueAt: number | null): Promise<void> {
    this.refuseIfDeleted();
    this.remember(owner);
    this.bridges.setDue(bridgeId, dueAt);
    this.schedule(this.clock());
  }

  /** Polls a bridge now (`POST /api/v1/bridges/{id}/poll`) and answers after the poll. */
  async pollBridge(owner: MonitorOwner, bridgeId: string): Promise<Omit<PollOutcome, "row">> {
    this.refuseIfDeleted();
    this.remember(owner);
    const { row: _row, ...outcome } = await this.bridges.poll(bridgeId);
    return outcome;
  }

  async bridgeRemoved(bridgeId: string): Promise<void> {
    if (this.deleted) return;
    this.bridges.forget(bridgeId);
    this.schedule(this.clock());
  }

  /**
   * Account deletion: closes every socket, forgets everything and leaves a tombstone, so that
   * nothing sent later (a reading from a token still in a cache, a snooze, an alarm, a socket) is
   * accepted or kept. Called before the account's rows are deleted from D1; calling it again is
   * harmless. The tombstone is one row (`meta.deleted`) and names nobody: the object is named by
   * the public id, which is never given out again.
   */
  async deleteAccount(): Promise<void> {
    // In memory first: calls that arrive while the storage is being wiped are refused already.
    this.deleted = true;
    await this.socketio.endAll();
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(1000, "account deleted");
      } catch {
        // already closing
      }
    }
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.owner = null;
    this.config = null;
    this.configVersion++;
    this.alerts.active.clear();
    this.alerts.snoozes.clear();
    this.alarmAt = null;
    this.live = false;
    this.createSchema();
    this.history = this.createHistoryOutbox();
    this.escalations = new Escalations(this.sql);
    this.socketio = new SocketIoSubscribers(this.ctx, this.env);
    this.bridges = this.createBridgePoller();
    this.sql.exec("INSERT INTO meta (key, value) VALUES ('deleted', 'true') ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  }

  private refuseIfDeleted(): void {
    if (this.deleted) throw accountGone();
  }

  // -------------------------------------------------------------------------------------------
  // The WebSocket feed

  /** The upgrade request forwarded by the Worker once it has checked the ticket. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("Expected a WebSocket upgrade", { status: 426 });
    if (this.deleted) return accountGoneResponse();
    const userId = Number(request.headers.get(OWNER_ID_HEADER));
    const publicId = request.headers.get(OWNER_PUBLIC_ID_HEADER);
    if (!Number.isSafeInteger(userId) || userId <= 0 || !publicId) return new Response("Missing owner", { status: 400 });
    this.remember({ userId, publicId, requestId: request.headers.get("x-request-id") ?? undefined });
    await this.ensureConfig();
    if (this.deleted) return accountGoneResponse();
    const now = this.clock();
    return acceptFeedSocket(this.ctx, request, { type: "hello", state: this.snapshot(now) }, now);
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    this.workId = crypto.randomUUID();
    if (this.deleted) return closeDeleted(ws);
    try {
      const command = readClientMessage(this.ctx, ws, message);
      if (!command) return;
      const { unit } = await this.ensureConfig();
      if (this.deleted) return closeDeleted(ws);
      if (command.type === "ack") {
        const result = this.acknowledgeNow(command.id, unit);
        if (!result.ok) sendError(ws, "not_found", "No active alert has this id", [{ path: "id", message: "is not an active alert" }]);
        return;
      }
      this.snoozeNow({ kind: command.kind, minutes: command.minutes });
    } catch (err) {
      this.log("error", "webSocketMessage_failed", err);
      sendError(ws, "internal_error", "The message could not be handled; it has been logged");
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string, _wasClean: boolean): Promise<void> {
    this.workId = crypto.randomUUID();
    try {
      // Nothing to clean up: the runtime forgets the socket and its attachment.
    } catch (err) {
      this.log("error", "webSocketClose_failed", err);
    } finally {
      answerClose(ws, code, reason);
    }
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    this.workId = crypto.randomUUID();
    try {
      this.log("warn", "webSocketError", error);
    } catch {
      // logging must not throw out of the handler
    } finally {
      closeOnError(ws);
    }
  }

  // -------------------------------------------------------------------------------------------
  // The alarm: no-data alerts, repeats, snooze ends, history retries

  override async alarm(): Promise<void> {
    this.workId = crypto.randomUUID();
    this.alarmAt = null;
    if (this.deleted) return this.ctx.storage.deleteAlarm();
    try {
      const { rules } = await this.ensureConfig();
      if (this.deleted) return;
      const now = this.clock();
      this.window.trim(now - MONITOR_WINDOW_MS);
      const step = newAlertStep();
      const ctx: AlertContext = { now, rules, unit: this.unit() };
      const newest = this.newest(now);
      if (!newest) {
        // 24 hours without data: nothing is known any more, so nothing stays active.
        resolveAll(this.alerts, ctx, step);
        this.live = false;
        this.setMeta("live", false);
      } else {
        evaluateStale(this.alerts, ctx, newest, this.live, step);
      }
      // Urgent lows still active and unacknowledged past their escalation deadline go to the caregivers.
      escalate(this.alerts, ctx, this.escalations.takeDue(now), step);
      sendDue(this.alerts, ctx, step);
      this.commit(now, step);
    } catch (err) {
      this.log("error", "alarm_failed", err);
      throw err; // the runtime retries the alarm
    }
    // Bridges due now (never throws; each poll sets its next time and the alarm again).
    await this.bridges.runDue(Date.now());
  }

  // -------------------------------------------------------------------------------------------
  // The alert machine (durable/alert-machine.ts) at work

  /** The newest reading as the reading kinds judge it, with the forecast behind predicted lows. */
  private judged(newest: WindowRow, rate: number | null, rules: AlertRules): JudgedReading {
    const minutesToLow =
      rules.predicted_low.enabled && newest.value > rules.low.value
        ? minutesUntilBelow(this.points(newest.time - FORECAST_HISTORY_MS, newest.time), rules.low.value, rules.predicted_low.minutes, this.config?.forecast)
        : null;
    return { time: newest.time, value: newest.value, rate, minutesToLow };
  }

  private acknowledgeNow(alertId: string, unit: GlucoseUnit): AckResult {
    const now = this.clock();
    const step = newAlertStep();
    const alert = acknowledge(this.alerts, { now, unit }, alertId, step);
    if (!alert) return { ok: false, reason: "not_found" };
    if (step.events.length) this.commit(now, step);
    return { ok: true, alert };
  }

  private snoozeNow(request: SnoozeRequest): SnoozeResult {
    const now = this.clock();
    const step = newAlertStep();
    const until = snooze(this.alerts, now, request, step);
    this.commit(now, step);
    return { kind: request.kind, minutes: request.minutes, until };
  }

  /**
   * Ends a step: sends first, then saves the window, persists the alert state, queues the history
   * and sets the alarm. The runtime's output gate holds a message until every write made before
   * it is durable, so nothing written here delays the messages. These writes are for this
   * object's own restart; D1 is the record of the readings.
   */
  private commit(now: number, step: AlertStep, readings: MonitorReading[] = []): void {
    if (this.deleted) return;
    if (step.messages.length) broadcast(this.ctx, step.messages);
    // Readings new to the window, for the socket.io sessions (durable/socketio/subscribers.ts).
    this.socketio.step(readings, step.messages);
    this.window.save();
    // Web Push (durable/push.ts) only after the sockets, and never awaited by the step.
    const pushes = alertPushes(step.messages);
    // Counters (worker/lib/metrics.ts): kind and level only, never the value or the user.
    for (const p of pushes) if (p.event === "raised") recordMetric(this.env as Pick<Bindings, "METRICS">, "alert_raised", `${p.alert.kind}.${p.alert.level}`);
    for (const alert of step.escalated) pushes.push({ alert, event: "escalated" });
    this.escalations.track(step.messages, now);
    if (pushes.length && this.owner) {
      const pushed = pushAlerts(this.env, this.owner, pushes, Date.now(), (userId) => this.recipients.get(this.env, userId));
      // A subscription the push service reported gone was removed: the copy still names it.
      this.ctx.waitUntil(pushed.then((r) => (r.expired ? this.recipients.forget() : undefined)));
    }
    for (const kind of step.dirtyAlerts) {
      const a = this.alerts.active.get(kind);
      if (a) this.sql.exec("INSERT INTO active_alerts (kind, body) VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET body = excluded.body", kind, JSON.stringify(a));
      else this.sql.exec("DELETE FROM active_alerts WHERE kind = ?", kind);
    }
    for (const kind of step.dirtySnoozes) {
      const until = this.alerts.snoozes.get(kind);
      if (until === undefined) this.sql.exec("DELETE FROM snoozes WHERE kind = ?", kind);
      else this.sql.exec("INSERT INTO snoozes (kind, until) VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET until = excluded.until", kind, until);
    }
    this.history.add(step.events);
    this.schedule(now);
  }

  /** Next alarm: the next no-data threshold, the next repeat or snooze end, a history retry. */
  private schedule(now: number): void {
    const rules = this.config?.rules ?? DEFAULT_ALERT_RULES;
    let next = nextAlertDue(this.alerts, rules, this.newest(now), this.live, now, MONITOR_WINDOW_MS);
    if (this.history.failing) next = Math.min(next, now + HISTORY_RETRY_MS);
    next = Math.min(next, this.escalations.nextDue() ?? Infinity);
    next = Math.min(next, this.bridges.nextDue() ?? Infinity);
    const at = Number.isFinite(next) ? next : null;
    if (at === this.alarmAt) return;
    // An alarm already set for earlier is kept rather than moved later: every reading pushes the
    // no-data deadline back, and moving the alarm each time is one more storage commit (an fsync
    // in local workerd) per reading. Firing early is harmless: the alarm finds nothing due and
    // sets the next one.
    if (at !== null && typeof this.alarmAt === "number" && this.alarmAt > now && this.alarmAt < at) return;
    this.alarmAt = at;
    const done = at === null ? this.ctx.storage.deleteAlarm() : this.ctx.storage.setAlarm(at);
    done.catch((err: unknown) => this.log("error", "set_alarm_failed", err));
  }

  // -------------------------------------------------------------------------------------------
  // Reading the window

  /** The newest reading that is not ahead of the clock by more than the allowed skew. */
  private newest(now: number): WindowRow | null {
    return this.window.newest(now + FUTURE_SKEW_MS);
  }

  private points(from: number, to: number): Point[] {
    return this.window.between(from, to);
  }

  /** mg/dL/min over the 15 minutes ending at `time`, or null (durable/trend.ts). */
  private rateAt(time: number): number | null {
    return slopePerMinute(this.points(time - TREND_SPAN_MS, time));
  }

  private unit(): GlucoseUnit {
    return this.config?.unit ?? "mg/dL";
  }

  // -------------------------------------------------------------------------------------------
  // Wire shapes (worker/schemas/alerts.ts)

  private wireTrend(rate: number | null, unit: GlucoseUnit): Trend {
    return { rate: rate === null ? null : rateIn(rate, unit), direction: directionOf(rate) };
  }

  private liveReading(x: { time: number; value: number; source: string }, unit: GlucoseUnit): LiveReading {
    return { time: iso(x.time), value: glucoseIn(x.value, unit), unit, source: x.source };
  }

  private snapshot(now: number): MonitorSnapshot {
    const unit = this.unit();
    const newest = this.newest(now);
    const rate = newest ? this.rateAt(newest.time) : null;
    return {
      unit,
      current: newest ? this.liveReading(newest, unit) : null,
      trend: this.wireTrend(rate, unit),
      minutes_since_last: newest ? Math.max(0, Math.floor((now - newest.time) / 60_000)) : null,
      readings_in_window: this.window.countSince(now - MONITOR_WINDOW_MS),
      ...alertSnapshot(this.alerts, now, unit),
    };
  }

  private log(level: "warn" | "error", event: string, err: unknown): void {
    const log = createLogger({ request_id: this.workId ?? undefined, class: "GlucoseMonitor", object: this.ctx.id.toString(), user: this.owner?.publicId ?? null }, logLevelOf(this.env));
    log[level](event, errorFields(err));
  }
}
