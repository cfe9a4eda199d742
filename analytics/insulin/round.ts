/**
 * Rounds to `digits` decimals by shifting the decimal point in the number's text, as Nightscout's
 * `+(Math.round(x + "e+3") + "e-3")` does (so 1.0005 rounds up, unlike `Math.round(x * 1000) / 1000`).
 * Values already in exponent notation (|x| < 1e-6 or huge) fall back to multiplication, where
 * Nightscout's trick would give NaN.
 *
 * @example
 * roundDecimal(1.0005, 3); // => 1.001
 */
export function roundDecimal(x: number, digits: number): number {
  const text = String(x);
  if (/e/i.test(text)) return Math.round(x * 10 ** digits) / 10 ** digits;
  return Number(`${Math.round(Number(`${text}e+${digits}`))}e-${digits}`);
}
