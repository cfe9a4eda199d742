/**
 * @module vocabulary/timezone
 * Time-zone names and fixed offsets, with only `Intl.DateTimeFormat` (runs in a Worker, a browser
 * and Node). The zone resolvers built on these live with their users: `analytics/cgm/timezone.ts`
 * (local days of a series) and `interop/timezone.ts` (wall-clock times of an import).
 */

/**
 * Names resolved to fixed offsets without asking Intl (upper-cased name → [canonical name,
 * minutes east of UTC]). R (and iglu's example data) treat `"EST"` as a fixed UTC−05:00 without
 * daylight saving, so it is mapped to that offset explicitly instead of whatever ICU resolves.
 */
export const FIXED_ZONE_ALIASES: Readonly<Record<string, readonly [string, number]>> = {
  UTC: ["UTC", 0],
  GMT: ["UTC", 0],
  Z: ["UTC", 0],
  UCT: ["UTC", 0],
  "ETC/UTC": ["UTC", 0],
  "ETC/GMT": ["UTC", 0],
  EST: ["EST", -300],
  MST: ["MST", -420],
  HST: ["HST", -600],
};

/**
 * Parses `"+05:30"`, `"-0500"` or `"+05"` into minutes east of UTC; undefined when it is not an offset.
 *
 * @example
 * parseOffsetMinutes("-05:00"); // => -300
 * parseOffsetMinutes("Europe/Berlin"); // => undefined
 */
export function parseOffsetMinutes(text: string): number | undefined {
  const m = /^([+-])(\d{2})(?::?(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  const h = Number(m[2]);
  const mi = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 18 || mi > 59) return undefined;
  return (m[1] === "-" ? -1 : 1) * (h * 60 + mi);
}

/**
 * Minutes east of UTC as `"+05:30"` / `"-05:00"`.
 *
 * @example
 * formatOffset(-300); // => "-05:00"
 */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const a = Math.abs(minutes);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}

/**
 * Whether the runtime knows `zone` as a time zone (an IANA name such as `"Europe/Berlin"`,
 * `"UTC"`, or an offset the runtime accepts).
 *
 * @example
 * isValidTimeZone("Europe/Berlin"); // => true
 * isValidTimeZone("Mars/Olympus");  // => false
 */
export function isValidTimeZone(zone: string): boolean {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone !== "";
  } catch {
    return false;
  }
}

/**
 * Minutes after local midnight in `zone` at an instant.
 *
 * @example
 * localMinutesOfDay(Date.UTC(2024, 0, 1, 22, 30), "Europe/Berlin"); // => 1410 (23:30)
 */
export function localMinutesOfDay(epochMs: number, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get("hour") * 60 + get("minute");
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Offset of `zone` from UTC at an instant, in ms (east positive), read from the zone's wall clock
 * at the instant's whole second. One formatter per zone is kept.
 *
 * @example
 * zoneOffsetMs("America/New_York", Date.UTC(2024, 6, 1)); // => -14_400_000
 */
export function zoneOffsetMs(zone: string, epochMs: number): number {
  let f = offsetFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    offsetFormatters.set(zone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(epochMs))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}
