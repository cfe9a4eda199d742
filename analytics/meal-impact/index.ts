/**
 * @module analytics/meal-impact
 * A meal's expected peak glucose rise and time to peak, from the person's own past meals
 * (pre-meal glucose and trend, time of day, recent exercise and sleep), with an 80 % range, or an
 * honest "not enough meals yet".
 */
export { mealOutcome, preMealGlucose, preMealTrend, PEAK_WINDOW_MS, type MealOutcome } from "./outcome.ts";
export { fitMealImpactModel, predictMealImpact, MEAL_FEATURES, MIN_MEALS, type MealExample, type MealImpactModel, type Range } from "./model.ts";
export { mealExamples, predictMealFromHistory, type Interval, type MealHistory, type MealImpactPrediction, type MealRecord } from "./history.ts";
