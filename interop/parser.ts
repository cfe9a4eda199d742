/**
 * @module interop/parser
 * What every streaming parser shares: the report, row and rejection bookkeeping, BOM handling,
 * byte input through the runtime's `TextDecoder`, and `parseAll`.
 */
import { InteropError } from "./errors.ts";
import type { ZoneResolver } from "./timezone.ts";
import type { BaseOptions, FormatId, ParseReport, ParseResult, ParsedRow, StreamParser, TimeZoneHandling } from "./types.ts";

/**
 * The part of the WHATWG `TextDecoder` the parsers use. Declared here because the module is
 * compiled without DOM or Workers typings; every target runtime (Workers, browsers, Node ≥ 11)
 * provides the real one as a global.
 */
interface Utf8Decoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
type Utf8DecoderConstructor = new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }) => Utf8Decoder;

/** A streaming UTF-8 decoder (multi-byte characters may be split across chunks). */
export function createUtf8Decoder(): Utf8Decoder {
  const Ctor = (globalThis as unknown as { TextDecoder?: Utf8DecoderConstructor }).TextDecoder;
  if (Ctor === undefined) throw new InteropError("bad-option", "pushBytes needs a global TextDecoder (Workers, browsers and Node all have one); decode the bytes yourself and call push(text)");
  // ignoreBOM: keep a leading BOM in the text, so that push() strips it the same way for text and bytes.
  return new Ctor("utf-8", { ignoreBOM: true });
}

const DEFAULT_MAX_REJECTED = 1000;

/** Base class of the format parsers: subclasses implement `consume` and `finish`. */
export abstract class BaseParser implements StreamParser {
  abstract readonly format: FormatId;
  readonly report: ParseReport;
  private out: ParsedRow[] = [];
  private started = false;
  private ended = false;
  private decoder: Utf8Decoder | null = null;
  private readonly maxRejected: number;

  protected constructor(format: FormatId, options: BaseOptions, timeZone: TimeZoneHandling) {
    this.maxRejected = options.maxRejected ?? DEFAULT_MAX_REJECTED;
    this.report = {
      format,
      unit: null,
      time_zone: timeZone,
      counts: { glucose: 0, meal: 0, insulin: 0, activity: 0, sleep: 0, note: 0 },
      rejected: [],
      rejected_total: 0,
      skipped: {},
      warnings: [],
    };
  }

  /** Parses a chunk of the file's text (without having to know where lines end). */
  protected abstract consume(chunk: string): void;
  /** Called once by `end()`: flush buffered input, emit pending rows, finalise the report. */
  protected abstract finish(): void;

  push(chunk: string): ParsedRow[] {
    if (this.ended) throw new InteropError("closed", `${this.format}: push() after end()`, { format: this.format });
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.length > 0) this.consume(text);
    return this.take();
  }

  pushBytes(bytes: Uint8Array): ParsedRow[] {
    this.decoder ??= createUtf8Decoder();
    return this.push(this.decoder.decode(bytes, { stream: true }));
  }

  end(): ParsedRow[] {
    if (this.ended) return [];
    if (this.decoder !== null) {
      const tail = this.decoder.decode();
      if (tail.length > 0) this.push(tail);
    }
    this.ended = true;
    this.finish();
    this.syncZone();
    return this.take();
  }

  parseAll(text: string): ParseResult {
    const rows = this.push(text);
    for (const r of this.end()) rows.push(r);
    return { ...this.report, rows };
  }

  private take(): ParsedRow[] {
    const rows = this.out;
    this.out = [];
    this.syncZone();
    return rows;
  }

  /** The resolver of a local-time parser, so that the report shows its DST counters. */
  protected zone: ZoneResolver | null = null;

  private syncZone(): void {
    if (this.zone !== null) {
      this.report.time_zone.ambiguous = this.zone.ambiguous;
      this.report.time_zone.nonexistent = this.zone.nonexistent;
    }
  }

  protected emit(row: ParsedRow): void {
    this.out.push(row);
    this.report.counts[row.record]++;
  }

  protected reject(row: number, reason: string): void {
    this.report.rejected_total++;
    if (this.report.rejected.length < this.maxRejected) this.report.rejected.push({ row, reason });
  }

  protected skip(reason: string): void {
    this.report.skipped[reason] = (this.report.skipped[reason] ?? 0) + 1;
  }

  protected error(code: "bad-header" | "malformed" | "unrecognized-format", message: string, line?: number): InteropError {
    return new InteropError(code, `${this.format}: ${message}`, { format: this.format, line });
  }
}

/** Time-zone handling of a format whose times are device-local, read in `zone`. */
export function localZoneHandling(zone: ZoneResolver): TimeZoneHandling {
  return { mode: "local", zone: zone.name, ambiguous: 0, nonexistent: 0 };
}

/** Clips a source name to the API's 64 characters. */
export function sourceName(text: string, fallback: string): string {
  const t = text.trim();
  return (t === "" ? fallback : t).slice(0, 64);
}
