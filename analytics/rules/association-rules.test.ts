import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "../errors.ts";
import { apriori } from "./apriori.ts";
import { associationRules, type AssociationRule } from "./association-rules.ts";

// The hand-checked table of apriori.test.ts: s(a) = 0.8, s(b) = 0.6, s(c) = 0.6, s(ab) = 0.6,
// s(ac) = 0.4 at min support 0.4.
const table = Object.freeze({
  a: Object.freeze([true, true, false, true, true]),
  b: Object.freeze([true, false, false, true, true]),
  c: Object.freeze([false, true, true, true, false]),
});

function expectRule(actual: AssociationRule | undefined, expected: Omit<AssociationRule, "representativity">): void {
  expect(actual).toBeDefined();
  const rule = actual as AssociationRule;
  expect(rule.antecedents).toEqual(expected.antecedents);
  expect(rule.consequents).toEqual(expected.consequents);
  expect(rule.representativity).toBe(1);
  for (const [key, value] of Object.entries(expected)) {
    if (typeof value !== "number") continue;
    const got = rule[key as keyof AssociationRule] as number;
    // Finite metrics within 1e-12; an infinite one (conviction) exactly.
    expect(Number.isFinite(value) ? Math.abs(got - value) <= 1e-12 : Object.is(got, value), `${key}: ${got} vs ${value}`).toBe(true);
  }
}

describe("associationRules", () => {
  it("scores every split with mlxtend 0.23.4's metrics (hand-checked)", () => {
    const rules = associationRules(apriori(table, 0.4), { minThreshold: 0.6 });
    // a→c has confidence 0.4/0.8 = 0.5 < 0.6 and is dropped; the rest sorted by (antecedents, consequents).
    expect(rules.map((r) => `${r.antecedents}→${r.consequents}`)).toEqual(["a→b", "b→a", "c→a"]);
    // a→b: conf 0.6/0.8; lift 0.75/0.6; leverage 0.6 - 0.8·0.6; conviction 0.4/0.25;
    // zhang 0.12/max(0.6·0.2, 0.8·0) = 1; jaccard 0.6/(0.8+0.6-0.6); certainty 0.15/0.4;
    // kulczynski (0.75 + 1)/2.
    expectRule(rules[0], {
      antecedents: ["a"], consequents: ["b"], antecedentSupport: 0.8, consequentSupport: 0.6, support: 0.6,
      confidence: 0.75, lift: 1.25, leverage: 0.12, conviction: 1.6, zhangsMetric: 1, jaccard: 0.75, certainty: 0.375, kulczynski: 0.875,
    });
    // b→a: confidence 1, so conviction is Infinity and certainty (1 - 0.8)/(1 - 0.8) = 1;
    // zhang 0.12/max(0.6·0.4, 0.6·0.2) = 0.5.
    expectRule(rules[1], {
      antecedents: ["b"], consequents: ["a"], antecedentSupport: 0.6, consequentSupport: 0.8, support: 0.6,
      confidence: 1, lift: 1.25, leverage: 0.12, conviction: Infinity, zhangsMetric: 0.5, jaccard: 0.75, certainty: 1, kulczynski: 0.875,
    });
    // c→a: a negative association. conf 0.4/0.6 = 2/3; lift (2/3)/0.8; leverage 0.4 - 0.48 = -0.08;
    // conviction 0.2/(1/3) = 0.6; zhang -0.08/max(0.4·0.4, 0.6·0.4) = -1/3; jaccard 0.4/1.0;
    // certainty (2/3 - 0.8)/0.2 = -2/3; kulczynski (2/3 + 1/2)/2 = 7/12.
    expectRule(rules[2], {
      antecedents: ["c"], consequents: ["a"], antecedentSupport: 0.6, consequentSupport: 0.8, support: 0.4,
      confidence: 2 / 3, lift: 2 / 3 / 0.8, leverage: -0.08, conviction: 0.6, zhangsMetric: -1 / 3, jaccard: 0.4, certainty: -2 / 3, kulczynski: 7 / 12,
    });
  });

  it("handles mlxtend's 0/0 cases: items present in every row", () => {
    // s(x) = s(y) = s(xy) = 1: Zhang's denominator max(1·0, 1·0) = 0 → 0 (np.where), certainty
    // 0/0 → 0 (np.where), conviction Infinity (confidence 1), lift 1, leverage 0.
    const always = Object.freeze([true, true, true]);
    const rules = associationRules(apriori({ x: always, y: always }, 0.5), { minThreshold: 0 });
    expect(rules).toHaveLength(2);
    expectRule(rules[0], {
      antecedents: ["x"], consequents: ["y"], antecedentSupport: 1, consequentSupport: 1, support: 1,
      confidence: 1, lift: 1, leverage: 0, conviction: Infinity, zhangsMetric: 0, jaccard: 1, certainty: 0, kulczynski: 1,
    });
  });

  it("enumerates multi-item antecedents and consequents", () => {
    const rules = associationRules(apriori(table, 0.2), { minThreshold: 0 });
    // 3 pairs × 2 directions + 6 splits of abc.
    expect(rules).toHaveLength(12);
    const abc = rules.filter((r) => r.antecedents.length + r.consequents.length === 3);
    expect(abc.map((r) => `${r.antecedents.join("")}→${r.consequents.join("")}`)).toEqual(["a→bc", "ab→c", "ac→b", "b→ac", "bc→a", "c→ab"]);
    // bc→a: s(abc) = s(bc) = 0.2, so confidence 1.
    expect(abc[4].confidence).toBe(1);
  });

  it("selects by another metric", () => {
    const rules = associationRules(apriori(table, 0.4), { metric: "lift", minThreshold: 1.1 });
    expect(rules.map((r) => `${r.antecedents}→${r.consequents}`)).toEqual(["a→b", "b→a"]);
    expect(associationRules(apriori(table, 0.4), { metric: "conviction", minThreshold: 1e308 })).toHaveLength(1); // only b→a: Infinity
  });

  it("uses mlxtend's default threshold (confidence >= 0.8)", () => {
    expect(associationRules(apriori(table, 0.4)).map((r) => `${r.antecedents}→${r.consequents}`)).toEqual(["b→a"]);
  });

  it("returns no rules without frequent itemsets (mlxtend raises ValueError)", () => {
    expect(associationRules({ n: 5, itemsets: [] })).toEqual([]);
    expect(associationRules(apriori(table, 0.7))).toEqual([]); // only {a} is frequent
  });

  it("does not mutate its input", () => {
    const frequent = apriori(table, 0.4);
    const frozen = Object.freeze({ n: frequent.n, itemsets: Object.freeze(frequent.itemsets.map((s) => Object.freeze({ ...s, itemset: Object.freeze([...s.itemset]) }))) });
    expect(associationRules(frozen, { minThreshold: 0.6 })).toHaveLength(3);
  });

  it("throws AnalyticsInputError naming the field", () => {
    const fieldOf = (run: () => unknown): string => {
      try {
        run();
      } catch (err) {
        return err instanceof AnalyticsInputError ? err.field : `not an AnalyticsInputError: ${String(err)}`;
      }
      return "no error";
    };
    const frequent = apriori(table, 0.4);
    expect(fieldOf(() => associationRules(frequent, { metric: "score" as "lift" }))).toBe("metric");
    expect(fieldOf(() => associationRules(frequent, { minThreshold: Number.NaN }))).toBe("minThreshold");
    expect(fieldOf(() => associationRules({ n: 0, itemsets: [] }))).toBe("frequent.n");
    // {a, b} without the support of {b}: mlxtend raises KeyError and suggests support_only.
    const missing = { n: 5, itemsets: [{ itemset: ["a"], support: 0.8, count: 4 }, { itemset: ["a", "b"], support: 0.6, count: 3 }] };
    expect(fieldOf(() => associationRules(missing))).toBe("frequent.itemsets");
    expect(() => associationRules(missing)).toThrow(/^associationRules: the support of \{b\}, a subset of the frequent itemset \{a, b\}, is missing$/);
  });
});
