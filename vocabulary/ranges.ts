/**
 * @module vocabulary/ranges
 * The consensus glucose ranges and the glucose management indicator.
 *
 * Reference: Battelino et al. (2019) International consensus on time in range, Diabetes Care
 * 42(8):1593–1603, doi:10.2337/dci19-0028 (bands below 54, below 70, 70–180, above 180, above
 * 250 mg/dL); Battelino et al. (2023), doi:10.1016/S2213-8587(22)00319-9 (tight range 70–140).
 */

/** The band limits in mg/dL. */
export const RANGE_MGDL = {
  /** Level 2 hypoglycaemia below this. */
  veryLow: 54,
  /** Level 1 hypoglycaemia below this; the target range starts here. */
  low: 70,
  /** Upper end of the tight target range. */
  tightHigh: 140,
  /** The target range ends here (inclusive); level 1 hyperglycaemia above. */
  high: 180,
  /** Level 2 hyperglycaemia above this. */
  veryHigh: 250,
} as const;

/** Percent of readings in each consensus band (below 54 is part of below 70, above 250 of above 180). */
export interface ConsensusBands {
  below_54: number;
  below_70: number;
  in_range_70_180: number;
  above_180: number;
  above_250: number;
}

/**
 * Percent of `values` (mg/dL) in each consensus band, in one pass; iglu's `below_percent`,
 * `in_range_percent` and `above_percent` with the consensus targets.
 *
 * @example
 * consensusBands([50, 65, 100, 200, 300]); // => { below_54: 20, below_70: 40, in_range_70_180: 20, above_180: 40, above_250: 20 }
 */
export function consensusBands(values: ArrayLike<number>): ConsensusBands {
  const n = values.length;
  let b54 = 0;
  let b70 = 0;
  let tir = 0;
  let a180 = 0;
  let a250 = 0;
  for (let i = 0; i < n; i++) {
    const g = values[i];
    if (g < RANGE_MGDL.veryLow) b54++;
    if (g < RANGE_MGDL.low) b70++;
    if (g >= RANGE_MGDL.low && g <= RANGE_MGDL.high) tir++;
    if (g > RANGE_MGDL.high) a180++;
    if (g > RANGE_MGDL.veryHigh) a250++;
  }
  return {
    below_54: (b54 / n) * 100,
    below_70: (b70 / n) * 100,
    in_range_70_180: (tir / n) * 100,
    above_180: (a180 / n) * 100,
    above_250: (a250 / n) * 100,
  };
}

/**
 * Glucose management indicator (%): 3.31 + 0.02392 · mean glucose (mg/dL).
 *
 * Reference: Bergenstal et al. (2018) Glucose Management Indicator (GMI), Diabetes Care
 * 41(11):2275–2280, doi:10.2337/dc18-1581; iglu `gmi`.
 *
 * @example
 * gmiFromMean(154); // => 6.99368
 */
export const gmiFromMean = (meanMgdl: number) => 3.31 + 0.02392 * meanMgdl;
