/**
 * @module upload-preview
 * The upload wizard's sources (what each export is, which files to pick, whether its times need
 * a zone) and the preview: parsed rows as table cells, and the parse report in words (format,
 * unit, how times were read). Pure, browser-safe.
 */
import type { FormatId, ParsedRow, ParseReport, RecordKind } from "../../../interop/index.ts";
import { MGDL_PER_MMOL } from "../../../vocabulary/units.ts";
import { isoInZone } from "./records.ts";

export interface UploadSource {
  format: FormatId;
  label: string;
  /** For `<input type="file" accept>`. */
  accept: string;
  /** Where the user gets the file. */
  hint: string;
}

export const UPLOAD_SOURCES: readonly UploadSource[] = [
  { format: "dexcom-clarity", label: "Dexcom Clarity CSV", accept: ".csv,text/csv", hint: "Clarity → Export → CSV. Times are the receiver's clock, so you confirm its time zone." },
  { format: "libreview", label: "LibreView CSV", accept: ".csv,text/csv", hint: "LibreView → Glucose History → Download. Times are the reader's clock, so you confirm its time zone." },
  { format: "nightscout", label: "Nightscout JSON", accept: ".json,application/json", hint: "Your site's /api/v1/entries.json?count=… saved as a file." },
  { format: "apple-health", label: "Apple Health export.xml", accept: ".xml,text/xml,application/xml", hint: "Health → your picture → Export All Health Data; unzip and pick export.xml. Large files are fine: they are read piece by piece." },
  { format: "csv", label: "Other CSV (map the columns)", accept: ".csv,.tsv,.txt,text/csv,text/plain", hint: "Any table with a time column and a glucose column; you choose which is which." },
];

export function uploadSource(format: string | null | undefined): UploadSource | undefined {
  return UPLOAD_SOURCES.find((s) => s.format === format);
}

export const FORMAT_LABEL: Record<FormatId, string> = {
  "dexcom-clarity": "Dexcom Clarity CSV",
  libreview: "LibreView CSV",
  nightscout: "Nightscout entries.json",
  "apple-health": "Apple Health export.xml",
  csv: "CSV with mapped columns",
};

/** Formats whose times are device-local wall-clock times: the user confirms the zone. */
export function needsTimeZone(format: FormatId, mappingHasZone = false): boolean {
  return format === "dexcom-clarity" || format === "libreview" || (format === "csv" && !mappingHasZone);
}

const RECORD_LABEL: Record<RecordKind, string> = {
  glucose: "Glucose",
  meal: "Meal",
  insulin: "Insulin",
  activity: "Activity",
  sleep: "Sleep",
  note: "Note",
};

export const RECORD_PLURAL: Record<RecordKind, string> = {
  glucose: "glucose readings",
  meal: "meals",
  insulin: "insulin doses",
  activity: "activities",
  sleep: "sleep sessions",
  note: "notes",
};

export interface PreviewRow {
  row: number;
  kind: string;
  /** Local time in the chosen zone with its offset: "2016-10-24 11:24 (−04:00)". */
  time: string;
  value: string;
  source: string;
}

/** "2016-10-24 11:24 (−04:00)": the wall-clock time the file shows, and the offset it was read with. */
export function previewTime(ms: number, timeZone: string): string {
  const iso = isoInZone(ms, timeZone);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} (${iso.slice(19).replace("-", "−")})`;
}

const hours = (ms: number) => {
  const min = Math.round(ms / 60_000);
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, "0")} min`;
};

/** One parsed row as preview cells. `timeZone` is the zone times are shown in (the confirmed one). */
export function previewRow(row: ParsedRow, timeZone: string): PreviewRow {
  const base = { row: row.row, kind: RECORD_LABEL[row.record], source: row.source };
  switch (row.record) {
    case "glucose": {
      const flag = row.flags & 1 ? " (below the sensor's range)" : row.flags & 2 ? " (above the sensor's range)" : "";
      const asRead = `${row.original_value} ${row.original_unit}`;
      const stored = row.original_unit === "mg/dL" ? "" : ` = ${Math.round(row.value)} mg/dL`;
      return { ...base, time: previewTime(row.time, timeZone), value: `${asRead}${stored}${flag}` };
    }
    case "meal": {
      const parts = [row.carbs === null ? null : `${row.carbs} g carbohydrates`, row.calories === null ? null : `${row.calories} kcal`, row.description].filter(Boolean);
      return { ...base, time: previewTime(row.time, timeZone), value: parts.join(", ") || "meal" };
    }
    case "insulin":
      return { ...base, time: previewTime(row.time, timeZone), value: `${row.units} U ${row.kind}${row.insulin ? ` (${row.insulin})` : ""}` };
    case "activity":
      return { ...base, time: previewTime(row.start, timeZone), value: `${row.type.replaceAll("_", " ")}, ${hours(row.end - row.start)}${row.steps === null ? "" : `, ${row.steps} steps`}` };
    case "sleep":
      return { ...base, time: previewTime(row.start, timeZone), value: `${hours(row.end - row.start)} asleep` };
    case "note":
      return { ...base, time: previewTime(row.time, timeZone), value: row.text };
  }
}

/** The report's counts as "2,148 glucose readings, 12 meals" (kinds with none left out). */
export function describeCounts(counts: Partial<Record<RecordKind, number>>): string {
  const parts = (Object.keys(RECORD_PLURAL) as RecordKind[]).filter((k) => (counts[k] ?? 0) > 0).map((k) => `${(counts[k] ?? 0).toLocaleString("en-US")} ${RECORD_PLURAL[k]}`);
  return parts.length ? parts.join(", ") : "nothing to import";
}

/** How the file's times were read, in words. */
export function describeTimes(report: Pick<ParseReport, "time_zone">): string {
  const tz = report.time_zone;
  if (tz.mode === "utc") return "The file's times are absolute (UTC): no time zone to choose.";
  if (tz.mode === "offset") return "Every time in the file carries its own UTC offset: no time zone to choose.";
  const extra = [
    tz.ambiguous ? `${tz.ambiguous} fell in a repeated autumn hour (read as the first one)` : null,
    tz.nonexistent ? `${tz.nonexistent} fell in a skipped spring hour (moved forward)` : null,
  ].filter(Boolean);
  return `The file's times are the device's clock, read as ${(tz.zone ?? "?").replaceAll("_", " ")} time${extra.length ? `; ${extra.join(", ")}` : ""}.`;
}

/** The unit line: "mg/dL (stored as written)" / "mmol/L (converted to mg/dL × 18.0182)". */
export function describeUnit(unit: ParseReport["unit"]): string {
  if (unit === null) return "No glucose unit (the file has no glucose readings or does not say).";
  return unit === "mg/dL" ? "mg/dL" : `mmol/L (stored as mg/dL, × ${MGDL_PER_MMOL}; shown in your unit)`;
}

/**
 * Skipped-row reasons grouped for the summary: "metadata row (FirstName)" ×1 and
 * "metadata row (Alert)" ×7 become "8 metadata rows (FirstName, Alert)".
 */
export function describeSkipped(skipped: Record<string, number>): string[] {
  const groups = new Map<string, { n: number; details: string[] }>();
  for (const [reason, n] of Object.entries(skipped)) {
    if (!n) continue;
    const m = /^(.*?) \((.*)\)$/.exec(reason);
    const head = m ? m[1]! : reason;
    const g = groups.get(head) ?? { n: 0, details: [] };
    g.n += n;
    if (m) g.details.push(m[2]!);
    groups.set(head, g);
  }
  return [...groups].map(([head, g]) => {
    const noun = g.n === 1 ? head : head.replace(/\brow$/, "rows");
    return `${g.n.toLocaleString("en-US")} ${noun}${g.details.length ? ` (${g.details.join(", ")})` : ""}`;
  });
}
