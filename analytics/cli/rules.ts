/**
 * `analyze rules`: frequent itemsets and association rules (mlxtend 0.23.4 `apriori` +
 * `association_rules(metric="confidence")`) of a one-hot daily feature table.
 *
 * Input: `{"columns": {item: boolean[]}, "min_support": 0.1, "min_confidence": 0.6, "max_len": 3}`
 * (`max_len` optional; values true/false or 0/1).
 * Output: `{"frequent_itemsets": [{itemset, support}], "rules": [{antecedents, consequents,
 * antecedent_support, consequent_support, support, confidence, lift, representativity, leverage,
 * conviction, zhangs_metric, jaccard, certainty, kulczynski}]}`, items sorted, itemsets by
 * (size, items), rules by (antecedents, consequents); a conviction of a rule with confidence 1 is
 * "Infinity". Bad input exits with status 2 and names the field.
 */
import { apriori, associationRules } from "../rules/index.ts";
import { InputError, requireInt, requireObject, type Command } from "./io.ts";

export const rules: Command = (input) => {
  const doc = requireObject(input, "$");
  const columns = requireObject(doc.columns, "columns");
  for (const [item, values] of Object.entries(columns)) {
    if (!Array.isArray(values)) throw new InputError(`columns.${item}`, `columns.${item} must be an array of booleans`);
  }
  const minSupport = requireFraction(doc.min_support, "min_support", false);
  const minConfidence = requireFraction(doc.min_confidence, "min_confidence", true);
  const maxLen = doc.max_len === undefined ? undefined : requireInt(doc.max_len, "max_len", 1);

  // The library names its own fields (columns.<item>[i]) and throws AnalyticsInputError, which the
  // CLI reports as is; min_support and max_len were checked above under their input names.
  const frequent = apriori(columns as Record<string, boolean[]>, minSupport, { maxLen });
  const found = associationRules(frequent, { metric: "confidence", minThreshold: minConfidence });
  return {
    frequent_itemsets: frequent.itemsets.map(({ itemset, support }) => ({ itemset, support })),
    rules: found.map((r) => ({
      antecedents: r.antecedents,
      consequents: r.consequents,
      antecedent_support: r.antecedentSupport,
      consequent_support: r.consequentSupport,
      support: r.support,
      confidence: r.confidence,
      lift: r.lift,
      representativity: r.representativity,
      leverage: r.leverage,
      conviction: r.conviction,
      zhangs_metric: r.zhangsMetric,
      jaccard: r.jaccard,
      certainty: r.certainty,
      kulczynski: r.kulczynski,
    })),
  };
};

/** A number in (0, 1], or [0, 1] when `zeroAllowed`. */
function requireFraction(v: unknown, field: string, zeroAllowed: boolean): number {
  const ok = typeof v === "number" && v <= 1 && (zeroAllowed ? v >= 0 : v > 0);
  if (!ok) throw new InputError(field, `${field} must be a number in ${zeroAllowed ? "[0, 1]" : "(0, 1]"}`);
  return v;
}
