/**
 * @module durable/rules
 * Which alerts a reading calls for, and the sentence each alert shows. Pure functions over
 * mg/dL values, so the Durable Object's bookkeeping (raise, repeat, resolve) stays apart from
 * the clinical rules.
 *
 * Thresholds are inclusive: 55 mg/dL is urgent low, 70 is low, 180 is high, 260 urgent high.
 * Rates are strict, as the issue words them ("falling faster than 3 mg/dL/min").
 */
import type { TrendDirection } from "../vocabulary/trend.ts";
import type { GlucoseUnit } from "../vocabulary/units.ts";
import { ALERT_LABEL, glucoseIn, rateIn, type AlertKind, type AlertRules } from "../worker/schemas/alerts.ts";

/** Kinds decided by a reading (the no-data kinds are decided by the clock). */
export const READING_KINDS = ["urgent_low", "low", "high", "urgent_high", "falling_fast", "rising_fast", "predicted_low"] as const satisfies readonly AlertKind[];
export const STALE_KINDS = ["stale", "urgent_stale"] as const satisfies readonly AlertKind[];

export interface Observation {
  /** mg/dL */
  value: number;
  /** mg/dL/min over the last 15 minutes, or null */
  rate: number | null;
  /** Minutes until the forecast reaches the low threshold, or null (durable/forecast.ts). */
  minutesToLow: number | null;
}

/** For each reading kind, whether the observation calls for it under these rules. */
export function readingConditions(o: Observation, r: AlertRules): Record<(typeof READING_KINDS)[number], boolean> {
  const urgentLow = o.value <= r.urgent_low.value;
  const urgentHigh = r.urgent_high.enabled && o.value >= r.urgent_high.value;
  const lowThreshold = r.low.value;
  return {
    urgent_low: urgentLow,
    low: r.low.enabled && !urgentLow && o.value <= r.low.value,
    high: r.high.enabled && !urgentHigh && o.value >= r.high.value,
    urgent_high: urgentHigh,
    falling_fast: r.falling_fast.enabled && o.rate !== null && o.rate < -r.falling_fast.rate,
    rising_fast: r.rising_fast.enabled && o.rate !== null && o.rate > r.rising_fast.rate,
    predicted_low: r.predicted_low.enabled && o.value > lowThreshold && o.minutesToLow !== null && o.minutesToLow <= r.predicted_low.minutes,
  };
}

/** The no-data kind that `ageMs` since the newest reading calls for, if any. */
export function staleKind(ageMs: number, r: AlertRules): (typeof STALE_KINDS)[number] | null {
  if (!r.stale.enabled) return null;
  if (ageMs >= r.stale.urgent_minutes * 60_000) return "urgent_stale";
  if (ageMs >= r.stale.warning_minutes * 60_000) return "stale";
  return null;
}

const MINUS = "\u2212";

/** "62 mg/dL", "3.4 mmol/L": whole mg/dL or one decimal of mmol/L. */
export function formatGlucose(mgdl: number, unit: GlucoseUnit): string {
  return unit === "mmol/L" ? `${glucoseIn(mgdl, unit).toFixed(1)} ${unit}` : `${Math.round(mgdl)} ${unit}`;
}

/** "−2.1 mg/dL/min", "+0.12 mmol/L/min", "0.0 mg/dL/min" (a true minus sign, as typeset). */
export function formatRate(mgdlPerMin: number, unit: GlucoseUnit): string {
  const v = rateIn(mgdlPerMin, unit);
  const digits = unit === "mmol/L" ? 2 : 1;
  const text = Math.abs(v).toFixed(digits);
  return `${v < 0 ? MINUS : v > 0 ? "+" : ""}${text} ${unit}/min`;
}

function trendPhrase(rate: number | null, direction: TrendDirection, unit: GlucoseUnit): string {
  if (rate === null) return "";
  const r = formatRate(rate, unit);
  if (direction === "Flat") return ` and steady (${r})`;
  return rate < 0 ? ` and falling (${r})` : ` and rising (${r})`;
}

export interface SentenceInput {
  kind: AlertKind;
  /** mg/dL; for no-data alerts the last value, if any */
  value: number | null;
  rate: number | null;
  direction: TrendDirection;
  unit: GlucoseUnit;
  /** predicted_low: minutes to the low threshold; no-data kinds: minutes since the last reading */
  minutes: number | null;
}

/**
 * The alert's one sentence, in the user's unit.
 *
 * @example
 * sentence({ kind: "low", value: 62, rate: -2.1, direction: "SingleDown", unit: "mg/dL", minutes: null })
 * // => "Low: 62 mg/dL and falling (−2.1 mg/dL/min)"
 */
export function sentence(s: SentenceInput): string {
  const label = ALERT_LABEL[s.kind];
  const value = s.value === null ? null : formatGlucose(s.value, s.unit);
  switch (s.kind) {
    case "falling_fast":
    case "rising_fast":
      return `${label}: ${value}${s.rate === null ? "" : `, ${formatRate(s.rate, s.unit)}`}`;
    case "predicted_low":
      return `${label}: low expected within ${Math.max(1, Math.ceil(s.minutes ?? 0))} minutes, now ${value}${trendPhrase(s.rate, s.direction, s.unit)}`;
    case "stale":
    case "urgent_stale":
      return `${label}: no reading for ${Math.floor(s.minutes ?? 0)} minutes${value ? ` (last ${value})` : ""}`;
    default:
      return `${label}: ${value}${trendPhrase(s.rate, s.direction, s.unit)}`;
  }
}
