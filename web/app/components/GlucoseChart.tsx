/**
 * The dashboard's glucose trace: one uPlot series coloured by range (red below 70 mg/dL,
 * green in range, amber above 180), the 70–180 target band, activity and sleep as shaded
 * strips and meals and insulin as labelled ticks. Every colour has a second cue: the band is
 * labelled, markers have distinct glyphs, and the text list under the chart repeats them.
 */
import { useMemo } from "react";
import type uPlot from "uplot";
import type { ChartMarkers, GlucoseColumns, PointMarkerKind, SpanMarkerKind } from "#app/lib/chart-data.ts";
import { glucoseYRange, isolatedPoints, targetBand } from "#app/lib/chart-data.ts";
import type { ForecastOverlay } from "#app/lib/forecast-data.ts";
import type { GlucoseUnit } from "#app/lib/units.ts";
import { UPlotChart, type ChartOptions, type UPlotConstructor } from "./UPlotChart.tsx";

/** Same hues as the CSS custom properties --low / --in-range / --high (≥ 4.5:1 on white). */
export const CHART_COLORS = {
  low: "#b42318",
  inRange: "#067647",
  high: "#b54708",
  band: "rgba(6, 118, 71, 0.09)",
  bandEdge: "rgba(6, 118, 71, 0.55)",
  grid: "#e4e7ec",
  axis: "#475467",
  forecast: "#344054",
  forecastCone: "rgba(71, 84, 103, 0.18)",
} as const;

export const POINT_MARKER_STYLE: Record<PointMarkerKind, { glyph: string; color: string; name: string }> = {
  meal: { glyph: "▲", color: "#6941c6", name: "Meal" },
  insulin: { glyph: "◆", color: "#175cd3", name: "Insulin" },
};
export const SPAN_MARKER_STYLE: Record<SpanMarkerKind, { fill: string; text: string; name: string }> = {
  activity: { fill: "rgba(247, 144, 9, 0.16)", text: "#93370d", name: "Activity" },
  sleep: { fill: "rgba(71, 84, 103, 0.14)", text: "#344054", name: "Sleep" },
};

export interface GlucoseChartProps {
  columns: GlucoseColumns;
  markers: ChartMarkers;
  unit: GlucoseUnit;
  timezone: string;
  /** BCP 47 locale for axis and legend times (the same one the server formats with). */
  locale: string;
  /** Window shown, epoch seconds; the x axis always spans it even where data is missing. */
  startSec: number;
  endSec: number;
  ariaLabel: string;
  height?: number;
  /** Forecast line and cone after the last reading; the x axis extends to its end. */
  forecast?: ForecastOverlay | null;
}

export function GlucoseChart({
  columns,
  markers,
  unit,
  timezone,
  locale,
  startSec,
  endSec,
  ariaLabel,
  height = 300,
  forecast = null,
}: GlucoseChartProps) {
  const [yMin, yMax] = glucoseYRange(forecast ? [...columns[1], ...forecast.upper] : columns[1], unit);
  const xEnd = forecast ? Math.max(endSec, forecast.endSec) : endSec;

  // The data go through setData; only what changes the chart's frame re-creates it.
  const options = useMemo(
    () => (U: UPlotConstructor) =>
      buildGlucoseOptions(U, { unit, timezone, locale, startSec, endSec: xEnd, yMin, yMax, markers, forecast }),
    [unit, timezone, locale, startSec, xEnd, yMin, yMax, markers, forecast],
  );

  return (
    <UPlotChart
      options={options}
      data={columns as unknown as uPlot.AlignedData}
      height={height}
      ariaLabel={ariaLabel}
      className="glucose-chart"
    />
  );
}

export function buildGlucoseOptions(
  U: UPlotConstructor,
  o: {
    unit: GlucoseUnit;
    timezone: string;
    locale: string;
    startSec: number;
    endSec: number;
    yMin: number;
    yMax: number;
    markers: ChartMarkers;
    /**
     * Widest visible x span (seconds) at which meal/insulin ticks and activity/sleep strips
     * are drawn; wider views (e.g. 90 days of history) would be a solid hatch. Default: always.
     */
    markerMaxSpan?: { points: number; spans: number };
    forecast?: ForecastOverlay | null;
  },
): ChartOptions {
  const [bandLow, bandHigh] = targetBand(o.unit);
  const decimals = o.unit === "mmol/L" ? 1 : 0;
  const px = U.pxRatio;
  const pointMax = o.markerMaxSpan?.points ?? Number.POSITIVE_INFINITY;
  const spanMax = o.markerMaxSpan?.spans ?? Number.POSITIVE_INFINITY;
  const font = `${Math.round(12 * px)}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;

  // uPlot's own date formats are English 12-hour; follow the user's locale instead.
  const clock = new Intl.DateTimeFormat(o.locale, { timeZone: o.timezone, hour: "numeric", minute: "2-digit" });
  const day = new Intl.DateTimeFormat(o.locale, { timeZone: o.timezone, day: "numeric", month: "short" });
  const full = new Intl.DateTimeFormat(o.locale, {
    timeZone: o.timezone,
    weekday: "short",
    hour: "numeric",
    minute: "2-digit",
  });
  const xLabels = (splits: number[]) => {
    // Ticks a day or more apart all sit at midnight: the date alone says it.
    if (splits.length > 1 && splits[1]! - splits[0]! >= 23 * 3600) return splits.map((sec) => day.format(new Date(sec * 1000)));
    let lastDay = "";
    return splits.map((sec) => {
      const date = new Date(sec * 1000);
      const d = day.format(date);
      const label = d !== lastDay ? `${clock.format(date)}\n${d}` : clock.format(date);
      lastDay = d;
      return label;
    });
  };

  return {
    // Puts ticks on whole hours of the user's zone, not the browser's.
    tzDate: (ts) => U.tzDate(new Date(ts * 1000), o.timezone),
    // The hour selector is the zoom; a fixed window keeps the band and markers stable.
    cursor: { drag: { x: false, y: false }, points: { size: 8 } },
    legend: { show: true, live: true },
    scales: {
      x: { time: true, range: () => [o.startSec, o.endSec] },
      y: { range: () => [o.yMin, o.yMax] },
    },
    axes: [
      {
        stroke: CHART_COLORS.axis,
        grid: { stroke: CHART_COLORS.grid, width: 1 },
        ticks: { stroke: CHART_COLORS.grid },
        font,
        size: 52,
        // Minimum CSS px between ticks: room for "12:40 PM" without labels touching.
        space: 80,
        values: (_u, splits) => xLabels(splits),
      },
      {
        label: o.unit,
        stroke: CHART_COLORS.axis,
        grid: { stroke: CHART_COLORS.grid, width: 1 },
        ticks: { stroke: CHART_COLORS.grid },
        font,
        labelFont: font,
        size: 48,
        values: (_u, splits) => splits.map((v) => v.toFixed(decimals)),
      },
    ],
    series: [
      { label: "Time", value: (_u, v) => (v == null ? "–" : full.format(new Date(v * 1000))) },
      {
        label: "Glucose",
        width: 2,
        spanGaps: false,
        // No dots on the line, but a reading with no neighbour to join is drawn as one.
        points: { show: false, size: 7, filter: (u, si) => isolatedPoints(u.data[si] as (number | null)[]), fill: (u) => rangeGradient(u, bandLow, bandHigh) },
        stroke: (u) => rangeGradient(u, bandLow, bandHigh),
        value: (_u, v) => (v == null ? "–" : `${v.toFixed(decimals)} ${o.unit}`),
      },
    ],
    hooks: {
      // Behind the series: the target band and the activity/sleep strips.
      drawClear: [(u) => drawBackground(u, bandLow, bandHigh, visibleSpan(u) <= spanMax ? o.markers : NO_SPANS, font, px)],
      // After the grid (so a grid line cannot hide them), before the series: the band edges.
      drawAxes: [(u) => drawBandEdges(u, bandLow, bandHigh, px)],
      // Above the series: meal and insulin ticks.
      draw: [
        (u) => (o.forecast ? drawForecast(u, o.forecast, px) : undefined),
        (u) => (visibleSpan(u) <= pointMax ? drawPointMarkers(u, o.markers, font, px) : undefined),
      ],
    },
  };
}

const NO_SPANS: ChartMarkers = { points: [], spans: [] };

function visibleSpan(u: uPlot): number {
  const { min, max } = u.scales.x;
  return min != null && max != null ? max - min : 0;
}

/** A vertical gradient with hard stops at the band edges, so the line changes colour exactly there. */
function rangeGradient(u: uPlot, low: number, high: number): CanvasGradient | string {
  // uPlot also asks for the stroke to colour the legend marker, before any layout exists.
  const { top, height } = u.bbox ?? {};
  if (!Number.isFinite(top) || !Number.isFinite(height) || height <= 0) return CHART_COLORS.inRange;
  const bottom = top + height;
  const g = u.ctx.createLinearGradient(0, bottom, 0, top);
  const stop = (v: number) => Math.min(1, Math.max(0, (bottom - u.valToPos(v, "y", true)) / height));
  const sLow = stop(low);
  const sHigh = stop(high);
  g.addColorStop(0, CHART_COLORS.low);
  g.addColorStop(sLow, CHART_COLORS.low);
  g.addColorStop(sLow, CHART_COLORS.inRange);
  g.addColorStop(sHigh, CHART_COLORS.inRange);
  g.addColorStop(sHigh, CHART_COLORS.high);
  g.addColorStop(1, CHART_COLORS.high);
  return g;
}

function drawBackground(
  u: uPlot,
  low: number,
  high: number,
  markers: ChartMarkers,
  font: string,
  px: number,
) {
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  const yHigh = u.valToPos(high, "y", true);
  const yLow = u.valToPos(low, "y", true);

  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();

  for (const span of markers.spans) {
    const x0 = u.valToPos(span.start, "x", true);
    const x1 = u.valToPos(span.end, "x", true);
    const style = SPAN_MARKER_STYLE[span.kind];
    ctx.fillStyle = style.fill;
    ctx.fillRect(x0, top, Math.max(x1 - x0, 2), height);
    // Label the strip only where the word fits; the key under the chart names it anyway.
    ctx.font = font;
    if (ctx.measureText(style.name).width + 8 * px <= x1 - x0) {
      ctx.fillStyle = style.text;
      ctx.textBaseline = "bottom";
      ctx.fillText(style.name, x0 + 4 * px, top + height - 4 * px);
    }
  }

  ctx.fillStyle = CHART_COLORS.band;
  ctx.fillRect(left, yHigh, width, yLow - yHigh);
  ctx.restore();
}

function drawBandEdges(u: uPlot, low: number, high: number, px: number) {
  const { ctx } = u;
  const { left, width } = u.bbox;
  ctx.save();
  ctx.strokeStyle = CHART_COLORS.bandEdge;
  ctx.lineWidth = px;
  ctx.setLineDash([4 * px, 4 * px]);
  for (const v of [low, high]) {
    const y = Math.round(u.valToPos(v, "y", true)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(left + width, y);
    ctx.stroke();
  }
  ctx.restore();
}

function drawPointMarkers(u: uPlot, markers: ChartMarkers, font: string, px: number) {
  if (markers.points.length === 0) return;
  const { ctx } = u;
  const { top, height } = u.bbox;
  ctx.save();
  ctx.font = font;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const { left, width } = u.bbox;
  for (const m of markers.points) {
    const x = Math.round(u.valToPos(m.x, "x", true)) + 0.5;
    // Zoomed views (history) scroll markers out of the plot: do not draw them over the axis.
    if (x < left || x > left + width) continue;
    const style = POINT_MARKER_STYLE[m.kind];
    ctx.strokeStyle = style.color;
    ctx.lineWidth = px;
    ctx.setLineDash([2 * px, 3 * px]);
    ctx.beginPath();
    ctx.moveTo(x, top + 16 * px);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = style.color;
    ctx.fillText(style.glyph, x, top + 2 * px);
  }
  ctx.restore();
}

/** The forecast: a translucent cone between lower and upper and a dashed line along the value. */
function drawForecast(u: uPlot, f: ForecastOverlay, px: number) {
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  const x = (t: number) => u.valToPos(t, "x", true);
  const y = (v: number) => u.valToPos(v, "y", true);
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.beginPath();
  f.t.forEach((t, i) => (i === 0 ? ctx.moveTo(x(t), y(f.upper[i]!)) : ctx.lineTo(x(t), y(f.upper[i]!))));
  for (let i = f.t.length - 1; i >= 0; i--) ctx.lineTo(x(f.t[i]!), y(f.lower[i]!));
  ctx.closePath();
  ctx.fillStyle = CHART_COLORS.forecastCone;
  ctx.fill();
  ctx.beginPath();
  f.t.forEach((t, i) => (i === 0 ? ctx.moveTo(x(t), y(f.value[i]!)) : ctx.lineTo(x(t), y(f.value[i]!))));
  ctx.strokeStyle = CHART_COLORS.forecast;
  ctx.lineWidth = 2 * px;
  ctx.setLineDash([6 * px, 4 * px]);
  ctx.stroke();
  ctx.restore();
}
