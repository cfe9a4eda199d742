/**
 * @module interop/timezone
 * Device-local wall-clock times (no zone in the file) → epoch milliseconds in a zone the user
 * chose or confirmed, using only `Intl.DateTimeFormat` so that it runs in a Worker and a browser.
 *
 * Accepted zones: IANA names (`"Europe/London"`), `"UTC"`/`"GMT"`/`"Z"`, fixed offsets
 * (`"+02:00"`, `"-0500"`, `"+05"`) and R's fixed `"EST"`/`"MST"`/`"HST"` (iglu's example data
 * carries R's `EST`, a fixed UTC−05:00 without daylight saving).
 *
 * DST rules (the same as `Temporal`'s `"compatible"` disambiguation):
 * - **Ambiguous** times, in the hour repeated when clocks go back (01:30 on the first Sunday
 *   of November in New York), resolve to the **first occurrence**, the earlier instant (still
 *   on summer time). A device that logs every 5 min writes that hour twice; the second pass then
 *   lands on the same instants as the first, and the API's de-duplication keeps one reading per
 *   time + source. Devices do not record which pass a reading belongs to, so this cannot be
 *   recovered from the file.
 * - **Non-existent** times, in the hour skipped when clocks go forward (02:30 on the second
 *   Sunday of March in New York), are **shifted forward** by the length of the gap (02:30 →
 *   03:30 EDT), i.e. read with the offset in force before the change.
 * Both are counted on the resolver so that the import report can tell the user.
 */
import { FIXED_ZONE_ALIASES, formatOffset, parseOffsetMinutes } from "../vocabulary/timezone.ts";
import { InteropError } from "./errors.ts";

export { parseOffsetMinutes };

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** What every resolver of one IANA zone shares: creating an `Intl.DateTimeFormat` costs far more than using one. */
interface ZoneData {
  name: string;
  fmt: Intl.DateTimeFormat;
  /** UTC hour → offset in ms at its start. */
  hourCache: Map<number, number>;
  /** Local day (wall-clock ms ÷ DAY_MS) → offset in ms, for days without a transition. */
  dayCache: Map<number, number>;
}

const zones = new Map<string, ZoneData>();

function zoneData(text: string, asGiven: string): ZoneData {
  let z = zones.get(text);
  if (z !== undefined) return z;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: text,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    throw new InteropError("bad-option", `timeZone: unknown time zone ${JSON.stringify(asGiven)}; expected an IANA name such as "America/New_York" or an offset such as "-05:00"`);
  }
  z = { name: fmt.resolvedOptions().timeZone, fmt, hourCache: new Map(), dayCache: new Map() };
  if (zones.size > 100) zones.clear();
  zones.set(text, z);
  return z;
}

/**
 * Resolves local wall-clock times in one zone. Not shared between imports: it counts the
 * ambiguous and non-existent times it met.
 *
 * @example
 * const z = new ZoneResolver("America/New_York");
 * z.toUtc(2024, 7, 1, 12, 0, 0);  // => Date.UTC(2024, 6, 1, 16)   (EDT, −04:00)
 * z.toUtc(2024, 11, 3, 1, 30, 0); // => Date.UTC(2024, 10, 3, 5, 30) (first 01:30, EDT); z.ambiguous === 1
 * z.toUtc(2024, 3, 10, 2, 30, 0); // => Date.UTC(2024, 2, 10, 7, 30) (= 03:30 EDT);     z.nonexistent === 1
 */
export class ZoneResolver {
  /** Canonical zone name (`"America/New_York"`, `"UTC"`, `"+02:00"`). */
  readonly name: string;
  /** True for UTC, fixed offsets and R's EST/MST/HST. */
  readonly fixed: boolean;
  /** Times met in a fall-back hour, resolved to their first occurrence. */
  ambiguous = 0;
  /** Times met in a spring-forward gap, shifted forward. */
  nonexistent = 0;

  private readonly fixedOffsetMs: number = 0;
  private readonly fmt: Intl.DateTimeFormat | null = null;
  private readonly hourCache: Map<number, number>;
  private readonly dayCache: Map<number, number>;

  /** @throws {InteropError} (`bad-option`) for an empty or unknown zone. */
  constructor(zone: string) {
    const text = zone.trim();
    if (text === "") throw new InteropError("bad-option", 'timeZone must be an IANA time zone such as "Europe/London" or an offset such as "-05:00", got an empty string');
    const alias = FIXED_ZONE_ALIASES[text.toUpperCase()];
    const offset = parseOffsetMinutes(text);
    if (alias !== undefined) {
      this.name = alias[0];
      this.fixed = true;
      this.fixedOffsetMs = alias[1] * 60_000;
    } else if (offset !== undefined) {
      this.name = formatOffset(offset);
      this.fixed = true;
      this.fixedOffsetMs = offset * 60_000;
    } else {
      const shared = zoneData(text, zone);
      this.fmt = shared.fmt;
      this.name = shared.name;
      this.fixed = false;
      this.hourCache = shared.hourCache;
      this.dayCache = shared.dayCache;
      return;
    }
    this.hourCache = new Map();
    this.dayCache = new Map();
  }

  /** UTC offset in milliseconds (east positive) at an instant. */
  offsetAt(utcMs: number): number {
    if (this.fmt === null) return this.fixedOffsetMs;
    // Offsets at the start and end of a UTC hour agree for every hour without a transition.
    const h = Math.floor(utcMs / HOUR_MS);
    const a = this.hourStartOffset(h);
    return a === this.hourStartOffset(h + 1) ? a : this.exactOffset(utcMs);
  }

  private hourStartOffset(h: number): number {
    let v = this.hourCache.get(h);
    if (v === undefined) {
      v = this.exactOffset(h * HOUR_MS);
      if (this.hourCache.size > 50_000) this.hourCache.clear();
      this.hourCache.set(h, v);
    }
    return v;
  }

  private exactOffset(utcMs: number): number {
    const whole = Math.floor(utcMs / 1000) * 1000;
    let year = 1970;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    for (const p of (this.fmt as Intl.DateTimeFormat).formatToParts(whole)) {
      if (p.type === "year") year = Number(p.value);
      else if (p.type === "month") month = Number(p.value);
      else if (p.type === "day") day = Number(p.value);
      else if (p.type === "hour") hour = Number(p.value);
      else if (p.type === "minute") minute = Number(p.value);
      else if (p.type === "second") second = Number(p.value);
    }
    return utcFromParts(year, month, day, hour, minute, second, 0) - whole;
  }

  /**
   * Epoch milliseconds of a local wall-clock time (`month` 1–12). Ambiguous times resolve to
   * their first occurrence and non-existent ones shift forward; both are counted.
   * This runs in `O(1)`: one cache lookup per local day, a few Intl calls on days near a transition.
   */
  toUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond = 0): number {
    const wall = utcFromParts(year, month, day, hour, minute, second, millisecond);
    if (this.fmt === null) return wall - this.fixedOffsetMs;
    const dayKey = Math.floor(wall / DAY_MS);
    const cached = this.dayCache.get(dayKey);
    if (cached !== undefined) return wall - cached;
    // A local day spans at most [dayStart − 14 h, dayStart + 24 h + 12 h] in UTC (offsets lie
    // within −12…+14 h); equal offsets well outside both ends mean no transition inside.
    const dayStart = dayKey * DAY_MS;
    const before = this.offsetAt(dayStart - 16 * HOUR_MS);
    if (before === this.offsetAt(dayStart + 40 * HOUR_MS)) {
      if (this.dayCache.size > 20_000) this.dayCache.clear();
      this.dayCache.set(dayKey, before);
      return wall - before;
    }
    return this.resolveNearTransition(wall);
  }

  private resolveNearTransition(wall: number): number {
    const early = this.offsetAt(wall - DAY_MS);
    const late = this.offsetAt(wall + DAY_MS);
    const valid: number[] = [];
    for (const o of early === late ? [early] : [early, late]) if (this.offsetAt(wall - o) === o) valid.push(wall - o);
    if (valid.length === 1) return valid[0];
    if (valid.length > 1) {
      this.ambiguous++;
      return Math.min(...valid);
    }
    // In the gap: read with the offset before the change, which lands after it (02:30 → 03:30).
    this.nonexistent++;
    return wall - early;
  }
}

/** `Date.UTC` with a 1-based month, without its two-digit-year quirk (years 0–99 → 1900s). */
export function utcFromParts(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond: number): number {
  const t = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  if (year >= 0 && year < 100) return new Date(t).setUTCFullYear(year);
  return t;
}

/** Days in a month (1–12) of a (proleptic Gregorian) year. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}
