/**
 * @module records
 * The eight kinds of lifestyle record the API stores (meal, sleep, activity, insulin,
 * medication, HbA1c, blood pressure, body metrics), described once so that the log forms, the
 * history tables and the server-side parsing (records.server.ts) agree; plus the pure helpers
 * around them: wall-clock times in the user's zone ↔ ISO 8601 with offset, date ranges, and
 * table cells. No DOM and no zod here, so components can import it and it is unit-tested in Node.
 */
import type { RecordAnswer } from "./api-types.ts";

export type RecordKindKey =
  | "meals"
  | "sleep"
  | "activities"
  | "insulin"
  | "medications"
  | "hba1c"
  | "blood-pressure"
  | "body-metrics";

export type FieldType = "datetime" | "date" | "number" | "text" | "select";

export interface RecordFieldSpec {
  /** API field name (snake_case); also the form input's name. */
  name: string;
  label: string;
  type: FieldType;
  required?: boolean;
  /** Shown after the label, e.g. "g" or "mmHg". */
  suffix?: string;
  min?: number;
  max?: number;
  /** "any" for decimals; integers otherwise. */
  step?: number | "any";
  options?: readonly { value: string; label: string }[];
  hint?: string;
  /** Left out of the history table (still editable). */
  hideInTable?: boolean;
}

export interface RecordKindSpec {
  key: RecordKindKey;
  /** API path under /api/v1. */
  path: string;
  /** "Meal" */
  label: string;
  /** "Meals" */
  plural: string;
  /** In running text: "meal", "HbA1c result". */
  noun: string;
  /** In running text: "meals", "HbA1c results". */
  nounPlural: string;
  /** The field the API orders and filters by. */
  timeField: "time" | "start" | "date";
  fields: readonly RecordFieldSpec[];
}

const intensity = [
  { value: "", label: "Not recorded" },
  { value: "low", label: "Low" },
  { value: "moderate", label: "Moderate" },
  { value: "high", label: "High" },
] as const;

const insulinKinds = [
  { value: "bolus", label: "Bolus (meal or correction)" },
  { value: "basal", label: "Basal" },
  { value: "rapid", label: "Rapid-acting" },
  { value: "long", label: "Long-acting" },
] as const;

export const RECORD_KINDS: readonly RecordKindSpec[] = [
  {
    key: "meals",
    noun: "meal",
    nounPlural: "meals",
    path: "meals",
    label: "Meal",
    plural: "Meals",
    timeField: "time",
    fields: [
      { name: "time", label: "Time", type: "datetime", required: true },
      { name: "description", label: "What you ate", type: "text", hint: "e.g. “Porridge with berries”." },
      { name: "carbs", label: "Carbohydrates", type: "number", suffix: "g", min: 0, max: 1000, step: "any" },
      { name: "protein", label: "Protein", type: "number", suffix: "g", min: 0, max: 1000, step: "any", hideInTable: true },
      { name: "fat", label: "Fat", type: "number", suffix: "g", min: 0, max: 1000, step: "any", hideInTable: true },
      { name: "calories", label: "Energy", type: "number", suffix: "kcal", min: 0, max: 20000, step: "any" },
    ],
  },
  {
    key: "insulin",
    noun: "insulin dose",
    nounPlural: "insulin doses",
    path: "insulin",
    label: "Insulin dose",
    plural: "Insulin",
    timeField: "time",
    fields: [
      { name: "time", label: "Time", type: "datetime", required: true },
      { name: "units", label: "Dose", type: "number", suffix: "U", required: true, min: 0.05, max: 300, step: "any" },
      { name: "kind", label: "Type", type: "select", required: true, options: insulinKinds },
      { name: "insulin", label: "Insulin name", type: "text", hint: "e.g. “Fiasp”." },
    ],
  },
  {
    key: "activities",
    noun: "activity",
    nounPlural: "activities",
    path: "activities",
    label: "Activity",
    plural: "Activities",
    timeField: "start",
    fields: [
      { name: "start", label: "Start", type: "datetime", required: true },
      { name: "end", label: "End", type: "datetime", required: true },
      { name: "type", label: "Activity", type: "text", required: true, hint: "e.g. walking, running, cycling." },
      { name: "intensity", label: "Intensity", type: "select", options: intensity },
      { name: "steps", label: "Steps", type: "number", min: 0, max: 200000, step: 1, hideInTable: true },
      { name: "calories", label: "Energy", type: "number", suffix: "kcal", min: 0, max: 20000, step: "any", hideInTable: true },
    ],
  },
  {
    key: "sleep",
    noun: "sleep",
    nounPlural: "sleep",
    path: "sleep",
    label: "Sleep",
    plural: "Sleep",
    timeField: "start",
    fields: [
      { name: "start", label: "Fell asleep", type: "datetime", required: true },
      { name: "end", label: "Woke up", type: "datetime", required: true },
      { name: "quality", label: "Quality", type: "number", suffix: "1–5", min: 1, max: 5, step: 1, hint: "1 = very poor, 5 = very good." },
      { name: "awakenings", label: "Awakenings", type: "number", min: 0, max: 100, step: 1 },
    ],
  },
  {
    key: "medications",
    noun: "medication",
    nounPlural: "medications",
    path: "medications",
    label: "Medication",
    plural: "Medications",
    timeField: "time",
    fields: [
      { name: "time", label: "Time", type: "datetime", required: true },
      { name: "name", label: "Medication", type: "text", required: true, hint: "e.g. Metformin." },
      { name: "dose", label: "Dose", type: "number", min: 0, max: 100000, step: "any" },
      { name: "unit", label: "Dose unit", type: "text", hint: "e.g. mg, tablets." },
    ],
  },
  {
    key: "hba1c",
    noun: "HbA1c result",
    nounPlural: "HbA1c results",
    path: "hba1c",
    label: "HbA1c result",
    plural: "HbA1c",
    timeField: "date",
    fields: [
      { name: "date", label: "Test date", type: "date", required: true },
      { name: "percent", label: "HbA1c", type: "number", suffix: "%", min: 3, max: 20, step: "any", hint: "Give % or mmol/mol." },
      { name: "mmol_mol", label: "HbA1c", type: "number", suffix: "mmol/mol", min: 9, max: 195, step: "any" },
    ],
  },
  {
    key: "blood-pressure",
    noun: "blood pressure reading",
    nounPlural: "blood pressure readings",
    path: "blood-pressure",
    label: "Blood pressure",
    plural: "Blood pressure",
    timeField: "time",
    fields: [
      { name: "time", label: "Time", type: "datetime", required: true },
      { name: "systolic", label: "Systolic", type: "number", suffix: "mmHg", required: true, min: 40, max: 300, step: 1 },
      { name: "diastolic", label: "Diastolic", type: "number", suffix: "mmHg", required: true, min: 20, max: 200, step: 1 },
      { name: "pulse", label: "Pulse", type: "number", suffix: "bpm", min: 20, max: 250, step: 1 },
    ],
  },
  {
    key: "body-metrics",
    noun: "body metrics entry",
    nounPlural: "body metrics entries",
    path: "body-metrics",
    label: "Body metrics",
    plural: "Body metrics",
    timeField: "time",
    fields: [
      { name: "time", label: "Time", type: "datetime", required: true },
      { name: "weight_kg", label: "Weight", type: "number", suffix: "kg", min: 1, max: 500, step: "any" },
      { name: "body_fat_percent", label: "Body fat", type: "number", suffix: "%", min: 1, max: 80, step: "any" },
      { name: "waist_cm", label: "Waist", type: "number", suffix: "cm", min: 20, max: 300, step: "any" },
    ],
  },
];

/** Most records of one kind a list call asks for (the API's page limit). */
export const LIST_LIMIT = 1000;

export function recordKind(key: string | null | undefined): RecordKindSpec | undefined {
  return RECORD_KINDS.find((k) => k.key === key);
}

/**
 * HbA1c is shown in the unit people in the user's glucose convention usually get from their
 * lab: mmol/mol (IFCC) where glucose is in mmol/L, % (NGSP) where it is in mg/dL. The other
 * input stays available.
 */
export function hba1cFieldOrder(unit: "mg/dL" | "mmol/L"): ["percent", "mmol_mol"] | ["mmol_mol", "percent"] {
  return unit === "mmol/L" ? ["mmol_mol", "percent"] : ["percent", "mmol_mol"];
}

// ---------------------------------------------------------------------------------------------
// Time zones

/** The zone's offset from UTC at `ms`, in minutes (Berlin in summer: 120). */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

function pad(n: number, width = 2): string {
  return String(Math.abs(n)).padStart(width, "0");
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
}

/**
 * A wall-clock time typed into `<input type="datetime-local">` ("2026-03-29T02:30"), read in
 * `timeZone`, as ISO 8601 with that zone's offset ("2026-03-29T02:30:00+01:00"). A time that
 * does not exist (skipped by a spring-forward change) moves forward by the gap, as clocks do;
 * an ambiguous one (autumn) takes the earlier instant. Null for malformed input.
 */
export function zonedLocalToIso(local: string, timeZone: string): string | null {
  const m = LOCAL_RE.exec(local.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number) as [
    number, number, number, number, number, number,
  ];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return null;
  // Candidates from the offsets around this wall time. One that maps back to itself is a
  // real time (two in autumn: take the earlier); none in a spring-forward gap: take the later,
  // which reads the time with the offset before the change, i.e. pushed forward by the gap.
  // (Zones change offset at most once a day, so the offsets a day before and after cover it.)
  const candidates = [-86_400_000, 0, 86_400_000].map((shift) => wall - zoneOffsetMinutes(wall + shift, timeZone) * 60_000);
  const valid = candidates.filter((c) => c - wall === -zoneOffsetMinutes(c, timeZone) * 60_000);
  const utc = valid.length ? Math.min(...valid) : Math.max(...candidates);
  return isoInZone(utc, timeZone);
}

/** An instant as ISO 8601 in `timeZone` with its offset: "2026-07-01T09:15:00+02:00". */
export function isoInZone(ms: number, timeZone: string): string {
  const off = zoneOffsetMinutes(ms, timeZone);
  const wall = new Date(Math.floor(ms / 1000) * 1000 + off * 60_000);
  return (
    `${wall.getUTCFullYear()}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}` +
    `T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}${formatOffset(off)}`
  );
}

/** The value for `<input type="datetime-local">` showing `iso` in `timeZone`: "2026-07-01T09:15". */
export function isoToZonedLocal(iso: string | number, timeZone: string): string {
  const ms = typeof iso === "number" ? iso : Date.parse(iso);
  if (Number.isNaN(ms)) return "";
  return isoInZone(ms, timeZone).slice(0, 16);
}

/** The calendar date ("2026-07-01") of `ms` in `timeZone`. */
export function zonedDate(ms: number, timeZone: string): string {
  return isoInZone(ms, timeZone).slice(0, 10);
}

/** Adds whole days to a calendar date string. */
export function addDays(date: string, days: number): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/** Epoch ms of local midnight starting `date` in `timeZone`. */
export function zonedMidnight(date: string, timeZone: string): number {
  const iso = zonedLocalToIso(`${date}T00:00`, timeZone);
  return iso ? Date.parse(iso) : Date.parse(`${date}T00:00:00Z`);
}

// ---------------------------------------------------------------------------------------------
// Date ranges for /history

export const RANGE_PRESETS = [1, 7, 14, 30, 90] as const;
export const DEFAULT_RANGE_DAYS = 7;
export const MAX_RANGE_DAYS = 400;

export interface DateRange {
  /** First day shown, "YYYY-MM-DD" in the user's zone. */
  from: string;
  /** Last day shown (inclusive). */
  to: string;
  /** Number of calendar days. */
  days: number;
  /** Epoch ms: local midnight starting `from`, and local midnight after `to` (capped at now). */
  startMs: number;
  endMs: number;
  /** The preset this range equals (ending today), if any. */
  preset: number | null;
  /** Why the request's range was replaced, for a notice. */
  adjusted: string | null;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (v: string | null | undefined): v is string =>
  !!v && DATE_RE.test(v) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;

/**
 * Reads `?days=N` (a preset ending today) or `?from=YYYY-MM-DD&to=YYYY-MM-DD` (inclusive days
 * in the user's zone). Invalid input falls back to the last 7 days; reversed dates are swapped,
 * ranges over 400 days are shortened to end at `to`, and future days are cut at today.
 */
export function parseDateRange(params: URLSearchParams, timeZone: string, nowMs: number): DateRange {
  const today = zonedDate(nowMs, timeZone);
  let from: string;
  let to: string;
  let adjusted: string | null = null;
  const fromP = params.get("from");
  const toP = params.get("to");
  const daysP = Number(params.get("days"));

  if (isDate(fromP) || isDate(toP)) {
    to = isDate(toP) ? toP : today;
    from = isDate(fromP) ? fromP : addDays(to, -(DEFAULT_RANGE_DAYS - 1));
    if (from > to) {
      [from, to] = [to, from];
      adjusted = "The start date was after the end date, so they were swapped.";
    }
    if (to > today) {
      to = today;
      if (from > to) from = to;
    }
  } else {
    const n = Number.isInteger(daysP) && daysP >= 1 && daysP <= MAX_RANGE_DAYS ? daysP : DEFAULT_RANGE_DAYS;
    if (params.has("days") && n !== daysP) adjusted = `Showing the last ${DEFAULT_RANGE_DAYS} days.`;
    to = today;
    from = addDays(today, -(n - 1));
  }

  let days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
  if (days > MAX_RANGE_DAYS) {
    from = addDays(to, -(MAX_RANGE_DAYS - 1));
    days = MAX_RANGE_DAYS;
    adjusted = `Ranges are limited to ${MAX_RANGE_DAYS} days; showing the ${MAX_RANGE_DAYS} days up to ${to}.`;
  }
  const startMs = zonedMidnight(from, timeZone);
  const endMs = Math.min(zonedMidnight(addDays(to, 1), timeZone), Math.ceil(nowMs / 1000) * 1000);
  const preset = to === today && (RANGE_PRESETS as readonly number[]).includes(days) ? days : null;
  return { from, to, days, startMs, endMs, preset, adjusted };
}

// ---------------------------------------------------------------------------------------------
// Table cells

/** The text of one table cell; "—" for a missing value. */
export function formatCell(
  field: RecordFieldSpec,
  value: unknown,
  { timeZone, locale }: { timeZone: string; locale: string },
): string {
  if (value === null || value === undefined || value === "") return "—";
  switch (field.type) {
    case "datetime": {
      const d = new Date(String(value));
      if (Number.isNaN(d.getTime())) return String(value);
      return new Intl.DateTimeFormat(locale, {
        timeZone,
        weekday: "short",
        day: "numeric",
        month: "short",
        hour: "numeric",
        minute: "2-digit",
      }).format(d);
    }
    case "date":
      return new Intl.DateTimeFormat(locale, { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" }).format(
        new Date(`${String(value)}T00:00:00Z`),
      );
    case "number": {
      const n = Number(value);
      if (!Number.isFinite(n)) return String(value);
      const text = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(n);
      return field.suffix && field.suffix !== "1–5" ? `${text} ${field.suffix}` : text;
    }
    case "select":
      return field.options?.find((o) => o.value === value)?.label ?? String(value);
    default:
      return String(value);
  }
}

/**
 * One line describing a record, for lists and confirmation questions:
 * "Meal · Tue, May 5, 7:49 AM · Breakfast, 40 g carbohydrates". Without the kind's name when
 * the list's heading already says it.
 */
export function describeRecord(
  kind: RecordKindSpec,
  record: RecordAnswer,
  ctx: { timeZone: string; locale: string },
  { withKind = true }: { withKind?: boolean } = {},
): string {
  const time = kind.fields.find((f) => f.name === kind.timeField);
  const when = time ? formatCell(time, record[kind.timeField], ctx) : "";
  const details = kind.fields
    .filter((f) => f.name !== kind.timeField && f.name !== "end" && record[f.name] != null && record[f.name] !== "")
    .slice(0, 2)
    .map((f) => {
      const text = formatCell(f, record[f.name], ctx);
      if (f.type !== "number") return text;
      if (f.suffix === "g") return `${text} ${f.label.toLowerCase()}`;
      return f.suffix && f.suffix !== "1–5" ? text : `${f.label.toLowerCase()} ${text}`;
    });
  return [withKind ? kind.label : null, when, details.join(", ") || null].filter(Boolean).join(" · ");
}

/**
 * The value an input shows for a stored record: datetimes in the user's zone for
 * datetime-local, numbers as plain digits, missing values empty.
 */
export function recordToFormValues(kind: RecordKindSpec, record: RecordAnswer, timeZone: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of kind.fields) {
    const v = record[f.name];
    if (v === null || v === undefined) out[f.name] = "";
    else if (f.type === "datetime") out[f.name] = isoToZonedLocal(String(v), timeZone);
    else out[f.name] = String(v);
  }
  return out;
}
