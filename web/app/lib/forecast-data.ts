/**
 * @module forecast-data
 * `GET /api/v1/glucose/forecast` (mg/dL) → what the dashboard trace draws: the forecast line
 * from the last reading and its uncertainty cone, in the user's unit and epoch seconds. No
 * forecast (404, no predictions, no origin) → null, and the chart simply has no cone.
 */
import { convertGlucoseExact, type GlucoseUnit } from "./units.ts";

export interface ForecastInput {
  origin: { time: string; value: number } | null;
  predictions: readonly { minutes: number; time: string; value: number; lower: number; upper: number }[];
  model?: { name: string; description?: string | null } | null;
}

export interface ForecastOverlay {
  /** Epoch seconds, the origin first. */
  t: number[];
  value: number[];
  lower: number[];
  upper: number[];
  /** Last predicted time, epoch seconds: the chart's x axis extends to it. */
  endSec: number;
  /** One sentence for the caption and the chart's text alternative. */
  summary: string;
}

export function forecastOverlay(f: ForecastInput | null, unit: GlucoseUnit): ForecastOverlay | null {
  if (!f || !f.origin || f.predictions.length === 0) return null;
  const points = [...f.predictions].filter((p) => [p.value, p.lower, p.upper].every(Number.isFinite)).sort((a, b) => a.minutes - b.minutes);
  if (points.length === 0) return null;
  const o = convertGlucoseExact(f.origin.value, unit);
  const t = [Math.round(Date.parse(f.origin.time) / 1000), ...points.map((p) => Math.round(Date.parse(p.time) / 1000))];
  if (t.some((x) => !Number.isFinite(x))) return null;
  const conv = (x: number) => convertGlucoseExact(x, unit);
  const last = points[points.length - 1]!;
  const digits = unit === "mmol/L" ? 1 : 0;
  const show = (x: number) => conv(x).toFixed(digits);
  return {
    t,
    value: [o, ...points.map((p) => conv(p.value))],
    lower: [o, ...points.map((p) => conv(Math.min(p.lower, p.value)))],
    upper: [o, ...points.map((p) => conv(Math.max(p.upper, p.value)))],
    endSec: t[t.length - 1]!,
    summary: `Forecast for ${last.minutes} minutes ahead: about ${show(last.value)} ${unit} (likely between ${show(last.lower)} and ${show(last.upper)})${f.model?.name ? `, ${f.model.name}` : ""}.`,
  };
}
