import { abovePercent } from "./above-percent.ts";
import { belowPercent } from "./below-percent.ts";

/** GRI zone: A (0–20, best) … E (> 80). */
export type GriZone = "A" | "B" | "C" | "D" | "E";

/**
 * Glycaemia risk index (0–100): 3.0 · VLow + 2.4 · Low + 1.6 · VHigh + 0.8 · High, in % of
 * readings, with VLow < 54, Low 54–< 70, High > 180–250, VHigh > 250 mg/dL; capped at 100.
 * Low and High exclude the very-low and very-high readings (iglu 4.3.0 does so too:
 * `below_70 − below_54`, `above_180 − above_250`).
 *
 * Reference: iglu `gri()`; Klonoff et al. (2023) A Glycemia Risk Index (GRI) of hypoglycemia and
 * hyperglycemia for continuous glucose monitoring validated by clinician ratings, J Diabetes Sci
 * Technol 17(5):1226–1242, doi:10.1177/19322968221085273. This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * gri([50, 100, 100, 200]); // => 3 · 25 + 0.8 · 25 = 95
 */
export function gri(values: ArrayLike<number>): number {
  const below = belowPercent(values, [54, 70]);
  const above = abovePercent(values, [180, 250]);
  const vlow = below.below_54;
  const low = below.below_70 - below.below_54;
  const vhigh = above.above_250;
  const high = above.above_180 - above.above_250;
  const out = 3 * vlow + 2.4 * low + 1.6 * vhigh + 0.8 * high;
  return out > 100 ? 100 : out;
}

/** The two components of the GRI grid (Klonoff et al. 2023, Fig. 4), in % of readings. */
export interface GriComponents {
  /** Hypoglycaemia component: VLow + 0.8 · Low (x axis of the grid). */
  hypo: number;
  /** Hyperglycaemia component: VHigh + 0.5 · High (y axis of the grid). */
  hyper: number;
  /** 3 · hypo + 1.6 · hyper, capped at 100: the same number as {@link gri}. */
  gri: number;
  zone: GriZone;
}

/**
 * GRI split into the hypoglycaemia and hyperglycaemia components that place a person on the GRI
 * grid: GRI = 3 · (VLow + 0.8 · Low) + 1.6 · (VHigh + 0.5 · High) = 3 · hypo + 1.6 · hyper, so the
 * zone boundaries are the lines 3 · hypo + 1.6 · hyper = 20, 40, 60, 80. Ranges as in {@link gri}.
 *
 * Reference: Klonoff et al. (2023), doi:10.1177/19322968221085273 (the GRI grid). This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * griComponents([50, 100, 100, 200]); // => { hypo: 25, hyper: 12.5, gri: 95, zone: "E" }
 */
export function griComponents(values: ArrayLike<number>): GriComponents {
  const below = belowPercent(values, [54, 70]);
  const above = abovePercent(values, [180, 250]);
  const hypo = below.below_54 + 0.8 * (below.below_70 - below.below_54);
  const hyper = above.above_250 + 0.5 * (above.above_180 - above.above_250);
  const value = Math.min(100, 3 * hypo + 1.6 * hyper);
  return { hypo, hyper, gri: value, zone: griZone(value) };
}

/** The GRI value at which each zone ends (A ≤ 20, B ≤ 40, C ≤ 60, D ≤ 80, E above). */
export const GRI_ZONE_LIMITS = [20, 40, 60, 80] as const;

/**
 * The GRI zone of a GRI value: A ≤ 20 < B ≤ 40 < C ≤ 60 < D ≤ 80 < E (Klonoff et al. 2023 define
 * the zones as the quintiles 0–20, 21–40, 41–60, 61–80, 81–100 of the 0–100 scale).
 *
 * @example
 * griZone(7.19); // => "A"
 * griZone(79.7); // => "D"
 */
export function griZone(value: number): GriZone {
  if (value <= 20) return "A";
  if (value <= 40) return "B";
  if (value <= 60) return "C";
  if (value <= 80) return "D";
  return "E";
}
