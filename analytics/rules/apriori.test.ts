import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "../errors.ts";
import { apriori } from "./apriori.ts";

// Hand-checked table (5 rows):
//   row:  0 1 2 3 4
//   a:    1 1 0 1 1   → 4/5
//   b:    1 0 0 1 1   → 3/5
//   c:    0 1 1 1 0   → 3/5
//   ab: rows 0, 3, 4 → 3/5;  ac: rows 1, 3 → 2/5;  bc: row 3 → 1/5;  abc: row 3 → 1/5
const table = Object.freeze({
  a: Object.freeze([true, true, false, true, true]),
  b: Object.freeze([true, false, false, true, true]),
  c: Object.freeze([false, true, true, true, false]),
});

describe("apriori", () => {
  it("finds every itemset with support >= minSupport (hand-checked)", () => {
    const res = apriori(table, 0.4);
    expect(res.n).toBe(5);
    // bc (0.2) is infrequent, so abc is pruned without counting.
    expect(res.itemsets).toEqual([
      { itemset: ["a"], support: 0.8, count: 4 },
      { itemset: ["b"], support: 0.6, count: 3 },
      { itemset: ["c"], support: 0.6, count: 3 },
      { itemset: ["a", "b"], support: 0.6, count: 3 },
      { itemset: ["a", "c"], support: 0.4, count: 2 },
    ]);
  });

  it("includes itemsets whose support equals minSupport in floating point, like mlxtend", () => {
    // 1/10 === 0.1 in IEEE doubles, and mlxtend keeps support >= min_support.
    const rows = Array.from({ length: 10 }, (_, i) => i === 0);
    expect(apriori({ x: rows }, 0.1).itemsets).toEqual([{ itemset: ["x"], support: 0.1, count: 1 }]);
    expect(apriori({ x: rows }, 0.10000000000000002).itemsets).toEqual([]);
  });

  it("mines the full lattice at low support and respects maxLen", () => {
    expect(apriori(table, 0.2).itemsets.map((s) => s.itemset.join(""))).toEqual(["a", "b", "c", "ab", "ac", "bc", "abc"]);
    expect(apriori(table, 0.2, { maxLen: 2 }).itemsets.map((s) => s.itemset.join(""))).toEqual(["a", "b", "c", "ab", "ac", "bc"]);
    expect(apriori(table, 0.2, { maxLen: 1 }).itemsets).toHaveLength(3);
  });

  it("sorts items by name regardless of column order, and accepts 0/1", () => {
    const res = apriori({ z: [1, 1, 0], y: [1, 1, 1] }, 0.5);
    expect(res.itemsets.map((s) => s.itemset)).toEqual([["y"], ["z"], ["y", "z"]]);
  });

  it("agrees with brute force on a random table (64 rows crossing a word boundary, 7 items)", () => {
    let seed = 12345;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const names = ["g", "f", "e", "d", "c", "b", "a"];
    const rows = 67;
    const columns: Record<string, boolean[]> = {};
    names.forEach((name, j) => (columns[name] = Array.from({ length: rows }, () => random() < 0.35 + 0.05 * j)));
    const minSupport = 0.08;
    const expected: string[] = [];
    for (let mask = 1; mask < 1 << names.length; mask++) {
      const items = names.filter((_, j) => mask & (1 << j));
      let count = 0;
      for (let r = 0; r < rows; r++) if (items.every((item) => columns[item][r])) count++;
      if (count / rows >= minSupport) expected.push(`${[...items].sort().join(",")}=${count}`);
    }
    const found = apriori(columns, minSupport).itemsets.map((s) => `${s.itemset.join(",")}=${s.count}`);
    expect(found.sort()).toEqual(expected.sort());
  });

  it("returns no itemsets when nothing is frequent", () => {
    expect(apriori(table, 1).itemsets).toEqual([]);
  });

  it("throws AnalyticsInputError naming the field", () => {
    expect(() => apriori(table, 0)).toThrow(AnalyticsInputError);
    expect(() => apriori(table, 0)).toThrow(/^apriori: minSupport must be a number in \(0, 1\], got 0$/);
    expect(() => apriori(table, 10)).toThrow(/minSupport/);
    expect(() => apriori(table, 0.5, { maxLen: 0 })).toThrow(/^apriori: maxLen must be a positive integer/);
    expect(() => apriori({}, 0.5)).toThrow(/^apriori: columns must hold at least one item$/);
    expect(() => apriori({ a: [] }, 0.5)).toThrow(/at least one row/);
    expect(() => apriori({ a: [true, false], b: [true, "yes" as unknown as boolean] }, 0.5)).toThrow(
      expect.objectContaining({ name: "AnalyticsInputError", field: "columns.b[1]" }),
    );
  });
});
