/**
 * @module trend
 * CGM trend directions (Dexcom's names, which the API passes through) as arrows and words.
 */

import { isMovingDirection, TREND_ARROWS, type MovingDirection } from "../../../vocabulary/trend.ts";

interface TrendInfo {
  arrow: string;
  /** Spoken/written description, for screen readers and the visible caption. */
  label: string;
}

/** Spoken/written description of each movement, for screen readers and the visible caption. */
const LABELS: Record<MovingDirection, string> = {
  DoubleUp: "Rising quickly",
  SingleUp: "Rising",
  FortyFiveUp: "Rising slowly",
  Flat: "Steady",
  FortyFiveDown: "Falling slowly",
  SingleDown: "Falling",
  DoubleDown: "Falling quickly",
};

/**
 * Looks up a trend. Unknown values and Dexcom's "NONE", "NOT COMPUTABLE" and
 * "RATE OUT OF RANGE" return null: no arrow is better than a wrong one.
 *
 * @example
 * trendInfo("FortyFiveUp"); // { arrow: "↗", label: "Rising slowly" }
 * trendInfo("NotComputable"); // null
 */
export function trendInfo(trend: string | null | undefined): TrendInfo | null {
  return isMovingDirection(trend) ? { arrow: TREND_ARROWS[trend], label: LABELS[trend] } : null;
}
