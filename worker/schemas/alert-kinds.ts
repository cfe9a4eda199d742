/**
 * @module worker/schemas/alert-kinds
 * The kinds of alert, their levels and their names, without zod: the web app's banner and
 * settings page import these words from here, so the browser bundle does not carry the schemas
 * (worker/schemas/alerts.ts re-exports them beside its zod shapes).
 */

/**
 * Every kind of alert. Pairs are exclusive: a value at or below urgent low raises `urgent_low`
 * and not `low`; 40 minutes without data is `urgent_stale`, not `stale`.
 */
export const ALERT_KINDS = ["urgent_low", "low", "high", "urgent_high", "falling_fast", "rising_fast", "predicted_low", "stale", "urgent_stale"] as const;
export type AlertKindName = (typeof ALERT_KINDS)[number];
export type AlertLevelName = "warning" | "urgent";

/** The level is fixed by the kind. */
export const ALERT_LEVEL: Record<AlertKindName, AlertLevelName> = {
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
export const ALERT_LABEL: Record<AlertKindName, string> = {
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
