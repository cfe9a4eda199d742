/**
 * @module worker/schemas/alerts
 * The live monitor's shapes, in one place for every side that speaks them: the WebSocket
 * messages in both directions, alerts, the per-user alert rules and the alert history. The
 * Worker's routes, the GlucoseMonitor Durable Object (durable/) and the web app all import this
 * module, so it holds plain zod and pure functions only: no Workers, Node or Hono imports.
 *
 * Units: glucose on the wire is in the user's unit (mg/dL or mmol/L, as in their profile), rates
 * in that unit per minute, times ISO 8601 UTC. Inside the Worker and the Durable Object
 * everything is mg/dL ({@link AlertRules}).
 *
 * @example
 * ```ts
 * import { ClientMessage, ServerMessage } from "./alerts.ts";
 * const msg = ServerMessage.parse(JSON.parse(event.data)); // in the browser
 * socket.send(JSON.stringify({ type: "snooze", kind: "low", minutes: 30 } satisfies ClientMessage));
 * ```
 */
import { z } from "zod";
import { TREND_DIRECTIONS } from "../../vocabulary/trend.ts";
import { GLUCOSE_UNITS, MGDL_PER_MMOL, type GlucoseUnit } from "../../vocabulary/units.ts";

// ---------------------------------------------------------------------------------------------
// Alerts

/**
 * Every kind of alert. Pairs are exclusive: a value at or below urgent low raises `urgent_low`
 * and not `low`; 40 minutes without data is `urgent_stale`, not `stale`.
 */
export const ALERT_KINDS = ["urgent_low", "low", "high", "urgent_high", "falling_fast", "rising_fast", "predicted_low", "stale", "urgent_stale"] as const;
export const AlertKind = z.enum(ALERT_KINDS, { error: `must be one of ${ALERT_KINDS.join(", ")}` });
export type AlertKind = z.infer<typeof AlertKind>;

export const AlertLevel = z.enum(["warning", "urgent"]);
export type AlertLevel = z.infer<typeof AlertLevel>;

/** The level is fixed by the kind. */
export const ALERT_LEVEL: Record<AlertKind, AlertLevel> = {
  urgent_low: "urgent",
  low: "warning",
  high: "warning",
  urgent_high: "urgent",
  falling_fast: "warning",
  rising_fast: "warning",
  predicted_low: "warning",
  stale: "warning",
  urgent_stale: "urgent",
};

/** Human names of the kinds, as they start alert sentences. */
export const ALERT_LABEL: Record<AlertKind, string> = {
  urgent_low: "Urgent low",
  low: "Low",
  high: "High",
  urgent_high: "Urgent high",
  falling_fast: "Falling fast",
  rising_fast: "Rising fast",
  predicted_low: "Low soon",
  stale: "No data",
  urgent_stale: "Urgent, no data",
};

/** Snooze lengths a user may pick; urgent low can be snoozed for at most 30 minutes. */
export const SNOOZE_MINUTES = [15, 30, 60] as const;
export const MAX_URGENT_LOW_SNOOZE_MINUTES = 30;

export const GlucoseUnitSchema = z.enum(GLUCOSE_UNITS, { error: 'must be "mg/dL" or "mmol/L"' });
export const Direction = z.enum(TREND_DIRECTIONS);

/** Rate of change over the last 15 minutes (least squares) and its Dexcom-style arrow. */
export const Trend = z.object({
  /** In the user's unit per minute; null when too few readings (direction NOT COMPUTABLE). */
  rate: z.number().nullable(),
  direction: Direction,
});
export type Trend = z.infer<typeof Trend>;

export const Alert = z.object({
  id: z.string(),
  kind: AlertKind,
  level: AlertLevel,
  /** The glucose value behind the alert (for no-data alerts: the last one), in `unit`. */
  value: z.number().nullable(),
  unit: GlucoseUnitSchema,
  /** Rate of change when the alert was raised or last updated, in `unit` per minute. */
  rate: z.number().nullable(),
  direction: Direction,
  /** When the alert was raised. */
  time: z.string(),
  /** The reading the alert was raised on or last updated by; null for no-data alerts. */
  reading_time: z.string().nullable(),
  /** One sentence for a lock screen: "Low: 62 mg/dL and falling (−2.1 mg/dL/min)". */
  message: z.string(),
  /** 0 the first time the alert is sent, then 1, 2, … for each repeat. */
  repeat: z.number().int().nonnegative(),
  acknowledged_at: z.string().nullable(),
  /** End of a snooze of this kind, while one lasts. */
  snoozed_until: z.string().nullable(),
});
export type Alert = z.infer<typeof Alert>;

// ---------------------------------------------------------------------------------------------
// The monitor's state and the WebSocket messages

export const LiveReading = z.object({ time: z.string(), value: z.number(), unit: GlucoseUnitSchema, source: z.string() });
export type LiveReading = z.infer<typeof LiveReading>;

export const Snooze = z.object({ kind: AlertKind, until: z.string() });

export const MonitorSnapshot = z.object({
  unit: GlucoseUnitSchema,
  /** The newest reading in the window (null when the last 24 hours hold none). */
  current: LiveReading.nullable(),
  trend: Trend,
  minutes_since_last: z.number().int().nullable(),
  readings_in_window: z.number().int().nonnegative(),
  active_alerts: z.array(Alert),
  snoozes: z.array(Snooze),
});
export type MonitorSnapshot = z.infer<typeof MonitorSnapshot>;

const FieldErrors = z.array(z.object({ path: z.string(), message: z.string() }));

/** What the Durable Object sends. `pong` also comes from the runtime's auto-response, byte for byte {@link PONG}. */
export const ServerMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hello"), state: MonitorSnapshot }),
  /** Each reading new to the window; `late` when it is not newer than the newest already seen (backfill, retries). */
  z.object({ type: z.literal("reading"), reading: LiveReading, late: z.boolean(), trend: Trend }),
  z.object({ type: z.literal("alert"), alert: Alert }),
  z.object({ type: z.literal("resolved"), alert: Alert, resolved_at: z.string() }),
  z.object({ type: z.literal("acknowledged"), alert: Alert }),
  z.object({ type: z.literal("snoozed"), kind: AlertKind, minutes: z.number().int(), until: z.string() }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string(), fields: FieldErrors }),
  z.object({ type: z.literal("pong") }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

const SnoozeMinutes = z.union([z.literal(15), z.literal(30), z.literal(60)], { error: `must be one of ${SNOOZE_MINUTES.join(", ")} (minutes)` });
const urgentLowSnoozeCap = (s: { kind: AlertKind; minutes: number }) => s.kind !== "urgent_low" || s.minutes <= MAX_URGENT_LOW_SNOOZE_MINUTES;
const urgentLowSnoozeProblem = { message: `urgent low can be snoozed for at most ${MAX_URGENT_LOW_SNOOZE_MINUTES} minutes`, path: ["minutes"] };

/** A snooze of one kind of alert (`POST /api/v1/alerts/snooze`; over the socket with `type: "snooze"`). */
export const SnoozeRequest = z.object({ kind: AlertKind, minutes: SnoozeMinutes }).strict().refine(urgentLowSnoozeCap, urgentLowSnoozeProblem);
export type SnoozeRequest = z.infer<typeof SnoozeRequest>;

/** What clients may send. Anything else is answered with an `error` message. */
export const ClientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ack"), id: z.string().min(1).max(64) }),
  z.object({ type: z.literal("snooze"), kind: AlertKind, minutes: SnoozeMinutes }).refine(urgentLowSnoozeCap, urgentLowSnoozeProblem),
  z.object({ type: z.literal("ping") }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

/**
 * The exact ping text answered by the runtime without waking the Durable Object
 * (`setWebSocketAutoResponse`). Other spellings of a ping reach the object and get the same pong.
 */
export const PING = '{"type":"ping"}';
export const PONG = '{"type":"pong"}';

// ---------------------------------------------------------------------------------------------
// Alert rules

/** A user's alert rules in mg/dL (and mg/dL per minute), as the Worker and the Durable Object hold them. */
export interface AlertRules {
  urgent_low: { enabled: true; value: number };
  low: { enabled: boolean; value: number };
  high: { enabled: boolean; value: number };
  urgent_high: { enabled: boolean; value: number };
  falling_fast: { enabled: boolean; rate: number };
  rising_fast: { enabled: boolean; rate: number };
  predicted_low: { enabled: boolean; minutes: number };
  stale: { enabled: boolean; warning_minutes: number; urgent_minutes: number };
  repeat_minutes: { default: number; urgent_low: number };
}

export const DEFAULT_ALERT_RULES: AlertRules = Object.freeze({
  urgent_low: { enabled: true, value: 55 },
  low: { enabled: true, value: 70 },
  high: { enabled: true, value: 180 },
  urgent_high: { enabled: true, value: 260 },
  falling_fast: { enabled: true, rate: 3 },
  rising_fast: { enabled: true, rate: 3 },
  predicted_low: { enabled: true, minutes: 20 },
  stale: { enabled: true, warning_minutes: 20, urgent_minutes: 40 },
  repeat_minutes: { default: 15, urgent_low: 5 },
}) as AlertRules;

/** Accepted ranges, in mg/dL, mg/dL/min and minutes. */
export const RULE_LIMITS = {
  urgent_low: [40, 90],
  low: [50, 150],
  high: [100, 400],
  urgent_high: [150, 450],
  rate: [1, 10],
  predicted_low_minutes: [5, 60],
  stale_warning_minutes: [10, 120],
  stale_urgent_minutes: [15, 240],
  repeat_minutes: [5, 240],
  urgent_low_repeat_minutes: [1, 15],
} as const;

const num = () => z.number({ error: "must be a number" }).finite();
const minutes = () => z.number({ error: "must be a whole number of minutes" }).int("must be a whole number of minutes");
const enabled = () => z.boolean({ error: "must be true or false" });

/** The settings as `GET /api/v1/alerts/settings` answers them, in the user's unit. */
export const AlertSettings = z.object({
  unit: GlucoseUnitSchema,
  urgent_low: z.object({ enabled: z.literal(true), value: z.number() }),
  low: z.object({ enabled: z.boolean(), value: z.number() }),
  high: z.object({ enabled: z.boolean(), value: z.number() }),
  urgent_high: z.object({ enabled: z.boolean(), value: z.number() }),
  falling_fast: z.object({ enabled: z.boolean(), rate: z.number() }),
  rising_fast: z.object({ enabled: z.boolean(), rate: z.number() }),
  predicted_low: z.object({ enabled: z.boolean(), minutes: z.number().int() }),
  stale: z.object({ enabled: z.boolean(), warning_minutes: z.number().int(), urgent_minutes: z.number().int() }),
  repeat_minutes: z.object({ default: z.number().int(), urgent_low: z.number().int() }),
});
export type AlertSettings = z.infer<typeof AlertSettings>;

/**
 * `PUT /api/v1/alerts/settings`. Values are in `unit` (default: the user's unit). Sections left
 * out keep their current values; a section given is replaced whole. Ranges and ordering are
 * checked by {@link rulesFromInput}, which knows the unit.
 */
export const AlertSettingsInput = z
  .object({
    unit: GlucoseUnitSchema.optional(),
    urgent_low: z
      .object({ enabled: z.literal(true, { error: "urgent low alerts cannot be switched off" }).optional(), value: num() })
      .strict(),
    low: z.object({ enabled: enabled(), value: num() }).strict(),
    high: z.object({ enabled: enabled(), value: num() }).strict(),
    urgent_high: z.object({ enabled: enabled(), value: num() }).strict(),
    falling_fast: z.object({ enabled: enabled(), rate: num() }).strict(),
    rising_fast: z.object({ enabled: enabled(), rate: num() }).strict(),
    predicted_low: z.object({ enabled: enabled(), minutes: minutes() }).strict(),
    stale: z.object({ enabled: enabled(), warning_minutes: minutes(), urgent_minutes: minutes() }).strict(),
    repeat_minutes: z.object({ default: minutes(), urgent_low: minutes() }).strict(),
  })
  .partial()
  .strict();
export type AlertSettingsInput = z.infer<typeof AlertSettingsInput>;

// ---------------------------------------------------------------------------------------------
// Units

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A glucose value in mg/dL expressed in `unit` (mg/dL keeps 0.1, mmol/L 1 decimal). */
export const glucoseIn = (mgdl: number, unit: GlucoseUnit) => (unit === "mmol/L" ? round(mgdl / MGDL_PER_MMOL, 1) : round(mgdl, 1));
/** A rate in mg/dL/min expressed in `unit` per minute (mg/dL 1 decimal, mmol/L 2). */
export const rateIn = (mgdlPerMin: number, unit: GlucoseUnit) => (unit === "mmol/L" ? round(mgdlPerMin / MGDL_PER_MMOL, 2) : round(mgdlPerMin, 1));
const glucoseFrom = (value: number, unit: GlucoseUnit) => round(unit === "mmol/L" ? value * MGDL_PER_MMOL : value, 1);
const rateFrom = (value: number, unit: GlucoseUnit) => round(unit === "mmol/L" ? value * MGDL_PER_MMOL : value, 2);

/** The rules as the API answers them, in `unit`. */
export function settingsFromRules(r: AlertRules, unit: GlucoseUnit): AlertSettings {
  const g = (v: number) => glucoseIn(v, unit);
  return {
    unit,
    urgent_low: { enabled: true, value: g(r.urgent_low.value) },
    low: { enabled: r.low.enabled, value: g(r.low.value) },
    high: { enabled: r.high.enabled, value: g(r.high.value) },
    urgent_high: { enabled: r.urgent_high.enabled, value: g(r.urgent_high.value) },
    falling_fast: { enabled: r.falling_fast.enabled, rate: rateIn(r.falling_fast.rate, unit) },
    rising_fast: { enabled: r.rising_fast.enabled, rate: rateIn(r.rising_fast.rate, unit) },
    predicted_low: { ...r.predicted_low },
    stale: { ...r.stale },
    repeat_minutes: { ...r.repeat_minutes },
  };
}

export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * Merges a validated `PUT` body into the current rules: converts to mg/dL, then checks ranges and
 * ordering (urgent low < low < high < urgent high, whether or not each is enabled; urgent no-data
 * after the warning). Problems name the field (`low.value`) and speak the input's unit.
 */
export function rulesFromInput(input: AlertSettingsInput, current: AlertRules, userUnit: GlucoseUnit): { ok: true; rules: AlertRules } | { ok: false; fields: FieldProblem[] } {
  const unit = input.unit ?? userUnit;
  const fields: FieldProblem[] = [];
  const show = (mgdl: number) => `${glucoseIn(mgdl, unit)} ${unit}`;
  const showRate = (mgdl: number) => `${rateIn(mgdl, unit)} ${unit}/min`;

  const glucose = (path: string, value: number, [lo, hi]: readonly [number, number]) => {
    // Compared in the input's unit, against the limits as that unit displays them, so a limit
    // a user reads in a message ("2.2 mmol/L") is itself accepted.
    if (value < glucoseIn(lo, unit) || value > glucoseIn(hi, unit)) fields.push({ path, message: `must be between ${show(lo)} and ${show(hi)}` });
    return glucoseFrom(value, unit);
  };
  const rate = (path: string, value: number) => {
    const [lo, hi] = RULE_LIMITS.rate;
    if (value < rateIn(lo, unit) || value > rateIn(hi, unit)) fields.push({ path, message: `must be between ${showRate(lo)} and ${showRate(hi)}` });
    return rateFrom(value, unit);
  };
  const mins = (path: string, value: number, [lo, hi]: readonly [number, number]) => {
    if (value < lo || value > hi) fields.push({ path, message: `must be between ${lo} and ${hi} minutes` });
    return value;
  };

  const r: AlertRules = structuredClone(current);
  if (input.urgent_low) r.urgent_low = { enabled: true, value: glucose("urgent_low.value", input.urgent_low.value, RULE_LIMITS.urgent_low) };
  if (input.low) r.low = { enabled: input.low.enabled, value: glucose("low.value", input.low.value, RULE_LIMITS.low) };
  if (input.high) r.high = { enabled: input.high.enabled, value: glucose("high.value", input.high.value, RULE_LIMITS.high) };
  if (input.urgent_high) r.urgent_high = { enabled: input.urgent_high.enabled, value: glucose("urgent_high.value", input.urgent_high.value, RULE_LIMITS.urgent_high) };
  if (input.falling_fast) r.falling_fast = { enabled: input.falling_fast.enabled, rate: rate("falling_fast.rate", input.falling_fast.rate) };
  if (input.rising_fast) r.rising_fast = { enabled: input.rising_fast.enabled, rate: rate("rising_fast.rate", input.rising_fast.rate) };
  if (input.predicted_low) {
    r.predicted_low = { enabled: input.predicted_low.enabled, minutes: mins("predicted_low.minutes", input.predicted_low.minutes, RULE_LIMITS.predicted_low_minutes) };
  }
  if (input.stale) {
    r.stale = {
      enabled: input.stale.enabled,
      warning_minutes: mins("stale.warning_minutes", input.stale.warning_minutes, RULE_LIMITS.stale_warning_minutes),
      urgent_minutes: mins("stale.urgent_minutes", input.stale.urgent_minutes, RULE_LIMITS.stale_urgent_minutes),
    };
  }
  if (input.repeat_minutes) {
    r.repeat_minutes = {
      default: mins("repeat_minutes.default", input.repeat_minutes.default, RULE_LIMITS.repeat_minutes),
      urgent_low: mins("repeat_minutes.urgent_low", input.repeat_minutes.urgent_low, RULE_LIMITS.urgent_low_repeat_minutes),
    };
  }
  if (fields.length) return { ok: false, fields };

  // Ordering, reported on the field that was sent (the later one if both were).
  const order: [keyof AlertRules & ("urgent_low" | "low" | "high" | "urgent_high"), string][] = [
    ["urgent_low", "urgent low"],
    ["low", "low"],
    ["high", "high"],
    ["urgent_high", "urgent high"],
  ];
  for (let i = 1; i < order.length; i++) {
    const [below, belowName] = order[i - 1]!;
    const [above, aboveName] = order[i]!;
    if (!(r[above].value > r[below].value)) {
      const path = input[above] || !input[below] ? `${above}.value` : `${below}.value`;
      const message = path.startsWith(above) ? `must be above ${belowName} (${show(r[below].value)})` : `must be below ${aboveName} (${show(r[above].value)})`;
      fields.push({ path, message });
    }
  }
  if (!(r.stale.urgent_minutes > r.stale.warning_minutes)) {
    fields.push({ path: "stale.urgent_minutes", message: `must be longer than warning_minutes (${r.stale.warning_minutes})` });
  }
  return fields.length ? { ok: false, fields } : { ok: true, rules: r };
}

// ---------------------------------------------------------------------------------------------
// History and tickets

export const ALERT_EVENTS = ["raised", "repeated", "snoozed", "acknowledged", "resolved", "escalated"] as const;
export const AlertEventType = z.enum(ALERT_EVENTS);
export type AlertEventType = z.infer<typeof AlertEventType>;

/** One row of `GET /api/v1/alerts`. */
export const AlertEvent = z.object({
  id: z.string(),
  /** Null for a snooze while no alert of the kind was active. */
  alert_id: z.string().nullable(),
  event: AlertEventType,
  kind: AlertKind,
  level: AlertLevel,
  time: z.string(),
  value: z.number().nullable(),
  unit: GlucoseUnitSchema,
  message: z.string(),
  /** For snoozes: when the snooze ends. */
  until: z.string().nullable(),
});
export type AlertEvent = z.infer<typeof AlertEvent>;

export const AlertEventList = z.object({ items: z.array(AlertEvent), next_cursor: z.string().nullable() });

export const TicketResponse = z.object({
  ticket: z.string(),
  expires_at: z.string(),
  /** Path of the WebSocket feed with the ticket (append it to the API origin, ws:// or wss://). */
  url: z.string(),
});
