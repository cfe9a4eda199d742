/**
 * @module worker/imports/run
 * One import's rows on their way to storage: readings and records parsed from a file are checked
 * with the same schemas as the native routes, buffered, and stored in batches through the same
 * paths (readings through worker/services/ingest.ts, records through the record store), so a
 * re-imported file stores nothing new. The run keeps the totals per type and the rejected rows;
 * an import in parts (./parts.ts) saves them between parts ({@link RunTotals}).
 */
import type { Context } from "hono";
import { userDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { invalid } from "../lib/errors.ts";
import { activityKind } from "../records/activities.ts";
import { recordKinds, type RecordKind } from "../records/index.ts";
import { insulinKind } from "../records/insulin.ts";
import { mealKind } from "../records/meals.ts";
import { noteKind } from "../records/notes.ts";
import { sleepKind } from "../records/sleep.ts";
import type { NewReading } from "../repositories/readings.ts";
import { insertRecords } from "../repositories/records.ts";
import { ReadingInput } from "../schemas/glucose.ts";
import { storeReadings } from "../services/ingest.ts";
import { toWire, type ParsedRow, type StreamParser } from "../../interop/index.ts";
import { mgdlFrom } from "../../vocabulary/units.ts";

const FLUSH_AT = 5_000;
const MAX_REJECTED = 1_000;

interface Counts {
  imported: number;
  duplicates: number;
}

/** The running totals of an import, saved between the parts of an upload. */
export interface RunTotals {
  byType: Record<string, Counts & { rejected?: number; skipped?: number }>;
  rejected: { row: number; reason: string }[];
  rejectedTotal: number;
  /** Bytes received in the parts so far (absent in uploads begun before it was counted). */
  bytes?: number;
}

export class ImportRun {
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

export async function addParsed(run: ImportRun, rows: ParsedRow[]) {
  for (const row of rows) {
    const wire = toWire(row);
    if (wire.record === "glucose") await run.addReading(row.row, { ...wire.body, flags: row.record === "glucose" ? row.flags || null : null });
    else await run.addRecord(KIND_OF[wire.record], row.row, wire.body);
  }
}

/** Our own export document (`GET /api/v1/export?format=json`) back into an account. */
export async function importGlucoLens(run: ImportRun, text: string) {
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

/** Moves the parser's own rejections into the run once the parse has ended. */
export function closeRun(run: ImportRun, p: StreamParser) {
  for (const r of p.report.rejected) run.reject(r.row, r.reason);
  run.rejectedTotal += Math.max(0, p.report.rejected_total - p.report.rejected.length);
  run.rejected.sort((a, b) => a.row - b.row);
}
