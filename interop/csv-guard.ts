/**
 * @module interop/csv-guard
 * CSV formula injection (OWASP "CSV Injection", ASVS 1.2.10): a spreadsheet runs a cell whose
 * text starts with `=`, `+`, `-`, `@`, a tab, a carriage return (or NUL) as a formula. Text
 * written into a CSV gets a single quote in front, which spreadsheets show as "this is text";
 * numbers are written as numbers and never guarded, so `-3.5` stays a number. Our own CSV
 * importer removes the quote again ({@link unguardCsvText}), so an export round-trips.
 * The export (worker/routes/export.ts) writes every field with {@link csvField}.
 *
 * @example
 * guardCsvText("=HYPERLINK(\"http://x\")"); // "'=HYPERLINK(\"http://x\")"
 * unguardCsvText("'=1+1");                 // "=1+1"
 */

/** Leading characters that make a spreadsheet read a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r\0]/;
const GUARDED = /^'[=+\-@\t\r\0]/;

/** `text` with a single quote in front when a spreadsheet would run it. */
export const guardCsvText = (text: string) => (FORMULA_START.test(text) ? `'${text}` : text);

/** The text {@link guardCsvText} was given (other text unchanged). */
export const unguardCsvText = (text: string) => (GUARDED.test(text) ? text.slice(1) : text);

/**
 * One CSV field (RFC 4180 quoting). Numbers and booleans are written as they are (a negative
 * number stays a number); text a spreadsheet would run gets the guard's quote and is quoted; a
 * list is joined with `;`; null and undefined are empty.
 *
 * @example
 * csvField(-3.5);       // "-3.5"
 * csvField("-3.5");     // "\"'-3.5\""
 * csvField(["a", "b"]); // "a;b"
 */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  const text = Array.isArray(v) ? v.join(";") : String(v);
  const s = guardCsvText(text);
  return s !== text || /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
