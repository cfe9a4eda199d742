/**
 * @module history-data
 * Shapes `GET /api/v1/glucose/series` (`{"t":[epoch s],"v":[mg/dL]}`, t ascending) for the
 * history chart: one continuous trace with gaps, or one line per local day over 00:00–24:00.
 * Pure and DOM-free; unit-tested.
 */
import { DEFAULT_GAP_SECONDS, type GlucoseColumns } from "./chart-data.ts";
import { addDays, zonedDate, zonedMidnight } from "./records.ts";
import { convertGlucoseExact, type GlucoseUnit } from "./units.ts";

export interface Series {
  t: readonly number[];
  v: readonly number[];
}

/**
 * The series as uPlot columns in `unit`, with a `null` point inserted wherever consecutive
 * readings are more than `gapSeconds` apart (so the line breaks there). Unsorted input is
 * sorted; non-finite values are dropped. O(n) for sorted input: 90 days (25,920 points) take
 * about a millisecond.
 */
export function seriesToColumns(
  series: Series,
  unit: GlucoseUnit,
  gapSeconds = DEFAULT_GAP_SECONDS,
): GlucoseColumns {
  const n = Math.min(series.t.length, series.v.length);
  let idx: number[] | null = null;
  for (let i = 1; i < n; i++) {
    if (series.t[i]! < series.t[i - 1]!) {
      idx = Array.from({ length: n }, (_, k) => k).sort((a, b) => series.t[a]! - series.t[b]!);
      break;
    }
  }
  const xs: number[] = [];
  const ys: (number | null)[] = [];
  for (let k = 0; k < n; k++) {
    const i = idx ? idx[k]! : k;
    const x = series.t[i]!;
    const y = series.v[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const last = xs.length - 1;
    if (last >= 0 && xs[last] === x) {
      ys[last] = convertGlucoseExact(y, unit);
      continue;
    }
    if (last >= 0 && x - xs[last]! > gapSeconds) {
      xs.push((xs[last]! + x) / 2);
      ys.push(null);
    }
    xs.push(x);
    ys.push(convertGlucoseExact(y, unit));
  }
  return [xs, ys];
}

export interface DayOverlay {
  /** Seconds since local midnight of each slot's start: 0, 300, … 86 100. */
  x: number[];
  /** One entry per local day that has readings, oldest first. */
  days: { date: string; y: (number | null)[] }[];
}

/** Slot width of the overlay, the usual CGM interval. */
export const OVERLAY_SLOT_S = 300;

/**
 * Each local day of the range as its own line over 00:00–24:00 in `timeZone`. Readings are put
 * in 5-minute slots by their local time of day (several in one slot are averaged), so every
 * day shares the same x values as uPlot requires. Empty slots are `null` (a gap in the line).
 * Days without any reading are left out. On a day with a clock change the local time of day
 * is what counts, so the line shows what the person saw on their clock.
 */
export function seriesToDayOverlay(series: Series, unit: GlucoseUnit, timeZone: string): DayOverlay {
  const slots = Math.round(86_400 / OVERLAY_SLOT_S);
  const x = Array.from({ length: slots }, (_, i) => i * OVERLAY_SLOT_S);
  const byDay = new Map<string, { sum: Float64Array; count: Uint16Array }>();
  const n = Math.min(series.t.length, series.v.length);
  // Midnights are computed once per day, not per reading.
  let dayStart = Number.POSITIVE_INFINITY;
  let dayEnd = Number.NEGATIVE_INFINITY;
  let date = "";
  for (let i = 0; i < n; i++) {
    const t = series.t[i]!;
    const v = series.v[i]!;
    if (!Number.isFinite(t) || !Number.isFinite(v)) continue;
    const ms = t * 1000;
    if (ms < dayStart || ms >= dayEnd) {
      date = zonedDate(ms, timeZone);
      dayStart = zonedMidnight(date, timeZone);
      dayEnd = zonedMidnight(addDays(date, 1), timeZone);
    }
    // Local time of day; on a 23- or 25-hour day this stretches or folds the hour that changed.
    const secOfDay = Math.min(86_399, Math.max(0, Math.floor(((ms - dayStart) / (dayEnd - dayStart)) * 86_400)));
    const slot = Math.floor(secOfDay / OVERLAY_SLOT_S);
    let acc = byDay.get(date);
    if (!acc) {
      acc = { sum: new Float64Array(slots), count: new Uint16Array(slots) };
      byDay.set(date, acc);
    }
    acc.sum[slot]! += v;
    acc.count[slot]! += 1;
  }
  const days = [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([d, acc]) => ({
      date: d,
      y: Array.from(acc.sum, (s, i) => (acc.count[i] ? convertGlucoseExact(s / acc.count[i]!, unit) : null)),
    }));
  return { x, days };
}

/**
 * Colours for overlay lines, all ≥ 3:1 against white (WCAG 1.4.11 for graphics). The newest
 * day is drawn darkest; with many days the older ones repeat the palette.
 */
export const OVERLAY_COLORS = [
  "#1d4ed8",
  "#b42318",
  "#067647",
  "#6941c6",
  "#b54708",
  "#0e7090",
  "#c11574",
  "#475467",
] as const;

export function overlayColor(index: number, count: number): string {
  // Newest (last) first in the palette.
  return OVERLAY_COLORS[(count - 1 - index) % OVERLAY_COLORS.length]!;
}
