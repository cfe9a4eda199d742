/**
 * @module alert-text
 * Words for alert levels and kinds, shared by the banner and the settings page.
 */
import { ALERT_LABEL } from "../../../worker/schemas/alert-kinds.ts";
import type { AlertKind } from "./live-state.ts";

export const ALERT_LEVEL_TEXT = { urgent: "Urgent", warning: "Warning" } as const;

export const ALERT_KIND_TEXT: Record<AlertKind, string> = ALERT_LABEL;
