/**
 * Charts of the pattern page (uPlot through UPlotChart):
 * - MotifChart: every occurrence of a recurring shape overlaid on one chart (x = minutes from
 *   its start), with their average drawn thick and dark on top; the legend names each occurrence
 *   by its local date and time, and the list under the chart repeats them.
 * - AnomalyChart: the unusual stretch in its context (the hours around it), drawn thick over the
 *   thin context line, plus the most similar other stretch as a dashed line on a second chart.
 * The canvas is not accessible: callers give an aria-label and the same facts in text.
 */
import { useMemo } from "react";
import type uPlot from "uplot";
import { targetBand } from "#app/lib/chart-data.ts";
import type { GlucoseUnit } from "#app/lib/units.ts";
import { UPlotChart, type ChartOptions, type UPlotConstructor } from "./UPlotChart.tsx";

/** Okabe–Ito-like hues, all ≥ 3:1 on white; dashes vary too, so lines differ without colour. */
const OCCURRENCE_COLORS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#b58a00", "#56677a", "#7b3294", "#a6611a"];
const DASHES: (number[] | undefined)[] = [undefined, [8, 4], [2, 3], [10, 3, 2, 3]];
const AXIS = "#475467";
const GRID = "#e4e7ec";

const font = (U: UPlotConstructor) => `${Math.round(12 * U.pxRatio)}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;

function yAxis(U: UPlotConstructor, unit: GlucoseUnit): uPlot.Axis {
  return { label: unit, stroke: AXIS, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID }, font: font(U), labelFont: font(U), size: 48, values: (_u, s) => s.map((v) => v.toFixed(unit === "mmol/L" ? 1 : 0)) };
}

/** The 70–180 band behind the lines (labelled in the text; the band is not a colour-only cue). */
function bandHook(unit: GlucoseUnit) {
  const [lo, hi] = targetBand(unit);
  return (u: uPlot) => {
    const ctx = u.ctx;
    // Clipped to the plot: the band may reach beyond the y range.
    const top = Math.max(u.bbox.top, u.valToPos(hi, "y", true));
    const bottom = Math.min(u.bbox.top + u.bbox.height, u.valToPos(lo, "y", true));
    if (bottom <= top) return;
    ctx.save();
    ctx.fillStyle = "rgba(6, 118, 71, 0.08)";
    ctx.fillRect(u.bbox.left, top, u.bbox.width, bottom - top);
    ctx.restore();
  };
}

/** The y range always shows the whole target band, so lines read against it. */
function yScale(unit: GlucoseUnit): uPlot.Scale {
  const [lo, hi] = targetBand(unit);
  const pad = unit === "mmol/L" ? 1 : 20;
  return { range: (_u, min, max) => [Math.min(min ?? lo, lo) - pad, Math.max(max ?? hi, hi) + pad] };
}

const fmt = (unit: GlucoseUnit) => (_u: uPlot, v: number | null) => (v == null || Number.isNaN(v) ? "–" : `${v.toFixed(unit === "mmol/L" ? 1 : 0)} ${unit}`);

export function MotifChart({ columns, labels, unit, ariaLabel }: { columns: number[][]; labels: string[]; unit: GlucoseUnit; ariaLabel: string }) {
  // columns: [minutes, mean, ...occurrences]
  const options = useMemo(
    () =>
      (U: UPlotConstructor): ChartOptions => ({
        cursor: { drag: { x: false, y: false } },
        legend: { show: true, live: true },
        scales: { x: { time: false }, y: yScale(unit) },
        axes: [
          { label: "minutes from the start", stroke: AXIS, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID }, font: font(U), labelFont: font(U), values: (_u, s) => s.map((v) => `${v}`) },
          yAxis(U, unit),
        ],
        series: [
          { label: "Minute", value: (_u, v) => (v == null ? "–" : `+${v} min`) },
          { label: "Average", stroke: "#101828", width: 4, points: { show: false }, value: fmt(unit) },
          ...labels.map((label, i) => ({
            label,
            stroke: OCCURRENCE_COLORS[i % OCCURRENCE_COLORS.length],
            width: 1.75,
            dash: DASHES[Math.floor(i / OCCURRENCE_COLORS.length) % DASHES.length] ?? DASHES[i % DASHES.length],
            points: { show: false },
            value: fmt(unit),
          })),
        ],
        hooks: { drawClear: [bandHook(unit)] },
      }),
    [labels, unit],
  );
  return <UPlotChart options={options} data={columns as unknown as uPlot.AlignedData} height={280} ariaLabel={ariaLabel} className="pattern-chart" />;
}

export function AnomalyChart({ columns, unit, timezone, ariaLabel }: { columns: [number[], (number | null)[], (number | null)[]]; unit: GlucoseUnit; timezone: string; ariaLabel: string }) {
  const options = useMemo(
    () =>
      (U: UPlotConstructor): ChartOptions => {
        const clock = new Intl.DateTimeFormat("en-GB", { timeZone: timezone, hour: "2-digit", minute: "2-digit" });
        const full = new Intl.DateTimeFormat("en-GB", { timeZone: timezone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
        return {
          tzDate: (ts) => U.tzDate(new Date(ts * 1000), timezone),
          scales: { y: yScale(unit) },
          cursor: { drag: { x: false, y: false } },
          legend: { show: true, live: true },
          axes: [
            { stroke: AXIS, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID }, font: font(U), space: 70, values: (_u, s) => s.map((v) => clock.format(new Date(v * 1000))) },
            yAxis(U, unit),
          ],
          series: [
            { label: "Time", value: (_u, v) => (v == null ? "–" : full.format(new Date(v * 1000))) },
            { label: "Around it", stroke: "#667085", width: 1.5, spanGaps: false, points: { show: false }, value: fmt(unit) },
            { label: "The unusual stretch", stroke: "#b42318", width: 4, spanGaps: false, points: { show: false }, value: fmt(unit) },
          ],
          hooks: { drawClear: [bandHook(unit)] },
        };
      },
    [unit, timezone],
  );
  return <UPlotChart options={options} data={columns as unknown as uPlot.AlignedData} height={260} ariaLabel={ariaLabel} className="pattern-chart" />;
}

export function CompareChart({ minutes, series, unit, ariaLabel }: { minutes: number[]; series: { label: string; values: number[] }[]; unit: GlucoseUnit; ariaLabel: string }) {
  const options = useMemo(
    () =>
      (U: UPlotConstructor): ChartOptions => ({
        cursor: { drag: { x: false, y: false } },
        legend: { show: true, live: true },
        scales: { x: { time: false }, y: yScale(unit) },
        axes: [
          { label: "minutes from the start", stroke: AXIS, grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID }, font: font(U), labelFont: font(U) },
          yAxis(U, unit),
        ],
        series: [
          { label: "Minute", value: (_u, v) => (v == null ? "–" : `+${v} min`) },
          ...series.map((s, i) => ({ label: s.label, stroke: i === 0 ? "#b42318" : "#0072b2", width: i === 0 ? 3.5 : 2, dash: i === 0 ? undefined : [8, 5], points: { show: false }, value: fmt(unit) })),
        ],
        hooks: { drawClear: [bandHook(unit)] },
      }),
    [series, unit],
  );
  const data = useMemo(() => [minutes, ...series.map((s) => s.values)] as unknown as uPlot.AlignedData, [minutes, series]);
  return <UPlotChart options={options} data={data} height={240} ariaLabel={ariaLabel} className="pattern-chart" />;
}
