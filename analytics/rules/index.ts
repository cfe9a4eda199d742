/**
 * @module analytics/rules
 * Association rules over daily binary features, matching mlxtend 0.23.4: frequent itemsets by
 * Apriori on bitsets, rules with every mlxtend metric, and the transform from daily summaries to
 * features. Bad input throws {@link AnalyticsInputError} naming the field.
 */

// Mining
export { apriori, type AprioriResult, type AprioriOptions, type FrequentItemset } from "./apriori.ts";
export { associationRules, type AssociationRule, type AssociationRuleOptions, type RuleMetric } from "./association-rules.ts";

// Daily features
export {
  dailyFeatures,
  DAILY_FEATURES,
  type DailyFeatureName,
  type DailyFeatureOptions,
  type DailyFeatures,
  type DailySummary,
} from "./daily-features.ts";
export * from "./daily-feature-thresholds.ts";

// Building blocks
export { booleanTable, type BooleanColumns, type BooleanTable } from "./boolean-table.ts";
export { andCount, countBits, packBits, popcount32 } from "./bitset.ts";
export { compareItemLists, compareItems } from "./compare-items.ts";
