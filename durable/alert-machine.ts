/**
 * @module durable/alert-machine
 * The live monitor's alert state machine, as plain functions over plain data: no storage, no
 * sockets, no clock of its own. The GlucoseMonitor Durable Object (durable/glucose-monitor.ts)
 * keeps an {@link AlertState}, calls these functions with the time, the user's rules and unit and
 * what happened (a new newest reading, the age of the newest reading, an alarm, an ack, a snooze),
 * and then persists and sends what the {@link AlertStep} collected.
 *
 * Each function updates the state it is given in place and appends to the step:
 * - `messages`: what the user's sockets get (`alert`, `resolved`, `acknowledged`, `snoozed`);
 * - `events`: the alert history rows, in the order they happened;
 * - `dirtyAlerts` / `dirtySnoozes`: the kinds whose stored row must be written or deleted;
 * - `escalated`: urgent lows to push to the caregivers;
 * - `alertsSent`: how many alert messages (raised or repeated) went out.
 *
 * Exactly once: an alert is raised once per episode (an active alert of the kind is updated, not
 * raised again), is sent again only when {@link dueAt} says so (repeat interval, snooze end), and
 * is resolved once. Values are mg/dL and times epoch ms; only the wire shapes speak the user's unit.
 *
 * Which kinds a reading or an age calls for, and the alert sentences, are the clinical rules of
 * durable/rules.ts; this module only does the bookkeeping around them.
 *
 * @example
 * ```ts
 * const state = emptyAlertState();
 * const step = newAlertStep();
 * const ctx = { now, rules: DEFAULT_ALERT_RULES, unit: "mg/dL" as const };
 * evaluateReading(state, ctx, { time: now, value: 62, rate: -1, minutesToLow: null }, true, step);
 * sendDue(state, ctx, step);
 * // step.messages: [{ type: "alert", alert: { kind: "low", … } }]; state.active has "low"
 * ```
 */
import type { TrendDirection } from "../vocabulary/trend.ts";
import type { NewAlertEvent } from "../worker/repositories/alerts.ts";
import { glucoseIn, rateIn, type GlucoseUnit } from "../vocabulary/units.ts";
import type { AlertRules } from "../worker/schemas/alert-rules.ts";
import { ALERT_LABEL, ALERT_LEVEL, type Alert, type AlertEventType, type AlertKind, type MonitorSnapshot, type ServerMessage } from "../worker/schemas/alerts.ts";
import { formatGlucose, READING_KINDS, readingConditions, sentence, STALE_KINDS, staleKind } from "./rules.ts";
import { directionOf } from "./trend.ts";

/** An active alert as the monitor keeps it: mg/dL, epoch ms. */
export interface ActiveAlert {
  id: string;
  kind: AlertKind;
  /** When raised */
  time: number;
  value: number | null;
  rate: number | null;
  direction: TrendDirection;
  readingTime: number | null;
  /** predicted_low: minutes to the low threshold; no-data kinds: minutes since the last reading */
  minutes: number | null;
  repeat: number;
  /** null while a snooze holds the alert back (it has not been sent yet) */
  lastSentAt: number | null;
  acknowledgedAt: number | null;
}

/** The machine's whole state: the active alert of each kind and the end of each kind's snooze (epoch ms). */
export interface AlertState {
  readonly active: Map<AlertKind, ActiveAlert>;
  readonly snoozes: Map<AlertKind, number>;
}

/** What one step (a reading, an alarm, an ack, …) produced: messages to send, history to write. */
export interface AlertStep {
  readonly messages: ServerMessage[];
  readonly events: NewAlertEvent[];
  readonly dirtyAlerts: Set<AlertKind>;
  readonly dirtySnoozes: Set<AlertKind>;
  /** Urgent lows escalated to the caregivers in this step (durable/escalation.ts). */
  readonly escalated: Alert[];
  alertsSent: number;
}

/** The moment a step is judged at: the monitor's clock, the user's rules (mg/dL) and display unit. */
export interface AlertContext {
  now: number;
  rules: AlertRules;
  unit: GlucoseUnit;
}

/** The newest reading as the reading kinds judge it (mg/dL, mg/dL/min, epoch ms). */
export interface JudgedReading {
  time: number;
  value: number;
  /** mg/dL/min over the last 15 minutes, or null */
  rate: number | null;
  /** Minutes until the forecast reaches the low threshold, or null when not forecast. */
  minutesToLow: number | null;
}

export const emptyAlertState = (): AlertState => ({ active: new Map(), snoozes: new Map() });

export const newAlertStep = (): AlertStep => ({ messages: [], events: [], dirtyAlerts: new Set(), dirtySnoozes: new Set(), escalated: [], alertsSent: 0 });

export const iso = (ms: number) => new Date(ms).toISOString();

type AlertFields = Pick<ActiveAlert, "value" | "rate" | "direction" | "readingTime" | "minutes">;

/**
 * Raises, updates or resolves the reading kinds for the newest reading. An alert already active
 * is updated in place (no message); a new one is raised only when `allowRaise` (the reading is
 * fresh: newer than any seen and recent).
 */
export function evaluateReading(state: AlertState, ctx: AlertContext, reading: JudgedReading, allowRaise: boolean, step: AlertStep): void {
  const wanted = readingConditions({ value: reading.value, rate: reading.rate, minutesToLow: reading.minutesToLow }, ctx.rules);
  const direction = directionOf(reading.rate);
  const fields = { value: reading.value, rate: reading.rate, direction, readingTime: reading.time };
  // Resolutions first, so "low resolved" precedes "urgent low" on the wire and in the history.
  for (const kind of READING_KINDS) if (!wanted[kind] && state.active.has(kind)) resolve(state, ctx, kind, reading.value, step);
  for (const kind of READING_KINDS) {
    if (!wanted[kind]) continue;
    const a = state.active.get(kind);
    const minutes = kind === "predicted_low" ? reading.minutesToLow : null;
    if (a) {
      Object.assign(a, fields, { minutes });
      step.dirtyAlerts.add(kind);
    } else if (allowRaise) {
      raise(state, ctx, kind, { ...fields, minutes }, step);
    }
  }
}

/**
 * Raises, escalates or resolves the no-data kinds from the age of the newest reading. Only a
 * live monitor (`live`: one that has had a reading as it happened) raises them: a history
 * uploaded for the first time is not "missing data".
 */
export function evaluateStale(state: AlertState, ctx: AlertContext, newest: { time: number; value: number } | null, live: boolean, step: AlertStep): void {
  const { now, rules } = ctx;
  const wanted = newest && live ? staleKind(now - newest.time, rules) : null;
  const minutes = newest ? Math.floor((now - newest.time) / 60_000) : null;
  // Escalating from warning to urgent is no new reading: the resolution then carries no value.
  for (const kind of STALE_KINDS) if (wanted !== kind && state.active.has(kind)) resolve(state, ctx, kind, wanted ? null : (newest?.value ?? null), step);
  if (!wanted) return;
  const a = state.active.get(wanted);
  if (a) {
    a.minutes = minutes;
    step.dirtyAlerts.add(wanted);
  } else {
    raise(state, ctx, wanted, { value: newest?.value ?? null, rate: null, direction: "NOT COMPUTABLE", readingTime: null, minutes }, step);
  }
}

/** A new active alert of `kind`, sent at once unless a snooze of its kind holds it back. */
function raise(state: AlertState, ctx: AlertContext, kind: AlertKind, f: AlertFields, step: AlertStep): void {
  const { now, unit } = ctx;
  const a: ActiveAlert = { id: crypto.randomUUID(), kind, time: now, ...f, repeat: 0, lastSentAt: null, acknowledgedAt: null };
  state.active.set(kind, a);
  step.dirtyAlerts.add(kind);
  const snoozed = (state.snoozes.get(kind) ?? 0) > now;
  if (!snoozed) {
    a.lastSentAt = now;
    step.messages.push({ type: "alert", alert: wireAlert(state, a, now, unit) });
    step.alertsSent++;
  }
  record(step, a, "raised", now, a.value, sentenceOf(a, unit));
}

/** Ends the active alert of `kind`, if any; `value` (mg/dL) is the reading that ended it, or null. */
export function resolve(state: AlertState, ctx: Pick<AlertContext, "now" | "unit">, kind: AlertKind, value: number | null, step: AlertStep): void {
  const { now, unit } = ctx;
  const a = state.active.get(kind);
  if (!a) return;
  state.active.delete(kind);
  step.dirtyAlerts.add(kind);
  step.messages.push({ type: "resolved", alert: wireAlert(state, a, now, unit), resolved_at: iso(now) });
  record(step, a, "resolved", now, value, `${ALERT_LABEL[kind]} resolved${value === null ? "" : `: now ${formatGlucose(value, unit)}`}`);
}

/** Ends every active alert with no value (24 hours without data: nothing is known any more). */
export function resolveAll(state: AlertState, ctx: Pick<AlertContext, "now" | "unit">, step: AlertStep): void {
  for (const kind of [...state.active.keys()]) resolve(state, ctx, kind, null, step);
}

/**
 * When an active alert is next sent: after the repeat interval since it was last sent (or
 * acknowledged), never before a snooze of its kind ends; an alert held back by a snooze goes out
 * when the snooze ends. Acknowledged alerts do not repeat, except urgent low. Null: never.
 */
export function dueAt(state: AlertState, a: ActiveAlert, rules: AlertRules): number | null {
  const snoozedUntil = state.snoozes.get(a.kind) ?? 0;
  if (a.acknowledgedAt !== null && a.kind !== "urgent_low") return null;
  if (a.lastSentAt === null) return snoozedUntil;
  const interval = (a.kind === "urgent_low" ? rules.repeat_minutes.urgent_low : rules.repeat_minutes.default) * 60_000;
  return Math.max(Math.max(a.lastSentAt, a.acknowledgedAt ?? 0) + interval, snoozedUntil);
}

/** Sends every active alert whose time has come, then forgets snoozes that have ended. */
export function sendDue(state: AlertState, ctx: AlertContext, step: AlertStep): void {
  const { now, rules, unit } = ctx;
  for (const a of state.active.values()) {
    const due = dueAt(state, a, rules);
    if (due === null || due > now) continue;
    if (a.lastSentAt !== null) a.repeat++;
    a.lastSentAt = now;
    step.dirtyAlerts.add(a.kind);
    step.messages.push({ type: "alert", alert: wireAlert(state, a, now, unit) });
    step.alertsSent++;
    record(step, a, "repeated", now, a.value, sentenceOf(a, unit));
  }
  for (const [kind, until] of state.snoozes) {
    if (until <= now) {
      state.snoozes.delete(kind);
      step.dirtySnoozes.add(kind);
    }
  }
}

/**
 * Escalates the alerts whose escalation deadline has passed (`alertIds`, durable/escalation.ts)
 * if they are still active and unacknowledged: recorded in the history and collected in
 * `step.escalated` for the caregivers.
 */
export function escalate(state: AlertState, ctx: Pick<AlertContext, "now" | "unit">, alertIds: readonly string[], step: AlertStep): void {
  const { now, unit } = ctx;
  for (const alertId of alertIds) {
    const a = findAlert(state, alertId);
    if (!a || a.acknowledgedAt !== null) continue;
    const alert = wireAlert(state, a, now, unit);
    step.escalated.push(alert);
    record(step, a, "escalated", now, a.value, `Escalated to caregivers: ${alert.message}`);
  }
}

/**
 * Acknowledges the active alert with this id: its repeats stop (urgent low: the next repeat waits
 * a full interval). Acknowledging twice changes nothing and adds nothing to the step. Returns the
 * alert as it now stands, or null when no active alert has the id.
 */
export function acknowledge(state: AlertState, ctx: Pick<AlertContext, "now" | "unit">, alertId: string, step: AlertStep): Alert | null {
  const { now, unit } = ctx;
  const a = findAlert(state, alertId);
  if (!a) return null;
  if (a.acknowledgedAt === null) {
    a.acknowledgedAt = now;
    step.dirtyAlerts.add(a.kind);
    step.messages.push({ type: "acknowledged", alert: wireAlert(state, a, now, unit) });
    record(step, a, "acknowledged", now, a.value, `Acknowledged: ${sentenceOf(a, unit)}`);
  }
  return wireAlert(state, a, now, unit);
}

/**
 * Snoozes one kind for `minutes`: an active alert of that kind stays active but is not sent until
 * the snooze ends. Returns the end of the snooze (epoch ms).
 */
export function snooze(state: AlertState, now: number, request: { kind: AlertKind; minutes: number }, step: AlertStep): number {
  const until = now + request.minutes * 60_000;
  state.snoozes.set(request.kind, until);
  step.dirtySnoozes.add(request.kind);
  const a = state.active.get(request.kind);
  step.messages.push({ type: "snoozed", kind: request.kind, minutes: request.minutes, until: iso(until) });
  step.events.push({
    key: crypto.randomUUID(),
    alertId: a?.id ?? null,
    event: "snoozed",
    kind: request.kind,
    level: ALERT_LEVEL[request.kind],
    time: now,
    value: a?.value ?? null,
    message: `${ALERT_LABEL[request.kind]} alerts snoozed for ${request.minutes} minutes`,
    until,
  });
  if (a) step.dirtyAlerts.add(a.kind);
  return until;
}

/**
 * The next time the alerts need the clock (epoch ms, Infinity for never): the next no-data
 * threshold of a live monitor, the end of the 24-hour window for active alerts, the next repeat
 * or snooze end.
 */
export function nextAlertDue(state: AlertState, rules: AlertRules, newest: { time: number } | null, live: boolean, now: number, windowMs: number): number {
  let next = Infinity;
  if (newest && live && rules.stale.enabled && !state.active.has("urgent_stale")) {
    const warning = newest.time + rules.stale.warning_minutes * 60_000;
    next = Math.min(next, state.active.has("stale") || warning <= now ? newest.time + rules.stale.urgent_minutes * 60_000 : warning);
  }
  if (state.active.size && newest) next = Math.min(next, newest.time + windowMs);
  for (const a of state.active.values()) {
    const due = dueAt(state, a, rules);
    if (due !== null) next = Math.min(next, due);
  }
  return next;
}

export function findAlert(state: AlertState, alertId: string): ActiveAlert | undefined {
  return [...state.active.values()].find((x) => x.id === alertId);
}

/** The active alerts (oldest first) and the snoozes still running, as the `hello` state carries them. */
export function alertSnapshot(state: AlertState, now: number, unit: GlucoseUnit): Pick<MonitorSnapshot, "active_alerts" | "snoozes"> {
  return {
    active_alerts: [...state.active.values()].sort((x, y) => x.time - y.time).map((a) => wireAlert(state, a, now, unit)),
    snoozes: [...state.snoozes].filter(([, until]) => until > now).map(([kind, until]) => ({ kind, until: iso(until) })),
  };
}

/** An active alert on the wire, in `unit` (worker/schemas/alerts.ts). */
export function wireAlert(state: AlertState, a: ActiveAlert, now: number, unit: GlucoseUnit): Alert {
  const snoozedUntil = state.snoozes.get(a.kind);
  return {
    id: a.id,
    kind: a.kind,
    level: ALERT_LEVEL[a.kind],
    value: a.value === null ? null : glucoseIn(a.value, unit),
    unit,
    rate: a.rate === null ? null : rateIn(a.rate, unit),
    direction: a.direction,
    time: iso(a.time),
    reading_time: a.readingTime === null ? null : iso(a.readingTime),
    message: sentenceOf(a, unit),
    repeat: a.repeat,
    acknowledged_at: a.acknowledgedAt === null ? null : iso(a.acknowledgedAt),
    snoozed_until: snoozedUntil !== undefined && snoozedUntil > now ? iso(snoozedUntil) : null,
  };
}

function sentenceOf(a: ActiveAlert, unit: GlucoseUnit): string {
  return sentence({ kind: a.kind, value: a.value, rate: a.rate, direction: a.direction, unit, minutes: a.minutes });
}

function record(step: AlertStep, a: ActiveAlert, event: AlertEventType, now: number, value: number | null, message: string): void {
  step.events.push({ key: crypto.randomUUID(), alertId: a.id, event, kind: a.kind, level: ALERT_LEVEL[a.kind], time: now, value, message, until: null });
}
