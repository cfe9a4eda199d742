/**
 * @module agp-data
 * Shapes the AGP report: `GET /api/v1/insights/agp` (percentile columns by 15-minute bin of the
 * local day, in the user's unit, `null` where a bin has no reading) into SVG paths for the
 * 5–95 % and 25–75 % bands and the median, and `GET /api/v1/glucose/series` (epoch s, mg/dL)
 * into one small trace per local day. The charts are SVG: a few hundred points each, crisp in
 * print and with no chart library to load. Pure; unit-tested.
 */
import { addDays, zonedMidnight } from "./records.ts";
import { convertGlucoseExact, TARGET_HIGH_MGDL, TARGET_LOW_MGDL, type GlucoseUnit } from "./units.ts";

export interface AgpColumns {
  minute: readonly number[];
  p5: readonly (number | null)[];
  p25: readonly (number | null)[];
  p50: readonly (number | null)[];
  p75: readonly (number | null)[];
  p95: readonly (number | null)[];
}

export interface Frame {
  width: number;
  height: number;
  yMin: number;
  yMax: number;
}

/** y axis of the AGP: at least 40–300 mg/dL (2.2–16.7 mmol/L), wider when p95/p5 leave it. */
export function agpYRange(agp: AgpColumns, unit: GlucoseUnit): [number, number] {
  let lo = convertGlucoseExact(40, unit);
  let hi = convertGlucoseExact(300, unit);
  for (const v of agp.p95) if (v !== null && v > hi) hi = v;
  for (const v of agp.p5) if (v !== null && v < lo) lo = v;
  return [Math.max(0, lo), hi];
}

const fx = (minute: number, f: Frame) => (minute / 1440) * f.width;
const fy = (v: number, f: Frame) => f.height - ((v - f.yMin) / (f.yMax - f.yMin)) * f.height;
const n1 = (x: number) => Math.round(x * 10) / 10;

/** Runs of consecutive bins where every one of `cols` has a value. */
function runs(n: number, ...cols: (readonly (number | null)[])[]): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const ok = i < n && cols.every((c) => c[i] !== null && c[i] !== undefined);
    if (ok && start < 0) start = i;
    if (!ok && start >= 0) {
      out.push([start, i - 1]);
      start = -1;
    }
  }
  return out;
}

/**
 * One closed SVG path (several subpaths where bins are empty) between `lower` and `upper`: along
 * the upper edge left to right, back along the lower edge. Bins are drawn at their centre; a
 * lone bin becomes a bar of one bin's width so it stays visible.
 */
export function bandPath(agp: AgpColumns, lower: readonly (number | null)[], upper: readonly (number | null)[], f: Frame, binMinutes = 15): string {
  const n = agp.minute.length;
  const parts: string[] = [];
  for (const [a, b] of runs(n, lower, upper)) {
    const xs = (i: number) => n1(fx(agp.minute[i]! + binMinutes / 2, f));
    const pts: string[] = [];
    const half = n1(fx(binMinutes / 2, f));
    if (a === b) {
      const x = xs(a);
      parts.push(`M${n1(x - half)},${n1(fy(upper[a]!, f))}H${n1(x + half)}V${n1(fy(lower[a]!, f))}H${n1(x - half)}Z`);
      continue;
    }
    for (let i = a; i <= b; i++) pts.push(`${xs(i)},${n1(fy(upper[i]!, f))}`);
    for (let i = b; i >= a; i--) pts.push(`${xs(i)},${n1(fy(lower[i]!, f))}`);
    parts.push(`M${pts.join("L")}Z`);
  }
  return parts.join("");
}

/** The median as an open path, broken where bins are empty. */
export function linePath(agp: AgpColumns, values: readonly (number | null)[], f: Frame, binMinutes = 15): string {
  const parts: string[] = [];
  for (const [a, b] of runs(agp.minute.length, values)) {
    const pts: string[] = [];
    for (let i = a; i <= b; i++) pts.push(`${n1(fx(agp.minute[i]! + binMinutes / 2, f))},${n1(fy(values[i]!, f))}`);
    if (a === b) pts.push(`${n1(fx(agp.minute[a]! + binMinutes, f))},${n1(fy(values[a]!, f))}`);
    parts.push(`M${pts.join("L")}`);
  }
  return parts.join("");
}

export interface AgpPaths {
  outer: string;
  inner: string;
  median: string;
  /** The 70–180 mg/dL target band as y coordinates (top, bottom). */
  target: [number, number];
  /** Horizontal grid lines: value and y. */
  yTicks: { value: number; y: number }[];
  /** Whether any bin has data. */
  hasData: boolean;
}

export function agpPaths(agp: AgpColumns, unit: GlucoseUnit, f: Omit<Frame, "yMin" | "yMax">): AgpPaths {
  const [yMin, yMax] = agpYRange(agp, unit);
  const frame: Frame = { ...f, yMin, yMax };
  const step = unit === "mmol/L" ? 5 : 50;
  const yTicks: { value: number; y: number }[] = [];
  for (let v = Math.ceil(yMin / step) * step; v <= yMax; v += step) yTicks.push({ value: v, y: n1(fy(v, frame)) });
  return {
    outer: bandPath(agp, agp.p5, agp.p95, frame),
    inner: bandPath(agp, agp.p25, agp.p75, frame),
    median: linePath(agp, agp.p50, frame),
    target: [n1(fy(convertGlucoseExact(TARGET_HIGH_MGDL, unit), frame)), n1(fy(convertGlucoseExact(TARGET_LOW_MGDL, unit), frame))],
    yTicks,
    hasData: agp.p50.some((v) => v !== null),
  };
}

export interface DayTrace {
  /** Local date, YYYY-MM-DD. */
  date: string;
  readings: number;
  /** SVG path of the day's trace in a `width` × `height` box (breaks at gaps > 15 min). */
  path: string;
  /** Share of the day's readings in 70–180 mg/dL, 0–100 (null without readings). */
  inRangePercent: number | null;
}

/**
 * Splits a series into local days `firstDate` … `firstDate + days − 1` and draws each over
 * 00:00–24:00 (a 23- or 25-hour DST day is drawn on its own length). Values are clamped to the
 * frame. O(n + days) with one time-zone conversion per day, not per reading.
 */
export function dailyTraces(
  series: { t: readonly number[]; v: readonly number[] },
  firstDate: string,
  days: number,
  timeZone: string,
  unit: GlucoseUnit,
  f: { width: number; height: number; yMin: number; yMax: number },
  gapSeconds = 15 * 60,
): DayTrace[] {
  const dates = Array.from({ length: days }, (_, i) => addDays(firstDate, i));
  const bounds = [...dates, addDays(firstDate, days)].map((d) => zonedMidnight(d, timeZone) / 1000);
  const order = Array.from({ length: Math.min(series.t.length, series.v.length) }, (_, i) => i);
  if (order.some((i) => i > 0 && series.t[i]! < series.t[i - 1]!)) order.sort((a, b) => series.t[a]! - series.t[b]!);
  const out: DayTrace[] = [];
  let k = 0;
  for (let d = 0; d < days; d++) {
    const start = bounds[d]!;
    const end = bounds[d + 1]!;
    const span = end - start;
    while (k < order.length && series.t[order[k]!]! < start) k++;
    const parts: string[] = [];
    let prevT = -Infinity;
    let count = 0;
    let inRange = 0;
    while (k < order.length && series.t[order[k]!]! < end) {
      const t = series.t[order[k]!]!;
      const mg = series.v[order[k]!]!;
      k++;
      if (!Number.isFinite(mg)) continue;
      count++;
      if (mg >= TARGET_LOW_MGDL && mg <= TARGET_HIGH_MGDL) inRange++;
      const v = Math.min(f.yMax, Math.max(f.yMin, convertGlucoseExact(mg, unit)));
      const x = n1(((t - start) / span) * f.width);
      const y = n1(f.height - ((v - f.yMin) / (f.yMax - f.yMin)) * f.height);
      parts.push(`${t - prevT > gapSeconds ? "M" : "L"}${x},${y}`);
      prevT = t;
    }
    out.push({ date: dates[d]!, readings: count, path: parts.join(""), inRangePercent: count ? Math.round((inRange / count) * 1000) / 10 : null });
  }
  return out;
}

/** "00:00"…"24:00" ticks every `everyHours` for the AGP x axis. */
export function hourTicks(everyHours: number, width: number): { label: string; x: number }[] {
  const out: { label: string; x: number }[] = [];
  for (let h = 0; h <= 24; h += everyHours) out.push({ label: `${String(h).padStart(2, "0")}:00`, x: n1((h / 24) * width) });
  return out;
}

/** The frame of the small daily traces (40–300 mg/dL in `unit`) and the y of the target band's top and bottom in it. */
export function dayTraceFrame(unit: GlucoseUnit, plot: { width: number; height: number }): { frame: Frame; target: [number, number] } {
  const frame = { ...plot, yMin: convertGlucoseExact(40, unit), yMax: convertGlucoseExact(300, unit) };
  const y = (mg: number) => Math.round((plot.height - ((convertGlucoseExact(mg, unit) - frame.yMin) / (frame.yMax - frame.yMin)) * plot.height) * 10) / 10;
  return { frame, target: [y(TARGET_HIGH_MGDL), y(TARGET_LOW_MGDL)] };
}
