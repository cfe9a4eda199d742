import { belowPercent } from "./below-percent.ts";
import { inRangePercent } from "./in-range-percent.ts";
import { sdGlu } from "./sd-glu.ts";

function weightFeature(feature: number, lo: number, hi: number, weight: number, increasing: boolean): number {
  const v = increasing ? (feature > lo ? (feature - lo) / (hi - lo) : 0) : feature < hi ? (feature - hi) / (lo - hi) : 0;
  return Math.min(v, 1) * weight;
}

/**
 * Continuous glucose monitoring index (0–100):
 * 100 · (w1 · TIR/100 + w2 · max(0, (15 − TBR)/15) + w3 · max(0, (108 − SD)/90)), each term capped
 * at its weight, with TIR = % in [targets], TBR = % below targets[0], weights (0.5, 0.35, 0.15).
 *
 * Reference: iglu `cogi(data, targets = c(70, 180), weights = c(.5, .35, .15))`;
 * Leelarathna et al. (2020) Evaluating glucose control with a novel composite continuous glucose
 * monitoring index, J Diabetes Sci Technol 14(2):277–284, doi:10.1177/1932296819838525.
 * This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * cogi([100, 120, 140, 160]); // => 50 + 35 + 15 · (108 − SD) / 90
 */
export function cogi(values: ArrayLike<number>, targets: readonly [number, number] = [70, 180], weights: readonly [number, number, number] = [0.5, 0.35, 0.15]): number {
  const [lo, hi] = [Math.min(targets[0], targets[1]), Math.max(targets[0], targets[1])];
  const ir = Object.values(inRangePercent(values, [[lo, hi]]))[0];
  const br = belowPercent(values, [lo])[`below_${lo}`];
  const sd = sdGlu(values);
  const w = weightFeature(ir, 0, 100, weights[0], true) + weightFeature(br, 0, 15, weights[1], false) + weightFeature(sd, 18, 108, weights[2], false);
  return w * 100;
}
