/**
 * Local clock time in an IANA zone → epoch ms, with Intl only (no runtime APIs), DST-correct.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(tz, f);
  }
  return f;
}

/** Offset of `tz` from UTC at instant `ms`, in ms (positive east of Greenwich). */
export function tzOffset(tz: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant at which the clock in `tz` shows the given local date and time. */
export function localToUtc(tz: string, year: number, month: number, day: number, hours: number): number {
  const guess = Date.UTC(year, month - 1, day) + hours * 3600_000;
  const first = guess - tzOffset(tz, guess);
  return guess - tzOffset(tz, first);
}

/** Local calendar date (y, m, d) of an instant in `tz`. */
export function localDate(tz: string, ms: number): { year: number; month: number; day: number } {
  const local = new Date(ms + tzOffset(tz, ms));
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}
