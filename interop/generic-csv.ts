/**
 * @module interop/generic-csv
 * Glucose from any CSV, through the column mapping the upload wizard's mapping step builds
 * (time column, value column, unit, time format and zone, optional source and trend columns),
 * plus {@link guessCsvMapping}, which proposes that mapping from the first lines of a file.
 */
import { CsvTokenizer } from "./csv.ts";
import { compileTimePattern, parseIsoLike, partsToEpoch, type DateTimeParts, type TimePattern } from "./datetime.ts";
import { InteropError } from "./errors.ts";
import { parseDecimal, toMgdl, trendFromNightscout, unitFromHeader } from "./glucose.ts";
import { unguardCsvText } from "./csv-guard.ts";
import { BaseParser, sourceName } from "./parser.ts";
import { ZoneResolver } from "./timezone.ts";
import type { BaseOptions, GlucoseUnit, TimeZoneHandling } from "./types.ts";

/** A column by header name (exact, case-insensitive after trimming) or by 0-based index. */
export type ColumnRef = string | number;

export interface CsvColumnMapping {
  time: ColumnRef;
  value: ColumnRef;
  unit: GlucoseUnit;
  /**
   * `"iso"` (ISO 8601, with or without an offset), `"epoch-ms"`, `"epoch-s"`, or a pattern such
   * as `"DD/MM/YYYY HH:mm"` (see `compileTimePattern` in `datetime.ts`).
   */
  timeFormat: string;
  /** Zone of times without an offset (IANA name, `"UTC"`, `"-05:00"`, `"EST"`). */
  timeZone?: string;
  /** Column naming the device or subject; its value becomes the row's source. */
  sourceColumn?: ColumnRef;
  /** Source of every row when there is no `sourceColumn` (or it is empty). Default `"csv"`. */
  source?: string;
  /** Column with a Nightscout-style trend (`Flat`, `SingleUp`, …). */
  trendColumn?: ColumnRef;
}

export interface GenericCsvOptions extends BaseOptions {
  mapping: CsvColumnMapping;
  /** Default `,`. */
  delimiter?: string;
  /** Whether the first record (after `skipLines`) is a header. Default true. */
  header?: boolean;
  /** Records to ignore before the header or the data (a title row, a preamble). Default 0. */
  skipRecords?: number;
}

/**
 * Trimmed cell `i` of a record, "" when the column is absent or the row is short; the single
 * quote our CSV export puts before formula-like text is removed (interop/csv-guard.ts).
 */
const cell = (f: string[], i: number) => (i >= 0 && i < f.length ? unguardCsvText(f[i].trim()) : "");

interface Resolved {
  time: number;
  value: number;
  source: number;
  trend: number;
}

function timeHandling(mapping: CsvColumnMapping, zone: ZoneResolver | null): TimeZoneHandling {
  if (mapping.timeFormat === "epoch-ms" || mapping.timeFormat === "epoch-s") return { mode: "utc", zone: null, ambiguous: 0, nonexistent: 0 };
  if (zone !== null) return { mode: "local", zone: zone.name, ambiguous: 0, nonexistent: 0 };
  return { mode: "offset", zone: null, ambiguous: 0, nonexistent: 0 };
}

/**
 * Streaming parser of a mapped CSV.
 *
 * @throws {InteropError} (`bad-option`) for a bad mapping or a pattern without offset and no zone; (`bad-header`) when a mapped column is not in the header.
 * @example
 * const p = new GenericCsvParser({ mapping: { time: "time", value: "gl", unit: "mg/dL", timeFormat: "YYYY-MM-DD HH:mm:ss", timeZone: "EST", sourceColumn: "id" } });
 * p.parseAll(text).counts.glucose;
 */
export class GenericCsvParser extends BaseParser {
  readonly format = "csv" as const;
  private readonly csv: CsvTokenizer;
  private readonly mapping: CsvColumnMapping;
  private readonly pattern: TimePattern | null;
  private readonly resolver: ZoneResolver | null;
  private readonly hasHeader: boolean;
  private toSkip: number;
  private cols: Resolved | null = null;

  constructor(options: GenericCsvOptions) {
    const m = options.mapping;
    if (m === undefined || m.time === undefined || m.value === undefined) throw new InteropError("bad-option", "csv: options.mapping needs at least the time and value columns");
    if (m.unit !== "mg/dL" && m.unit !== "mmol/L") throw new InteropError("bad-option", `csv: mapping.unit must be "mg/dL" or "mmol/L", got ${JSON.stringify(m.unit)}`);
    let pattern: TimePattern | null = null;
    if (m.timeFormat !== "iso" && m.timeFormat !== "epoch-ms" && m.timeFormat !== "epoch-s") {
      try {
        pattern = compileTimePattern(m.timeFormat ?? "");
      } catch (e) {
        throw new InteropError("bad-option", `csv: mapping.timeFormat: ${(e as Error).message}`);
      }
      if (!pattern.hasOffset && m.timeZone === undefined) throw new InteropError("bad-option", `csv: the time format ${JSON.stringify(m.timeFormat)} has no offset, so mapping.timeZone is required`);
    }
    const zone = m.timeZone === undefined ? null : new ZoneResolver(m.timeZone);
    super("csv", options, timeHandling(m, zone));
    this.zone = zone;
    this.resolver = zone;
    this.mapping = m;
    this.pattern = pattern;
    this.hasHeader = options.header ?? true;
    this.toSkip = options.skipRecords ?? 0;
    this.report.unit = m.unit;
    this.csv = new CsvTokenizer((fields, line) => this.onRecord(fields, line), { delimiter: options.delimiter });
    if (!this.hasHeader) this.cols = this.resolve(null, 1);
  }

  protected consume(chunk: string): void {
    this.csv.push(chunk);
  }

  protected finish(): void {
    this.csv.end();
    if (this.cols === null) throw this.error("bad-header", "the file ends before its header row", 1);
  }

  private resolve(header: string[] | null, line: number): Resolved {
    const find = (ref: ColumnRef | undefined, what: string): number => {
      if (ref === undefined) return -1;
      if (typeof ref === "number") {
        if (!Number.isInteger(ref) || ref < 0) throw new InteropError("bad-option", `csv: mapping.${what} must be a column name or a 0-based index, got ${ref}`);
        return ref;
      }
      if (header === null) throw new InteropError("bad-option", `csv: mapping.${what} names the column ${JSON.stringify(ref)}, but the file has no header (header: false); use a 0-based index`);
      const want = ref.trim().toLowerCase();
      const i = header.findIndex((h) => h.trim().toLowerCase() === want);
      if (i < 0) throw this.error("bad-header", `mapping.${what} names the column ${JSON.stringify(ref)}, which is not in the header (${header.map((h) => JSON.stringify(h)).join(", ")})`, line);
      return i;
    };
    return {
      time: find(this.mapping.time, "time"),
      value: find(this.mapping.value, "value"),
      source: find(this.mapping.sourceColumn, "sourceColumn"),
      trend: find(this.mapping.trendColumn, "trendColumn"),
    };
  }

  private onRecord(f: string[], line: number): void {
    if (this.toSkip > 0) {
      this.toSkip--;
      this.skip("preamble record");
      return;
    }
    if (this.cols === null) {
      this.cols = this.resolve(f, line);
      return;
    }
    const c = this.cols;
    const stamp = cell(f, c.time);
    const time = this.parseTime(stamp);
    if (time === null) {
      this.reject(line, stamp === "" ? "no time" : `time ${JSON.stringify(stamp)} does not match the format ${JSON.stringify(this.mapping.timeFormat)}`);
      return;
    }
    const text = cell(f, c.value);
    const v = parseDecimal(text);
    if (!(v > 0)) {
      this.reject(line, text === "" ? "no glucose value" : `non-numeric glucose value ${JSON.stringify(text)}`);
      return;
    }
    this.emit({
      record: "glucose",
      row: line,
      time,
      value: toMgdl(v, this.mapping.unit),
      unit: "mg/dL",
      source: sourceName(cell(f, c.source), this.mapping.source ?? "csv"),
      trend: c.trend >= 0 ? trendFromNightscout(cell(f, c.trend)) : null,
      flags: 0,
      original_value: text,
      original_unit: this.mapping.unit,
    });
  }

  private parseTime(text: string): number | null {
    if (text === "") return null;
    const fmt = this.mapping.timeFormat;
    if (fmt === "epoch-ms" || fmt === "epoch-s") {
      const n = parseDecimal(text);
      return Number.isFinite(n) ? Math.round(fmt === "epoch-s" ? n * 1000 : n) : null;
    }
    const p: DateTimeParts | null = this.pattern === null ? parseIsoLike(text) : this.pattern.parse(text);
    return p === null ? null : partsToEpoch(p, this.resolver);
  }
}

/** What {@link guessCsvMapping} proposes; the wizard shows it for the user to confirm or change. */
export interface CsvGuess {
  delimiter: string;
  /** Header cells, or null when the first record already holds data. */
  header: string[] | null;
  /** A proposal for every mapping field it could infer (`timeZone` is never guessed). */
  mapping: Partial<CsvColumnMapping>;
  /** Alternatives and doubts worth showing (ambiguous day/month order, unit from the value range…). */
  notes: string[];
  /** The first data records, for a preview. */
  preview: string[][];
}

const DATES = ["YYYY-MM-DD", "YYYY/MM/DD", "DD/MM/YYYY", "MM/DD/YYYY", "DD.MM.YYYY", "DD-MM-YYYY", "MM-DD-YYYY"];
const TIMES = ["THH:mm:ss", "THH:mm", " HH:mm:ss", " HH:mm", " h:mm:ss A", " h:mm A", ""];
const TIME_FORMATS = DATES.flatMap((d) => TIMES.map((t) => d + t));
const TIME_HEADER = /time|date|zeit|datum|fecha|heure|timestamp/i;
const VALUE_HEADER = /glucose|^gl$|sgv|^bg\b|blood ?sugar|value|reading|mg\/dl|mmol/i;
const SOURCE_HEADER = /^(id|subject|patient|device|source|serial)/i;
const TREND_HEADER = /trend|direction/i;

function tokenize(sample: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  const t = new CsvTokenizer((f) => rows.push(f), { delimiter });
  // The sample is the start of a file: its last line may be cut, so drop it when the sample does not end a line.
  t.push(sample);
  try {
    t.end();
  } catch {
    // an unterminated quote in the cut last line
  }
  if (!/[\r\n]$/.test(sample) && rows.length > 1) rows.pop();
  return rows.slice(0, 50);
}

function guessTimeFormat(values: string[], notes: string[]): string | null {
  const vs = values.filter((v) => v !== "");
  if (vs.length === 0) return null;
  if (vs.every((v) => /^\d{12,13}$/.test(v))) return "epoch-ms";
  if (vs.every((v) => /^\d{9,10}$/.test(v))) return "epoch-s";
  if (vs.every((v) => parseIsoLike(v)?.offset != null)) return "iso";
  const fits = TIME_FORMATS.filter((f) => {
    const p = compileTimePattern(f);
    return vs.every((v) => p.parse(v) !== null);
  });
  if (fits.length === 0) return null;
  const swapped = (f: string) => (f.startsWith("DD") ? f.replace(/^DD(.)MM/, "MM$1DD") : f.replace(/^MM(.)DD/, "DD$1MM"));
  const best = fits[0];
  if (/^(DD|MM)/.test(best) && fits.includes(swapped(best))) notes.push(`the day/month order is ambiguous in the sample (no day above 12): assumed ${best}; ${swapped(best)} fits too`);
  return best;
}

/**
 * Proposes a column mapping from the first lines of a CSV (a few KB are enough): the delimiter
 * (`,` `;` tab `|`, whichever gives the most consistent column count), whether there is a header,
 * the time column and its format, the glucose column and its unit (from the header, else from the
 * values: a median below 35 means mmol/L), and source/trend columns. The time zone is never guessed.
 *
 * @example
 * guessCsvMapping('"id","time","gl"\n"Subject 1",2015-06-06 16:50:27,153\n');
 * // {delimiter: ",", header: ["id", "time", "gl"], mapping: {time: "time", value: "gl", unit: "mg/dL", timeFormat: "YYYY-MM-DD HH:mm:ss", sourceColumn: "id"}, …}
 */
export function guessCsvMapping(sample: string): CsvGuess {
  const text = sample.charCodeAt(0) === 0xfeff ? sample.slice(1) : sample;
  let best: { delimiter: string; rows: string[][]; score: number } | null = null;
  for (const delimiter of [",", ";", "\t", "|"]) {
    const rows = tokenize(text, delimiter);
    if (rows.length === 0) continue;
    const counts = new Map<number, number>();
    for (const r of rows) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    let mode = 0;
    let freq = 0;
    for (const [n, k] of counts) if (n > 1 && (k > freq || (k === freq && n > mode))) [mode, freq] = [n, k];
    const score = mode > 1 ? freq * 1000 + mode : 0;
    if (best === null || score > best.score) best = { delimiter, rows, score };
  }
  const notes: string[] = [];
  if (best === null || best.score === 0) return { delimiter: ",", header: null, mapping: {}, notes: ["no delimited columns found"], preview: [] };
  const rows = best.rows;
  const numericish = (v: string) => Number.isFinite(parseDecimal(v)) || /\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}/.test(v);
  const first = rows[0];
  const header = first.filter((v) => v.trim() !== "" && !numericish(v)).length >= Math.ceil(first.length / 2) && rows.length > 1 ? first.map((h) => h.trim()) : null;
  const data = header === null ? rows : rows.slice(1);
  const width = header?.length ?? first.length;
  const column = (i: number) => data.map((r) => (r[i] ?? "").trim());
  const ref = (i: number): ColumnRef => (header === null ? i : header[i]);
  const mapping: Partial<CsvColumnMapping> = {};

  const order = [...Array(width).keys()];
  const byName = (re: RegExp, exclude: number[]) => (header === null ? -1 : order.find((i) => !exclude.includes(i) && re.test(header[i])) ?? -1);
  let timeCol = byName(TIME_HEADER, []);
  let timeFormat = timeCol >= 0 ? guessTimeFormat(column(timeCol), notes) : null;
  if (timeFormat === null) {
    timeCol = order.find((i) => guessTimeFormat(column(i), []) !== null) ?? -1;
    if (timeCol >= 0) timeFormat = guessTimeFormat(column(timeCol), notes);
  }
  if (timeCol >= 0 && timeFormat !== null) {
    mapping.time = ref(timeCol);
    mapping.timeFormat = timeFormat;
  } else notes.push("no time column recognised");

  const allNumeric = (i: number) => {
    const vs = column(i).filter((v) => v !== "");
    return vs.length > 0 && vs.every((v) => Number.isFinite(parseDecimal(v)));
  };
  let valueCol = byName(VALUE_HEADER, [timeCol]);
  if (valueCol >= 0 && !allNumeric(valueCol)) valueCol = -1;
  if (valueCol < 0) valueCol = order.find((i) => i !== timeCol && allNumeric(i)) ?? -1;
  if (valueCol >= 0) {
    mapping.value = ref(valueCol);
    const fromHeader = header === null ? null : unitFromHeader(header[valueCol]);
    if (fromHeader !== null) mapping.unit = fromHeader;
    else {
      const vs = column(valueCol)
        .map(parseDecimal)
        .filter((v) => v > 0)
        .sort((a, b) => a - b);
      if (vs.length > 0) {
        mapping.unit = vs[Math.floor(vs.length / 2)] < 35 ? "mmol/L" : "mg/dL";
        notes.push(`unit ${mapping.unit} guessed from the values (median ${vs[Math.floor(vs.length / 2)]})`);
      }
    }
  } else notes.push("no numeric glucose column recognised");

  const sourceCol = byName(SOURCE_HEADER, [timeCol, valueCol]);
  if (sourceCol >= 0) mapping.sourceColumn = ref(sourceCol);
  const trendCol = byName(TREND_HEADER, [timeCol, valueCol]);
  if (trendCol >= 0) mapping.trendColumn = ref(trendCol);
  if (mapping.timeFormat !== undefined && mapping.timeFormat !== "epoch-ms" && mapping.timeFormat !== "epoch-s" && mapping.timeFormat !== "iso") notes.push("the times have no zone: choose the zone the device clock was set to");
  return { delimiter: best.delimiter, header, mapping, notes, preview: data.slice(0, 10) };
}
