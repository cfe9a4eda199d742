/**
 * @module worker/imports/file
 * The uploaded file as the import routes read it: its bytes (the raw body or a multipart `file`
 * field), the options of its query (`format`, `timezone`, `mapping`) and the interop parser
 * chosen from them and the file's first 4 KB. Errors name the query field or `body`.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiError, invalid } from "../lib/errors.ts";
import { createParser, detectFormat, guessCsvMapping, InteropError, type CsvColumnMapping, type FormatId, type StreamParser } from "../../interop/index.ts";
import { isValidTimeZone } from "../../vocabulary/timezone.ts";

const FORMATS = ["auto", "dexcom-clarity", "libreview", "nightscout", "apple-health", "csv", "glucolens-json"] as const;
type ImportFormat = (typeof FORMATS)[number];
const ZONELESS: FormatId[] = ["dexcom-clarity", "libreview"];
/** Detection and the CSV column guess look at this much of the file's start. */
export const HEAD_BYTES = 4096;

/** The upload's bytes: the raw body, or the `file` field of a multipart form. */
export async function uploadStream(c: Context<AppEnv>): Promise<ReadableStream<Uint8Array>> {
  const type = c.req.header("content-type") ?? "";
  if (/^multipart\/form-data/i.test(type)) {
    const form = await c.req.formData();
    const file: unknown = form.get("file");
    if (!(file instanceof Blob)) throw invalid([{ path: "file", message: "is required: the export file as a form field named file" }]);
    return file.stream();
  }
  if (!c.req.raw.body) throw invalid([{ path: "body", message: "is empty: send the file's bytes" }]);
  return c.req.raw.body;
}

export async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** What the query of a whole file or of part 0 chooses. */
export interface ImportOptions {
  format: ImportFormat;
  timezone?: string;
  mapping?: CsvColumnMapping;
}

export function importOptions(c: Context<AppEnv>): ImportOptions {
  const format = (c.req.query("format") ?? "auto") as ImportFormat;
  if (!FORMATS.includes(format)) throw invalid([{ path: "format", message: `must be one of ${FORMATS.join(", ")}` }]);
  const timezone = c.req.query("timezone");
  if (timezone !== undefined) {
    if (!isValidTimeZone(timezone) && !/^[+-]\d\d:\d\d$|^UTC$/.test(timezone)) throw invalid([{ path: "timezone", message: "must be an IANA time zone such as Europe/London" }]);
  }
  let mapping: CsvColumnMapping | undefined;
  const rawMapping = c.req.query("mapping");
  if (rawMapping !== undefined) {
    try {
      mapping = JSON.parse(rawMapping) as CsvColumnMapping;
    } catch {
      throw invalid([{ path: "mapping", message: "must be a JSON column mapping (see interop/generic-csv.ts)" }]);
    }
    if (!mapping || typeof mapping !== "object") throw invalid([{ path: "mapping", message: "must be a JSON object" }]);
  }
  if (ZONELESS.includes(format as FormatId) && timezone === undefined) throw invalid([{ path: "timezone", message: `is required for ${format} files, whose times have no zone (an IANA zone such as Europe/London)` }]);
  return { format, timezone, mapping };
}

/**
 * The parser for a file whose first bytes are `head` (at least 4 KB, or the whole file):
 * detects the format unless named, checks the time zone, guesses a CSV mapping. `options` gets
 * the resolved format and mapping, so that later parts rebuild the same parser.
 */
export function startParser(options: ImportOptions, head: Uint8Array): { format: FormatId; parser: StreamParser } {
  const text = new TextDecoder().decode(head.subarray(0, HEAD_BYTES)).slice(0, HEAD_BYTES);
  let format: FormatId;
  if (options.format === "auto") {
    if (text.replace(/^\uFEFF?\s*/, "").startsWith("{") && text.includes('"glucolens-json"')) throw invalid([{ path: "format", message: "this is a GlucoLens export: use format=glucolens-json" }]);
    const detected = detectFormat(text)?.format;
    if (!detected) throw invalid([{ path: "format", message: "could not recognise the file; name its format (dexcom-clarity, libreview, nightscout, apple-health, csv)" }]);
    format = detected;
  } else format = options.format as FormatId;
  if ((ZONELESS.includes(format) || (format === "csv" && !options.mapping?.timeZone)) && !options.timezone) {
    throw invalid([{ path: "timezone", message: `is required for ${format} files, whose times have no zone (an IANA zone such as Europe/London)` }]);
  }
  if (format === "csv") {
    options.mapping ??= guessCsvMapping(text).mapping as CsvColumnMapping;
    if (!options.mapping.time || !options.mapping.value) throw invalid([{ path: "mapping", message: "could not find the time and glucose columns; pass mapping as JSON ({\"time\",\"value\",\"unit\",\"timeFormat\"})" }]);
  }
  return { format, parser: makeParser(format, options) };
}

export function makeParser(format: FormatId, options: ImportOptions): StreamParser {
  try {
    return createParser(format, { timeZone: options.timezone, mapping: options.mapping });
  } catch (err) {
    if (err instanceof InteropError) throw invalid([{ path: format === "csv" ? "mapping" : "timezone", message: err.message }]);
    throw err;
  }
}

/** Parse errors of the file itself (truncated XML, a CSV without its header) are the client's. */
export async function unreadable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof InteropError) throw new ApiError(422, "unreadable_file", err.message, [{ path: "body", message: err.message }]);
    throw err;
  }
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
