/**
 * @module interop/resume
 * Pausing a streaming parser between two pieces of a file and resuming it later, in another
 * process: the import route receives a large export as several HTTP requests and keeps the
 * parser's state in D1 in between.
 *
 * `snapshotParser` writes the parser's data fields (the CSV tokenizer's half-read field, the XML
 * scanner's unfinished tag, LibreView's rows held until the date order is known, Apple Health's
 * sleep segments, line counters, the report…) as JSON. `restoreParser` writes them back into a
 * freshly constructed parser of the same format and options, whose callbacks, regular expressions,
 * `Intl` formatters and caches stay those of the new instance. The walk is generic, so a field
 * added to a parser is carried over without anyone remembering to list it; test/resume.test.ts
 * checks, on every real file, that pausing and resuming at many places gives exactly `parseAll`.
 *
 * Bytes are not part of the state: a parser is fed text, and the caller keeps the (at most three)
 * bytes of a UTF-8 character cut by the end of a piece ({@link completeUtf8Length}).
 *
 * @example
 * const p = createParser("libreview", { timeZone: "Europe/London" });
 * p.push(firstPieceText);
 * const saved = snapshotParser(p);              // store it
 * const q = createParser("libreview", { timeZone: "Europe/London" });
 * restoreParser(q, saved);                      // later, elsewhere
 * q.push(secondPieceText); q.end();            // same rows and report as one parse
 */
import { InteropError } from "./errors.ts";
import type { StreamParser } from "./types.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Marks a value that is not state (a function, a built-in object such as a RegExp or TextDecoder). */
const SKIP = Symbol("skip");

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && Object.prototype.toString.call(v) === "[object Object]";

/** Fields that are caches rebuilt on demand (ZoneResolver's offsets), not state. */
const isCacheKey = (key: string) => key.endsWith("Cache");

function encode(v: unknown): Json | typeof SKIP {
  if (v === undefined) return { $u: 1 };
  if (typeof v === "number") return Number.isFinite(v) ? v : { $n: String(v) };
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v !== "object") return SKIP; // functions, symbols, bigints: parsers keep none as state
  if (Array.isArray(v)) return v.map((x) => encodeOrNull(x));
  if (v instanceof Map) return { $m: [...v].map(([k, x]) => [encodeOrNull(k), encodeOrNull(x)]) };
  if (v instanceof Set) return { $s: [...v].map((x) => encodeOrNull(x)) };
  if (!isRecord(v)) return SKIP; // RegExp, Intl.DateTimeFormat, TextDecoder…: rebuilt by the constructor
  const out: { [key: string]: Json } = {};
  for (const [k, x] of Object.entries(v)) {
    if (isCacheKey(k)) continue;
    const e = encode(x);
    if (e !== SKIP) out[k.startsWith("$") ? `$${k}` : k] = e;
  }
  return out;
}

function encodeOrNull(v: unknown): Json {
  const e = encode(v);
  if (e === SKIP) throw new InteropError("bad-option", "snapshotParser: a collection holds a function or built-in object, which cannot be saved");
  return e;
}

function decode(j: Json): unknown {
  if (j === null || typeof j !== "object") return j;
  if (Array.isArray(j)) return j.map(decode);
  if ("$u" in j) return undefined;
  if ("$n" in j) return Number(j.$n);
  if ("$m" in j) return new Map((j.$m as [Json, Json][]).map(([k, x]) => [decode(k), decode(x)]));
  if ("$s" in j) return new Set((j.$s as Json[]).map(decode));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(j)) out[k.startsWith("$$") ? k.slice(1) : k] = decode(x);
  return out;
}

/** Writes `saved` into `target`, descending into objects the target already has so that their skipped parts survive. */
function mergeInto(target: Record<string, unknown>, saved: { [key: string]: Json }): void {
  for (const [rawKey, j] of Object.entries(saved)) {
    const key = rawKey.startsWith("$$") ? rawKey.slice(1) : rawKey;
    const current = target[key];
    const plain = isRecord(j) && !("$u" in j || "$n" in j || "$m" in j || "$s" in j);
    if (plain && isRecord(current)) mergeInto(current, j as { [key: string]: Json });
    else target[key] = decode(j);
  }
}

/** The parser's state as a JSON string (see the module comment for what is and is not in it). */
export function snapshotParser(parser: StreamParser): string {
  return JSON.stringify(encode(parser));
}

/**
 * Restores a {@link snapshotParser} string into `parser`, a new instance built with the same
 * format and options as the one saved.
 *
 * @throws {InteropError} (`bad-option`) when the snapshot is of another format.
 */
export function restoreParser(parser: StreamParser, snapshot: string): void {
  const saved = JSON.parse(snapshot) as { [key: string]: Json };
  if (saved.format !== parser.format) throw new InteropError("bad-option", `restoreParser: the snapshot is of a ${String(saved.format)} parser, not ${parser.format}`);
  mergeInto(parser as unknown as Record<string, unknown>, saved);
}

/**
 * How many leading bytes of `bytes` end on a UTF-8 character boundary: the rest (0–3 bytes, the
 * start of a character cut by the end of a piece) must wait for the next piece.
 *
 * @example
 * completeUtf8Length(new Uint8Array([0x61, 0xc3])); // 1 ("a", then the first byte of "é")
 */
export function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}
