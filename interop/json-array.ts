/**
 * @module interop/json-array
 * An incremental scanner for a top-level JSON array: it finds where each element starts and ends
 * (tracking strings, escapes and nesting) and hands the element's text to a callback, so that
 * a multi-gigabyte `[ {...}, {...}, … ]` is parsed one element at a time with `JSON.parse`.
 * Memory is bounded by the largest element, not the file.
 */
import { InteropError } from "./errors.ts";

const enum S {
  /** Before the opening `[`. */
  Start,
  /** After `[` or `,`: a value (or, right after `[`, `]`) must follow. */
  ExpectValue,
  /** Inside an element. */
  InValue,
  /** After an element: `,` or `]` must follow. */
  AfterValue,
  /** After the closing `]`: only whitespace may follow. */
  Done,
}

const isWs = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * Streaming scanner of a top-level JSON array.
 *
 * @example
 * const items: unknown[] = [];
 * const s = new JsonArrayScanner((text) => items.push(JSON.parse(text)));
 * s.push('[{"a":"x,]"}, 2'); s.push(", [3]]"); s.end();
 * // items = [{a: "x,]"}, 2, [3]]
 */
export class JsonArrayScanner {
  /** Text of the current element from earlier chunks ("" when it started in this one). */
  private pending = "";
  /** Start of the current element in the chunk being scanned (0 when it started earlier). */
  private start = 0;
  private state = S.Start;
  private depth = 0;
  private inString = false;
  /** Elements completed so far (the 1-based number of the next one is `count + 1`). */
  count = 0;

  constructor(
    private readonly onElement: (text: string, index: number) => void,
    private readonly what = "json",
  ) {}

  /**
   * Scans a chunk in place: chunks are never concatenated (copying each 64 KiB chunk into a new
   * string costs more than scanning it); only an element cut by a chunk boundary is carried.
   */
  push(chunk: string): void {
    this.start = 0;
    this.scan(chunk);
    if (this.state === S.InValue) this.pending += chunk.slice(this.start);
  }

  /** @throws {InteropError} (`malformed`) when the input ends before the array is closed. */
  end(): void {
    if (this.state === S.Start) throw new InteropError("malformed", `${this.what}: the input is empty; expected a JSON array`);
    if (this.state !== S.Done) throw new InteropError("malformed", `${this.what}: unexpected end of input inside the array, after ${this.count} complete element${this.count === 1 ? "" : "s"} (truncated file?)`, { line: this.count + 1 });
  }

  private fail(message: string): never {
    throw new InteropError("malformed", `${this.what}: ${message}`, { line: this.count + 1 });
  }

  private scan(s: string): void {
    const n = s.length;
    let i = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      switch (this.state) {
        case S.Start:
          if (isWs(c)) i++;
          else if (c === 91 /* [ */) {
            this.state = S.ExpectValue;
            i++;
          } else this.fail(`expected a JSON array ("[") at the start, found ${JSON.stringify(s.slice(i, i + 20))}`);
          break;
        case S.ExpectValue:
          if (isWs(c)) i++;
          else if (c === 93 /* ] */ && this.count === 0) {
            this.state = S.Done;
            i++;
          } else if (c === 44 /* , */ || c === 93) this.fail(`unexpected ${JSON.stringify(s[i])} where element ${this.count + 1} should start`);
          else {
            this.state = S.InValue;
            this.start = i;
            this.pending = "";
            this.depth = 0;
            this.inString = false;
          }
          break;
        case S.InValue:
          i = this.scanValue(s, i);
          break;
        case S.AfterValue:
          if (isWs(c)) i++;
          else if (c === 44) {
            this.state = S.ExpectValue;
            i++;
          } else if (c === 93) {
            this.state = S.Done;
            i++;
          } else this.fail(`expected "," or "]" after element ${this.count}, found ${JSON.stringify(s.slice(i, i + 20))}`);
          break;
        case S.Done:
          if (isWs(c)) i++;
          else this.fail(`unexpected ${JSON.stringify(s.slice(i, i + 20))} after the end of the array`);
          break;
      }
    }
  }

  /** Backslashes right before index `q` of `s`, continuing into the carried text when the run reaches the chunk start. */
  private backslashesBefore(s: string, q: number): number {
    let b = 0;
    while (q - 1 - b >= this.start && s.charCodeAt(q - 1 - b) === 92) b++;
    if (q - 1 - b < this.start && this.start === 0) {
      const p = this.pending;
      for (let k = p.length - 1; k >= 0 && p.charCodeAt(k) === 92; k--) b++;
    }
    return b;
  }

  /** Advances through the current element from `i`; returns the next index to scan. */
  private scanValue(s: string, from: number): number {
    const n = s.length;
    let i = from;
    while (i < n) {
      if (this.inString) {
        // Jump to the next quote that is not escaped (an odd run of backslashes before it).
        let q = s.indexOf('"', i);
        while (q !== -1 && this.backslashesBefore(s, q) % 2 === 1) q = s.indexOf('"', q + 1);
        if (q === -1) return n; // the string goes on in the next chunk
        this.inString = false;
        i = q + 1;
        if (this.depth === 0) return this.complete(s, i);
        continue;
      }
      const c = s.charCodeAt(i);
      if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) {
        if (this.depth === 0) {
          // `]` ends a scalar element that is the last one; `}` here is a syntax error.
          if (c === 125) this.fail(`unexpected "}" in element ${this.count + 1}`);
          return this.complete(s, i);
        }
        this.depth--;
        if (this.depth === 0) return this.complete(s, i + 1);
      } else if (this.depth === 0 && (c === 44 || isWs(c))) return this.complete(s, i);
      i++;
    }
    return i;
  }

  private complete(s: string, endIndex: number): number {
    const text = this.pending + s.slice(this.start, endIndex);
    this.pending = "";
    this.state = S.AfterValue;
    this.count++;
    this.onElement(text, this.count);
    return endIndex;
  }
}
