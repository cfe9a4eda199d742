/**
 * @module worker/routes/imports
 * `POST /api/v1/imports?format=…&timezone=…`: a whole export file (or one chunk of it) as the
 * body, or a multipart form with a `file` field. The interop parsers (interop/) read it as a
 * stream; rows are stored through the same paths as native uploads, so re-importing a file stores
 * nothing new (readings de-duplicate by (time, source), records by identical content).
 *
 * `format=csv` reads glucose from any delimited file: `mapping` (JSON, interop's CsvColumnMapping)
 * names the columns, else they are guessed from the first 4 KB (guessCsvMapping).
 * `format=glucolens-json` takes our own `GET /api/v1/export?format=json` document back.
 * Notes (from Clarity/LibreView) have no record type yet: counted in `by_type.notes.skipped`.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { getDb } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, invalid } from "../lib/errors.ts";
import { recordKinds, type RecordKind } from "../records/index.ts";
import { activityKind } from "../records/activities.ts";
import { insulinKind } from "../records/insulin.ts";
import { mealKind } from "../records/meals.ts";
import { sleepKind } from "../records/sleep.ts";
import type { NewReading } from "../repositories/readings.ts";
import { insertRecords } from "../repositories/records.ts";
import { ReadingInput } from "../schemas/glucose.ts";
import { storeReadings } from "../services/ingest.ts";
import { createParser, detectFormat, guessCsvMapping, InteropError, toWire, type CsvColumnMapping, type FormatId, type ParsedRow, type StreamParser } from "../../interop/index.ts";

const FORMATS = ["auto", "dexcom-clarity", "libreview", "nightscout", "apple-health", "csv", "glucolens-json"] as const;
type ImportFormat = (typeof FORMATS)[number];
const ZONELESS: FormatId[] = ["dexcom-clarity", "libreview"];
const FLUSH_AT = 5_000;
const MAX_REJECTED = 1_000;

interface Counts {
  imported: number;
  duplicates: number;
}

class ImportRun {
  readonly byType: Record<string, Counts & { rejected?: number; skipped?: number }> = {};
  readonly rejected: { row: number; reason: string }[] = [];
  rejectedTotal = 0;
  private glucose: NewReading[] = [];
  private records = new Map<RecordKind, Record<string, unknown>[]>();

  constructor(private readonly c: Context<AppEnv>) {}

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
    const value = p.data.unit === "mmol/L" ? Math.round(p.data.value * 18.0182 * 10) / 10 : p.data.value;
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

  skip(type: string) {
    const c = this.counts(type);
    c.skipped = (c.skipped ?? 0) + 1;
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
    const db = getDb(this.c.env.DB);
    for (const [kind, rows] of this.records) {
      if (!rows.length) continue;
      this.records.set(kind, []);
      const res = await insertRecords(db, this.c.get("user").id, kind, rows);
      const c = this.counts(kind.path);
      c.imported += res.inserted.length;
      c.duplicates += res.duplicates;
    }
  }

  result(format: string) {
    const totals = Object.values(this.byType).reduce((a, t) => ({ imported: a.imported + t.imported, duplicates: a.duplicates + t.duplicates }), { imported: 0, duplicates: 0 });
    return { format, ...totals, rejected: this.rejected, rejected_total: this.rejectedTotal, by_type: this.byType };
  }
}

const KIND_OF: Partial<Record<ParsedRow["record"], RecordKind>> = { meal: mealKind, insulin: insulinKind, activity: activityKind, sleep: sleepKind };

async function addParsed(run: ImportRun, rows: ParsedRow[]) {
  for (const row of rows) {
    const wire = toWire(row);
    if (wire.record === "glucose") await run.addReading(row.row, { ...wire.body, flags: row.record === "glucose" ? row.flags || null : null });
    else if (wire.record === "note") run.skip("notes");
    else await run.addRecord(KIND_OF[wire.record]!, row.row, wire.body);
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

export const importRoutes = new OpenAPIHono<AppEnv>();

importRoutes.post("/", async (c) => {
  const formatParam = (c.req.query("format") ?? "auto") as ImportFormat;
  if (!FORMATS.includes(formatParam)) throw invalid([{ path: "format", message: `must be one of ${FORMATS.join(", ")}` }]);
  const timeZone = c.req.query("timezone");
  if (timeZone !== undefined) {
    try {
      Intl.DateTimeFormat("en", { timeZone }).resolvedOptions();
    } catch {
      if (!/^[+-]\d\d:\d\d$|^UTC$/.test(timeZone)) throw invalid([{ path: "timezone", message: "must be an IANA time zone such as Europe/London" }]);
    }
  }
  let mappingParam: CsvColumnMapping | undefined;
  const rawMapping = c.req.query("mapping");
  if (rawMapping !== undefined) {
    try {
      mappingParam = JSON.parse(rawMapping) as CsvColumnMapping;
    } catch {
      throw invalid([{ path: "mapping", message: "must be a JSON column mapping (see interop/generic-csv.ts)" }]);
    }
    if (!mappingParam || typeof mappingParam !== "object") throw invalid([{ path: "mapping", message: "must be a JSON object" }]);
  }
  const run = new ImportRun(c);
  const stream = await uploadStream(c);
  if (formatParam === "glucolens-json") {
    await importGlucoLens(run, await readAll(stream));
    await run.flush();
    return c.json(run.result("glucolens-json"), 200);
  }
  const reader = stream.getReader();
  let parser: StreamParser | null = null;
  let format: FormatId | null = formatParam === "auto" ? null : formatParam;
  const head: Uint8Array[] = [];
  let headBytes = 0;
  const start = (bytes: Uint8Array[]) => {
    if (!format) {
      const text = new TextDecoder().decode(concat(bytes)).slice(0, 4096);
      if (text.startsWith("{") && text.includes('"glucolens-json"')) throw invalid([{ path: "format", message: "this is a GlucoLens export: use format=glucolens-json" }]);
      format = detectFormat(text)?.format ?? null;
      if (!format) throw invalid([{ path: "format", message: "could not recognise the file; name its format (dexcom-clarity, libreview, nightscout, apple-health, csv)" }]);
    }
    if ((ZONELESS.includes(format) || (format === "csv" && !mappingParam?.timeZone)) && !timeZone) {
      throw invalid([{ path: "timezone", message: `is required for ${format} files, whose times have no zone (an IANA zone such as Europe/London)` }]);
    }
    let mapping: CsvColumnMapping | undefined;
    if (format === "csv") {
      mapping = mappingParam ?? (guessCsvMapping(new TextDecoder().decode(concat(bytes)).slice(0, 4096)).mapping as CsvColumnMapping);
      if (!mapping.time || !mapping.value) throw invalid([{ path: "mapping", message: "could not find the time and glucose columns; pass mapping as JSON ({\"time\",\"value\",\"unit\",\"timeFormat\"})" }]);
    }
    try {
      parser = createParser(format, { timeZone, mapping });
    } catch (err) {
      if (err instanceof InteropError) throw invalid([{ path: format === "csv" ? "format" : "timezone", message: err.message }]);
      throw err;
    }
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!parser) {
        head.push(value);
        headBytes += value.length;
        if (headBytes < 4096) continue;
        start(head);
        await addParsed(run, parser!.pushBytes(concat(head)));
        continue;
      }
      await addParsed(run, (parser as StreamParser).pushBytes(value));
    }
    if (!parser) {
      if (!headBytes) throw invalid([{ path: "body", message: "is empty: send the file's bytes" }]);
      start(head);
      await addParsed(run, parser!.pushBytes(concat(head)));
    }
    await addParsed(run, (parser as unknown as StreamParser).end());
  } catch (err) {
    if (err instanceof InteropError) throw new ApiError(422, "unreadable_file", err.message, [{ path: "body", message: err.message }]);
    throw err;
  }
  await run.flush();
  const p = parser as unknown as StreamParser;
  for (const r of p.report.rejected) run.reject(r.row, r.reason);
  run.rejectedTotal += Math.max(0, p.report.rejected_total - p.report.rejected.length);
  run.rejected.sort((a, b) => a.row - b.row);
  return c.json(run.result(p.format), 200);
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
