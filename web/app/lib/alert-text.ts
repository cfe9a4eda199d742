/**
 * @module alert-text
 * Words for alert levels, for the banner (the kind's name is already in each alert's sentence).
 */

export const ALERT_LEVEL_TEXT = { urgent: "Urgent", warning: "Warning" } as const;
