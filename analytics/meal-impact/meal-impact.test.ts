import { describe, expect, it } from "vitest";
import { generateSynthetic } from "../../seed/synthetic.ts";
import { prepareSeries } from "../forecast/series.ts";
import { timeZoneMinuteOfDay } from "../forecast/live.ts";
import { fitMealImpactModel, mealExamples, mealOutcome, MEAL_FEATURES, predictMealFromHistory, predictMealImpact, type MealHistory } from "./index.ts";

const TZ = "Europe/Berlin";

function history(seed: number, days = 90): MealHistory {
  const data = generateSynthetic({ days, seed, timezone: TZ, end: Date.UTC(2024, 5, 1) });
  return {
    series: prepareSeries(data.readings),
    meals: data.meals.map((m) => ({ time: Date.parse(m.time), carbs: m.carbs, protein: m.protein, fat: m.fat })).sort((a, b) => a.time - b.time),
    exercise: data.activities.filter((a) => a.intensity !== "low").map((a) => ({ start: Date.parse(a.start), end: Date.parse(a.end) })),
    sleep: data.sleep.map((s) => ({ start: Date.parse(s.start), end: Date.parse(s.end) })),
    minuteOfDay: timeZoneMinuteOfDay(TZ),
  };
}

describe("mealOutcome", () => {
  it("reads the pre-meal level, the peak rise and the minutes to it (hand-made curve)", () => {
    const t0 = Date.UTC(2024, 0, 1, 12);
    const readings = Array.from({ length: 48 }, (_, k) => ({ time: t0 - 10 * 60_000 + k * 300_000, value: k < 3 ? 100 : 100 + Math.max(0, 60 - Math.abs(k - 12) * 6) }));
    // Pre-meal: readings at −10, −5, 0 min (all 100). Peak 160 at k = 12, i.e. 50 min after the meal.
    expect(mealOutcome(prepareSeries(readings), t0)).toEqual({ preMeal: 100, rise: 60, minutesToPeak: 50, time: t0 + 3 * 3600_000 });
    // A sensor gap over most of the window: no outcome.
    expect(mealOutcome(prepareSeries(readings.slice(0, 10)), t0)).toBeUndefined();
  });
});

describe("meal impact on the seeded data (planted: ~1.44 mg/dL per gram, ×1.25 after short sleep, peak ~50 min)", () => {
  it("predicts held-out meals' peak rise far better than their mean, and recovers the planted effects", () => {
    const h = history(11);
    const { examples } = mealExamples(h);
    expect(examples.length).toBeGreaterThan(150);
    const cut = Math.floor(examples.length * 0.7);
    const model = fitMealImpactModel(examples.slice(0, cut))!;
    const test = examples.slice(cut);
    const meanRise = examples.slice(0, cut).reduce((s, e) => s + e.rise, 0) / cut;
    const mae = test.reduce((s, e) => s + Math.abs(predictMealImpact(model, e.features).rise.value - e.rise), 0) / test.length;
    const baseline = test.reduce((s, e) => s + Math.abs(meanRise - e.rise), 0) / test.length;
    console.log(`meal impact: held-out MAE of the peak rise ${mae.toFixed(1)} mg/dL over ${test.length} meals (train ${cut}); mean-rise baseline ${baseline.toFixed(1)} mg/dL`);
    expect(mae).toBeLessThan(0.6 * baseline);
    // Per-gram effect of carbohydrate (unstandardised) near the planted 1.44.
    const j = MEAL_FEATURES.indexOf("carbs");
    expect(model.rise.coef[j]! / model.scale[j]!).toBeGreaterThan(1.0);
    expect(model.rise.coef[j]! / model.scale[j]!).toBeLessThan(1.9);
    // Short sleep raises the rise: the sleep-hours coefficient is negative.
    expect(model.rise.coef[MEAL_FEATURES.indexOf("sleep_hours")]!).toBeLessThan(0);
    // The planted peak is ~50 minutes after eating.
    const ttp = predictMealImpact(model, test[0]!.features).minutesToPeak;
    expect(ttp.value).toBeGreaterThan(35);
    expect(ttp.value).toBeLessThan(75);
    expect(ttp.low).toBeLessThanOrEqual(ttp.value);
    expect(ttp.high).toBeGreaterThanOrEqual(ttp.value);
  });

  it("says honestly when there are too few meals", () => {
    const h = history(5, 3);
    const p = predictMealFromHistory(h, { time: Date.UTC(2024, 5, 1), carbs: 60 });
    expect(p).toMatchObject({ rise: null, minutesToPeak: null, enoughData: false });
    expect(p.basedOnMeals).toBeLessThan(12);
    expect(p.message).toMatch(/at least 12 logged meals/);
  });

  it("predicts a bigger rise for more carbohydrate, from the history before the meal", () => {
    const h = history(11);
    const t = Date.UTC(2024, 5, 1, 10);
    const small = predictMealFromHistory(h, { time: t, carbs: 20 });
    const big = predictMealFromHistory(h, { time: t, carbs: 90 });
    expect(small.enoughData).toBe(true);
    expect(big.rise!.value).toBeGreaterThan(small.rise!.value + 60);
    expect(big.rise!.low).toBeLessThanOrEqual(big.rise!.value);
    expect(big.message).toMatch(/From \d+ of your past meals/);
  });
});
