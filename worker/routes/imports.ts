/**
 * @module worker/routes/imports
 * `POST /api/v1/imports?format=…&timezone=…`: a whole export file as the body, or a multipart
 * form with a `file` field. The interop parsers (interop/) read it as a stream; rows are stored
 * through the same paths as native uploads, so re-importing a file stores nothing new (readings
 * de-duplicate by (time, source), records by identical content).
 *
 * A file too large for one request (a 1 GB Apple Health export) is sent in parts:
 * `?upload_id=<client UUID>&part=<0-based>[&last=true]`, each body the next bytes of the file,
 * cut anywhere (inside a line, a UTF-8 character or an XML element). Each part is parsed as it
 * arrives; between parts D1 keeps the format, options, running totals, the bytes not parsed yet
 * and the parser's state (interop/resume.ts), so the file is never held whole. Parts come in
 * order: a part already received is answered again from its stored answer and stores nothing
 * (same bytes) or is refused (other bytes, 409); a skipped part is refused with 409 naming
 * `part`; an unknown upload is 404, one idle for 24 hours 410. Row numbers are the whole file's.
 *
 * Caps on an upload in parts, each answered 413 naming the limit, after which the upload's state
 * is removed (rows imported by the parts already answered stay, as those answers said):
 * at most {@link MAX_UPLOAD_PARTS} parts, {@link MAX_UPLOAD_BYTES} bytes in all, and
 * {@link MAX_CARRIED_BYTES} carried from one part to the next (the parser's saved state plus
 * unparsed bytes: a comment, tag or quoted field left open grows it with every part). The part
 * that would carry too much stores nothing of its own.
 *
 * `format=csv` reads glucose from any delimited file: `mapping` (JSON, interop's CsvColumnMapping)
 * names the columns, else they are guessed from the first 4 KB (guessCsvMapping).
 * `format=glucolens-json` takes our own `GET /api/v1/export?format=json` document back (whole only).
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { userDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { toHex } from "../lib/crypto.ts";
import { ApiError, errorBody, invalid } from "../lib/errors.ts";
import { activityKind } from "../records/activities.ts";
import { recordKinds, type RecordKind } from "../records/index.ts";
import { insulinKind } from "../records/insulin.ts";
import { mealKind } from "../records/meals.ts";
import { noteKind } from "../records/notes.ts";
import { sleepKind } from "../records/sleep.ts";
import type { NewReading } from "../repositories/readings.ts";
import { deleteUploads, findUpload, findUploadPart, loadUploadState, saveUploadPart, type UploadProgress } from "../repositories/interop.ts";
import { insertRecords } from "../repositories/records.ts";
import { ReadingInput } from "../schemas/glucose.ts";
import { storeReadings } from "../services/ingest.ts";
import { createParser, detectFormat, guessCsvMapping, InteropError, toWire, type CsvColumnMapping, type FormatId, type ParsedRow, type StreamParser } from "../../interop/index.ts";
import { completeUtf8Length, restoreParser, snapshotParser } from "../../interop/resume.ts";
import { base64ToBytes, bytesToBase64 } from "../../vocabulary/bytes.ts";
import { isValidTimeZone } from "../../vocabulary/timezone.ts";
import { mgdlFrom } from "../../vocabulary/units.ts";

const FORMATS = ["auto", "dexcom-clarity", "libreview", "nightscout", "apple-health", "csv", "glucolens-json"] as const;
type ImportFormat = (typeof FORMATS)[number];
const ZONELESS: FormatId[] = ["dexcom-clarity", "libreview"];
const FLUSH_AT = 5_000;
const MAX_REJECTED = 1_000;
/** Detection and the CSV column guess look at this much of the file's start. */
const HEAD_BYTES = 4096;
/** Parts per upload: 8 GiB in parts of the 8 MiB body limit. */
export const MAX_UPLOAD_PARTS = 1_000;
/** Bytes per upload in all (Apple Health exports of several years are about 1 GiB). */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
/**
 * Parser state plus unparsed bytes carried between two parts. The real Apple Health export in
 * ../shared/data (3.8 MB) never carries more than 8 KB; an unfinished construct this large is not
 * a real file's.
 */
export const MAX_CARRIED_BYTES = 8 * 1024 ** 2;
const MIB = 1024 ** 2;

interface Counts {
  imported: number;
  duplicates: number;
}

/** The running totals of an import, saved between the parts of an upload. */
interface RunTotals {
  byType: Record<string, Counts & { rejected?: number; skipped?: number }>;
  rejected: { row: number; reason: string }[];
  rejectedTotal: number;
  /** Bytes received in the parts so far (absent in uploads begun before it was counted). */
  bytes?: number;
}

class ImportRun {
  readonly byType: RunTotals["byType"];
  readonly rejected: RunTotals["rejected"];
  rejectedTotal: number;
  bytes: number;
  private glucose: NewReading[] = [];
  private records = new Map<RecordKind, Record<string, unknown>[]>();

  constructor(
    private readonly c: Context<AppEnv>,
    saved?: RunTotals,
  ) {
    this.byType = saved?.byType ?? {};
    this.rejected = saved?.rejected ?? [];
    this.rejectedTotal = saved?.rejectedTotal ?? 0;
    this.bytes = saved?.bytes ?? 0;
  }

  totals(): RunTotals {
    return { byType: this.byType, rejected: this.rejected, rejectedTotal: this.rejectedTotal, bytes: this.bytes };
  }

  private counts(type: string) {
    return (this.byType[type] ??= { imported: 0, duplicates: 0 });
  }

  reject(row: number, reason: string) {
    this.rejectedTotal++;
    if (this.rejected.length < MAX_REJECTED) this.rejected.push({ row, reason });
  }

  async addReading(row: number, body: unknown) {
    const p = ReadingInput.safeParse(body);
    if (!p.success) return this.reject(row, `glucose: ${p.error.issues.map((i) => `${i.path.join(".") || "value"} ${i.message}`).join("; ")}`);
    const flags = (body as { flags?: number | null }).flags ?? null;
    const value = p.data.unit === "mmol/L" ? Math.round(mgdlFrom(p.data.value, p.data.unit) * 10) / 10 : p.data.value;
    this.glucose.push({ time: p.data.time, value, source: p.data.source, trend: p.data.trend ?? null, flags });
    if (this.glucose.length >= FLUSH_AT) await this.flush();
  }

  async addRecord(kind: RecordKind, row: number, body: unknown) {
    const p = kind.input.safeParse(body);
    const checked = p.success && kind.check ? kind.check(p.data) : [];
    if (!p.success || checked.length) {
      const issues = p.success ? checked.map((f) => `${f.path} ${f.message}`) : p.error.issues.map((i) => `${i.path.join(".")} ${i.message}`);
      return this.reject(row, `${kind.path}: ${issues.join("; ")}`);
    }
    const list = this.records.get(kind) ?? [];
    list.push(kind.toRow(p.data));
    this.records.set(kind, list);
    if (list.length >= FLUSH_AT) await this.flush();
  }

  async flush() {
    if (this.glucose.length) {
      const batch = this.glucose;
      this.glucose = [];
      const inserted = await storeReadings(this.c, batch);
      const c = this.counts("glucose");
      c.imported += inserted;
      c.duplicates += batch.length - inserted;
    }
    const db = await userDb(this.c);
    for (const [kind, rows] of this.records) {
      if (!rows.length) continue;
      this.records.set(kind, []);
      const res = await insertRecords(db, this.c.get("user").id, kind, rows);
      const c = this.counts(kind.path);
      c.imported += res.inserted.length;
      c.duplicates += res.duplicates;
    }
  }

  /** The answer: these totals plus the parser's own rejections (not copied into the run until the end). */
  result(format: string | null, parser: StreamParser | null) {
    const totals = Object.values(this.byType).reduce((a, t) => ({ imported: a.imported + t.imported, duplicates: a.duplicates + t.duplicates }), { imported: 0, duplicates: 0 });
    const rejected = [...this.rejected, ...(parser?.report.rejected ?? [])].sort((a, b) => a.row - b.row).slice(0, MAX_REJECTED);
    return { format, ...totals, rejected, rejected_total: this.rejectedTotal + (parser?.report.rejected_total ?? 0), by_type: this.byType };
  }
}

const KIND_OF: Record<Exclude<ParsedRow["record"], "glucose">, RecordKind> = { meal: mealKind, insulin: insulinKind, activity: activityKind, sleep: sleepKind, note: noteKind };

async function addParsed(run: ImportRun, rows: ParsedRow[]) {
  for (const row of rows) {
    const wire = toWire(row);
    if (wire.record === "glucose") await run.addReading(row.row, { ...wire.body, flags: row.record === "glucose" ? row.flags || null : null });
    else await run.addRecord(KIND_OF[wire.record], row.row, wire.body);
  }
}

/** The upload's bytes: the raw body, or the `file` field of a multipart form. */
async function uploadStream(c: Context<AppEnv>): Promise<ReadableStream<Uint8Array>> {
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

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** Our own export document (`GET /api/v1/export?format=json`) back into an account. */
async function importGlucoLens(run: ImportRun, text: string) {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw invalid([{ path: "body", message: "is not a GlucoLens JSON export (not valid JSON)" }]);
  }
  if (!doc || typeof doc !== "object" || doc.format !== "glucolens-json") throw invalid([{ path: "format", message: "the body is not a GlucoLens JSON export" }]);
  const glucose = Array.isArray(doc.glucose) ? doc.glucose : [];
  for (const [i, r] of glucose.entries()) await run.addReading(i + 1, r);
  for (const kind of recordKinds) {
    const items = Array.isArray(doc[kind.path]) ? (doc[kind.path] as unknown[]) : [];
    for (const [i, item] of items.entries()) {
      const { id: _id, ...body } = item as Record<string, unknown>;
      await run.addRecord(kind, i + 1, body);
    }
  }
}

/** What the query of a whole file or of part 0 chooses. */
interface ImportOptions {
  format: ImportFormat;
  timezone?: string;
  mapping?: CsvColumnMapping;
}

function importOptions(c: Context<AppEnv>): ImportOptions {
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
function startParser(options: ImportOptions, head: Uint8Array): { format: FormatId; parser: StreamParser } {
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

function makeParser(format: FormatId, options: ImportOptions): StreamParser {
  try {
    return createParser(format, { timeZone: options.timezone, mapping: options.mapping });
  } catch (err) {
    if (err instanceof InteropError) throw invalid([{ path: format === "csv" ? "mapping" : "timezone", message: err.message }]);
    throw err;
  }
}

/** Parse errors of the file itself (truncated XML, a CSV without its header) are the client's. */
async function unreadable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof InteropError) throw new ApiError(422, "unreadable_file", err.message, [{ path: "body", message: err.message }]);
    throw err;
  }
}

/** Moves the parser's own rejections into the run once the parse has ended. */
function closeRun(run: ImportRun, p: StreamParser) {
  for (const r of p.report.rejected) run.reject(r.row, r.reason);
  run.rejectedTotal += Math.max(0, p.report.rejected_total - p.report.rejected.length);
  run.rejected.sort((a, b) => a.row - b.row);
}

async function importWhole(c: Context<AppEnv>) {
  const options = importOptions(c);
  const run = new ImportRun(c);
  const stream = await uploadStream(c);
  if (options.format === "glucolens-json") {
    await importGlucoLens(run, await readAll(stream));
    await run.flush();
    return c.json(run.result("glucolens-json", null), 200);
  }
  const reader = stream.getReader();
  let parser: StreamParser | null = null;
  const head: Uint8Array[] = [];
  let headBytes = 0;
  await unreadable(async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!parser) {
        head.push(value);
        headBytes += value.length;
        if (headBytes < HEAD_BYTES) continue;
        const bytes = concat(head);
        parser = startParser(options, bytes).parser;
        await addParsed(run, parser.pushBytes(bytes));
        continue;
      }
      await addParsed(run, (parser as StreamParser).pushBytes(value));
    }
    if (!parser) {
      if (!headBytes) throw invalid([{ path: "body", message: "is empty: send the file's bytes" }]);
      const bytes = concat(head);
      parser = startParser(options, bytes).parser;
      await addParsed(run, parser.pushBytes(bytes));
    }
    await addParsed(run, (parser as StreamParser).end());
  });
  await run.flush();
  const p = parser as unknown as StreamParser;
  closeRun(run, p);
  return c.json(run.result(p.format, null), 200);
}

const UPLOAD_ID = /^[A-Za-z0-9_-]{8,64}$/;

interface PartQuery {
  id: string;
  part: number;
  last: boolean;
}

function partQuery(c: Context<AppEnv>, id: string): PartQuery {
  const fields: { path: string; message: string }[] = [];
  if (!UPLOAD_ID.test(id)) fields.push({ path: "upload_id", message: "must be 8–64 letters, digits, - or _ (a UUID from crypto.randomUUID() is ideal)" });
  const rawPart = c.req.query("part");
  const part = Number(rawPart);
  if (rawPart === undefined || !/^\d{1,6}$/.test(rawPart)) fields.push({ path: "part", message: "is required with upload_id: the 0-based number of this part (at most 999999)" });
  const rawLast = c.req.query("last") ?? "false";
  if (!["true", "false", "1", "0"].includes(rawLast)) fields.push({ path: "last", message: 'must be "true" or "false"' });
  if (fields.length) throw invalid(fields);
  return { id, part, last: rawLast === "true" || rawLast === "1" };
}


/** Refuses the part with 413 naming the limit, after removing the upload's state (its parts, parser state, progress). */
async function overLimit(c: Context<AppEnv>, id: string, code: string, message: string, path: string): Promise<never> {
  await deleteUploads(await userDb(c), c.get("user").id, { id });
  throw new ApiError(413, code, `${message}; the upload was discarded (rows imported by earlier parts stay)`, [{ path, message }]);
}

const replayed = (c: Context<AppEnv>, response: string) => c.body(response, 200, { "content-type": "application/json", "idempotent-replayed": "true" });

/** One part of an upload (see the module comment). */
async function importPart(c: Context<AppEnv>, q: PartQuery) {
  const userId = c.get("user").id;
  const db = await userDb(c);
  // A part is bounded by the request body limit (8 MiB), so reading it whole is fine; its hash
  // tells a client's retry (same bytes) from a different part sent under the same number.
  const body = new Uint8Array(await new Response(await uploadStream(c)).arrayBuffer());
  const sha256 = toHex(await crypto.subtle.digest("SHA-256", body));
  const upload = await findUpload(db, userId, q.id);
  if (upload && upload.expiresAt < Date.now()) {
    await deleteUploads(db, userId, { id: q.id });
    return c.json(errorBody("upload_expired", "This upload received no part for 24 hours and was discarded; start again with part=0 and a new upload_id", [{ path: "upload_id", message: "has expired" }]), 410);
  }
  if (!upload && q.part > 0) throw new ApiError(404, "not_found", "No upload with this upload_id: send part=0 first", [{ path: "upload_id", message: "is not a started upload of this account" }]);
  if (upload && q.part < upload.nextPart) {
    const prev = await findUploadPart(db, userId, q.id, q.part);
    if (prev && prev.sha256 === sha256) return replayed(c, prev.response);
    throw new ApiError(409, "part_conflict", `Part ${q.part} was already received with other bytes`, [{ path: "part", message: `part ${q.part} was already received with other bytes; the next part is ${upload.done ? "none (the upload is complete)" : upload.nextPart}` }]);
  }
  if (upload?.done) throw new ApiError(409, "part_conflict", "The upload is complete", [{ path: "part", message: `the upload ended with part ${upload.nextPart - 1}` }]);
  const expected = upload?.nextPart ?? 0;
  if (q.part !== expected) throw new ApiError(409, "part_out_of_order", `Parts must come in order: expected part ${expected}`, [{ path: "part", message: `expected ${expected}, got ${q.part}` }]);
  if (!upload) await deleteUploads(db, userId, { expiredBefore: Date.now() });
  if (q.part >= MAX_UPLOAD_PARTS) await overLimit(c, q.id, "too_many_parts", `An upload has at most ${MAX_UPLOAD_PARTS} parts`, "part");

  const options: ImportOptions = upload ? (JSON.parse(upload.options) as ImportOptions) : importOptions(c);
  if (options.format === "glucolens-json") throw invalid([{ path: "format", message: "a GlucoLens JSON export is imported whole, not in parts" }]);
  const run = new ImportRun(c, upload ? (JSON.parse(upload.totals) as RunTotals) : undefined);
  run.bytes += body.length;
  if (run.bytes > MAX_UPLOAD_BYTES) await overLimit(c, q.id, "upload_too_large", `An upload has at most ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB in all`, "body");
  const carry = upload?.carry ? base64ToBytes(upload.carry) : new Uint8Array(0);
  const bytes = carry.length ? concat([carry, body]) : body;
  let format = (upload?.format ?? null) as FormatId | null;
  let parser: StreamParser | null = null;
  let rest = bytes;
  let state: string | null = null;
  await unreadable(async () => {
    if (format) {
      parser = makeParser(format, options);
      const saved = await loadUploadState(db, userId, q.id, q.part - 1);
      if (saved === null) throw new Error(`import upload ${q.id}: no parser state after part ${q.part - 1}`);
      restoreParser(parser, saved);
    } else if (bytes.length >= HEAD_BYTES || q.last) {
      if (!bytes.length) throw invalid([{ path: "body", message: "is empty: send the file's bytes" }]);
      ({ format, parser } = startParser(options, bytes));
    }
    const p = parser as StreamParser | null;
    if (!p) return; // fewer than 4 KB so far: kept until the format can be told
    const upto = q.last ? bytes.length : completeUtf8Length(bytes);
    const rows = p.push(new TextDecoder().decode(bytes.subarray(0, upto)));
    rest = bytes.slice(upto);
    if (!q.last) {
      // Measured before this part's rows are stored, so a refused part stores nothing.
      state = snapshotParser(p);
      if (state.length + rest.length > MAX_CARRIED_BYTES) {
        await overLimit(c, q.id, "import_state_too_large", `At most ${MAX_CARRIED_BYTES / MIB} MiB may be carried from one part to the next (parser state and unparsed bytes); this file leaves a comment, tag or quoted field open`, "body");
      }
    }
    await addParsed(run, rows);
    if (q.last) await addParsed(run, p.end());
  });
  await run.flush();
  const p = parser as StreamParser | null;
  if (q.last && p) closeRun(run, p);
  const answer = { upload_id: q.id, part: q.part, done: q.last, next_part: q.last ? null : q.part + 1, ...run.result(format, q.last ? null : p) };
  const response = JSON.stringify(answer);
  const progress: UploadProgress = { format, options: JSON.stringify(options), nextPart: q.part + 1, done: q.last, totals: JSON.stringify(run.totals()), carry: q.last ? "" : bytesToBase64(rest) };
  try {
    await saveUploadPart(db, userId, q.id, q.part, progress, sha256, response, q.last || !p ? null : state);
  } catch (err) {
    // The same part processed concurrently (a client retry racing its original): the first one
    // recorded wins; its rows and these are the same, and the store de-duplicated them.
    const prev = await findUploadPart(db, userId, q.id, q.part);
    if (prev && prev.sha256 === sha256) return replayed(c, prev.response);
    throw err;
  }
  return c.body(response, 200, { "content-type": "application/json" });
}

export const importRoutes = new OpenAPIHono<AppEnv>();

importRoutes.post("/", async (c) => {
  const uploadId = c.req.query("upload_id");
  if (uploadId !== undefined) return importPart(c, partQuery(c, uploadId));
  if (c.req.query("part") !== undefined || c.req.query("last") !== undefined) throw invalid([{ path: "upload_id", message: "is required with part and last" }]);
  return importWhole(c);
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
