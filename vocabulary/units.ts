/**
 * @module vocabulary/units
 * Glucose units and their conversion. Every stored value is mg/dL; mmol/L exists only at the
 * edges (what a client sends, what a user reads).
 */

export type GlucoseUnit = "mg/dL" | "mmol/L";

/** The two units, in the order forms and enums list them. */
export const GLUCOSE_UNITS = ["mg/dL", "mmol/L"] as const satisfies readonly GlucoseUnit[];

/** mg/dL per mmol/L for glucose: the molar mass of glucose (180.16 g/mol) divided by 10. */
export const MGDL_PER_MMOL = 18.0182;

export function isGlucoseUnit(value: unknown): value is GlucoseUnit {
  return value === "mg/dL" || value === "mmol/L";
}

/** Rounds to `digits` decimals (half away from zero for the positive values glucose has). */
export const roundTo = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * A value in `unit` as mg/dL, unrounded.
 *
 * @example
 * mgdlFrom(5.6, "mmol/L"); // => 100.90192
 */
export const mgdlFrom = (value: number, unit: GlucoseUnit) => (unit === "mmol/L" ? value * MGDL_PER_MMOL : value);

/**
 * A mg/dL value in `unit`, unrounded (chart coordinates; rounding there turns a trace into steps).
 *
 * @example
 * mgdlIn(100, "mmol/L"); // => 5.5499…
 */
export const mgdlIn = (mgdl: number, unit: GlucoseUnit) => (unit === "mmol/L" ? mgdl / MGDL_PER_MMOL : mgdl);

/**
 * A mg/dL value as mmol/L text with one decimal ("5.0", not "5"), as Nightscout's
 * `units.mgdlToMMOL` writes it.
 */
export const mmolText = (mgdl: number) => roundTo(mgdl / MGDL_PER_MMOL, 1).toFixed(1);

/**
 * HbA1c from IFCC mmol/mol to NGSP %, rounded to two decimals (NGSP = 0.09148 × IFCC + 2.152,
 * the IFCC–NGSP master equation).
 *
 * @example
 * hba1cPercentFromMmolMol(48); // => 6.54
 */
export const hba1cPercentFromMmolMol = (mmolMol: number) => Math.round((0.09148 * mmolMol + 2.152) * 100) / 100;
