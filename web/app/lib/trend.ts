/**
 * @module trend
 * CGM trend directions (Dexcom's names, which the API passes through) as arrows and words.
 */

export type TrendDirection =
  | "DoubleUp"
  | "SingleUp"
  | "FortyFiveUp"
  | "Flat"
  | "FortyFiveDown"
  | "SingleDown"
  | "DoubleDown";

interface TrendInfo {
  arrow: string;
  /** Spoken/written description, for screen readers and the visible caption. */
  label: string;
}

const TRENDS: Record<TrendDirection, TrendInfo> = {
  DoubleUp: { arrow: "⇈", label: "Rising quickly" },
  SingleUp: { arrow: "↑", label: "Rising" },
  FortyFiveUp: { arrow: "↗", label: "Rising slowly" },
  Flat: { arrow: "→", label: "Steady" },
  FortyFiveDown: { arrow: "↘", label: "Falling slowly" },
  SingleDown: { arrow: "↓", label: "Falling" },
  DoubleDown: { arrow: "⇊", label: "Falling quickly" },
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
  if (!trend) return null;
  return Object.hasOwn(TRENDS, trend) ? TRENDS[trend as TrendDirection] : null;
}
