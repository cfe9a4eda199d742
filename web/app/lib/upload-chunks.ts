/**
 * @module upload-chunks
 * The upload wizard's bookkeeping, pure and browser-safe: parsed rows (interop's output model)
 * are grouped by record kind into chunks of at most {@link CHUNK_SIZE} API bodies, each chunk is
 * sent to the kind's bulk endpoint, and the answers (`inserted`, `duplicates`, `rejected[index]`)
 * are added up into one summary whose rejections name the file's row and the reason.
 *
 * Chunks stay per kind (the bulk endpoints take one kind each) and are handed out as soon as they
 * are full, so a caller that awaits each send keeps at most one chunk per kind in memory.
 */
import { toWire, type ParsedRow, type ParseReport, type RecordKind } from "../../../interop/index.ts";

/** Items per request: the API takes 10,000; half keeps each request well under its 8 MiB limit. */
export const CHUNK_SIZE = 5_000;
/** Rejections kept with their reason (all are counted). */
export const MAX_LISTED_REJECTIONS = 1_000;

/** The API collection a parsed record goes to; notes have none yet. */
export type UploadKind = "glucose" | "meals" | "insulin" | "activities" | "sleep";
export const UPLOAD_KINDS: readonly UploadKind[] = ["glucose", "meals", "insulin", "activities", "sleep"];

export const UPLOAD_KIND_OF: Record<RecordKind, UploadKind | null> = {
  glucose: "glucose",
  meal: "meals",
  insulin: "insulin",
  activity: "activities",
  sleep: "sleep",
  note: null,
};

export const UPLOAD_KIND_LABEL: Record<UploadKind, string> = {
  glucose: "Glucose readings",
  meals: "Meals",
  insulin: "Insulin doses",
  activities: "Activities",
  sleep: "Sleep",
};

/** Path and body key of a kind's bulk endpoint. */
export function bulkEndpoint(kind: UploadKind): { path: string; key: "readings" | "items" } {
  return kind === "glucose" ? { path: "/api/v1/glucose/bulk", key: "readings" } : { path: `/api/v1/${kind}/bulk`, key: "items" };
}

export interface Chunk {
  kind: UploadKind;
  /** API bodies (toWire), in file order. */
  items: unknown[];
  /** The file row of each item, for naming rejections. */
  rows: number[];
}

/** Groups rows into per-kind chunks of at most `size` items. */
export class ChunkBuffer {
  private readonly open = new Map<UploadKind, Chunk>();
  /** Rows with no API collection (notes), by record kind. */
  readonly skipped: Partial<Record<RecordKind, number>> = {};

  constructor(readonly size = CHUNK_SIZE) {
    if (!(size >= 1 && size <= 10_000)) throw new RangeError("ChunkBuffer: size must be 1–10,000");
  }

  /** Adds one row; returns the chunk it filled, if it filled one. */
  add(row: ParsedRow): Chunk | null {
    const kind = UPLOAD_KIND_OF[row.record];
    if (kind === null) {
      this.skipped[row.record] = (this.skipped[row.record] ?? 0) + 1;
      return null;
    }
    let chunk = this.open.get(kind);
    if (!chunk) {
      chunk = { kind, items: [], rows: [] };
      this.open.set(kind, chunk);
    }
    chunk.items.push(toWire(row).body);
    chunk.rows.push(row.row);
    if (chunk.items.length < this.size) return null;
    this.open.delete(kind);
    return chunk;
  }

  /** Adds many rows; returns the chunks they filled. */
  addAll(rows: readonly ParsedRow[]): Chunk[] {
    const full: Chunk[] = [];
    for (const r of rows) {
      const c = this.add(r);
      if (c) full.push(c);
    }
    return full;
  }

  /** The partly filled chunks, in UPLOAD_KINDS order; the buffer is empty afterwards. */
  flush(): Chunk[] {
    const out = UPLOAD_KINDS.map((k) => this.open.get(k)).filter((c): c is Chunk => c !== undefined && c.items.length > 0);
    this.open.clear();
    return out;
  }
}

/** What a bulk endpoint answers. */
export interface BulkResult {
  inserted: number;
  duplicates: number;
  rejected: { index: number; fields: { path: string; message: string }[] }[];
}

export interface KindCounts {
  imported: number;
  duplicates: number;
  rejected: number;
}

export interface UploadSummary {
  byKind: Partial<Record<UploadKind, KindCounts>>;
  imported: number;
  duplicates: number;
  /** Rows the parser or the API refused, the first {@link MAX_LISTED_REJECTIONS}, by row. */
  rejected: { row: number; reason: string }[];
  rejectedTotal: number;
  /** Rows not sent, by reason ("notes": no record type yet). */
  skipped: Record<string, number>;
  /** Items sent so far (for the progress bar). */
  sent: number;
}

export function emptySummary(): UploadSummary {
  return { byKind: {}, imported: 0, duplicates: 0, rejected: [], rejectedTotal: 0, skipped: {}, sent: 0 };
}

function reject(summary: UploadSummary, row: number, reason: string): void {
  summary.rejectedTotal++;
  if (summary.rejected.length < MAX_LISTED_REJECTIONS) summary.rejected.push({ row, reason });
}

/**
 * Adds one chunk's answer. Rejections are mapped from the chunk's item index back to the file's
 * row, with the API's field messages as the reason ("glucose: value must be between 20–600 mg/dL").
 * Mutates and returns `summary`.
 *
 * @throws RangeError when the answer does not fit the chunk (more items counted than were sent).
 */
export function addChunkResult(summary: UploadSummary, chunk: Chunk, result: BulkResult): UploadSummary {
  const n = chunk.items.length;
  if (result.inserted + result.duplicates + result.rejected.length !== n) {
    throw new RangeError(`addChunkResult: the answer counts ${result.inserted + result.duplicates + result.rejected.length} items for a chunk of ${n}`);
  }
  const counts = (summary.byKind[chunk.kind] ??= { imported: 0, duplicates: 0, rejected: 0 });
  counts.imported += result.inserted;
  counts.duplicates += result.duplicates;
  counts.rejected += result.rejected.length;
  summary.imported += result.inserted;
  summary.duplicates += result.duplicates;
  summary.sent += n;
  for (const r of result.rejected) {
    const why = r.fields.map((f) => `${f.path} ${f.message}`).join("; ") || "refused by the API";
    reject(summary, chunk.rows[r.index] ?? 0, `${chunk.kind}: ${why}`);
  }
  return summary;
}

/** Adds what the parser itself refused or skipped (after `end()`), keeping rejections sorted by row. */
export function addParserReport(summary: UploadSummary, report: Pick<ParseReport, "rejected" | "rejected_total" | "skipped">, notSent: Partial<Record<RecordKind, number>> = {}): UploadSummary {
  for (const r of report.rejected) reject(summary, r.row, r.reason);
  // Counted beyond the parser's own list: add to the total only.
  summary.rejectedTotal += Math.max(0, report.rejected_total - report.rejected.length);
  for (const [reason, n] of Object.entries(report.skipped)) summary.skipped[reason] = (summary.skipped[reason] ?? 0) + n;
  for (const [kind, n] of Object.entries(notSent)) if (n) summary.skipped[`${kind}s (no record type yet)`] = (summary.skipped[`${kind}s (no record type yet)`] ?? 0) + n;
  summary.rejected.sort((a, b) => a.row - b.row);
  return summary;
}
