/**
 * @module worker/insights/pipeline/stages/rules
 * IF-THEN rules over the days' binary features (analytics/rules: `dailyFeatures`, `apriori`,
 * `associationRules`, mlxtend-exact). A row is one day with CGM data: the night before it, the
 * evening before it (late meal), and the day itself (carbohydrates, exercise, steps, glucose).
 * Only rules from lifestyle items to a glucose outcome are kept. Outcome days are rare by design
 * (the consensus thresholds: a 90-day account in good control has few high-glucose days), so the
 * thresholds are support ≥ 5 % (4–5 of 90 days), confidence ≥ 25 % and lift ≥ 1.5: "on 8 of the 28
 * short nights you had a high day, 3.2 times as often as usual" is worth saying even at 29 %.
 */
import { apriori, associationRules, DAILY_FEATURES, dailyFeatures, type DailyFeatureName, type DailySummary as FeatureDay } from "../../../../analytics/rules/index.ts";
import { MIN_COVERAGE_PERCENT } from "../factors.ts";
import { loadDays, timed, type Skipped, type StageHandler } from "./context.ts";

export const OUTCOME_FEATURES: readonly DailyFeatureName[] = ["high_glucose_day", "low_glucose_day", "high_variability_day"];
const MIN_DAYS = 14;
export const MIN_SUPPORT = 0.05;
export const MIN_CONFIDENCE = 0.25;
export const MIN_LIFT = 1.5;
const MIN_ANTECEDENT_DAYS = 5;
const MIN_JOINT_DAYS = 4;
const MAX_RULES = 15;

export interface RuleRow {
  antecedents: string[];
  consequents: string[];
  support: number;
  confidence: number;
  lift: number;
  antecedentDays: number;
  days: number;
  consequentSupport: number;
}

export interface RulesResult {
  nDays: number;
  rules: RuleRow[];
  features: string[];
}

const hhmm = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

export const rules: StageHandler = async (ctx) => {
  const { days } = await loadDays(ctx);
  const { value, ms } = timed((): RulesResult | Skipped => {
    const rows: FeatureDay[] = [];
    days.forEach((d, t) => {
      if (d.readings === 0 || d.coveragePercent < MIN_COVERAGE_PERCENT || d.mean === null) return;
      const prev = t > 0 ? days[t - 1]! : null;
      rows.push({
        date: d.date,
        sleepHours: d.sleepHours,
        // Quality is 1–5 in the diary; the feature thresholds use 0–100 (1 → 0, 5 → 100).
        sleepQuality: d.sleepQuality === null ? null : (d.sleepQuality - 1) * 25,
        mealTimes: prev && prev.lastMealMinute !== null ? [hhmm(prev.lastMealMinute)] : null,
        carbsG: d.meals > 0 ? d.carbs : null,
        exerciseMin: Math.min(1440, d.exerciseMinutes),
        steps: d.steps,
        meanGlucose: d.mean,
        tirPercent: d.inRange,
        tbrPercent: d.below70,
        cvPercent: d.cv,
      });
    });
    if (rows.length < MIN_DAYS) return { skipped: `they need at least ${MIN_DAYS} days with CGM data; you have ${rows.length}` };
    const features = dailyFeatures(rows, { features: DAILY_FEATURES.filter((f) => f !== "high_stress") });
    // A feature never recorded (every day missing) is left out rather than read as "never".
    const columns = Object.fromEntries(Object.entries(features.columns).filter(([f]) => features.missing[f as DailyFeatureName].length < rows.length));
    const found = associationRules(apriori(columns, MIN_SUPPORT, { maxLen: 3 }), { metric: "confidence", minThreshold: MIN_CONFIDENCE });
    const outcome = new Set<string>(OUTCOME_FEATURES);
    const kept = found
      .filter((r) => r.consequents.every((c) => outcome.has(c)) && r.antecedents.every((a) => !outcome.has(a)) && r.lift >= MIN_LIFT)
      .map((r) => ({
        antecedents: [...r.antecedents],
        consequents: [...r.consequents],
        support: r.support,
        confidence: r.confidence,
        lift: r.lift,
        antecedentDays: Math.round(r.antecedentSupport * rows.length),
        days: Math.round(r.support * rows.length),
        consequentSupport: r.consequentSupport,
      }))
      .filter((r) => r.antecedentDays >= MIN_ANTECEDENT_DAYS && r.days >= MIN_JOINT_DAYS)
      .sort(
        (a, b) =>
          b.lift - a.lift ||
          b.confidence - a.confidence ||
          a.antecedents.length - b.antecedents.length ||
          b.support - a.support ||
          `${a.antecedents.join()}>${a.consequents.join()}`.localeCompare(`${b.antecedents.join()}>${b.consequents.join()}`),
      )
      .slice(0, MAX_RULES);
    return { nDays: rows.length, rules: kept, features: Object.keys(columns) };
  });
  return { result: value, cpuMs: ms };
};
