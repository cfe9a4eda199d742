/**
 * Pausing and resuming (interop/resume.ts): every real file cut into byte pieces, each piece
 * parsed by a new parser restored from the JSON snapshot of the previous one, gives exactly the
 * rows and report of parseAll. Cuts fall inside lines, multi-byte characters and XML elements.
 */
import { describe, expect, it } from "vitest";
import { createParser, type ParserOptions } from "../index.ts";
import { completeUtf8Length, restoreParser, snapshotParser } from "../resume.ts";
import type { FormatId, ParsedRow, ParseResult } from "../types.ts";
import { cutPoints, FILES, readBytes, readText } from "./helpers.ts";

const iglu = { mapping: { time: "time", value: "gl", unit: "mg/dL" as const, timeFormat: "YYYY-MM-DD HH:mm:ss", timeZone: "EST", sourceColumn: "id" } };
const cases: [string, FormatId, ParserOptions][] = [
  [FILES.clarity, "dexcom-clarity", { timeZone: "America/New_York" }],
  [FILES.libre2, "libreview", { timeZone: "Europe/London" }],
  [FILES.libre3, "libreview", { timeZone: "America/New_York" }],
  [FILES.nightscout, "nightscout", {}],
  [FILES.apple, "apple-health", {}],
  [FILES.iglu1, "csv", iglu],
];

/** Feeds `bytes` cut at `cuts`, saving and restoring the parser (through a JSON string) between pieces. */
function resumed(format: FormatId, options: ParserOptions, bytes: Uint8Array, cuts: number[]): ParseResult {
  const rows: ParsedRow[] = [];
  let saved: string | null = null;
  let carry = new Uint8Array(0);
  let from = 0;
  for (const c of [...cuts, bytes.length]) {
    const p = createParser(format, options);
    if (saved !== null) restoreParser(p, saved);
    const piece = new Uint8Array(carry.length + c - from);
    piece.set(carry);
    piece.set(bytes.subarray(from, c), carry.length);
    const whole = c === bytes.length ? piece.length : completeUtf8Length(piece);
    rows.push(...p.push(new TextDecoder().decode(piece.subarray(0, whole))));
    carry = piece.slice(whole);
    if (c === bytes.length) {
      rows.push(...p.end());
      return { ...p.report, rows };
    }
    saved = snapshotParser(p);
    from = c;
  }
  throw new Error("unreachable");
}

describe.each(cases)("%s", (path, format, options) => {
  const bytes = readBytes(path);
  const whole = createParser(format, options).parseAll(readText(path));

  it("gives parseAll's rows and report when paused and resumed between random byte pieces", () => {
    for (const seed of [11, 12]) {
      const cuts = cutPoints(bytes.length, seed, Math.max(64, Math.ceil(bytes.length / 60)));
      expect(resumed(format, options, bytes, cuts)).toEqual(whole);
    }
  });
});

describe("resume building blocks", () => {
  it("completeUtf8Length keeps a cut character for the next piece", () => {
    const e = new TextEncoder().encode("aé€😀");
    expect([...Array(e.length + 1).keys()].map((n) => completeUtf8Length(e.subarray(0, n)))).toEqual([0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10]);
  });

  it("cuts inside an XML element, a multi-byte character and a quoted CSV field", () => {
    const xml = '<?xml version="1.0"?>\n<HealthData locale="en">\n<Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Zoë’s iPhone" unit="mg/dL" startDate="2024-01-01 08:00:00 +0100" endDate="2024-01-01 08:00:00 +0100" value="101"/>\n</HealthData>\n';
    const xb = new TextEncoder().encode(xml);
    const wholeXml = createParser("apple-health").parseAll(xml);
    for (let cut = 1; cut < xb.length; cut++) expect(resumed("apple-health", {}, xb, [cut])).toEqual(wholeXml);
    const csv = 'time,gl,id\n"2024-01-01 08:00:00",101,"Zoë, ""A"""\n2024-01-01 08:05:00,103,b\n';
    const cb = new TextEncoder().encode(csv);
    const wholeCsv = createParser("csv", iglu).parseAll(csv);
    for (let cut = 1; cut < cb.length; cut++) expect(resumed("csv", iglu, cb, [cut, Math.min(cb.length - 1, cut + 7)].filter((c, i, a) => a.indexOf(c) === i))).toEqual(wholeCsv);
  });

  it("refuses a snapshot of another format", () => {
    expect(() => restoreParser(createParser("apple-health"), snapshotParser(createParser("nightscout")))).toThrow(/nightscout/);
  });
});
