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
 * A glucose value in mg/dL expressed in `unit` at display precision: one decimal in either unit
 * (mg/dL keeps 0.1, mmol/L 1 decimal). What the API answers and alert sentences show.
 *
 * @example
 * glucoseIn(63, "mmol/L"); // => 3.5
 */
export const glucoseIn = (mgdl: number, unit: GlucoseUnit) => roundTo(mgdlIn(mgdl, unit), 1);

/**
 * A rate in mg/dL/min expressed in `unit` per minute (mg/dL 1 decimal, mmol/L 2).
 *
 * @example
 * rateIn(-2.1, "mmol/L"); // => -0.12
 */
export const rateIn = (mgdlPerMin: number, unit: GlucoseUnit) => (unit === "mmol/L" ? roundTo(mgdlPerMin / MGDL_PER_MMOL, 2) : roundTo(mgdlPerMin, 1));

/** A glucose value sent in `unit` as mg/dL, kept to 0.1 mg/dL. */
export const glucoseFrom = (value: number, unit: GlucoseUnit) => roundTo(mgdlFrom(value, unit), 1);

/** A rate sent in `unit` per minute as mg/dL/min, kept to 0.01. */
export const rateFrom = (value: number, unit: GlucoseUnit) => roundTo(mgdlFrom(value, unit), 2);

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
