/**
 * @module worker/schemas/alerts
 * The live monitor's wire shapes, in one place for every side that speaks them: the WebSocket
 * messages in both directions, alerts, the alert settings and the alert history. The
 * Worker's routes, the GlucoseMonitor Durable Object (durable/) and the web app all import this
 * module, so it holds plain zod and pure functions only: no Workers, Node or Hono imports.
 *
 * Units: glucose on the wire is in the user's unit (mg/dL or mmol/L, as in their profile), rates
 * in that unit per minute, times ISO 8601 UTC. Inside the Worker and the Durable Object
 * everything is mg/dL (`AlertRules`, ./alert-rules.ts; conversions in vocabulary/units.ts).
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
import { GLUCOSE_UNITS } from "../../vocabulary/units.ts";

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

/**
 * What the Durable Object sends; the types are listed in vocabulary/monitor-feed.ts. `pong` also
 * comes from the runtime's auto-response, byte for byte `PONG` there.
 */
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

/** What clients may send (the types listed in vocabulary/monitor-feed.ts). Anything else is answered with an `error` message. */
export const ClientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ack"), id: z.string().min(1).max(64) }),
  z.object({ type: z.literal("snooze"), kind: AlertKind, minutes: SnoozeMinutes }).refine(urgentLowSnoozeCap, urgentLowSnoozeProblem),
  z.object({ type: z.literal("ping") }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

// ---------------------------------------------------------------------------------------------
// Alert settings on the wire (the rules in mg/dL: ./alert-rules.ts; merging: ./alert-settings.ts)

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
 * checked by `rulesFromInput` (./alert-settings.ts), which knows the unit.
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
