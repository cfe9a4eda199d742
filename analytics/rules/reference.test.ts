// Cross-check against the shared reference case apriori_daily90: mlxtend 0.23.4
// apriori(df, min_support=0.1, use_colnames=True) + association_rules(num_itemsets=90,
// metric="confidence", min_threshold=0.6) on a 90-day binary feature table with planted rules.
// Expected values and tolerances are read from the file.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { apriori, associationRules, type AssociationRule } from "./index.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const refPath = resolve(repoRoot, "../shared/data/reference/apriori_daily90.json");

interface Case {
  input: { columns: Record<string, boolean[]>; items: string[] };
  settings: { min_support: number; min_threshold: number; metric: string; n_rows: number };
  expected: { frequent_itemsets: { itemset: string[]; support: number }[]; rules: Record<string, unknown>[] };
  tolerances: { frequent_itemsets: { atol: number }; rules: { atol: number } };
}
const ref = JSON.parse(readFileSync(refPath, "utf8")) as Case;
const columns: Record<string, readonly boolean[]> = {};
for (const [item, values] of Object.entries(ref.input.columns)) columns[item] = Object.freeze(values);
Object.freeze(columns);

const KEYS: Record<string, keyof AssociationRule> = {
  antecedent_support: "antecedentSupport",
  consequent_support: "consequentSupport",
  support: "support",
  confidence: "confidence",
  lift: "lift",
  representativity: "representativity",
  leverage: "leverage",
  conviction: "conviction",
  zhangs_metric: "zhangsMetric",
  jaccard: "jaccard",
  certainty: "certainty",
  kulczynski: "kulczynski",
};
const num = (v: unknown): number => (typeof v === "number" ? v : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : Number.NaN);

describe("apriori_daily90 reference (mlxtend 0.23.4)", () => {
  const frequent = apriori(columns, ref.settings.min_support);
  const rules = associationRules(frequent, { metric: "confidence", minThreshold: ref.settings.min_threshold });

  it("finds the same frequent itemsets with the same supports", () => {
    expect(frequent.n).toBe(ref.settings.n_rows);
    // Both sides are sorted by (size, items), so the sets compare entry by entry.
    expect(frequent.itemsets.map((s) => s.itemset)).toEqual(ref.expected.frequent_itemsets.map((s) => s.itemset));
    frequent.itemsets.forEach((s, i) => {
      expect(Math.abs(s.support - ref.expected.frequent_itemsets[i].support)).toBeLessThanOrEqual(ref.tolerances.frequent_itemsets.atol);
    });
  });

  it("finds the same rules with every metric within 1e-12", () => {
    expect(rules.map((r) => [r.antecedents, r.consequents])).toEqual(ref.expected.rules.map((r) => [r.antecedents, r.consequents]));
    rules.forEach((rule, i) => {
      const e = ref.expected.rules[i];
      for (const [key, field] of Object.entries(KEYS)) {
        const expected = num(e[key]);
        const actual = rule[field] as number;
        // Finite metrics within the tolerance; conviction "Infinity" (confidence 1) exactly.
        const ok = Number.isFinite(expected) ? Math.abs(actual - expected) <= ref.tolerances.rules.atol : Object.is(actual, expected);
        expect(ok, `${rule.antecedents}→${rule.consequents} ${key}: ${actual} vs ${expected}`).toBe(true);
      }
    });
  });

  it("checks every metric the reference lists", () => {
    expect(Object.keys(ref.expected.rules[0]).filter((k) => k !== "antecedents" && k !== "consequents").sort()).toEqual(Object.keys(KEYS).sort());
  });
});
