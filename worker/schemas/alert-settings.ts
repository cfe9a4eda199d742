/**
 * @module worker/schemas/alert-settings
 * Between the alert settings on the wire (./alerts.ts, in the user's unit) and the rules as they
 * are stored and judged (./alert-rules.ts, in mg/dL): {@link settingsFromRules} answers a `GET`,
 * {@link rulesFromInput} merges a validated `PUT` body into the current rules and checks ranges
 * and ordering, naming each bad field.
 */
import { glucoseFrom, glucoseIn, rateFrom, rateIn, type GlucoseUnit } from "../../vocabulary/units.ts";
import { RULE_LIMITS, type AlertRules } from "./alert-rules.ts";
import type { AlertSettings, AlertSettingsInput } from "./alerts.ts";

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
