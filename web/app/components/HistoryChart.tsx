/**
 * The history chart, in two modes:
 *
 * - "trace": the whole range as one line coloured by range, the target band, activity/sleep
 *   strips and meal/insulin ticks (the dashboard's drawing), with zoom by dragging across the
 *   plot and pan/zoom/reset buttons (keyboard accessible) that move the x scale.
 * - "overlay": every local day as its own line over 00:00–24:00, to compare days.
 *
 * It measures how long creating the chart and its first draw take (performance.now() around
 * the uPlot constructor, which runs setData, and the first `draw` hook) and writes the result
 * to `data-draw-ms` on the chart element and `window.glucolensDrawMs`.
 */
import { useCallback, useMemo, useRef, useState } from "react";
import type uPlot from "uplot";
import type { ChartMarkers, GlucoseColumns } from "#app/lib/chart-data.ts";
import { glucoseYRange, targetBand } from "#app/lib/chart-data.ts";
import { overlayColor, type DayOverlay } from "#app/lib/history-data.ts";
import type { GlucoseUnit } from "#app/lib/units.ts";
import { buildGlucoseOptions, CHART_COLORS } from "./GlucoseChart.tsx";
import { UPlotChart, type ChartOptions, type UPlotConstructor } from "./UPlotChart.tsx";

declare global {
  interface Window {
    glucolensDrawMs?: number[];
  }
}

/** Wraps an options factory so the first draw after construction is timed. */
function timed(build: (U: UPlotConstructor) => ChartOptions, onChart: (u: uPlot | null) => void) {
  return (U: UPlotConstructor): ChartOptions => {
    const opts = build(U);
    let t0: number | null = performance.now();
    const hooks = opts.hooks ?? {};
    return {
      ...opts,
      hooks: {
        ...hooks,
        ready: [...(hooks.ready ?? []), (u) => onChart(u)],
        destroy: [...(hooks.destroy ?? []), () => onChart(null)],
        draw: [
          ...(hooks.draw ?? []),
          (u) => {
            if (t0 === null) return;
            const ms = performance.now() - t0;
            t0 = null;
            u.root.parentElement?.setAttribute("data-draw-ms", ms.toFixed(1));
            (window.glucolensDrawMs ??= []).push(ms);
          },
        ],
      },
    };
  };
}

/** Meal/insulin ticks from 3 days down, activity/sleep strips from 14 days down. */
export const MARKER_MAX_SPAN = { points: 3 * 86_400 + 3600, spans: 14 * 86_400 + 3600 };

export function HistoryTraceChart({
  columns,
  markers,
  unit,
  timezone,
  locale,
  startSec,
  endSec,
  ariaLabel,
  height = 320,
}: {
  columns: GlucoseColumns;
  markers: ChartMarkers;
  unit: GlucoseUnit;
  timezone: string;
  locale: string;
  startSec: number;
  endSec: number;
  ariaLabel: string;
  height?: number;
}) {
  const chartRef = useRef<uPlot | null>(null);
  const [zoomed, setZoomed] = useState(false);
  const [yMin, yMax] = glucoseYRange(columns[1], unit);

  const onChart = useCallback((u: uPlot | null) => {
    chartRef.current = u;
  }, []);

  const options = useMemo(
    () =>
      timed((U) => {
        const base = buildGlucoseOptions(U, {
          unit,
          timezone,
          locale,
          startSec,
          endSec,
          yMin,
          yMax,
          markers,
          markerMaxSpan: MARKER_MAX_SPAN,
        });
        return {
          ...base,
          cursor: { drag: { x: true, y: false, setScale: true }, points: { size: 7 } },
          scales: {
            ...base.scales,
            x: {
              time: true,
              auto: false,
              min: startSec,
              max: endSec,
              range: (_u, min, max) => (min == null || max == null || !(max > min) ? [startSec, endSec] : [min, max]),
            },
          },
          hooks: {
            ...base.hooks,
            setScale: [
              (u, key) => {
                if (key !== "x") return;
                const { min, max } = u.scales.x;
                setZoomed(min != null && max != null && (min > startSec + 1 || max < endSec - 1));
              },
            ],
          },
        };
      }, onChart),
    [unit, timezone, locale, startSec, endSec, yMin, yMax, markers, onChart],
  );

  const move = (fraction: number) => {
    const u = chartRef.current;
    if (!u) return;
    const { min, max } = u.scales.x;
    if (min == null || max == null) return;
    const span = max - min;
    let lo = min + span * fraction;
    let hi = max + span * fraction;
    if (lo < startSec) [lo, hi] = [startSec, startSec + span];
    if (hi > endSec) [lo, hi] = [endSec - span, endSec];
    u.setScale("x", { min: lo, max: hi });
  };
  const zoom = (factor: number) => {
    const u = chartRef.current;
    if (!u) return;
    const { min, max } = u.scales.x;
    if (min == null || max == null) return;
    const mid = (min + max) / 2;
    const half = Math.min(((max - min) * factor) / 2, (endSec - startSec) / 2);
    const lo = Math.max(startSec, mid - half);
    const hi = Math.min(endSec, lo + half * 2);
    u.setScale("x", { min: Math.max(startSec, hi - half * 2), max: hi });
  };
  const reset = () => chartRef.current?.setScale("x", { min: startSec, max: endSec });

  return (
    <div>
      <div className="chart-controls" role="group" aria-label="Zoom and pan the chart">
        <button type="button" className="button button--secondary button--small" onClick={() => move(-0.5)} disabled={!zoomed}>
          <span aria-hidden="true">← </span>Earlier
        </button>
        <button type="button" className="button button--secondary button--small" onClick={() => move(0.5)} disabled={!zoomed}>
          Later<span aria-hidden="true"> →</span>
        </button>
        <button type="button" className="button button--secondary button--small" onClick={() => zoom(0.5)}>
          Zoom in
        </button>
        <button type="button" className="button button--secondary button--small" onClick={() => zoom(2)} disabled={!zoomed}>
          Zoom out
        </button>
        <button type="button" className="button button--ghost button--small" onClick={reset} disabled={!zoomed}>
          Show whole range
        </button>
      </div>
      <UPlotChart
        options={options}
        data={columns as unknown as uPlot.AlignedData}
        height={height}
        ariaLabel={ariaLabel}
        className="glucose-chart history-chart"
      />
    </div>
  );
}

export function HistoryOverlayChart({
  overlay,
  unit,
  ariaLabel,
  height = 320,
}: {
  overlay: DayOverlay;
  unit: GlucoseUnit;
  ariaLabel: string;
  height?: number;
}) {
  const ys = useMemo(() => overlay.days.flatMap((d) => d.y), [overlay]);
  const [yMin, yMax] = glucoseYRange(ys, unit);
  const data = useMemo(
    () => [overlay.x, ...overlay.days.map((d) => d.y)] as unknown as uPlot.AlignedData,
    [overlay],
  );
  const onChart = useCallback(() => {}, []);
  const options = useMemo(
    () =>
      timed((U) => {
        const [bandLow, bandHigh] = targetBand(unit);
        const px = U.pxRatio;
        const font = `${Math.round(12 * px)}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
        const decimals = unit === "mmol/L" ? 1 : 0;
        const hhmm = (s: number) => `${String(Math.floor(s / 3600) % 24).padStart(2, "0")}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}`;
        const n = overlay.days.length;
        return {
          cursor: { drag: { x: true, y: false, setScale: true }, points: { show: false } },
          legend: { show: n <= 14, live: false },
          scales: {
            x: { time: false, range: () => [0, 86_400] },
            y: { range: () => [yMin, yMax] },
          },
          axes: [
            {
              stroke: CHART_COLORS.axis,
              grid: { stroke: CHART_COLORS.grid, width: 1 },
              ticks: { stroke: CHART_COLORS.grid },
              font,
              space: 60,
              incrs: [3600, 7200, 10800, 21600],
              values: (_u, splits) => splits.map((s) => (s >= 86_400 ? "24:00" : hhmm(s))),
            },
            {
              label: unit,
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
            { label: "Time of day", value: (_u, v) => (v == null ? "–" : hhmm(v)) },
            ...overlay.days.map((d, i) => ({
              label: d.date,
              stroke: overlayColor(i, n),
              width: i === n - 1 ? 2.5 : n > 14 ? 1 : 1.5,
              alpha: i === n - 1 || n <= 7 ? 1 : 0.55,
              spanGaps: false,
              points: { show: false },
            })),
          ],
          hooks: {
            drawClear: [
              (u: uPlot) => {
                const { ctx } = u;
                const { left, width } = u.bbox;
                const yHigh = u.valToPos(bandHigh, "y", true);
                const yLow = u.valToPos(bandLow, "y", true);
                ctx.save();
                ctx.fillStyle = CHART_COLORS.band;
                ctx.fillRect(left, yHigh, width, yLow - yHigh);
                ctx.restore();
              },
            ],
          },
        } satisfies ChartOptions;
      }, onChart),
    [overlay, unit, yMin, yMax, onChart],
  );
  return <UPlotChart options={options} data={data} height={height} ariaLabel={ariaLabel} className="history-chart" />;
}
