/**
 * @module upload-run
 * Reads an export file in the browser with interop's streaming parsers, a chunk of bytes at a
 * time (`File.stream()`; the parsers' `pushBytes` decode UTF-8 across chunk boundaries), so a
 * 1 GB Apple Health export is never held whole:
 *
 * - {@link scanFile}: one pass that keeps only the first rows (the preview) and the parser's
 *   report (format, unit, time zone handling, counts, rejections), with byte progress;
 * - {@link importFile}: a second pass that sends the rows in per-kind chunks of ≤ 5,000 through
 *   `send` (the Remix resource route) and adds up the answers. Each send is awaited before more
 *   bytes are read, so memory stays at one chunk per kind however large the file.
 *
 * Both take a parser factory, so the same code serves every format and the tests.
 */
import type { ParsedRow, ParseReport, StreamParser } from "../../../interop/index.ts";
import { addChunkResult, addParserReport, ChunkBuffer, emptySummary, type BulkResult, type Chunk, type UploadSummary } from "./upload-chunks.ts";

/** Anything with `size` and `stream()`: a File, a Blob. */
export interface ByteSource {
  readonly size: number;
  stream(): ReadableStream<Uint8Array>;
}

export interface Progress {
  bytes: number;
  totalBytes: number;
  /** 0–1. */
  fraction: number;
}

const progressOf = (bytes: number, totalBytes: number): Progress => ({ bytes, totalBytes, fraction: totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 1 });

async function eachBytes(file: ByteSource, signal: AbortSignal | undefined, fn: (bytes: Uint8Array, readSoFar: number) => Promise<void> | void): Promise<void> {
  const reader = file.stream().getReader();
  let read = 0;
  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason ?? new DOMException("Aborted", "AbortError");
      const { done, value } = await reader.read();
      if (done) break;
      read += value.byteLength;
      await fn(value, read);
    }
  } finally {
    reader.releaseLock();
  }
}

export interface ScanResult {
  report: ParseReport;
  /** The first `previewLimit` rows. */
  preview: ParsedRow[];
  /** Earliest and latest time in the file (epoch ms), null when it has no rows. */
  range: { first: number; last: number } | null;
}

const rowTime = (r: ParsedRow) => ("time" in r ? r.time : r.start);

/** Parses the whole file, keeping only the first rows and the report. */
export async function scanFile(
  file: ByteSource,
  parser: StreamParser,
  { previewLimit = 20, onProgress, signal }: { previewLimit?: number; onProgress?: (p: Progress) => void; signal?: AbortSignal } = {},
): Promise<ScanResult> {
  const preview: ParsedRow[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const keep = (rows: ParsedRow[]) => {
    for (const r of rows) {
      const t = rowTime(r);
      if (t < first) first = t;
      if (t > last) last = t;
      if (preview.length < previewLimit) preview.push(r);
    }
  };
  await eachBytes(file, signal, (bytes, read) => {
    keep(parser.pushBytes(bytes));
    onProgress?.(progressOf(read, file.size));
  });
  keep(parser.end());
  onProgress?.(progressOf(file.size, file.size));
  return { report: parser.report, preview, range: first <= last ? { first, last } : null };
}

export interface ImportProgress extends Progress {
  summary: UploadSummary;
  /** Rows the parser has emitted so far. */
  parsed: number;
}

/**
 * Parses and sends the file. Resolves with the summary (API counts plus the parser's rejections);
 * rejects with whatever `send` throws (the summary so far is in the last progress event).
 */
export async function importFile(
  file: ByteSource,
  parser: StreamParser,
  send: (chunk: Chunk) => Promise<BulkResult>,
  { chunkSize, onProgress, signal }: { chunkSize?: number; onProgress?: (p: ImportProgress) => void; signal?: AbortSignal } = {},
): Promise<{ summary: UploadSummary; report: ParseReport }> {
  const buffer = new ChunkBuffer(chunkSize);
  const summary = emptySummary();
  let parsed = 0;
  let read = 0;
  const report = () => onProgress?.({ ...progressOf(read, file.size), summary, parsed });
  const sendAll = async (chunks: Chunk[]) => {
    for (const c of chunks) {
      addChunkResult(summary, c, await send(c));
      report();
    }
  };
  await eachBytes(file, signal, async (bytes, soFar) => {
    const rows = parser.pushBytes(bytes);
    parsed += rows.length;
    read = soFar;
    await sendAll(buffer.addAll(rows));
    report();
  });
  const last = parser.end();
  parsed += last.length;
  read = file.size;
  await sendAll(buffer.addAll(last));
  await sendAll(buffer.flush());
  addParserReport(summary, parser.report, buffer.skipped);
  report();
  return { summary, report: parser.report };
}
