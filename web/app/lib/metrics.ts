/**
 * @module metrics
 * Consensus CGM metrics (Battelino et al. 2019, "International consensus on time in range")
 * shaped for display: the five stacked time-in-range segments with their targets, the
 * headline numbers (mean, GMI, CV) with the change from the previous period, and the metrics
 * table of the AGP report. Input is the API's metrics object (`/insights/dashboard`), whose
 * glucose values are already in the user's unit. Pure; unit-tested.
 */
import type { GlucoseUnit } from "./units.ts";

/** `current.metrics` of `GET /api/v1/insights/dashboard` (percentages 0–100). */
export interface ConsensusMetrics {
  readings: number;
  mean: number;
  sd: number;
  cv_percent: number;
  gmi_percent: number;
  below_54_percent: number;
  below_70_percent: number;
  in_range_percent: number;
  above_180_percent: number;
  above_250_percent: number;
  active_percent: number;
  /** Time in tight range, 70–140 mg/dL, and the GRI grid (absent from an older API). */
  tight_range_percent?: number;
  gri?: number;
  gri_hypo?: number;
  gri_hyper?: number;
  gri_zone?: "A" | "B" | "C" | "D" | "E";
}

export type TirBand = "very-low" | "low" | "in-range" | "high" | "very-high";

export interface TirSegment {
  band: TirBand;
  label: string;
  /** The range in the user's unit, e.g. "54–69 mg/dL" or "< 3.0 mmol/L". */
  range: string;
  /** Share of the time, 0–100, one decimal. */
  percent: number;
  /** The consensus goal for this band as text ("< 1 %"), or null when it has none alone. */
  target: string;
  /** Whether the goal is met (for low and high: their combined goal with the very band). */
  met: boolean;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

const BOUNDS: Record<GlucoseUnit, { v54: string; v69: string; v70: string; v180: string; v181: string; v250: string }> = {
  "mg/dL": { v54: "54", v69: "69", v70: "70", v180: "180", v181: "181", v250: "250" },
  "mmol/L": { v54: "3.0", v69: "3.8", v70: "3.9", v180: "10.0", v181: "10.1", v250: "13.9" },
};

/**
 * The five bands from the API's cumulative percentages (below 70 includes below 54; above 180
 * includes above 250). Segments always add up to the in-range complement; negative rounding
 * noise is clamped to 0.
 *
 * @example
 * tirSegments({ below_54_percent: 0.5, below_70_percent: 3, in_range_percent: 75, above_180_percent: 22, above_250_percent: 4, … }, "mg/dL")
 * // very-low 0.5, low 2.5, in-range 75, high 18, very-high 4
 */
export function tirSegments(m: Pick<ConsensusMetrics, "below_54_percent" | "below_70_percent" | "in_range_percent" | "above_180_percent" | "above_250_percent">, unit: GlucoseUnit): TirSegment[] {
  const b = BOUNDS[unit];
  const veryLow = Math.max(0, m.below_54_percent);
  const low = Math.max(0, m.below_70_percent - m.below_54_percent);
  const high = Math.max(0, m.above_180_percent - m.above_250_percent);
  const veryHigh = Math.max(0, m.above_250_percent);
  const tbr = m.below_70_percent;
  const tar = m.above_180_percent;
  return [
    { band: "very-high", label: "Very high", range: `> ${b.v250} ${unit}`, percent: r1(veryHigh), target: "< 5 %", met: veryHigh < 5 },
    { band: "high", label: "High", range: `${b.v181}–${b.v250} ${unit}`, percent: r1(high), target: "< 25 % with very high", met: tar < 25 },
    { band: "in-range", label: "In range", range: `${b.v70}–${b.v180} ${unit}`, percent: r1(Math.max(0, m.in_range_percent)), target: "> 70 %", met: m.in_range_percent > 70 },
    { band: "low", label: "Low", range: `${b.v54}–${b.v69} ${unit}`, percent: r1(low), target: "< 4 % with very low", met: tbr < 4 },
    { band: "very-low", label: "Very low", range: `< ${b.v54} ${unit}`, percent: r1(veryLow), target: "< 1 %", met: veryLow < 1 },
  ];
}

export interface Headline {
  key: "mean" | "gmi_percent" | "cv_percent";
  label: string;
  value: string;
  unit: string;
  /** "+0.4", "−12" or null when there is no previous period to compare with. */
  change: string | null;
  /** Whether the change is an improvement, for the word next to it (never colour alone). */
  better: boolean | null;
  note: string;
}

function signed(x: number, digits: number): string {
  const s = Math.abs(x).toFixed(digits);
  if (Number(s) === 0) return "±0";
  return x > 0 ? `+${s}` : `−${s}`;
}

/** Mean, GMI and CV with the change from the previous period (`changes` of the dashboard). */
export function headlines(m: ConsensusMetrics, changes: Partial<Record<string, number>>, unit: GlucoseUnit): Headline[] {
  const gd = unit === "mmol/L" ? 1 : 0;
  const change = (k: string, digits: number) => (changes[k] === undefined ? null : signed(changes[k], digits));
  // Lower is better for all three (mean: as long as it is not low; the TIR bar covers that).
  const better = (k: string) => (changes[k] === undefined || changes[k] === 0 ? null : changes[k] < 0);
  return [
    { key: "mean", label: "Mean glucose", value: m.mean.toFixed(gd), unit, change: change("mean", gd), better: better("mean"), note: "" },
    { key: "gmi_percent", label: "GMI", value: m.gmi_percent.toFixed(1), unit: "%", change: change("gmi_percent", 1), better: better("gmi_percent"), note: "Glucose management indicator: estimated HbA1c" },
    { key: "cv_percent", label: "Variability (CV)", value: m.cv_percent.toFixed(1), unit: "%", change: change("cv_percent", 1), better: better("cv_percent"), note: "Target 36 % or less" },
  ];
}

export interface MetricRow {
  label: string;
  value: string;
  target: string;
  /** null where the metric has no target. */
  met: boolean | null;
}

/**
 * The AGP report's metrics table. `days` is the period asked for, `daysWithData` how many of
 * them have readings; `readings` and the 5-minute CGM cadence give the sensor wear (share of
 * the expected readings that arrived).
 */
export function agpMetricRows(m: ConsensusMetrics, unit: GlucoseUnit, days: number, readings: number, daysWithData = days): MetricRow[] {
  const gd = unit === "mmol/L" ? 1 : 0;
  const wear = Math.min(100, (readings / (days * 288)) * 100);
  const seg = tirSegments(m, unit);
  const pct = (x: number) => `${r1(x).toFixed(1)} %`;
  const rows: MetricRow[] = [
    { label: "Days with CGM data", value: `${daysWithData} of ${days}`, target: "14 or more", met: daysWithData >= 14 },
    { label: "Sensor wear (readings received)", value: pct(wear), target: "> 70 %", met: wear > 70 },
    { label: "CGM active (from first to last reading)", value: pct(m.active_percent), target: "> 70 %", met: m.active_percent > 70 },
    ...seg.map((s) => ({ label: `${s.label} (${s.range})`, value: pct(s.percent), target: s.target, met: s.met })),
    { label: "Time below range (< " + (unit === "mmol/L" ? "3.9" : "70") + ` ${unit})`, value: pct(m.below_70_percent), target: "< 4 %", met: m.below_70_percent < 4 },
    { label: "Time above range (> " + (unit === "mmol/L" ? "10.0" : "180") + ` ${unit})`, value: pct(m.above_180_percent), target: "< 25 %", met: m.above_180_percent < 25 },
    ...(m.tight_range_percent === undefined
      ? []
      : [{ label: `Time in tight range (${unit === "mmol/L" ? "3.9–7.8" : "70–140"} ${unit})`, value: pct(m.tight_range_percent), target: "", met: null }]),
    { label: "Mean glucose", value: `${m.mean.toFixed(gd)} ${unit}`, target: "", met: null },
    { label: "GMI (estimated HbA1c)", value: `${m.gmi_percent.toFixed(1)} %`, target: "< 7 % for most adults", met: m.gmi_percent < 7 },
    { label: "Coefficient of variation (CV)", value: `${m.cv_percent.toFixed(1)} %`, target: "≤ 36 %", met: m.cv_percent <= 36 },
    ...(m.gri === undefined || m.gri_zone === undefined ? [] : [{ label: "Glycemia risk index (GRI)", value: `${m.gri.toFixed(1)} (zone ${m.gri_zone})`, target: "lower is better (zone A: 0–20)", met: null }]),
  ];
  return rows;
}
