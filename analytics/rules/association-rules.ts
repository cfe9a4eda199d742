/**
 * @module analytics/rules/association-rules
 */
import { AnalyticsInputError } from "../errors.ts";
import type { AprioriResult } from "./apriori.ts";
import { compareItemLists, compareItems } from "./compare-items.ts";

/** An association rule `antecedents → consequents` with every mlxtend 0.23.4 metric. */
export interface AssociationRule {
  /** Left-hand side A, sorted. */
  readonly antecedents: readonly string[];
  /** Right-hand side C, sorted, disjoint from A. */
  readonly consequents: readonly string[];
  /** s(A) */
  readonly antecedentSupport: number;
  /** s(C) */
  readonly consequentSupport: number;
  /** s(A∪C): share of rows containing A and C. */
  readonly support: number;
  /** s(A∪C)/s(A), an estimate of P(C | A). */
  readonly confidence: number;
  /** confidence/s(C): how much more often C occurs with A than overall (1 = independent). */
  readonly lift: number;
  /** Share of rows with no missing value among the rule's items; always 1 here (no NaN input). */
  readonly representativity: number;
  /** s(A∪C) - s(A)s(C) (Piatetsky-Shapiro). */
  readonly leverage: number;
  /** (1 - s(C))/(1 - confidence); Infinity when confidence is 1. */
  readonly conviction: number;
  /** leverage / max(s(A∪C)(1 - s(A)), s(A)(s(C) - s(A∪C))), 0 when that maximum is 0; in [-1, 1]. */
  readonly zhangsMetric: number;
  /** s(A∪C)/(s(A) + s(C) - s(A∪C)). */
  readonly jaccard: number;
  /** (confidence - s(C))/(1 - s(C)), 0 when s(C) = 1. */
  readonly certainty: number;
  /** (P(C|A) + P(A|C))/2. */
  readonly kulczynski: number;
}

/** A metric that can select rules (mlxtend's `metric` argument, camelCased). */
export type RuleMetric = Exclude<keyof AssociationRule, "antecedents" | "consequents">;

const METRICS: ReadonlySet<string> = new Set<RuleMetric>([
  "antecedentSupport",
  "consequentSupport",
  "support",
  "confidence",
  "lift",
  "representativity",
  "leverage",
  "conviction",
  "zhangsMetric",
  "jaccard",
  "certainty",
  "kulczynski",
]);

/** Options of {@link associationRules}. */
export interface AssociationRuleOptions {
  /** Metric compared with `minThreshold` (default `"confidence"`, as mlxtend). */
  readonly metric?: RuleMetric;
  /** Keep rules whose metric is `>= minThreshold` (default 0.8, as mlxtend). */
  readonly minThreshold?: number;
}

/**
 * Association rules from frequent itemsets, matching mlxtend 0.23.4
 * `association_rules(frequent_itemsets, num_itemsets=n, metric, min_threshold)` on a table without
 * missing values: every split of every frequent itemset of size ≥ 2 into non-empty antecedents A
 * and consequents C is scored, and kept when `metric >= minThreshold`.
 *
 * Formulas, in mlxtend's order of floating-point operations (N = number of rows):
 * - `confidence = (s(A∪C)·N)/(s(A)·N)` (mlxtend's missing-value-aware form with no missing values)
 * - `lift = confidence/s(C)`, `leverage = s(A∪C) - s(A)·s(C)`, `representativity = N/N = 1`
 * - `conviction = (1 - s(C))/(1 - confidence)`, `Infinity` when `confidence >= 1`
 * - `zhangsMetric = leverage/max(s(A∪C)(1 - s(A)), s(A)(s(C) - s(A∪C)))`, and 0 when that
 *   maximum is 0 (mlxtend's `np.where(denominator == 0, 0, …)`; it cannot be 0 for a frequent A∪C)
 * - `jaccard = s(A∪C)/(s(A) + s(C) - s(A∪C))`
 * - `certainty = (confidence - s(C))/(1 - s(C))`, and 0 when `s(C) = 1` (0/0 in mlxtend → 0)
 * - `kulczynski = ((s(A∪C)·N)/(s(A)·N) + (s(A∪C)·N)/(s(C)·N))/2`
 *
 * Rules are sorted by (antecedents, consequents), the order of the reference cases (mlxtend's
 * order follows Python's set iteration and is not stable across processes). With no frequent
 * itemsets this returns no rules; mlxtend raises `ValueError` for an empty table.
 *
 * Reference: R. Agrawal, T. Imieliński, A. Swami, "Mining association rules between sets of items in
 * large databases", SIGMOD 1993, doi:10.1145/170035.170072; T. Zhang, "Association rules", PAKDD
 * 2000, doi:10.1007/3-540-45571-X_31 (Zhang's metric); S. Brin et al., SIGMOD 1997,
 * doi:10.1145/253260.253325 (conviction); mlxtend `frequent_patterns.association_rules` (v0.23.4).
 *
 * Runs in `O(Σ 2^k · k)` over the frequent itemsets of size k, plus a sort of the rules.
 *
 * @param frequent - output of {@link apriori} (every subset of a frequent itemset must be in it)
 * @param options - `metric` and `minThreshold`
 * @returns the rules that pass the threshold
 * @throws {AnalyticsInputError} field `metric` for an unknown metric, `minThreshold` for a
 *   non-number, `frequent.itemsets` when a subset of a frequent itemset is missing (mlxtend's
 *   KeyError) or holds more than 30 items, or `frequent.n` is not a positive integer
 * @example
 * const frequent = apriori({ a: [true, true, false, true], b: [true, false, false, true] }, 0.5);
 * associationRules(frequent, { minThreshold: 0.6 }).map((r) => [r.antecedents, r.consequents, r.confidence]);
 * // => [[["a"], ["b"], 0.6666666666666666], [["b"], ["a"], 1]]
 */
export function associationRules(frequent: AprioriResult, options: AssociationRuleOptions = {}): AssociationRule[] {
  const metric = options.metric ?? "confidence";
  const minThreshold = options.minThreshold ?? 0.8;
  if (!METRICS.has(metric)) {
    throw new AnalyticsInputError("metric", `associationRules: unknown metric ${JSON.stringify(metric)}; expected one of ${[...METRICS].join(", ")}`);
  }
  if (typeof minThreshold !== "number" || Number.isNaN(minThreshold)) {
    throw new AnalyticsInputError("minThreshold", `associationRules: minThreshold must be a number, got ${String(minThreshold)}`);
  }
  const N = frequent.n;
  if (!Number.isInteger(N) || N < 1) {
    throw new AnalyticsInputError("frequent.n", `associationRules: frequent.n must be a positive integer (the number of rows), got ${String(N)}`);
  }
  const supportOf = new Map<string, number>();
  for (const { itemset, support } of frequent.itemsets) supportOf.set(key([...itemset].sort(compareItems)), support);
  const lookup = (items: string[], whole: readonly string[]): number => {
    const s = supportOf.get(key(items));
    if (s === undefined) {
      throw new AnalyticsInputError(
        "frequent.itemsets",
        `associationRules: the support of {${items.join(", ")}}, a subset of the frequent itemset {${whole.join(", ")}}, is missing`,
      );
    }
    return s;
  };

  const rules: AssociationRule[] = [];
  for (const entry of frequent.itemsets) {
    const whole = [...entry.itemset].sort(compareItems);
    const k = whole.length;
    if (k < 2) continue;
    if (k > 30) {
      throw new AnalyticsInputError(
        "frequent.itemsets",
        `associationRules: an itemset of ${k} items would give 2^${k} - 2 rules; mine with a lower maxLen or a higher minSupport`,
      );
    }
    const sAC = entry.support;
    const full = 2 ** k - 1;
    for (let mask = 1; mask < full; mask++) {
      const antecedents: string[] = [];
      const consequents: string[] = [];
      for (let i = 0; i < k; i++) (mask & (1 << i) ? antecedents : consequents).push(whole[i]);
      const rule = scoreRule(antecedents, consequents, sAC, lookup(antecedents, whole), lookup(consequents, whole), N);
      if (rule[metric] >= minThreshold) rules.push(rule);
    }
  }
  rules.sort((x, y) => compareItemLists(x.antecedents, y.antecedents) || compareItemLists(x.consequents, y.consequents));
  return rules;
}

function key(items: readonly string[]): string {
  return JSON.stringify(items);
}

/** Every metric of one rule, term by term as mlxtend 0.23.4 computes it (no missing values). */
function scoreRule(antecedents: string[], consequents: string[], sAC: number, sA: number, sC: number, N: number): AssociationRule {
  const confidence = (sAC * N) / (sA * N);
  const leverage = sAC - sA * sC;
  const zhangDenominator = Math.max(sAC * (1 - sA), sA * (sC - sAC));
  const certaintyDenominator = 1 - sC;
  return {
    antecedents,
    consequents,
    antecedentSupport: sA,
    consequentSupport: sC,
    support: sAC,
    confidence,
    lift: confidence / sC,
    representativity: N / N,
    leverage,
    conviction: confidence < 1 ? (1 - sC) / (1 - confidence) : Number.POSITIVE_INFINITY,
    zhangsMetric: zhangDenominator === 0 ? 0 : leverage / zhangDenominator,
    jaccard: sAC / (sA + sC - sAC),
    certainty: certaintyDenominator === 0 ? 0 : (confidence - sC) / certaintyDenominator,
    kulczynski: ((sAC * N) / (sA * N) + (sAC * N) / (sC * N)) / 2,
  };
}
