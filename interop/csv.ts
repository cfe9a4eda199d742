/**
 * @module interop/csv
 * A small RFC 4180 CSV tokenizer that works on chunks: quoted fields, `""` escapes, delimiters
 * and line breaks inside quotes, CRLF, LF and lone CR line endings, with chunk boundaries
 * anywhere (inside a quoted field, between the CR and LF of a pair).
 *
 * Leniencies (real exports break the RFC in small ways): a quote inside an unquoted field is kept
 * as a character; characters after a closing quote are appended to the field; blank lines are
 * skipped (no record). An unterminated quote at the end of the input is an error, since it means
 * the file was truncated or is not CSV.
 */
import { InteropError } from "./errors.ts";

/** Called once per record with its fields and the 1-based line it starts on. */
export type CsvRecordHandler = (fields: string[], line: number) => void;

export interface CsvOptions {
  /** One character; default `,`. */
  delimiter?: string;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

const enum State {
  /** At the start of a field. */
  FieldStart,
  /** Inside an unquoted field. */
  Unquoted,
  /** Inside a quoted field. */
  Quoted,
  /** Just after a quote inside a quoted field: `""` (escape) or the closing quote. */
  QuoteInQuoted,
  /** Just after a CR that ended a record: a following LF belongs to it. */
  AfterCr,
}

/**
 * Streaming CSV tokenizer.
 *
 * @example
 * const rows: string[][] = [];
 * const t = new CsvTokenizer((fields) => rows.push(fields));
 * t.push('a,"b\r\n'); t.push('c",d\r'); t.push("\n1,2,3"); t.end();
 * // rows = [["a", "b\r\nc", "d"], ["1", "2", "3"]]
 */
export class CsvTokenizer {
  private readonly delim: number;
  private readonly delimChar: string;
  private state = State.FieldStart;
  private field = "";
  private fields: string[] = [];
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  /** The current record opened a quoted field: `""` alone on a line is a record, not a blank line. */
  private quoted = false;
  private ended = false;
  /** Fast-path caches for the current chunk: index of the next CR / quote, -1 for none, -2 for unknown. */
  private crAt = -2;
  private quoteAt = -2;

  constructor(
    private readonly onRecord: CsvRecordHandler,
    options: CsvOptions = {},
  ) {
    const d = options.delimiter ?? ",";
    if (d.length !== 1 || d === '"' || d === "\n" || d === "\r") throw new InteropError("bad-option", `csv: delimiter must be one character other than a quote or a line break, got ${JSON.stringify(d)}`);
    this.delim = d.charCodeAt(0);
    this.delimChar = d;
  }

  /** The 1-based line the tokenizer is on (lines seen so far + 1). */
  get currentLine(): number {
    return this.line;
  }

  /** Tokenizes a chunk, calling the handler for each record it completes. */
  push(chunk: string): void {
    if (this.ended) throw new InteropError("closed", "csv: push() after end()");
    const s = chunk;
    const n = s.length;
    const delim = this.delim;
    this.crAt = -2;
    this.quoteAt = -2;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.AfterCr: {
          if (s.charCodeAt(i) === LF) i++;
          this.state = State.FieldStart;
          break;
        }
        case State.FieldStart:
        case State.Unquoted: {
          if (this.state === State.FieldStart && this.fields.length === 0) {
            // Fast path for the common case, a whole line without quotes: one native split.
            const next = this.plainLine(s, i);
            if (next !== -1) {
              i = next;
              break;
            }
          }
          if (this.state === State.FieldStart && s.charCodeAt(i) === QUOTE) {
            this.state = State.Quoted;
            this.quoteLine = this.line;
            this.quoted = true;
            i++;
            break;
          }
          let j = i;
          let c = 0;
          while (j < n) {
            c = s.charCodeAt(j);
            if (c === delim || c === LF || c === CR) break;
            j++;
          }
          if (j > i) this.field += s.slice(i, j);
          if (j === n) {
            this.state = State.Unquoted;
            i = n;
            break;
          }
          i = this.terminate(c, j);
          break;
        }
        case State.Quoted: {
          const q = s.indexOf('"', i);
          const end = q === -1 ? n : q;
          this.field += s.slice(i, end);
          for (let k = s.indexOf("\n", i); k !== -1 && k < end; k = s.indexOf("\n", k + 1)) this.line++;
          if (q === -1) {
            i = n;
          } else {
            this.state = State.QuoteInQuoted;
            i = q + 1;
          }
          break;
        }
        case State.QuoteInQuoted: {
          const c = s.charCodeAt(i);
          if (c === QUOTE) {
            this.field += '"';
            this.state = State.Quoted;
            i++;
          } else if (c === delim || c === LF || c === CR) {
            i = this.terminate(c, i);
          } else {
            // `"ab"cd` is not RFC 4180; keep the stray characters rather than lose data.
            this.state = State.Unquoted;
          }
          break;
        }
      }
    }
  }

  /**
   * At the start of a record: when the rest of its line is in `s` and holds no quote and no CR
   * other than a final one, emits it with `split` and returns the index after its LF; otherwise
   * returns -1 and the state machine takes over.
   */
  private plainLine(s: string, i: number): number {
    const nl = s.indexOf("\n", i);
    if (nl === -1) return -1;
    let end = nl;
    if (end > i && s.charCodeAt(end - 1) === CR) end--;
    // Next CR and quote at or after i, cached per chunk so that each is searched once per hit.
    if (this.crAt !== -1 && this.crAt < i) this.crAt = s.indexOf("\r", i);
    if (this.crAt !== -1 && this.crAt < end) return -1;
    if (this.quoteAt !== -1 && this.quoteAt < i) this.quoteAt = s.indexOf('"', i);
    if (this.quoteAt !== -1 && this.quoteAt < end) {
      // Quotes in the line: still fine when every quoted field is a plain `"…"` (R's write.csv
      // quotes every string); anything else (a delimiter, a quote or a line break inside) goes
      // to the state machine.
      const fields = s.slice(i, end).split(this.delimChar);
      for (let k = 0; k < fields.length; k++) {
        const f = fields[k];
        const q = f.indexOf('"');
        if (q === -1) continue;
        if (q !== 0 || f.length < 2 || f.indexOf('"', 1) !== f.length - 1) return -1;
        fields[k] = f.slice(1, -1);
      }
      this.quoted = true;
      this.endFields(fields);
    } else if (end > i) this.onRecord(s.slice(i, end).split(this.delimChar), this.recordLine);
    this.line++;
    this.recordLine = this.line;
    return nl + 1;
  }

  /** Ends the field at `s[j]` (a delimiter or line break); returns the next index. */
  private terminate(c: number, j: number): number {
    this.fields.push(this.field);
    this.field = "";
    if (c === this.delim) {
      this.state = State.FieldStart;
      return j + 1;
    }
    this.endRecord();
    this.line++;
    this.recordLine = this.line;
    this.state = c === CR ? State.AfterCr : State.FieldStart;
    return j + 1;
  }

  private endRecord(): void {
    const fields = this.fields;
    this.fields = [];
    this.endFields(fields);
  }

  private endFields(fields: string[]): void {
    const quoted = this.quoted;
    this.quoted = false;
    // A blank line is one empty, unquoted field: no record.
    if (fields.length === 1 && fields[0] === "" && !quoted) return;
    this.onRecord(fields, this.recordLine);
  }

  /**
   * Flushes the last record (a file need not end with a line break).
   * @throws {InteropError} (`malformed`) when the input ends inside a quoted field.
   */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.state === State.Quoted) throw new InteropError("malformed", `csv: the quoted field that starts on line ${this.quoteLine} is never closed (truncated file?)`, { line: this.quoteLine });
    if (this.state === State.Unquoted || this.state === State.QuoteInQuoted || this.fields.length > 0) {
      this.fields.push(this.field);
      this.field = "";
      this.endRecord();
    }
  }
}

/**
 * Tokenizes a whole CSV text.
 *
 * @example
 * parseCsv('id,note\n1,"a, b"\n'); // => [["id", "note"], ["1", "a, b"]]
 */
export function parseCsv(text: string, options: CsvOptions = {}): string[][] {
  const rows: string[][] = [];
  const t = new CsvTokenizer((f) => rows.push(f), options);
  t.push(text);
  t.end();
  return rows;
}
