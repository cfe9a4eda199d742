/**
 * @module interop/xml
 * An incremental XML tag scanner (not a DOM, not a validating parser): it reports start and end
 * tags with their raw attribute text and line, and skips the XML declaration, comments, CDATA,
 * processing instructions and a `<!DOCTYPE … [ internal subset ]>` (Apple Health exports carry
 * a full inline DTD). Text content is ignored. Attribute values may contain `>` and either kind
 * of quote; chunk boundaries may fall anywhere. Memory is bounded by the largest single tag.
 */
import { InteropError } from "./errors.ts";

export interface XmlTagHandler {
  /** A start tag; `selfClosing` for `<x/>`, which gets no `end` call. `attrs` is the raw text after the name. */
  start(name: string, attrs: string, selfClosing: boolean, line: number): void;
  end(name: string, line: number): void;
}

const LT = 60;
const GT = 62;

/**
 * Streaming XML tag scanner.
 *
 * @example
 * const s = new XmlTagScanner({ start: (n, a) => console.log(n, parseAttributes(a)), end: () => {} });
 * s.push('<a x="1>2"><b y=\'q"\'/></'); s.push("a>"); s.end();
 * // a {x: "1>2"} then b {y: 'q"'}
 */
export class XmlTagScanner {
  /** The unfinished construct at the end of the previous chunk (starts with `<`), or "". */
  private carry = "";
  private line = 1;
  private ended = false;

  constructor(
    private readonly handler: XmlTagHandler,
    private readonly what = "xml",
  ) {}

  push(chunk: string): void {
    let from = 0;
    if (this.carry !== "") {
      // Finish the construct cut by the previous chunk on a small head of this one, instead of
      // concatenating whole chunks: a 64 KiB chunk joined to its predecessor's tail would be
      // copied into a new large string every time, which costs more than the scanning itself.
      const carry = this.carry;
      for (let take = Math.min(chunk.length, 4096); ; take = Math.min(chunk.length, take * 4)) {
        const head = carry + chunk.slice(0, take);
        const pos = this.scan(head, 0);
        if (pos >= carry.length) {
          from = pos - carry.length;
          this.carry = "";
          break;
        }
        if (take >= chunk.length) {
          this.carry = head.slice(pos);
          return;
        }
      }
    }
    const pos = this.scan(chunk, from);
    this.carry = pos < chunk.length ? chunk.slice(pos) : "";
  }

  /** @throws {InteropError} (`malformed`) when the input ends inside a tag, comment or declaration. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const lt = this.carry.indexOf("<");
    if (lt !== -1) throw new InteropError("malformed", `${this.what}: the input ends inside a tag on line ${this.line} (${JSON.stringify(this.carry.slice(lt, lt + 40))}…): truncated file?`, { line: this.line });
  }

  private countLines(s: string, from: number, to: number): void {
    for (let k = s.indexOf("\n", from); k !== -1 && k < to; k = s.indexOf("\n", k + 1)) this.line++;
  }

  /** Reports every complete construct of `s` from `from`; returns where the first unfinished one starts (or `s.length`). */
  private scan(s: string, from: number): number {
    const n = s.length;
    let i = from;
    while (i < n) {
      const lt = s.indexOf("<", i);
      if (lt === -1) {
        this.countLines(s, i, n);
        return n;
      }
      if (lt > i) {
        this.countLines(s, i, lt);
        i = lt;
      }
      if (lt + 1 >= n) return lt;
      const c1 = s.charCodeAt(lt + 1);
      let next: number;
      if (c1 === 33 /* ! */) {
        if (n - lt < 9) return lt; // cannot tell "<!--", "<![CDATA[" and "<!DOCTYPE" apart yet
        if (s.startsWith("<!--", lt)) next = after(s, "-->", lt + 4);
        else if (s.startsWith("<![CDATA[", lt)) next = after(s, "]]>", lt + 9);
        else next = declarationEnd(s, lt + 2);
      } else if (c1 === 63 /* ? */) {
        next = after(s, "?>", lt + 2);
      } else if (c1 === 47 /* / */) {
        const gt = s.indexOf(">", lt + 2);
        if (gt === -1) return lt;
        this.handler.end(s.slice(lt + 2, gt).trim(), this.line);
        next = gt + 1;
      } else {
        const gt = tagEnd(s, lt + 1);
        if (gt === -1) return lt;
        let inner = s.slice(lt + 1, gt);
        const selfClosing = inner.charCodeAt(inner.length - 1) === 47;
        if (selfClosing) inner = inner.slice(0, -1);
        let k = 0;
        while (k < inner.length && inner.charCodeAt(k) > 32) k++;
        const name = inner.slice(0, k);
        if (name === "") throw new InteropError("malformed", `${this.what}: a tag without a name on line ${this.line}`, { line: this.line });
        this.handler.start(name, inner.slice(k), selfClosing, this.line);
        next = gt + 1;
      }
      if (next === -1) return lt;
      this.countLines(s, lt, next);
      i = next;
    }
    return i;
  }
}

/** Index just after `needle` found from `from`, or -1. */
function after(s: string, needle: string, from: number): number {
  const k = s.indexOf(needle, from);
  return k === -1 ? -1 : k + needle.length;
}

/** Index of the `>` closing a start tag whose name starts at `from`, skipping quoted attribute values; -1 if not in `s` yet. */
function tagEnd(s: string, from: number): number {
  const n = s.length;
  let i = from;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === GT) return i;
    if (c === 34 || c === 39) {
      const q = s.indexOf(c === 34 ? '"' : "'", i + 1);
      if (q === -1) return -1;
      i = q + 1;
    } else if (c === LT) {
      throw new InteropError("malformed", `xml: "<" inside a tag: ${JSON.stringify(s.slice(from - 1, i + 1).slice(0, 60))}`);
    } else i++;
  }
  return -1;
}

/** Index just after a `<!DOCTYPE …>`-style declaration (with an optional `[ … ]` subset holding comments and quotes); -1 if incomplete. */
function declarationEnd(s: string, from: number): number {
  const n = s.length;
  let depth = 0;
  let i = from;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === LT && s.startsWith("<!--", i)) {
      const e = s.indexOf("-->", i + 4);
      if (e === -1) return -1;
      i = e + 3;
    } else if (c === 34 || c === 39) {
      const q = s.indexOf(c === 34 ? '"' : "'", i + 1);
      if (q === -1) return -1;
      i = q + 1;
    } else {
      if (c === 91 /* [ */) depth++;
      else if (c === 93 /* ] */) depth--;
      else if (c === GT && depth <= 0) return i + 1;
      i++;
    }
  }
  return -1;
}

const ENTITY = /&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Replaces the five predefined entities and character references (`&#8217;`, `&#x2019;`). */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(ENTITY, (_, e: string) => {
    if (e[0] !== "#") return NAMED[e];
    const code = e[1] === "x" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : "\uFFFD";
  });
}

const ATTRIBUTE = /([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * Attributes of a tag (raw text after the name) in any order, entities decoded.
 *
 * @example
 * parseAttributes(' type="x" sourceName=\'Jonathan’s iPhone\' note="a &amp; b"'); // {type: "x", sourceName: "Jonathan’s iPhone", note: "a & b"}
 */
export function parseAttributes(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(raw); m !== null; m = ATTRIBUTE.exec(raw)) out[m[1]] = decodeEntities(m[2] ?? m[3]);
  return out;
}
