/**
 * @module analytics/cgm/grade
 * GRADE, the glycaemic risk assessment diabetes equation, and its split into the share of risk
 * from hypo-, eu- and hyperglycaemia.
 *
 * Reference: iglu `grade()`, `grade_hypo()`, `grade_eugly()`, `grade_hyper()`; Hill et al. (2007)
 * A method for assessing quality of control from glucose profiles, Diabet Med 24(7):753–758,
 * doi:10.1111/j.1464-5491.2007.02119.x.
 */
import { neumaierSum, rMean } from "./r-stats.ts";
import { glucoseValues } from "./validate.ts";

/** Per-reading GRADE score: 425 · (log10(log10(gl / 18)) + 0.16)², gl in mg/dL (÷ 18 → mmol/L). */
export function gradeScore(gl: number): number {
  const s = Math.log10(Math.log10(gl / 18)) + 0.16;
  return 425 * s * s;
}

function scores(values: ArrayLike<number>, fn: string): { gl: Float64Array; score: Float64Array } {
  const gl = glucoseValues(values, fn);
  const score = new Float64Array(gl.length);
  for (let i = 0; i < gl.length; i++) score[i] = gradeScore(gl[i]);
  return { gl, score };
}

function share(values: ArrayLike<number>, fn: string, keep: (g: number) => boolean): number {
  const { gl, score } = scores(values, fn);
  const part: number[] = [];
  for (let i = 0; i < gl.length; i++) if (keep(gl[i])) part.push(score[i]);
  return (100 * neumaierSum(part)) / neumaierSum(score);
}

/**
 * Mean GRADE score. This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * grade([100]); // => 0.435… (euglycaemia scores near 0)
 */
export function grade(values: ArrayLike<number>): number {
  return rMean(scores(values, "grade").score);
}

/**
 * Percentage of the GRADE score from readings below `lower` (default 80 mg/dL). This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * gradeHypo([60, 100, 200]); // => % of the total score that comes from 60 mg/dL
 */
export function gradeHypo(values: ArrayLike<number>, lower = 80): number {
  return share(values, "gradeHypo", (g) => g < lower);
}

/**
 * Percentage of the GRADE score from readings above `upper` (default 140 mg/dL). This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * gradeHyper([60, 100, 200]); // => % of the total score that comes from 200 mg/dL
 */
export function gradeHyper(values: ArrayLike<number>, upper = 140): number {
  return share(values, "gradeHyper", (g) => g > upper);
}

/**
 * Percentage of the GRADE score from readings in [`lower`, `upper`] (default 70–140 mg/dL, both
 * included). This runs in `O(n)`.
 *
 * @throws {AnalyticsInputError} when there is no glucose value.
 * @example
 * gradeEugly([60, 100, 200]); // => % of the total score that comes from 100 mg/dL
 */
export function gradeEugly(values: ArrayLike<number>, lower = 70, upper = 140): number {
  return share(values, "gradeEugly", (g) => g >= lower && g <= upper);
}
