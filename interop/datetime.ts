/**
 * @module interop/datetime
 * Timestamp parsing: ISO-like local or offset times, Apple Health's `2017-03-30 09:12:00 +0200`,
 * and the user-described patterns (`"DD/MM/YYYY HH:mm"`) of the generic CSV mapping.
 */
import { parseOffsetMinutes, daysInMonth, utcFromParts, type ZoneResolver } from "./timezone.ts";

/** Calendar and clock fields of a timestamp; `offset` is minutes east of UTC, or null when the text has none. */
export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  offset: number | null;
}

/** True when the fields form a real calendar date and clock time (no Feb 30, no 24:00, no leap second). */
export function validParts(p: DateTimeParts): boolean {
  return (
    p.year >= 1000 &&
    p.year <= 9999 &&
    p.month >= 1 &&
    p.month <= 12 &&
    p.day >= 1 &&
    p.day <= daysInMonth(p.year, p.month) &&
    p.hour >= 0 &&
    p.hour <= 23 &&
    p.minute >= 0 &&
    p.minute <= 59 &&
    p.second >= 0 &&
    p.second <= 59
  );
}

/** Two ASCII digits at `i` as a number, NaN when either is not a digit (validParts then fails). */
const d2 = (s: string, i: number) => {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
};

function fraction(digits: string | undefined): number {
  return digits === undefined ? 0 : Math.floor(Number(`0.${digits}`) * 1000);
}

function offsetOf(text: string | undefined): number | null | undefined {
  if (text === undefined) return null;
  if (text === "Z" || text === "z") return 0;
  return parseOffsetMinutes(text.replace(/^([+-]\d{2})(\d{2})$/, "$1:$2"));
}

const ISO_LIKE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Parses `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.fff]]` (or with a space instead of `T`, and
 * one-digit months, days and hours as newer Dexcom exports write them), optionally followed by
 * `Z` or an offset (`+02:00`, `+0200`, ` +0200`). Returns null for anything else or an
 * impossible date.
 *
 * @example
 * parseIsoLike("2019-03-10T02:30:00");       // {year: 2019, month: 3, day: 10, hour: 2, minute: 30, …, offset: null}
 * parseIsoLike("2017-03-30 09:12:00 +0200"); // {…, offset: 120}
 */
export function parseIsoLike(text: string): DateTimeParts | null {
  // Fast path for the common `YYYY-MM-DDThh:mm:ss` / `YYYY-MM-DD hh:mm[:ss]` without offset.
  const n = text.length;
  if ((n === 19 || n === 16) && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && text.charCodeAt(13) === 58 && (n === 16 || text.charCodeAt(16) === 58)) {
    const sep = text.charCodeAt(10);
    if (sep === 84 || sep === 32) {
      const p: DateTimeParts = {
        year: d2(text, 0) * 100 + d2(text, 2),
        month: d2(text, 5),
        day: d2(text, 8),
        hour: d2(text, 11),
        minute: d2(text, 14),
        second: n === 19 ? d2(text, 17) : 0,
        millisecond: 0,
        offset: null,
      };
      if (validParts(p)) return p;
    }
  }
  const m = ISO_LIKE.exec(text.trim());
  if (!m) return null;
  const offset = offsetOf(m[8]);
  if (offset === undefined) return null;
  const p: DateTimeParts = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: m[4] === undefined ? 0 : Number(m[4]),
    minute: m[5] === undefined ? 0 : Number(m[5]),
    second: m[6] === undefined ? 0 : Number(m[6]),
    millisecond: fraction(m[7]),
    offset,
  };
  return validParts(p) ? p : null;
}

/**
 * Epoch milliseconds of parsed parts: their own offset when they have one, otherwise the local
 * time read in `zone` (null when there is neither).
 */
export function partsToEpoch(p: DateTimeParts, zone: ZoneResolver | null): number | null {
  if (p.offset !== null) return utcFromParts(p.year, p.month, p.day, p.hour, p.minute, p.second, p.millisecond) - p.offset * 60_000;
  if (zone === null) return null;
  return zone.toUtc(p.year, p.month, p.day, p.hour, p.minute, p.second, p.millisecond);
}

/**
 * Apple Health's `yyyy-MM-dd HH:mm:ss ±HHMM` → epoch milliseconds, or null. A fixed-position
 * fast path (an export has millions of these) with {@link parseIsoLike} as the fallback.
 *
 * @example
 * parseAppleDate("2017-03-30 09:12:00 +0200"); // => Date.UTC(2017, 2, 30, 7, 12)
 */
export function parseAppleDate(text: string): number | null {
  if (text.length === 25 && text.charCodeAt(4) === 45 && text.charCodeAt(10) === 32 && text.charCodeAt(19) === 32) {
    const year = d2(text, 0) * 100 + d2(text, 2);
    const month = d2(text, 5);
    const day = d2(text, 8);
    const hour = d2(text, 11);
    const minute = d2(text, 14);
    const second = d2(text, 17);
    const sign = text.charCodeAt(20) === 45 ? -1 : text.charCodeAt(20) === 43 ? 1 : 0;
    const oh = d2(text, 21);
    const om = d2(text, 23);
    const p: DateTimeParts = { year, month, day, hour, minute, second, millisecond: 0, offset: sign * (oh * 60 + om) };
    if (sign !== 0 && oh <= 18 && om <= 59 && validParts(p)) return partsToEpoch(p, null);
  }
  const p = parseIsoLike(text);
  return p === null || p.offset === null ? null : partsToEpoch(p, null);
}

/** A compiled time pattern for the generic CSV mapping. */
export interface TimePattern {
  readonly pattern: string;
  /** True when the pattern has a `Z` (offset) token, so no zone is needed. */
  readonly hasOffset: boolean;
  parse(text: string): DateTimeParts | null;
}

type Field = "year" | "year2" | "month" | "day" | "hour" | "hour12" | "minute" | "second" | "fraction" | "ampm" | "offset";

const TOKENS: [string, string, Field][] = [
  ["YYYY", "(\\d{4})", "year"],
  ["YY", "(\\d{2})", "year2"],
  ["MM", "(\\d{1,2})", "month"],
  ["M", "(\\d{1,2})", "month"],
  ["DD", "(\\d{1,2})", "day"],
  ["D", "(\\d{1,2})", "day"],
  ["HH", "(\\d{1,2})", "hour"],
  ["H", "(\\d{1,2})", "hour"],
  ["hh", "(\\d{1,2})", "hour12"],
  ["h", "(\\d{1,2})", "hour12"],
  ["mm", "(\\d{2})", "minute"],
  ["ss", "(\\d{2})", "second"],
  ["SSS", "(\\d{1,9})", "fraction"],
  ["A", "([AaPp]\\.?[Mm]\\.?)", "ampm"],
  ["a", "([AaPp]\\.?[Mm]\\.?)", "ampm"],
  ["Z", "(Z|z|[+-]\\d{2}(?::?\\d{2})?)", "offset"],
];

/**
 * Compiles a pattern such as `"DD/MM/YYYY HH:mm"` or `"M/D/YYYY h:mm:ss A"`. Tokens: `YYYY`,
 * `YY` (20YY), `MM`/`M`, `DD`/`D`, `HH`/`H` (24-hour), `hh`/`h` (12-hour, needs `A`), `mm`,
 * `ss`, `SSS` (fraction), `A`/`a` (AM/PM), `Z` (`Z`, `+02:00`, `+0200`). Other characters match
 * themselves; a space matches any run of spaces.
 *
 * @throws {Error} when the pattern has no year, month and day, or `hh` without `A`.
 * @example
 * compileTimePattern("DD/MM/YYYY HH:mm").parse("25/12/2024 07:30"); // {year: 2024, month: 12, day: 25, hour: 7, minute: 30, …}
 */
export function compileTimePattern(pattern: string): TimePattern {
  const fields: Field[] = [];
  let source = "^\\s*";
  let i = 0;
  outer: while (i < pattern.length) {
    for (const [token, re, field] of TOKENS) {
      if (pattern.startsWith(token, i)) {
        source += re;
        fields.push(field);
        i += token.length;
        continue outer;
      }
    }
    const c = pattern[i];
    source += c === " " ? "\\s+" : c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    i++;
  }
  source += "\\s*$";
  const has = (f: Field) => fields.includes(f);
  if (!(has("year") || has("year2")) || !has("month") || !has("day")) throw new Error(`time pattern ${JSON.stringify(pattern)} needs a year (YYYY), a month (MM) and a day (DD)`);
  if (has("hour12") && !has("ampm")) throw new Error(`time pattern ${JSON.stringify(pattern)} uses a 12-hour clock (hh) without AM/PM (A)`);
  const re = new RegExp(source);
  return {
    pattern,
    hasOffset: has("offset"),
    parse(text: string): DateTimeParts | null {
      const m = re.exec(text);
      if (!m) return null;
      const p: DateTimeParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0, offset: null };
      let pm: boolean | null = null;
      for (let k = 0; k < fields.length; k++) {
        const v = m[k + 1];
        switch (fields[k]) {
          case "year":
            p.year = Number(v);
            break;
          case "year2":
            p.year = 2000 + Number(v);
            break;
          case "month":
            p.month = Number(v);
            break;
          case "day":
            p.day = Number(v);
            break;
          case "hour":
          case "hour12":
            p.hour = Number(v);
            break;
          case "minute":
            p.minute = Number(v);
            break;
          case "second":
            p.second = Number(v);
            break;
          case "fraction":
            p.millisecond = fraction(v);
            break;
          case "ampm":
            pm = v[0] === "P" || v[0] === "p";
            break;
          case "offset": {
            const o = offsetOf(v);
            if (o === undefined) return null;
            p.offset = o;
            break;
          }
        }
      }
      if (pm !== null) {
        if (p.hour < 1 || p.hour > 12) return null;
        p.hour = (p.hour % 12) + (pm ? 12 : 0);
      }
      return validParts(p) ? p : null;
    },
  };
}
