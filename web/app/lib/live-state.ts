/**
 * @module live-state
 * The dashboard's live view of the alert WebSocket (`/api/v1/alerts/stream`): a pure reducer
 * from server messages to "latest reading + active alerts + snoozes + connection", the
 * selector of the alerts the banner shows, and the reconnect backoff. DOM-free; unit-tested.
 *
 * Message shapes are the shared ones of worker/schemas/alerts.ts (imported as types only: the
 * zod schema itself would add its runtime to the dashboard's bundle, so incoming messages get
 * the cheap structural check in {@link parseServerMessage} instead).
 */
import type { Alert, AlertKind, ClientMessage, ServerMessage } from "../../../worker/schemas/alerts.ts";
import { mgdlFrom, roundTo, type GlucoseUnit } from "../../../vocabulary/units.ts";

export type { Alert, AlertKind, ClientMessage, ServerMessage };

export type Connection = "connecting" | "open" | "reconnecting" | "offline";

export interface LiveLatest {
  time: string;
  /** Always mg/dL: classification and formatting start from mg/dL (see units.ts). */
  mgdl: number;
  /** Dexcom direction name, or null when unknown. */
  trend: string | null;
}

export interface LiveState {
  connection: Connection;
  latest: LiveLatest | null;
  /** Active (unresolved) alerts, newest first. */
  alerts: Alert[];
  snoozes: { kind: AlertKind; until: string }[];
  /** New, in-order readings received since the page loaded: the chart reloads when it grows. */
  freshReadings: number;
  /** The last `error` message from the server (e.g. a refused snooze). */
  error: string | null;
}

export type LiveAction = { type: "message"; message: ServerMessage } | { type: "connection"; connection: Connection } | { type: "dismiss-error" };

export function initialLiveState(latest: LiveLatest | null): LiveState {
  return { connection: "connecting", latest, alerts: [], snoozes: [], freshReadings: 0, error: null };
}

/** A value in the message's unit as mg/dL (one decimal is enough to round-trip mmol/L). */
export function toMgdl(value: number, unit: GlucoseUnit): number {
  return unit === "mmol/L" ? roundTo(mgdlFrom(value, unit), 1) : value;
}

const NO_TREND = new Set(["NOT COMPUTABLE", "RATE OUT OF RANGE", "NONE"]);

function newer(candidate: LiveLatest, current: LiveLatest | null): boolean {
  return !current || Date.parse(candidate.time) > Date.parse(current.time);
}

function upsert(alerts: readonly Alert[], alert: Alert): Alert[] {
  return [alert, ...alerts.filter((a) => a.id !== alert.id)].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
}

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  if (action.type === "connection") return state.connection === action.connection ? state : { ...state, connection: action.connection };
  if (action.type === "dismiss-error") return { ...state, error: null };
  const m = action.message;
  switch (m.type) {
    case "hello": {
      const { current, trend } = m.state;
      const fromHello = current ? { time: current.time, mgdl: toMgdl(current.value, current.unit), trend: NO_TREND.has(trend.direction) ? null : trend.direction } : null;
      return {
        ...state,
        connection: "open",
        latest: fromHello && newer(fromHello, state.latest) ? fromHello : state.latest,
        // The snapshot is the truth after a (re)connect: alerts resolved meanwhile disappear.
        alerts: [...m.state.active_alerts].sort((a, b) => Date.parse(b.time) - Date.parse(a.time)),
        snoozes: m.state.snoozes,
      };
    }
    case "reading": {
      const r = { time: m.reading.time, mgdl: toMgdl(m.reading.value, m.reading.unit), trend: NO_TREND.has(m.trend.direction) ? null : m.trend.direction };
      // Late readings (backfill) fill the chart's past; they never replace the current value.
      if (m.late || !newer(r, state.latest)) return { ...state, freshReadings: state.freshReadings + 1 };
      return { ...state, latest: r, freshReadings: state.freshReadings + 1 };
    }
    case "alert":
    case "acknowledged":
      return { ...state, alerts: upsert(state.alerts, m.alert) };
    case "resolved":
      return { ...state, alerts: state.alerts.filter((a) => a.id !== m.alert.id) };
    case "snoozed":
      return { ...state, snoozes: [...state.snoozes.filter((s) => s.kind !== m.kind), { kind: m.kind, until: m.until }] };
    case "error":
      return { ...state, error: m.message };
    default:
      return state;
  }
}

/**
 * The alerts the banner shows at `nowMs`: active, not acknowledged, not inside a snooze of
 * their kind; urgent before warning, then newest first.
 */
export function visibleAlerts(state: LiveState, nowMs: number): Alert[] {
  const snoozedUntil = new Map(state.snoozes.map((s) => [s.kind, Date.parse(s.until)]));
  return state.alerts
    .filter((a) => !a.acknowledged_at)
    .filter((a) => {
      const until = Math.max(snoozedUntil.get(a.kind) ?? 0, a.snoozed_until ? Date.parse(a.snoozed_until) : 0);
      return until <= nowMs;
    })
    .sort((a, b) => (a.level === b.level ? Date.parse(b.time) - Date.parse(a.time) : a.level === "urgent" ? -1 : 1));
}

/** Snooze choices for an alert kind: urgent low at most 30 minutes (as the API enforces). */
export function snoozeChoices(kind: AlertKind): number[] {
  return kind === "urgent_low" ? [15, 30] : [15, 30, 60];
}

/** Reconnect delay after `attempt` failures: 1 s, 2 s, 4 s … capped at 30 s, with ±20 % jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}

const SERVER_TYPES = new Set(["hello", "reading", "alert", "resolved", "acknowledged", "snoozed", "error", "pong"]);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const isAlert = (v: unknown) => isObj(v) && typeof v.id === "string" && typeof v.kind === "string" && typeof v.message === "string" && typeof v.time === "string";

/**
 * Parses one frame. Returns null for anything that is not a known server message with the
 * fields this page reads (a newer server may add types; they are ignored, not fatal).
 */
export function parseServerMessage(text: string): ServerMessage | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObj(v) || typeof v.type !== "string" || !SERVER_TYPES.has(v.type)) return null;
  switch (v.type) {
    case "hello": {
      const s = v.state;
      if (!isObj(s) || !Array.isArray(s.active_alerts) || !Array.isArray(s.snoozes) || !isObj(s.trend) || !s.active_alerts.every(isAlert)) return null;
      if (s.current !== null && !(isObj(s.current) && typeof s.current.time === "string" && typeof s.current.value === "number")) return null;
      break;
    }
    case "reading":
      if (!isObj(v.reading) || typeof v.reading.value !== "number" || typeof v.reading.time !== "string" || !isObj(v.trend)) return null;
      break;
    case "alert":
    case "resolved":
    case "acknowledged":
      if (!isAlert(v.alert)) return null;
      break;
    case "snoozed":
      if (typeof v.kind !== "string" || typeof v.until !== "string") return null;
      break;
    case "error":
      if (typeof v.message !== "string") return null;
      break;
  }
  return v as ServerMessage;
}
