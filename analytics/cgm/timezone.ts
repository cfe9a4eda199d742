/**
 * @module analytics/cgm/timezone
 * Epoch milliseconds ↔ local calendar parts for an IANA zone or a fixed offset, using only
 * `Intl.DateTimeFormat` (no Node or DOM APIs), so that CGM days follow the wearer's clock:
 * a local day in `America/New_York` is 23 hours long in March and 25 hours in November.
 *
 * Accepted time-zone strings:
 * - an IANA name such as `"America/New_York"` or `"Europe/Berlin"`;
 * - `"UTC"`, `"GMT"`, `"Z"` or `"Etc/UTC"`;
 * - a fixed offset `"+01:00"`, `"-05:00"`, `"-0500"` or `"+05"`;
 * - R's fixed zones `"EST"` (−05:00), `"MST"` (−07:00) and `"HST"` (−10:00). R (and iglu's example
 *   data) treat `"EST"` as a fixed UTC−05:00 offset without daylight saving, so it is mapped to that
 *   offset explicitly instead of whatever the ICU data resolves it to.
 *
 * Local times that do not exist (the skipped hour of a spring-forward transition) resolve to the
 * instant after the transition, and ambiguous ones (the repeated hour in autumn) to the earlier
 * instant, like `Temporal`'s `"compatible"` disambiguation.
 */
import { FIXED_ZONE_ALIASES, formatOffset, parseOffsetMinutes as parseOffset } from "../../vocabulary/timezone.ts";
import { AnalyticsInputError } from "../errors.ts";

export { parseOffset };

/** Calendar parts of an instant on a local clock. `month` is 1–12. */
export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** A resolved time zone: its canonical name and its UTC offset (in minutes, east positive) at an instant. */
export interface TimeZone {
  readonly name: string;
  /** True for zones whose offset never changes (UTC, fixed offsets, R's EST/MST/HST). */
  readonly fixed: boolean;
  offsetMinutes(epochMs: number): number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function fixedZone(name: string, minutes: number): TimeZone {
  return { name, fixed: true, offsetMinutes: () => minutes };
}

class IanaZone implements TimeZone {
  readonly fixed = false;
  private readonly fmt: Intl.DateTimeFormat;
  // Offsets at the start and end of each UTC hour; when both agree the whole hour shares the
  // offset (no zone changes its offset twice within an hour), which saves most Intl calls.
  private readonly hourCache = new Map<number, number>();
  // the last hour looked up, and its offset when uniform (NaN otherwise): sorted input hits it
  private lastHour = Number.NaN;
  private lastUniform = Number.NaN;

  constructor(readonly name: string) {
    this.fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: name,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
  }

  private exactOffset(epochMs: number): number {
    const whole = Math.floor(epochMs / 1000) * 1000;
    const parts = this.fmt.formatToParts(new Date(whole));
    let year = 0;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const p of parts) {
      switch (p.type) {
        case "year":
          year = Number(p.value);
          break;
        case "month":
          month = Number(p.value);
          break;
        case "day":
          day = Number(p.value);
          break;
        case "hour":
          hour = Number(p.value);
          break;
        case "minute":
          minute = Number(p.value);
          break;
        case "second":
          second = Number(p.value);
          break;
        case "era":
          bc = p.value.startsWith("B");
          break;
        default:
          break;
      }
    }
    if (bc) year = 1 - year;
    const d = new Date(0);
    d.setUTCFullYear(year, month - 1, day);
    d.setUTCHours(hour, minute, second, 0);
    return Math.round((d.getTime() - whole) / 60_000);
  }

  private hourStartOffset(h: number): number {
    let v = this.hourCache.get(h);
    if (v === undefined) {
      v = this.exactOffset(h * HOUR_MS);
      if (this.hourCache.size > 100_000) this.hourCache.clear();
      this.hourCache.set(h, v);
    }
    return v;
  }

  offsetMinutes(epochMs: number): number {
    const h = Math.floor(epochMs / HOUR_MS);
    if (h === this.lastHour && !Number.isNaN(this.lastUniform)) return this.lastUniform;
    const a = this.hourStartOffset(h);
    const b = this.hourStartOffset(h + 1);
    this.lastHour = h;
    this.lastUniform = a === b ? a : Number.NaN;
    return a === b ? a : this.exactOffset(epochMs);
  }
}

const zoneCache = new Map<string, TimeZone>();

/**
 * Resolves a time-zone string (IANA name, "UTC", fixed offset or R's "EST") to a {@link TimeZone}.
 * Resolved zones are cached.
 *
 * @throws {AnalyticsInputError} (field `tz`) for an empty or unknown zone.
 * @example
 * resolveTimeZone("-05:00").offsetMinutes(0); // => -300
 * resolveTimeZone("America/New_York").offsetMinutes(Date.UTC(2024, 6, 1)); // => -240
 */
export function resolveTimeZone(tz: string | TimeZone, field = "tz"): TimeZone {
  if (typeof tz !== "string") return tz;
  const cached = zoneCache.get(tz);
  if (cached) return cached;
  const text = tz.trim();
  let zone: TimeZone;
  const alias = FIXED_ZONE_ALIASES[text.toUpperCase()];
  const offset = parseOffset(text);
  if (text === "") throw new AnalyticsInputError(field, `${field} must be an IANA time zone or a UTC offset, got an empty string`);
  if (alias !== undefined) zone = fixedZone(alias[0], alias[1]);
  else if (offset !== undefined) zone = fixedZone(formatOffset(offset), offset);
  else {
    try {
      zone = new IanaZone(new Intl.DateTimeFormat("en-US", { timeZone: text }).resolvedOptions().timeZone);
    } catch {
      throw new AnalyticsInputError(field, `${field}: unknown time zone ${JSON.stringify(tz)}; expected an IANA name such as "America/New_York" or an offset such as "-05:00"`);
    }
  }
  zoneCache.set(tz, zone);
  return zone;
}

/**
 * Local calendar parts of an instant. This runs in `O(1)` (one cached Intl lookup at most).
 *
 * @example
 * toLocalParts(Date.UTC(2015, 5, 6, 21, 50, 27), "EST");
 * // => { year: 2015, month: 6, day: 6, hour: 16, minute: 50, second: 27, millisecond: 0 }
 */
export function toLocalParts(epochMs: number, tz: string | TimeZone): LocalParts {
  const zone = resolveTimeZone(tz);
  const d = new Date(epochMs + zone.offsetMinutes(epochMs) * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

/** The local wall-clock reading of an instant, as milliseconds since 1970-01-01T00:00 local. */
export function toLocalMs(epochMs: number, tz: string | TimeZone): number {
  const zone = resolveTimeZone(tz);
  return epochMs + zone.offsetMinutes(epochMs) * 60_000;
}

/**
 * The instant at which a local wall-clock time (given as milliseconds since 1970-01-01T00:00
 * local) occurs. Skipped local times map to the instant after the transition, repeated ones to
 * the earlier instant. This runs in `O(1)`.
 *
 * @example
 * fromLocalMs(Date.UTC(2024, 2, 10, 2, 30), "America/New_York"); // 02:30 does not exist that day
 * // => Date.UTC(2024, 2, 10, 7, 30)  (03:30 EDT)
 */
export function fromLocalMs(localMs: number, tz: string | TimeZone): number {
  const zone = resolveTimeZone(tz);
  if (zone.fixed) return localMs - zone.offsetMinutes(0) * 60_000;
  const before = zone.offsetMinutes(localMs - DAY_MS);
  const after = zone.offsetMinutes(localMs + DAY_MS);
  let best = Number.NaN;
  for (const o of before === after ? [before] : [before, after]) {
    const t = localMs - o * 60_000;
    if (zone.offsetMinutes(t) === o && !(t >= best)) best = t;
  }
  if (!Number.isNaN(best)) return best;
  // In a gap: read the wall time with the offset in force before the transition.
  return localMs - before * 60_000;
}

/**
 * The instant of a local date and time. `month` is 1–12.
 *
 * @example
 * fromLocalParts({ year: 2015, month: 6, day: 6, hour: 16, minute: 50, second: 27, millisecond: 0 }, "-05:00");
 * // => Date.UTC(2015, 5, 6, 21, 50, 27)
 */
export function fromLocalParts(p: LocalParts, tz: string | TimeZone): number {
  const d = new Date(0);
  d.setUTCFullYear(p.year, p.month - 1, p.day);
  d.setUTCHours(p.hour, p.minute, p.second, p.millisecond);
  return fromLocalMs(d.getTime(), tz);
}

/**
 * The local calendar day of an instant as a day number (days since 1970-01-01 on the local clock).
 *
 * @example
 * localDayNumber(Date.UTC(2015, 5, 7, 2), "EST"); // 2015-06-06 21:00 EST => 16592
 */
export function localDayNumber(epochMs: number, tz: string | TimeZone): number {
  return Math.floor(toLocalMs(epochMs, tz) / DAY_MS);
}

/** The instant of local midnight starting day number `day` (see {@link localDayNumber}). */
export function startOfLocalDay(day: number, tz: string | TimeZone): number {
  return fromLocalMs(day * DAY_MS, tz);
}

/** `YYYY-MM-DD` of a local day number. */
export function dayNumberToIsoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * `YYYY-MM-DD HH:MM:SS` local clock time (the format R prints POSIXct in), seconds truncated.
 *
 * @example
 * formatLocalDateTime(Date.UTC(2015, 5, 6, 21, 50, 27), "EST"); // => "2015-06-06 16:50:27"
 */
export function formatLocalDateTime(epochMs: number, tz: string | TimeZone): string {
  const iso = new Date(Math.floor(toLocalMs(epochMs, tz) / 1000) * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/**
 * Parses an ISO 8601 date-time. With an offset or `Z` it is an absolute instant; without one it is
 * a local clock time in `tz`. Accepts `T` or a space between date and time, and optional seconds
 * and fractions. Returns `NaN` when the text is not such a date-time.
 *
 * @example
 * parseIsoDateTime("2015-06-06 16:50:27", "EST"); // => Date.UTC(2015, 5, 6, 21, 50, 27)
 * parseIsoDateTime("2015-06-06T21:50:27Z", "America/New_York"); // => Date.UTC(2015, 5, 6, 21, 50, 27)
 */
export function parseIsoDateTime(text: string, tz: string | TimeZone): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/.exec(text.trim());
  if (!m) return Number.NaN;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return Number.NaN;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  if (d.getUTCDate() !== day) return Number.NaN;
  d.setUTCHours(hour, minute, second, ms);
  const local = d.getTime();
  if (m[8] === undefined) return fromLocalMs(local, tz);
  const off = m[8] === "Z" || m[8] === "z" ? 0 : parseOffset(m[8]);
  if (off === undefined) return Number.NaN;
  return local - off * 60_000;
}
