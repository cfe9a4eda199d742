/**
 * @module interop
 * Import parsers for CGM and health exports: pure TypeScript (no Node, Workers or DOM APIs), so
 * the Worker's import route and the browser's upload wizard run the same code.
 *
 * @example
 * import { detectFormat, createParser } from "../interop/index.ts";
 * const format = detectFormat(firstKilobytes)?.format;          // "libreview"
 * const parser = createParser(format, { timeZone: "Europe/London" });
 * for await (const chunk of body) send(parser.pushBytes(chunk));
 * send(parser.end());
 * parser.report; // {format, unit, time_zone, counts, rejected, skipped, warnings, …}
 */
import { AppleHealthParser, type AppleHealthOptions } from "./apple-health.ts";
import { DexcomClarityParser } from "./dexcom-clarity.ts";
import { detectFormat } from "./detect.ts";
import { InteropError } from "./errors.ts";
import { GenericCsvParser, type CsvColumnMapping } from "./generic-csv.ts";
import { LibreViewParser, type LibreViewOptions } from "./libreview.ts";
import { NightscoutParser } from "./nightscout.ts";
import type { BaseOptions, FormatId, ParseResult, StreamParser } from "./types.ts";

// Model
export * from "./types.ts";
export { InteropError, type InteropErrorCode } from "./errors.ts";
export { toWire, type WireRecord } from "./wire.ts";
// Detection and building blocks
export { detectFormat, type Detection } from "./detect.ts";
export { CsvTokenizer, parseCsv } from "./csv.ts";
export { JsonArrayScanner } from "./json-array.ts";
export { XmlTagScanner, parseAttributes, decodeEntities } from "./xml.ts";
export { ZoneResolver } from "./timezone.ts";
export { MGDL_PER_MMOL, toMgdl, trendFromNightscout, trendFromRate } from "./glucose.ts";
export { compileTimePattern } from "./datetime.ts";
// Parsers
export { DexcomClarityParser, CLARITY_HIGH_MGDL, CLARITY_LOW_MGDL, type DexcomClarityOptions } from "./dexcom-clarity.ts";
export { LibreViewParser, LIBRE_HI_MGDL, LIBRE_LO_MGDL, type LibreViewOptions } from "./libreview.ts";
export { NightscoutParser, NIGHTSCOUT_LOW_MGDL, type NightscoutOptions } from "./nightscout.ts";
export { AppleHealthParser, workoutType, type AppleHealthOptions } from "./apple-health.ts";
export { GenericCsvParser, guessCsvMapping, type CsvColumnMapping, type CsvGuess, type GenericCsvOptions } from "./generic-csv.ts";

/** Options for {@link createParser}: the union of every parser's options; each takes what it needs. */
export interface ParserOptions extends BaseOptions, Pick<LibreViewOptions, "dateOrder" | "gramsPerServing">, Pick<AppleHealthOptions, "sleepGapMinutes"> {
  /** Required by `dexcom-clarity` and `libreview` (device-local times); used by `csv` when its mapping has none. */
  timeZone?: string;
  /** Required by `csv`. */
  mapping?: CsvColumnMapping;
  delimiter?: string;
  header?: boolean;
  skipRecords?: number;
}

function needZone(format: FormatId, options: ParserOptions): string {
  if (options.timeZone === undefined) throw new InteropError("bad-option", `${format}: the file's times have no zone, so options.timeZone is required (the zone the device clock was set to, e.g. "Europe/London")`, { format });
  return options.timeZone;
}

/**
 * A streaming parser for a format.
 *
 * @throws {InteropError} (`bad-option`) for a missing time zone or CSV mapping, or an unknown format.
 */
export function createParser(format: FormatId, options: ParserOptions = {}): StreamParser {
  switch (format) {
    case "dexcom-clarity":
      return new DexcomClarityParser({ ...options, timeZone: needZone(format, options) });
    case "libreview":
      return new LibreViewParser({ ...options, timeZone: needZone(format, options) });
    case "nightscout":
      return new NightscoutParser(options);
    case "apple-health":
      return new AppleHealthParser(options);
    case "csv": {
      if (options.mapping === undefined) throw new InteropError("bad-option", "csv: options.mapping is required (see guessCsvMapping)", { format });
      const mapping = options.mapping.timeZone === undefined && options.timeZone !== undefined ? { ...options.mapping, timeZone: options.timeZone } : options.mapping;
      return new GenericCsvParser({ ...options, mapping });
    }
    default:
      throw new InteropError("bad-option", `unknown format ${JSON.stringify(format)}; expected dexcom-clarity, libreview, nightscout, apple-health or csv`);
  }
}

/**
 * Parses a whole file held as text, detecting its format unless `options.format` names it.
 *
 * @throws {InteropError} (`unrecognized-format`) when detection fails; whatever the parser throws.
 * @example
 * parseAll(text, { timeZone: "America/New_York" }).counts; // {glucose: 2148, meal: 0, …}
 */
export function parseAll(text: string, options: ParserOptions & { format?: FormatId | "auto" } = {}): ParseResult {
  let format = options.format ?? "auto";
  if (format === "auto") {
    const d = detectFormat(text.slice(0, 4096));
    if (d === null) throw new InteropError("unrecognized-format", "the file is not a Dexcom Clarity CSV, LibreView CSV, Nightscout entries.json, Apple Health export.xml or a delimited text");
    format = d.format;
  }
  return createParser(format, options).parseAll(text);
}
