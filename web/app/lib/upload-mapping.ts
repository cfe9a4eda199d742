/**
 * @module upload-mapping
 * The generic-CSV column-mapping step: the column choices from interop's guess (header names, or
 * "Column 1…" when the file has none), the form's values as interop's `CsvColumnMapping`, and
 * per-field messages when something is missing. Pure, browser-safe.
 */
import { compileTimePattern, type CsvColumnMapping, type CsvGuess } from "../../../interop/index.ts";

export interface ColumnChoice {
  /** The form value: the header name, or the 0-based index as text when there is no header. */
  value: string;
  label: string;
  /** First values of the column, to recognise it. */
  sample: string;
}

/** Time formats offered besides a typed pattern. */
export const TIME_FORMAT_CHOICES: readonly { value: string; label: string }[] = [
  { value: "iso", label: "ISO 8601 (2024-05-01T07:30:00, with or without offset)" },
  { value: "YYYY-MM-DD HH:mm:ss", label: "2024-05-01 07:30:00" },
  { value: "YYYY-MM-DD HH:mm", label: "2024-05-01 07:30" },
  { value: "DD/MM/YYYY HH:mm", label: "01/05/2024 07:30 (day first)" },
  { value: "MM/DD/YYYY HH:mm", label: "05/01/2024 07:30 (month first)" },
  { value: "MM/DD/YYYY h:mm A", label: "05/01/2024 7:30 AM (month first)" },
  { value: "DD.MM.YYYY HH:mm", label: "01.05.2024 07:30" },
  { value: "epoch-ms", label: "Epoch milliseconds (1714548600000)" },
  { value: "epoch-s", label: "Epoch seconds (1714548600)" },
];

export function columnChoices(guess: Pick<CsvGuess, "header" | "preview">): ColumnChoice[] {
  const width = guess.header?.length ?? Math.max(0, ...guess.preview.map((r) => r.length));
  return Array.from({ length: width }, (_, i) => {
    const sample = guess.preview
      .slice(0, 3)
      .map((r) => (r[i] ?? "").trim())
      .filter(Boolean)
      .join(", ");
    const name = guess.header?.[i];
    return { value: name ?? String(i), label: name ? `${name}` : `Column ${i + 1}`, sample };
  });
}

/** The form's starting values from the guess (empty strings where it found nothing). */
export function mappingDefaults(guess: Pick<CsvGuess, "mapping">): MappingForm {
  const m = guess.mapping;
  const ref = (r: string | number | undefined) => (r === undefined ? "" : String(r));
  return { time: ref(m.time), value: ref(m.value), unit: m.unit ?? "mg/dL", timeFormat: m.timeFormat ?? "", source: ref(m.sourceColumn) };
}

export interface MappingForm {
  time: string;
  value: string;
  unit: string;
  timeFormat: string;
  /** Optional column naming the device or subject. */
  source: string;
}

export type MappingResult = { ok: true; mapping: CsvColumnMapping } | { ok: false; errors: Partial<Record<keyof MappingForm, string>> };

/**
 * The form as a mapping, or a message per field. Column values are matched against `choices`
 * (header names stay names, indexes become numbers).
 */
export function parseMappingForm(form: MappingForm, choices: readonly ColumnChoice[]): MappingResult {
  const errors: Partial<Record<keyof MappingForm, string>> = {};
  const column = (v: string): string | number | null => {
    const c = choices.find((x) => x.value === v);
    if (!c) return null;
    return /^\d+$/.test(c.value) && c.label.startsWith("Column ") ? Number(c.value) : c.value;
  };
  const time = column(form.time);
  const value = column(form.value);
  if (time === null) errors.time = "Choose the column with the date and time.";
  if (value === null) errors.value = "Choose the column with the glucose values.";
  if (time !== null && value !== null && time === value) errors.value = "The glucose column must differ from the time column.";
  if (form.unit !== "mg/dL" && form.unit !== "mmol/L") errors.unit = "Choose mg/dL or mmol/L.";
  const fmt = form.timeFormat.trim();
  if (!fmt) errors.timeFormat = "Choose or type the time format.";
  else if (!["iso", "epoch-ms", "epoch-s"].includes(fmt)) {
    try {
      compileTimePattern(fmt);
    } catch (err) {
      errors.timeFormat = `Not a time pattern: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  const source = form.source ? column(form.source) : undefined;
  if (source === null) errors.source = "Choose one of the file's columns, or none.";
  if (Object.keys(errors).length) return { ok: false, errors };
  const mapping: CsvColumnMapping = { time: time!, value: value!, unit: form.unit as CsvColumnMapping["unit"], timeFormat: fmt };
  if (source !== undefined && source !== null) mapping.sourceColumn = source;
  return { ok: true, mapping };
}
