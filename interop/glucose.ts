/**
 * @module interop/glucose
 * Unit conversion, number parsing and trend mapping shared by the parsers.
 */
import { isTrendDirection, NIGHTSCOUT_TREND_CODES, type TrendDirection } from "../vocabulary/trend.ts";
import { MGDL_PER_MMOL, type GlucoseUnit } from "../vocabulary/units.ts";

export { MGDL_PER_MMOL };

/** Rounds to one decimal (half away from zero for the positive values glucose has). */
export const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Glucose in mg/dL, rounded to one decimal. `mgdlPerMmol` lets Apple Health use the molar mass
 * its unit string declares (`mmol<180.1558800000541>/L` → 18.01558800000541).
 *
 * @example
 * toMgdl(5.6, "mmol/L"); // => 100.9
 * toMgdl(2.2, "mmol/L"); // => 39.6
 * toMgdl(112, "mg/dL");  // => 112
 */
export function toMgdl(value: number, unit: GlucoseUnit, mgdlPerMmol = MGDL_PER_MMOL): number {
  return round1(unit === "mmol/L" ? value * mgdlPerMmol : value);
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

/**
 * Parses a number as written in an export: surrounding spaces allowed, and a decimal comma
 * (`"5,6"`, which European spreadsheets write inside quotes) read as a decimal point.
 * Returns `NaN` for anything else (`""`, `"1 unit"`, `"12abc"`), unlike `Number()`, which
 * accepts `""` and `"0x1F"`.
 *
 * @example
 * parseDecimal(" 5.6 "); // => 5.6
 * parseDecimal("5,6");   // => 5.6
 * parseDecimal("abc");   // => NaN
 */
export function parseDecimal(text: string): number {
  const t = text.trim();
  if (NUMBER.test(t)) return Number(t);
  if (DECIMAL_COMMA.test(t)) return Number(t.replace(",", "."));
  return Number.NaN;
}

/** Unit named in a header cell (`"Historic Glucose mmol/L"`, `"Glucose Value (mg/dL)"`), or null. */
export function unitFromHeader(text: string): GlucoseUnit | null {
  const t = text.toLowerCase();
  if (t.includes("mmol/l")) return "mmol/L";
  if (t.includes("mg/dl")) return "mg/dL";
  return null;
}

/** Spellings uploaders use besides the canonical ones (compared upper-cased, `_`/`-` as spaces). */
const TREND_ALIASES: Record<string, TrendDirection> = {
  "NOT COMPUTABLE": "NOT COMPUTABLE",
  NOTCOMPUTABLE: "NOT COMPUTABLE",
  "RATE OUT OF RANGE": "RATE OUT OF RANGE",
  RATEOUTOFRANGE: "RATE OUT OF RANGE",
  NONE: "NONE",
  DOUBLEUP: "DoubleUp",
  SINGLEUP: "SingleUp",
  FORTYFIVEUP: "FortyFiveUp",
  FLAT: "Flat",
  FORTYFIVEDOWN: "FortyFiveDown",
  SINGLEDOWN: "SingleDown",
  DOUBLEDOWN: "DoubleDown",
};

/**
 * Maps a Nightscout `direction` string (or numeric `trend` code) to the API's trend enum:
 * the canonical names pass through, case and `_` variants (`"NOT_COMPUTABLE"`, `"flat"`) are
 * normalised, codes 0–9 map as Nightscout defines them. Anything else is null.
 *
 * @example
 * trendFromNightscout("FortyFiveUp");   // => "FortyFiveUp"
 * trendFromNightscout("NOT_COMPUTABLE"); // => "NOT COMPUTABLE"
 * trendFromNightscout(4);                // => "Flat"
 */
export function trendFromNightscout(direction: unknown): TrendDirection | null {
  if (typeof direction === "number") return NIGHTSCOUT_TREND_CODES[direction] ?? null;
  if (typeof direction !== "string") return null;
  if (isTrendDirection(direction)) return direction;
  const key = direction.trim().toUpperCase().replace(/[_-]/g, " ");
  return TREND_ALIASES[key] ?? TREND_ALIASES[key.replace(/ /g, "")] ?? null;
}

/**
 * Trend arrow for a rate of change in mg/dL/min, by Dexcom's arrow definitions: Flat below
 * 1 mg/dL/min either way, FortyFive 1–2, Single 2–3, Double 3 or more.
 *
 * @example
 * trendFromRate(-1.4); // => "FortyFiveDown"
 */
export function trendFromRate(mgdlPerMin: number): TrendDirection | null {
  if (!Number.isFinite(mgdlPerMin)) return null;
  const a = Math.abs(mgdlPerMin);
  if (a < 1) return "Flat";
  const up = mgdlPerMin > 0;
  if (a < 2) return up ? "FortyFiveUp" : "FortyFiveDown";
  if (a < 3) return up ? "SingleUp" : "SingleDown";
  return up ? "DoubleUp" : "DoubleDown";
}
