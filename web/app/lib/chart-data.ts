/**
 * @module chart-data
 * Pure functions that shape API records into what uPlot draws. uPlot's data contract
 * (README, "Data Format"): columnar arrays, x first, x ascending and in seconds, `null` for a
 * gap. Nothing here touches the DOM, so it is unit-tested in plain Node.
 */
import {
  classifyGlucose,
  convertGlucoseExact,
  TARGET_HIGH_MGDL,
  TARGET_LOW_MGDL,
  type GlucoseUnit,
} from "./units.ts";

/** The fields of a reading that the chart needs (the API sends more). */
export interface ReadingPoint {
  /** ISO 8601, UTC. */
  time: string;
  /** Always mg/dL from the API. */
  value: number;
}

/** uPlot's AlignedData for one series: [x seconds[], y[]]. */
export type GlucoseColumns = [xs: number[], ys: (number | null)[]];

/** Readings further apart than this are not joined by a line (three missed 5-minute readings). */
export const DEFAULT_GAP_SECONDS = 15 * 60;

/**
 * Turns readings into uPlot columns in `unit`. Readings are sorted by time (the input is not
 * mutated), unparseable ones are dropped, readings in the same second keep the last one, and
 * wherever two consecutive readings are more than `gapSeconds` apart a `null` point is
 * inserted halfway between them so uPlot breaks the line instead of drawing across the gap.
 *
 * This runs in `O(n log n)` (the sort), `O(n)` for input that is already ordered.
 *
 * @example
 * readingsToColumns(
 *   [{ time: "2026-01-01T00:00:00Z", value: 90 }, { time: "2026-01-01T01:00:00Z", value: 180 }],
 *   "mmol/L",
 * );
 * // [[1767225600, 1767227400, 1767229200], [4.99…, null, 9.98…]]
 */
export function readingsToColumns(
  readings: readonly ReadingPoint[],
  unit: GlucoseUnit,
  { gapSeconds = DEFAULT_GAP_SECONDS }: { gapSeconds?: number } = {},
): GlucoseColumns {
  const points: { x: number; mgdl: number }[] = [];
  for (const r of readings) {
    const ms = Date.parse(r.time);
    if (Number.isNaN(ms) || !Number.isFinite(r.value)) continue;
    points.push({ x: Math.floor(ms / 1000), mgdl: r.value });
  }
  // Stable sort keeps the input order for equal times, so "last one wins" below is well defined.
  if (!isSortedByX(points)) points.sort((a, b) => a.x - b.x);

  const xs: number[] = [];
  const ys: (number | null)[] = [];
  for (const p of points) {
    const last = xs.length - 1;
    if (last >= 0 && xs[last] === p.x) {
      ys[last] = convertGlucoseExact(p.mgdl, unit);
      continue;
    }
    if (last >= 0 && p.x - xs[last] > gapSeconds) {
      xs.push((xs[last] + p.x) / 2);
      ys.push(null);
    }
    xs.push(p.x);
    ys.push(convertGlucoseExact(p.mgdl, unit));
  }
  return [xs, ys];
}

/**
 * Indices of values with no value beside them (both neighbours null or absent): a line needs two
 * points, so a reading on its own (the first after set-up, or one between gaps) would not show
 * unless drawn as a dot. Null when there are none (uPlot then draws no points).
 */
export function isolatedPoints(ys: readonly (number | null | undefined)[]): number[] | null {
  const out: number[] = [];
  for (let i = 0; i < ys.length; i++) {
    if (ys[i] == null) continue;
    if (ys[i - 1] == null && ys[i + 1] == null) out.push(i);
  }
  return out.length ? out : null;
}

function isSortedByX(points: readonly { x: number }[]): boolean {
  for (let i = 1; i < points.length; i++) if (points[i].x < points[i - 1].x) return false;
  return true;
}

/**
 * The y range to draw, in `unit`: at least 40–300 mg/dL so the target band always sits in the
 * same place, widened to include every value (with 5% headroom above), never below 0.
 */
export function glucoseYRange(
  ys: readonly (number | null)[],
  unit: GlucoseUnit,
): [min: number, max: number] {
  let min = convertGlucoseExact(40, unit);
  let max = convertGlucoseExact(300, unit);
  for (const y of ys) {
    if (y === null) continue;
    if (y < min) min = y;
    if (y > max) max = y * 1.05;
  }
  return [Math.max(0, min), max];
}

/** The target band in `unit`, for drawing. */
export function targetBand(unit: GlucoseUnit): [low: number, high: number] {
  return [convertGlucoseExact(TARGET_LOW_MGDL, unit), convertGlucoseExact(TARGET_HIGH_MGDL, unit)];
}

// ---------------------------------------------------------------------------------------------
// Markers

export interface MealRecord {
  id: string;
  time: string;
  carbs?: number | null;
}
export interface InsulinRecord {
  id: string;
  time: string;
  units: number;
  kind?: string | null;
}
export interface ActivityRecord {
  id: string;
  start: string;
  end: string;
  type?: string | null;
  intensity?: string | null;
}
export interface SleepRecord {
  id: string;
  start: string;
  end: string;
  quality?: number | string | null;
}

export type PointMarkerKind = "meal" | "insulin";
export type SpanMarkerKind = "activity" | "sleep";

/** An instant on the time axis (seconds), drawn as a labelled tick. */
export interface PointMarker {
  id: string;
  kind: PointMarkerKind;
  x: number;
  label: string;
}
/** An interval on the time axis (seconds), drawn as a shaded strip. */
export interface SpanMarker {
  id: string;
  kind: SpanMarkerKind;
  start: number;
  end: number;
  label: string;
}
export interface ChartMarkers {
  points: PointMarker[];
  spans: SpanMarker[];
}

export interface MarkerRecords {
  meals?: readonly MealRecord[];
  insulin?: readonly InsulinRecord[];
  activities?: readonly ActivityRecord[];
  sleep?: readonly SleepRecord[];
}

/**
 * Turns meal, insulin, activity and sleep records into chart markers inside the window
 * [startSec, endSec]. Points outside the window are dropped; spans are clipped to it and
 * dropped when they do not overlap it. Records with unparseable times are dropped. Both lists
 * come back ordered by time.
 */
export function recordsToMarkers(
  records: MarkerRecords,
  startSec: number,
  endSec: number,
): ChartMarkers {
  const points: PointMarker[] = [];
  const spans: SpanMarker[] = [];

  const addPoint = (id: string, kind: PointMarkerKind, time: string, label: string) => {
    const x = toSeconds(time);
    if (x === null || x < startSec || x > endSec) return;
    points.push({ id, kind, x, label });
  };
  const addSpan = (id: string, kind: SpanMarkerKind, start: string, end: string, label: string) => {
    const s = toSeconds(start);
    const e = toSeconds(end);
    if (s === null || e === null || e < s || e < startSec || s > endSec) return;
    spans.push({ id, kind, start: Math.max(s, startSec), end: Math.min(e, endSec), label });
  };

  for (const m of records.meals ?? []) {
    addPoint(m.id, "meal", m.time, m.carbs != null ? `Meal, ${m.carbs} g carbs` : "Meal");
  }
  for (const i of records.insulin ?? []) {
    addPoint(i.id, "insulin", i.time, `Insulin, ${i.units} U${i.kind ? ` ${i.kind}` : ""}`);
  }
  for (const a of records.activities ?? []) {
    const detail = [a.type, a.intensity].filter(Boolean).join(", ");
    addSpan(a.id, "activity", a.start, a.end, detail ? `Activity: ${detail}` : "Activity");
  }
  for (const s of records.sleep ?? []) {
    addSpan(s.id, "sleep", s.start, s.end, s.quality != null ? `Sleep, quality ${s.quality}` : "Sleep");
  }

  points.sort((a, b) => a.x - b.x);
  spans.sort((a, b) => a.start - b.start);
  return { points, spans };
}

function toSeconds(iso: string): number | null {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

// ---------------------------------------------------------------------------------------------
// Summary (the text alternative to the canvas)

export interface ReadingsSummary {
  count: number;
  minMgdl: number | null;
  maxMgdl: number | null;
  /** Percentages of readings, rounded to whole numbers; null without readings. */
  lowPct: number | null;
  inRangePct: number | null;
  highPct: number | null;
}

/**
 * Counts, extremes and the share of readings low / in range / high. Shares are by reading
 * count, which equals share of time only for evenly spaced readings; that is good enough for
 * a caption, not for the AGP report.
 */
export function summarizeReadings(readings: readonly ReadingPoint[]): ReadingsSummary {
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  const n = { low: 0, "in-range": 0, high: 0 };
  for (const r of readings) {
    if (!Number.isFinite(r.value)) continue;
    count++;
    if (r.value < min) min = r.value;
    if (r.value > max) max = r.value;
    n[classifyGlucose(r.value)]++;
  }
  if (count === 0) {
    return { count, minMgdl: null, maxMgdl: null, lowPct: null, inRangePct: null, highPct: null };
  }
  const pct = (k: number) => Math.round((k / count) * 100);
  return {
    count,
    minMgdl: min,
    maxMgdl: max,
    lowPct: pct(n.low),
    inRangePct: pct(n["in-range"]),
    highPct: pct(n.high),
  };
}
