import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "../errors.ts";
import { apriori } from "./apriori.ts";
import { DAILY_FEATURES, dailyFeatures, type DailySummary } from "./daily-features.ts";
import * as T from "./daily-feature-thresholds.ts";

function fieldOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return err instanceof AnalyticsInputError ? err.field : `not an AnalyticsInputError: ${String(err)}`;
  }
  return "no error";
}

describe("daily feature thresholds", () => {
  it("are the documented values", () => {
    expect({ ...T }).toEqual({
      SHORT_SLEEP_HOURS: 6,
      LONG_SLEEP_HOURS: 9,
      POOR_SLEEP_QUALITY_SCORE: 50,
      LATE_MEAL_AFTER_MINUTES: 1260,
      HIGH_CARB_GRAMS: 250,
      LOW_CARB_GRAMS: 130,
      EXERCISE_MINUTES: 30,
      HIGH_STEPS: 10000,
      HIGH_STRESS_SCORE: 7,
      HIGH_MEAN_GLUCOSE_MG_DL: 154,
      TIME_IN_RANGE_TARGET_PERCENT: 70,
      TIME_BELOW_RANGE_MAX_PERCENT: 4,
      GLUCOSE_CV_MAX_PERCENT: 36,
    });
  });
});

describe("dailyFeatures", () => {
  it("applies each threshold on both sides of its boundary", () => {
    const days: DailySummary[] = [
      { sleepHours: 5.99, sleepQuality: 49, mealTimes: ["21:01"], carbsG: 250, exerciseMin: 30, steps: 10000, stress: 7, meanGlucose: 154.1, tbrPercent: 4.1, cvPercent: 36.1 },
      { sleepHours: 6, sleepQuality: 50, mealTimes: ["21:00"], carbsG: 249, exerciseMin: 29, steps: 9999, stress: 6, meanGlucose: 154, tirPercent: 70, tbrPercent: 4, cvPercent: 36 },
      { sleepHours: 9.5, carbsG: 129, tirPercent: 69.9, meanGlucose: 120 },
      { sleepHours: 9, carbsG: 130 },
    ];
    const res = dailyFeatures(Object.freeze(days.map((d) => Object.freeze(d))));
    expect(res.n).toBe(4);
    expect(Object.keys(res.columns)).toEqual([...DAILY_FEATURES]);
    expect(res.columns.short_sleep).toEqual([true, false, false, false]);
    expect(res.columns.long_sleep).toEqual([false, false, true, false]);
    expect(res.columns.poor_sleep_quality).toEqual([true, false, false, false]);
    expect(res.columns.late_meal).toEqual([true, false, false, false]);
    expect(res.columns.high_carb_day).toEqual([true, false, false, false]);
    expect(res.columns.low_carb_day).toEqual([false, false, true, false]);
    expect(res.columns.exercised).toEqual([true, false, false, false]);
    expect(res.columns.high_steps).toEqual([true, false, false, false]);
    expect(res.columns.high_stress).toEqual([true, false, false, false]);
    expect(res.columns.high_glucose_day).toEqual([true, false, true, false]);
    expect(res.columns.low_glucose_day).toEqual([true, false, false, false]);
    expect(res.columns.high_variability_day).toEqual([true, false, false, false]);
  });

  it("reports missing data instead of guessing", () => {
    const res = dailyFeatures(Object.freeze([
      Object.freeze({ sleepHours: null, mealTimes: [], carbsG: Number.NaN }),
      Object.freeze({ sleepHours: 7, mealTimes: ["12:30"] }),
      Object.freeze({}),
    ]) as DailySummary[]);
    expect(res.columns.short_sleep).toEqual([false, false, false]);
    expect(res.missing.short_sleep).toEqual([0, 2]);
    expect(res.missing.late_meal).toEqual([0, 2]); // an empty meal list is "not recorded"
    expect(res.missing.high_carb_day).toEqual([0, 1, 2]);
  });

  it("decides high_glucose_day in three-valued logic", () => {
    const res = dailyFeatures([
      { meanGlucose: 170 }, // true: one known condition holds
      { tirPercent: 60 }, // true
      { meanGlucose: 120 }, // TIR unknown and mean fine: undecided
      { meanGlucose: 120, tirPercent: 85 }, // false: both known
      {}, // undecided
    ], { features: ["high_glucose_day"] });
    expect(res.columns).toEqual({ high_glucose_day: [true, true, false, false, false] });
    expect(res.missing).toEqual({ high_glucose_day: [2, 4] });
  });

  it("computes a subset of features and feeds apriori", () => {
    const days: DailySummary[] = [
      { sleepHours: 5, mealTimes: ["22:15"], meanGlucose: 170 },
      { sleepHours: 8, mealTimes: ["19:00"], meanGlucose: 110, tirPercent: 90 },
      { sleepHours: 5.5, mealTimes: ["08:00", "23:30"], meanGlucose: 160 },
      { sleepHours: 7.5, mealTimes: ["18:45"], meanGlucose: 120, tirPercent: 80 },
    ];
    const features = dailyFeatures(days, { features: ["short_sleep", "late_meal", "high_glucose_day"] });
    expect(Object.keys(features.columns)).toEqual(["short_sleep", "late_meal", "high_glucose_day"]);
    const frequent = apriori(features.columns, 0.5);
    expect(frequent.itemsets.at(-1)).toEqual({ itemset: ["high_glucose_day", "late_meal", "short_sleep"], support: 0.5, count: 2 });
  });

  it("handles no days", () => {
    expect(dailyFeatures([], { features: ["exercised"] })).toEqual({ n: 0, columns: { exercised: [] }, missing: { exercised: [] } });
  });

  it("throws AnalyticsInputError naming the field", () => {
    expect(fieldOf(() => dailyFeatures({} as unknown as DailySummary[]))).toBe("days");
    expect(fieldOf(() => dailyFeatures([null as unknown as DailySummary]))).toBe("days[0]");
    expect(fieldOf(() => dailyFeatures([{}, { sleepHours: 30 }]))).toBe("days[1].sleepHours");
    expect(fieldOf(() => dailyFeatures([{ steps: -1 }]))).toBe("days[0].steps");
    expect(fieldOf(() => dailyFeatures([{ tirPercent: 101 }]))).toBe("days[0].tirPercent");
    expect(fieldOf(() => dailyFeatures([{ meanGlucose: 0 }]))).toBe("days[0].meanGlucose");
    expect(fieldOf(() => dailyFeatures([{ carbsG: "200" as unknown as number }]))).toBe("days[0].carbsG");
    expect(fieldOf(() => dailyFeatures([{ mealTimes: ["7:30"] }]))).toBe("days[0].mealTimes[0]");
    expect(fieldOf(() => dailyFeatures([{ mealTimes: ["12:00", "24:00"] }]))).toBe("days[0].mealTimes[1]");
    expect(fieldOf(() => dailyFeatures([{ mealTimes: "21:30" as unknown as string[] }]))).toBe("days[0].mealTimes");
    expect(fieldOf(() => dailyFeatures([], { features: ["sleepy" as "short_sleep"] }))).toBe("features[0]");
    expect(() => dailyFeatures([{ sleepHours: 30 }])).toThrow(/^dailyFeatures: days\[0\]\.sleepHours must be a number in \[0, 24\], got 30$/);
  });

  it("only validates the inputs of the requested features", () => {
    expect(dailyFeatures([{ sleepHours: 30 }], { features: ["exercised"] }).missing.exercised).toEqual([0]);
  });
});
