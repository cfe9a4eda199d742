/**
 * @module worker/schemas/alert-rules
 * A user's alert rules as the Worker and the GlucoseMonitor Durable Object hold them (mg/dL,
 * mg/dL per minute, minutes), the defaults every account starts with, and the accepted ranges.
 * The API speaks the user's unit instead: the wire shapes are in ./alerts.ts and the conversion
 * and merge of a `PUT` in ./alert-settings.ts. Plain data, no imports, so the web app and
 * durable/ can use it too.
 */

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
