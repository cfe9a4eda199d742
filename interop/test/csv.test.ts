/**
 * csv.ts: RFC 4180 tokenizing, line numbers, leniencies, errors, and (property test) any
 * chunking of any serialized table gives back the table.
 */
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvTokenizer, parseCsv } from "../csv.ts";
import { InteropError } from "../errors.ts";

function tokenize(chunks: string[], delimiter?: string): [string[], number][] {
  const out: [string[], number][] = [];
  const t = new CsvTokenizer((f, line) => out.push([f, line]), { delimiter });
  for (const c of chunks) t.push(c);
  t.end();
  return out;
}

describe("CsvTokenizer", () => {
  it("splits fields and records, LF or CRLF, with or without a final line break", () => {
    expect(parseCsv("a,b\n1,2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(parseCsv("a,b\r\n1,2\r\n")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("treats a lone CR as a line break (classic Mac files)", () => {
    expect(parseCsv("a\rb\r\nc\n")).toEqual([["a"], ["b"], ["c"]]);
  });

  it("keeps empty fields, including trailing ones (LibreView pads every row to 19 fields)", () => {
    expect(parseCsv("a,,b,\n,,\n")).toEqual([
      ["a", "", "b", ""],
      ["", "", ""],
    ]);
  });

  it("reads quoted fields with delimiters, escaped quotes and line breaks", () => {
    expect(parseCsv('"a,b","say ""hi""","line1\r\nline2",""\n')).toEqual([["a,b", 'say "hi"', "line1\r\nline2", ""]]);
  });

  it("skips blank lines but keeps line numbers of the file", () => {
    const got = tokenize(['h1,h2\n\n"multi\nline",x\r\n\r\nlast,1']);
    expect(got).toEqual([
      [["h1", "h2"], 1],
      [["multi\nline", "x"], 3],
      [["last", "1"], 6],
    ]);
  });

  it("is lenient with stray quotes: inside an unquoted field, or after a closing quote", () => {
    expect(parseCsv('5" screen,"ab"cd,x\n')).toEqual([['5" screen', "abcd", "x"]]);
  });

  it("takes another delimiter", () => {
    expect(parseCsv('a;"b;c"\t\n1;2', { delimiter: ";" })).toEqual([
      ["a", "b;c\t"],
      ["1", "2"],
    ]);
    expect(() => new CsvTokenizer(() => {}, { delimiter: '"' })).toThrow(InteropError);
  });

  it("fails clearly on an unterminated quote (a truncated file)", () => {
    expect(() => parseCsv('a,b\n1,"never closed\n2,3\n')).toThrow(/line 2 is never closed/);
  });

  it("refuses input after end()", () => {
    const t = new CsvTokenizer(() => {});
    t.end();
    expect(() => t.push("a")).toThrow(/after end/);
  });

  it("gives the same records and line numbers for any chunking of any table (property)", () => {
    const field = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('"', '""', ",", "\r\n", "\n", "é", "😀", " x "));
    const table = fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(table, fc.constantFrom("\n", "\r\n"), fc.array(fc.nat(), { maxLength: 8 }), (rows, eol, rawCuts) => {
        // Serialize per RFC 4180: quote the fields that need it, and some others (so that both
        // the plain-line fast path and the state machine run); a row of one empty field is
        // quoted so that it is not a blank line.
        const quote = (f: string, r: string[]) => /[",\r\n]/.test(f) || f.length % 2 === 1 || (r.length === 1 && f === "");
        const text = rows.map((r) => r.map((f) => (quote(f, r) ? `"${f.replace(/"/g, '""')}"` : f)).join(",")).join(eol) + eol;
        const cuts = [...new Set(rawCuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let from = 0;
        for (const c of [...cuts, text.length]) {
          chunks.push(text.slice(from, c));
          from = c;
        }
        const whole = tokenize([text]);
        expect(whole.map(([f]) => f)).toEqual(rows);
        expect(tokenize(chunks)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});
