/**
 * @module analytics/rules/daily-feature-thresholds
 * Every threshold {@link dailyFeatures} uses, so a report can quote the exact rule behind a
 * feature. Glucose values are in mg/dL; percentages are of the day's CGM readings.
 */

/** `short_sleep` when sleep is below this many hours (NSF and AASM: adults need at least 7, under 6 is short). */
export const SHORT_SLEEP_HOURS = 6;

/** `long_sleep` when sleep is above this many hours (above the NSF 7–9 h adult range). */
export const LONG_SLEEP_HOURS = 9;

/** `poor_sleep_quality` when the 0–100 sleep-quality score is below this. */
export const POOR_SLEEP_QUALITY_SCORE = 50;

/** `late_meal` when a meal starts strictly after this local clock time, in minutes after midnight (21:00). */
export const LATE_MEAL_AFTER_MINUTES = 21 * 60;

/** `high_carb_day` when the day's carbohydrates are at least this many grams. */
export const HIGH_CARB_GRAMS = 250;

/** `low_carb_day` when the day's carbohydrates are below this many grams (ADA consensus 2019: low-carbohydrate eating is < 130 g/day). */
export const LOW_CARB_GRAMS = 130;

/** `exercised` when the day has at least this many minutes of exercise (WHO: 150 min a week ≈ 30 min on 5 days). */
export const EXERCISE_MINUTES = 30;

/** `high_steps` when the day has at least this many steps. */
export const HIGH_STEPS = 10_000;

/** `high_stress` when the 0–10 self-rated stress is at least this. */
export const HIGH_STRESS_SCORE = 7;

/** `high_glucose_day` when the mean glucose is above this (mg/dL; an estimated A1c of 7 %, ADAG: Nathan et al., Diabetes Care 2008, doi:10.2337/dc08-0545). */
export const HIGH_MEAN_GLUCOSE_MG_DL = 154;

/** `high_glucose_day` also when time in range 70–180 mg/dL is below this percentage (international consensus target > 70 %: Battelino et al., Diabetes Care 2019, doi:10.2337/dci19-0028). */
export const TIME_IN_RANGE_TARGET_PERCENT = 70;

/** `low_glucose_day` when time below 70 mg/dL is above this percentage (consensus target < 4 %, Battelino et al. 2019). */
export const TIME_BELOW_RANGE_MAX_PERCENT = 4;

/** `high_variability_day` when the coefficient of variation of glucose is above this percentage (consensus target ≤ 36 %, Battelino et al. 2019). */
export const GLUCOSE_CV_MAX_PERCENT = 36;
