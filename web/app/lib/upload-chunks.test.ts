import { describe, expect, it } from "vitest";
import type { GlucoseRow, NoteRow, ParsedRow } from "../../../interop/index.ts";
import { addChunkResult, addParserReport, bulkEndpoint, ChunkBuffer, emptySummary, MAX_LISTED_REJECTIONS } from "./upload-chunks.ts";

const glucose = (row: number, value = 100): GlucoseRow => ({ record: "glucose", row, source: "cgm", time: 1_700_000_000_000 + row * 300_000, value, unit: "mg/dL", trend: null, flags: 0, original_value: String(value), original_unit: "mg/dL" });
const meal = (row: number): ParsedRow => ({ record: "meal", row, source: "app", time: 1_700_000_000_000 + row * 60_000, carbs: 40, protein: null, fat: null, fibre: null, calories: null, description: "toast" });
const note = (row: number): NoteRow => ({ record: "note", row, source: "app", time: 1, text: "hi" });

describe("ChunkBuffer", () => {
  it("hands out a chunk the moment it is full, per kind, with the wire body and the file row", () => {
    const b = new ChunkBuffer(3);
    expect(b.add(glucose(1))).toBeNull();
    expect(b.add(meal(2))).toBeNull();
    expect(b.add(glucose(3))).toBeNull();
    const full = b.add(glucose(4));
    expect(full?.kind).toBe("glucose");
    expect(full?.rows).toEqual([1, 3, 4]);
    // toWire: bookkeeping fields are gone, API fields stay.
    expect(full?.items[0]).toEqual({ time: glucose(1).time, value: 100, unit: "mg/dL", source: "cgm", trend: null });
    expect(b.flush().map((c) => [c.kind, c.rows])).toEqual([["meals", [2]]]);
    expect(b.flush()).toEqual([]);
  });

  it("never holds more than `size` items per kind and counts notes as not sent", () => {
    const b = new ChunkBuffer(5_000);
    const rows = Array.from({ length: 12_345 }, (_, i) => glucose(i + 1));
    const chunks = [...b.addAll(rows), ...b.flush()];
    expect(chunks.map((c) => c.items.length)).toEqual([5_000, 5_000, 2_345]);
    expect(chunks.flatMap((c) => c.rows)).toEqual(rows.map((r) => r.row));
    b.add(note(1));
    b.add(note(2));
    expect(b.skipped).toEqual({ note: 2 });
    expect(() => new ChunkBuffer(0)).toThrow(RangeError);
    expect(() => new ChunkBuffer(10_001)).toThrow(RangeError);
  });

  it("maps kinds to the bulk endpoints", () => {
    expect(bulkEndpoint("glucose")).toEqual({ path: "/api/v1/glucose/bulk", key: "readings" });
    expect(bulkEndpoint("activities")).toEqual({ path: "/api/v1/activities/bulk", key: "items" });
  });
});

describe("summary accumulation", () => {
  it("adds counts per kind and names rejected rows with the API's field messages", () => {
    const s = emptySummary();
    const chunk = { kind: "glucose" as const, items: [{}, {}, {}, {}], rows: [10, 11, 12, 13] };
    addChunkResult(s, chunk, { inserted: 2, duplicates: 1, rejected: [{ index: 2, fields: [{ path: "value", message: "must be between 20–600 mg/dL" }] }] });
    addChunkResult(s, { kind: "meals", items: [{}], rows: [20] }, { inserted: 0, duplicates: 1, rejected: [] });
    expect(s.byKind).toEqual({ glucose: { imported: 2, duplicates: 1, rejected: 1 }, meals: { imported: 0, duplicates: 1, rejected: 0 } });
    expect([s.imported, s.duplicates, s.rejectedTotal, s.sent]).toEqual([2, 2, 1, 5]);
    expect(s.rejected).toEqual([{ row: 12, reason: "glucose: value must be between 20–600 mg/dL" }]);
  });

  it("refuses an answer that does not add up to the chunk", () => {
    expect(() => addChunkResult(emptySummary(), { kind: "sleep", items: [{}], rows: [1] }, { inserted: 1, duplicates: 1, rejected: [] })).toThrow(/chunk of 1/);
  });

  it("merges the parser's rejections sorted by row, counts those beyond its list, adds skipped reasons", () => {
    const s = emptySummary();
    addChunkResult(s, { kind: "glucose", items: [{}, {}], rows: [50, 7] }, { inserted: 0, duplicates: 0, rejected: [{ index: 0, fields: [] }, { index: 1, fields: [{ path: "time", message: "x" }] }] });
    addParserReport(s, { rejected: [{ row: 3, reason: "bad" }], rejected_total: 4, skipped: { metadata: 11 } }, { note: 2 });
    expect(s.rejected.map((r) => r.row)).toEqual([3, 7, 50]);
    expect(s.rejected[2]?.reason).toBe("glucose: refused by the API");
    expect(s.rejectedTotal).toBe(2 + 4);
    expect(s.skipped).toEqual({ metadata: 11, "notes (no record type yet)": 2 });
  });

  it("keeps at most MAX_LISTED_REJECTIONS reasons but counts all", () => {
    const s = emptySummary();
    const n = MAX_LISTED_REJECTIONS + 5;
    addChunkResult(s, { kind: "glucose", items: Array(n).fill({}), rows: Array.from({ length: n }, (_, i) => i + 1) }, { inserted: 0, duplicates: 0, rejected: Array.from({ length: n }, (_, index) => ({ index, fields: [] })) });
    expect(s.rejected).toHaveLength(MAX_LISTED_REJECTIONS);
    expect(s.rejectedTotal).toBe(n);
  });
});
