/**
 * @module gri-grid
 * The Glycemia Risk Index grid (Klonoff et al., J Diabetes Sci Technol 2023;17(5):1226–1242,
 * Fig. 4) as SVG geometry: hypoglycaemia component on x (0–30 %), hyperglycaemia component on y
 * (0–60 %), zones A–E bounded by the lines 3 · x + 1.6 · y = 20, 40, 60, 80 (GRI = 3 · hypo +
 * 1.6 · hyper). A point beyond the grid is drawn at its edge and says so. Pure; unit-tested.
 */

export const GRI_X_MAX = 30;
export const GRI_Y_MAX = 60;
export const GRI_ZONES = [
  { zone: "A", range: "0–20", limit: 20 },
  { zone: "B", range: "21–40", limit: 40 },
  { zone: "C", range: "41–60", limit: 60 },
  { zone: "D", range: "61–80", limit: 80 },
  { zone: "E", range: "81–100", limit: Infinity },
] as const;

export interface GriGeometry {
  /** One polygon per zone, E (the whole grid) first so the later ones paint over it. */
  zones: { zone: string; points: string }[];
  /** Zone boundary lines (GRI 20, 40, 60, 80). */
  lines: { x1: number; y1: number; x2: number; y2: number }[];
  xTicks: { value: number; x: number }[];
  yTicks: { value: number; y: number }[];
  point: { x: number; y: number; clamped: boolean } | null;
}

/** The grid in a `width` × `height` box (y down), with the point of `hypo`, `hyper` (% of readings). */
export function griGeometry(width: number, height: number, point: { hypo: number; hyper: number } | null): GriGeometry {
  const X = (v: number) => Math.round(((width * Math.min(v, GRI_X_MAX)) / GRI_X_MAX) * 10) / 10;
  const Y = (v: number) => Math.round((height - (height * Math.min(v, GRI_Y_MAX)) / GRI_Y_MAX) * 10) / 10;
  const triangle = (limit: number) => `${X(0)},${Y(0)} ${X(limit / 3)},${Y(0)} ${X(0)},${Y(limit / 1.6)}`;
  const zones = [
    { zone: "E", points: `0,0 ${width},0 ${width},${height} 0,${height}` },
    ...GRI_ZONES.slice(0, 4)
      .reverse()
      .map((z) => ({ zone: z.zone, points: triangle(z.limit) })),
  ];
  return {
    zones,
    lines: GRI_ZONES.slice(0, 4).map((z) => ({ x1: X(z.limit / 3), y1: Y(0), x2: X(0), y2: Y(z.limit / 1.6) })),
    xTicks: [0, 5, 10, 15, 20, 25, 30].map((value) => ({ value, x: X(value) })),
    yTicks: [0, 10, 20, 30, 40, 50, 60].map((value) => ({ value, y: Y(value) })),
    point: point ? { x: X(Math.max(0, point.hypo)), y: Y(Math.max(0, point.hyper)), clamped: point.hypo > GRI_X_MAX || point.hyper > GRI_Y_MAX } : null,
  };
}

/** "GRI 23.4, zone B (21–40): hypoglycaemia component 1.2 %, hyperglycaemia component 12.3 %". */
export function griSentence(m: { gri: number; gri_zone: string; gri_hypo: number; gri_hyper: number }): string {
  const z = GRI_ZONES.find((x) => x.zone === m.gri_zone);
  return `GRI ${m.gri.toFixed(1)}, zone ${m.gri_zone}${z ? ` (${z.range})` : ""}: hypoglycemia component ${m.gri_hypo.toFixed(1)} %, hyperglycemia component ${m.gri_hyper.toFixed(1)} %.`;
}
