/**
 * @module interop/types
 * The common output model of every import parser.
 *
 * Each parsed row carries exactly the fields of the API's record wire shape (snake_case, times as
 * epoch milliseconds), plus bookkeeping fields that the API does not take (`record`, `row`, and for
 * glucose `flags`, `original_value`, `original_unit`). {@link toWire} drops the bookkeeping.
 *
 * The discriminator is `record`, not `kind` or `type`, because `kind` (insulin) and `type`
 * (activity) are themselves wire fields.
 */

/** Formats the parsers understand. `csv` is the generic, column-mapped CSV of the wizard. */
export type FormatId = "dexcom-clarity" | "libreview" | "nightscout" | "apple-health" | "csv";

export const FORMATS: readonly FormatId[] = ["dexcom-clarity", "libreview", "nightscout", "apple-health", "csv"];

import { TREND_DIRECTIONS, type TrendDirection } from "../vocabulary/trend.ts";
import type { GlucoseUnit } from "../vocabulary/units.ts";

/** The glucose vocabulary the rows speak: the API's units and its `Trend` enum. */
export { TREND_DIRECTIONS, type GlucoseUnit, type TrendDirection };

/** `flags` bit: the sensor read below its range ("Low", "LO"); `value` is the sensor's floor. */
export const FLAG_BELOW_RANGE = 1;
/** `flags` bit: the sensor read above its range ("High", "HI"); `value` is the sensor's ceiling. */
export const FLAG_ABOVE_RANGE = 2;

/** Fields every parsed row has. */
interface RowBase {
  /** 1-based line (CSV, XML) or record number (JSON array element) the row came from. */
  row: number;
  /** Device or app that produced the row; the API's `source` (at most 64 characters). */
  source: string;
}

/** A glucose reading. Wire shape: `{time, value, unit, source, trend}`. */
export interface GlucoseRow extends RowBase {
  record: "glucose";
  /** Epoch milliseconds (UTC). */
  time: number;
  /** mg/dL, rounded to one decimal (mmol/L × 18.0182). */
  value: number;
  /** Always mg/dL, so that `{value, unit}` go to the API unchanged; the file's unit is `original_unit`. */
  unit: "mg/dL";
  trend: TrendDirection | null;
  /** {@link FLAG_BELOW_RANGE} / {@link FLAG_ABOVE_RANGE}, 0 for an ordinary reading. */
  flags: number;
  /** The value as written in the file (`"5.6"`, `"Low"`, `"LO"`, `"162"`). */
  original_value: string;
  /** The unit of `original_value`. */
  original_unit: GlucoseUnit;
}

/** A meal or food entry. Wire shape: `{time, carbs, protein, fat, fibre, calories, description}` (grams, kcal). */
export interface MealRow extends RowBase {
  record: "meal";
  time: number;
  carbs: number | null;
  protein: number | null;
  fat: number | null;
  fibre: number | null;
  calories: number | null;
  description: string | null;
}

export type InsulinKind = "rapid" | "long" | "basal" | "bolus";

/** An insulin dose. Wire shape: `{time, units, kind, insulin}`. */
export interface InsulinRow extends RowBase {
  record: "insulin";
  time: number;
  units: number;
  kind: InsulinKind;
  /** Insulin name (`"Fiasp"`) when the file says; none of the supported exports does. */
  insulin: string | null;
}

export type Intensity = "low" | "moderate" | "high";

/** An activity or workout. Wire shape: `{start, end, type, intensity, steps, calories, avg_heart_rate}`. */
export interface ActivityRow extends RowBase {
  record: "activity";
  start: number;
  end: number;
  /** Lower-case snake_case (`"running"`, `"functional_strength_training"`, `"exercise"`). */
  type: string;
  intensity: Intensity | null;
  steps: number | null;
  /** kcal. */
  calories: number | null;
  avg_heart_rate: number | null;
}

/** A sleep session. Wire shape: `{start, end, quality}`. */
export interface SleepRow extends RowBase {
  record: "sleep";
  start: number;
  end: number;
  /** 1–5 rating; no supported export carries one, so it is always null today. */
  quality: number | null;
}

/** A free-text note or event (LibreView type-6 notes, Dexcom "Health" events). */
export interface NoteRow extends RowBase {
  record: "note";
  time: number;
  text: string;
}

export type ParsedRow = GlucoseRow | MealRow | InsulinRow | ActivityRow | SleepRow | NoteRow;

export type RecordKind = ParsedRow["record"];

export const RECORD_KINDS: readonly RecordKind[] = ["glucose", "meal", "insulin", "activity", "sleep", "note"];

/** A row the parser could not turn into a record. */
export interface Rejection {
  /** 1-based line (CSV, XML) or record number (JSON array element). */
  row: number;
  reason: string;
}

/**
 * How the file's times were turned into instants:
 * - `utc`: the file has absolute times (epoch milliseconds, ISO with `Z`);
 * - `offset`: every time carries its own UTC offset (Apple Health `+0200`);
 * - `local`: device-local wall-clock times without a zone, read in `zone` (chosen by the user).
 *   `ambiguous` counts times in a fall-back hour (resolved to the first occurrence) and
 *   `nonexistent` times in a spring-forward gap (shifted forward by the gap).
 */
export interface TimeZoneHandling {
  mode: "utc" | "offset" | "local";
  zone: string | null;
  ambiguous: number;
  nonexistent: number;
}

/** LibreView only: how the day/month order of `Device Timestamp` was decided. */
export interface DateOrderDecision {
  order: "mdy" | "dmy" | "ymd";
  /**
   * `option`: given by the caller; `data`: a first field above 12 (day-first) or a second field
   * above 12 (month-first) was seen at `line`; `clock`: no conclusive date, but AM/PM times, so the
   * US month-first order; `default`: no conclusive date and a 24-hour clock, so day-first.
   */
  decided_by: "option" | "data" | "clock" | "default";
  line: number | null;
}

/** Everything about a parse except the rows themselves. Live while parsing, final after `end()`. */
export interface ParseReport {
  format: FormatId;
  /** Glucose unit the file is written in (null when it has no glucose or does not say). */
  unit: GlucoseUnit | null;
  time_zone: TimeZoneHandling;
  /** Rows emitted per kind. */
  counts: Record<RecordKind, number>;
  /** Rejected rows with reasons, the first `maxRejected` (default 1,000) of them. */
  rejected: Rejection[];
  /** Number of rejected rows, including those beyond `maxRejected`. */
  rejected_total: number;
  /** Rows deliberately not imported, by reason (metadata rows, empty notes…); not errors. */
  skipped: Record<string, number>;
  /** Things the user should know that are not errors (readings at the sensor floor, cross-source duplicates…). */
  warnings: string[];
  /** LibreView: how the date order was decided. */
  date_order?: DateOrderDecision;
  /**
   * Apple Health: glucose records equal in time and value to one already seen from another source.
   * All of them are still emitted (the API de-duplicates by time + source, so each source keeps its copy).
   */
  cross_source_duplicates?: number;
}

/** What `parseAll` returns: the report plus every row in emission order. */
export interface ParseResult extends ParseReport {
  rows: ParsedRow[];
}

/**
 * A streaming parser: feed it string chunks (split anywhere, even inside a quoted field, a CRLF
 * pair or a surrogate pair), collect the rows each call returns, then call `end()`.
 *
 * @example
 * const p = new LibreViewParser({ timeZone: "Europe/London" });
 * for (const chunk of chunks) upload(p.push(chunk));
 * upload(p.end());
 * p.report.rejected; // [{ row: 3412, reason: "…" }]
 */
export interface StreamParser {
  readonly format: FormatId;
  /** Parses a chunk of text and returns the rows it completed (possibly none). */
  push(chunk: string): ParsedRow[];
  /** Parses a chunk of UTF-8 bytes (split anywhere, even inside a multi-byte character). */
  pushBytes(bytes: Uint8Array): ParsedRow[];
  /** Flushes what is left; the parser cannot be used afterwards. */
  end(): ParsedRow[];
  readonly report: ParseReport;
  /** `push(text)` + `end()` in one call. */
  parseAll(text: string): ParseResult;
}

/** Options every parser takes. */
export interface BaseOptions {
  /** Keep at most this many rejections in `report.rejected` (all are counted). Default 1,000. */
  maxRejected?: number;
}

/** Options of the parsers whose files have device-local times. */
export interface LocalTimeOptions extends BaseOptions {
  /**
   * IANA zone the device clock was set to (`"Europe/London"`), `"UTC"` or a fixed offset
   * (`"-05:00"`). Required: the files carry no zone, so the user chooses or confirms it.
   */
  timeZone: string;
}
