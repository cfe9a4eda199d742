import { describe, expect, it } from "vitest";
import { andCount, countBits, packBits, popcount32 } from "./bitset.ts";
import { booleanTable } from "./boolean-table.ts";
import { compareItemLists, compareItems } from "./compare-items.ts";
import { AnalyticsInputError } from "../errors.ts";

describe("bitset", () => {
  it("packs rows into 32-bit words, low bit first", () => {
    expect(Array.from(packBits(Object.freeze([true, false, true])))).toEqual([5]);
    // 33 rows need two words; row 32 is bit 0 of the second word.
    const rows = Array.from({ length: 33 }, (_, i) => i === 31 || i === 32);
    expect(Array.from(packBits(rows))).toEqual([0x80000000, 1]);
    expect(packBits([]).length).toBe(0);
  });

  it("counts bits (hand-checked words)", () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0xff00ff00)).toBe(16);
    expect(popcount32(0x80000001)).toBe(2);
    const rows = Array.from({ length: 100 }, (_, i) => i % 3 === 0);
    expect(countBits(packBits(rows))).toBe(34);
  });

  it("ANDs and counts in one pass", () => {
    const out = new Uint32Array(1);
    expect(andCount(packBits([true, true, false]), packBits([false, true, true]), out)).toBe(1);
    expect(Array.from(out)).toEqual([2]);
  });
});

describe("booleanTable", () => {
  it("accepts booleans and 0/1 and keeps item order", () => {
    const table = booleanTable(Object.freeze({ b: Object.freeze([true, false]), a: Object.freeze([1, 1]) }));
    expect(table.items).toEqual(["b", "a"]);
    expect(table.n).toBe(2);
    expect(table.bits.map((b) => Array.from(b))).toEqual([[1], [3]]);
  });

  it("names the offending field", () => {
    const fieldOf = (run: () => unknown): string => {
      try {
        run();
      } catch (err) {
        return err instanceof AnalyticsInputError ? err.field : `not an AnalyticsInputError: ${String(err)}`;
      }
      return "no error";
    };
    expect(fieldOf(() => booleanTable({}))).toBe("columns");
    expect(fieldOf(() => booleanTable({ a: [] }))).toBe("columns");
    expect(fieldOf(() => booleanTable({ a: [true], b: [true, false] }))).toBe("columns.b");
    expect(fieldOf(() => booleanTable({ a: [true, 2] }))).toBe("columns.a[1]");
    expect(fieldOf(() => booleanTable({ a: [true, null as unknown as boolean] }))).toBe("columns.a[1]");
    expect(fieldOf(() => booleanTable({ a: 3 as unknown as boolean[] }))).toBe("columns.a");
  });
});

describe("compareItems", () => {
  it("orders names and lists as Python does", () => {
    expect(["late_meal", "exercised", "high_carb"].sort(compareItems)).toEqual(["exercised", "high_carb", "late_meal"]);
    expect(compareItemLists(["a", "b"], ["a", "c"])).toBeLessThan(0);
    expect(compareItemLists(["a", "b"], ["a"])).toBeGreaterThan(0);
    expect(compareItemLists(["a"], ["a"])).toBe(0);
    expect(compareItems("Z", "a")).toBeLessThan(0); // code-unit order: upper case first
  });
});
