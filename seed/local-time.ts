/**
 * Local clock time in an IANA zone → epoch ms, with Intl only (no runtime APIs), DST-correct.
 */
import { zoneOffsetMs } from "../vocabulary/timezone.ts";

/** The instant at which the clock in `tz` shows the given local date and time. */
export function localToUtc(tz: string, year: number, month: number, day: number, hours: number): number {
  const guess = Date.UTC(year, month - 1, day) + hours * 3600_000;
  const first = guess - zoneOffsetMs(tz, guess);
  return guess - zoneOffsetMs(tz, first);
}

/** Local calendar date (y, m, d) of an instant in `tz`. */
export function localDate(tz: string, ms: number): { year: number; month: number; day: number } {
  const local = new Date(ms + zoneOffsetMs(tz, ms));
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}
