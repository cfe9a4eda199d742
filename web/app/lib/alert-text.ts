/**
 * @module alert-text
 * Words for alert levels and kinds, shared by the banner and the settings page.
 */
import type { AlertKind } from "./live-state.ts";

export const ALERT_LEVEL_TEXT = { urgent: "Urgent", warning: "Warning" } as const;

/** Same words as ALERT_LABEL in worker/schemas/alerts.ts (copied: that module brings zod). */
export const ALERT_KIND_TEXT: Record<AlertKind, string> = {
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
