/**
 * @module units
 * Glucose unit conversion, formatting and range classification. Every value the API returns
 * is in mg/dL; conversion to the user's unit happens only at display time, so classification
 * (low / in range / high) is always done on the mg/dL value.
 */

import { RANGE_MGDL } from "../../../vocabulary/ranges.ts";
import { GLUCOSE_UNITS, isGlucoseUnit, mgdlIn, roundTo, type GlucoseUnit } from "../../../vocabulary/units.ts";

export { GLUCOSE_UNITS, isGlucoseUnit, type GlucoseUnit };

/** Target range of the international consensus on time in range (Battelino 2019), mg/dL. */
export const TARGET_LOW_MGDL = RANGE_MGDL.low;
export const TARGET_HIGH_MGDL = RANGE_MGDL.high;

/**
 * Converts a mg/dL value to `unit`, rounded the way it is displayed: whole mg/dL, or mmol/L
 * to one decimal.
 *
 * @example
 * convertGlucose(100, "mmol/L"); // 5.5
 * convertGlucose(99.6, "mg/dL"); // 100
 */
export function convertGlucose(mgdl: number, unit: GlucoseUnit): number {
  if (unit === "mmol/L") return roundTo(mgdlIn(mgdl, unit), 1);
  return Math.round(mgdl);
}

/**
 * Like {@link convertGlucose} but unrounded, for chart coordinates (rounding there would turn
 * a smooth trace into steps).
 */
export function convertGlucoseExact(mgdl: number, unit: GlucoseUnit): number {
  return mgdlIn(mgdl, unit);
}

/**
 * Formats a mg/dL value in `unit` without the unit label: "101" or "5.6" (always one decimal
 * for mmol/L, so "5.0" not "5").
 */
export function formatGlucose(mgdl: number, unit: GlucoseUnit): string {
  const value = convertGlucose(mgdl, unit);
  return unit === "mmol/L" ? value.toFixed(1) : String(value);
}

export type GlucoseRange = "low" | "in-range" | "high";

/**
 * Classifies a mg/dL value against the 70–180 mg/dL target (both bounds in range).
 *
 * @example
 * classifyGlucose(69); // "low"
 * classifyGlucose(180); // "in-range"
 */
export function classifyGlucose(mgdl: number): GlucoseRange {
  if (mgdl < TARGET_LOW_MGDL) return "low";
  if (mgdl > TARGET_HIGH_MGDL) return "high";
  return "in-range";
}

/** Human label for a range; shown next to every coloured value so colour is never the only cue. */
export const RANGE_LABEL: Record<GlucoseRange, string> = {
  low: "Low",
  "in-range": "In range",
  high: "High",
};
