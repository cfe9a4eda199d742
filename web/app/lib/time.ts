/**
 * @module time
 * Small, pure time helpers for the dashboard ("5 min ago", range windows).
 */

/** Hour windows the dashboard offers. */
export const RANGE_HOURS = [3, 6, 12, 24] as const;
export type RangeHours = (typeof RANGE_HOURS)[number];
export const DEFAULT_RANGE_HOURS: RangeHours = 3;

/** Parses `?hours=`; anything but 3, 6, 12 or 24 falls back to the default. */
export function parseRangeHours(value: string | null | undefined): RangeHours {
  const n = Number(value);
  return (RANGE_HOURS as readonly number[]).includes(n) ? (n as RangeHours) : DEFAULT_RANGE_HOURS;
}

/** Whole minutes from `iso` to `nowMs`, never negative (a clock slightly ahead reads 0). */
export function minutesSince(iso: string, nowMs: number): number {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new RangeError(`minutesSince: invalid time "${iso}"`);
  return Math.max(0, Math.floor((nowMs - t) / 60_000));
}

/**
 * Formats an age in minutes: "just now", "4 min ago", "2 h 5 min ago", "3 days ago".
 *
 * @example
 * formatAge(0); // "just now"
 * formatAge(125); // "2 h 5 min ago"
 */
export function formatAge(minutes: number): string {
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 48 * 60) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m === 0 ? `${h} h ago` : `${h} h ${m} min ago`;
  }
  return `${Math.floor(minutes / (24 * 60))} days ago`;
}

/** A reading older than this is shown as stale (a CGM reports every 1–5 minutes). */
export const STALE_AFTER_MINUTES = 15;

/**
 * The first locale of an Accept-Language header that `Intl` supports, else "en-US". Times are
 * formatted on the server with it, so the server and the browser render the same text.
 *
 * @example
 * pickLocale("de-CH,de;q=0.9,en;q=0.8"); // "de-CH"
 */
export function pickLocale(acceptLanguage: string | null | undefined): string {
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0]?.trim();
    if (!tag || tag === "*") continue;
    try {
      const [supported] = Intl.DateTimeFormat.supportedLocalesOf(tag);
      if (supported) return supported;
    } catch {
      // RangeError for malformed tags: try the next one.
    }
  }
  return "en-US";
}

/** "14:05" / "2:05 PM" in the user's zone and locale. */
export function formatClock(iso: string | number, timeZone: string, locale: string): string {
  const date = typeof iso === "number" ? new Date(iso * 1000) : new Date(iso);
  return new Intl.DateTimeFormat(locale, { timeZone, hour: "numeric", minute: "2-digit" }).format(date);
}
