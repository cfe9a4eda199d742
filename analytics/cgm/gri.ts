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
