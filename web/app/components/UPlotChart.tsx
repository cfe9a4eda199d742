/**
 * The one React wrapper around uPlot. It owns the chart's lifecycle:
 *
 * - uPlot touches `window` at import time, so it is loaded with `import("uplot")` inside an
 *   effect: the server renders an empty, correctly sized box and the chart appears after
 *   hydration (the CSS comes from `uplotCssHref`, which routes put in `links`).
 * - `options` (or the factory that builds them from the uPlot constructor) create the chart;
 *   a new `options` identity destroys and recreates it, so callers memoize them.
 * - new `data` goes through `setData`, never a re-create.
 * - a ResizeObserver on the container calls `setSize` so the chart follows the layout
 *   (375 px phones to desktop).
 * - `destroy()` on unmount, including when unmounting before the import finished.
 *
 * The canvas is not accessible; give the chart an `ariaLabel` and put the same information
 * in text next to it.
 */
import { useEffect, useRef } from "react";
import type uPlot from "uplot";
import uplotCssHref from "uplot/dist/uPlot.min.css?url";

export { uplotCssHref };

export type UPlotConstructor = typeof uPlot;
export type ChartOptions = Omit<uPlot.Options, "width" | "height">;

export interface UPlotChartProps {
  /** Options, or a factory receiving the uPlot constructor (for `uPlot.tzDate`, `uPlot.pxRatio`…). */
  options: ChartOptions | ((U: UPlotConstructor) => ChartOptions);
  data: uPlot.AlignedData;
  /** Height of the plot in CSS pixels (uPlot's legend, when shown, comes below it). */
  height?: number;
  /** Text alternative for the canvas. */
  ariaLabel: string;
  className?: string;
}

export function UPlotChart({ options, data, height = 300, ariaLabel, className }: UPlotChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<uPlot | null>(null);
  // The chart may be created after `data` changed again (the import is async): always start
  // from the latest data.
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    let cancelled = false;
    let chart: uPlot | null = null;
    let observer: ResizeObserver | null = null;

    import("uplot")
      .catch((err: unknown) => {
        console.error("UPlotChart: failed to load uPlot", err);
        return null;
      })
      .then((mod) => {
        if (cancelled || !mod) return;
        const UPlot = mod.default;
        const opts = typeof options === "function" ? options(UPlot) : options;
        chart = new UPlot({ ...opts, width: Math.max(1, Math.floor(el.clientWidth)), height }, dataRef.current, el);
        chartRef.current = chart;
        observer = new ResizeObserver((entries) => {
          const width = Math.floor(entries[0]?.contentRect.width ?? 0);
          if (chart && width > 0 && width !== chart.width) chart.setSize({ width, height });
        });
        observer.observe(el);
      })
      .catch((err: unknown) => console.error("UPlotChart: failed to create the chart", err));

    return () => {
      cancelled = true;
      observer?.disconnect();
      chart?.destroy();
      chartRef.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    const chart = chartRef.current;
    if (chart && chart.data !== data) chart.setData(data);
  }, [data]);

  return (
    <div
      ref={containerRef}
      className={className ? `uplot-chart ${className}` : "uplot-chart"}
      role="img"
      aria-label={ariaLabel}
      style={{ minHeight: height }}
    />
  );
}
