/**
 * @module analytics/meal-impact/model
 * Predicts a meal's peak glucose rise and time to peak from the person's own past meals.
 *
 * Features of a meal (see {@link MEAL_FEATURES}): carbohydrate, protein, fat and fibre (g; missing
 * = 0), pre-meal glucose and its 30-minute trend, time of day (sin/cos of the local hour), minutes of
 * exercise in the 6 hours before, and hours slept the night before (missing = the person's median).
 * Two ridge regressions on standardised features (rise, minutes to peak); λ per target by
 * time-ordered 5-fold cross-validation; the range is the 10–90 % quantiles of the out-of-fold
 * residuals (split-conformal style). Below {@link MIN_MEALS} past meals with outcomes, nothing is
 * predicted and the caller says so.
 */
import { choleskySolve } from "../forecast/cholesky.ts";
import { quantile7 } from "../forecast/quantile.ts";

export const MEAL_FEATURES = ["carbs", "protein", "fat", "fibre", "pre_meal", "trend", "tod_sin", "tod_cos", "exercise_minutes", "sleep_hours"] as const;
/** Past meals with a measured outcome needed before predicting. */
export const MIN_MEALS = 12;
const LAMBDAS = [0.01, 0.1, 1, 3, 10, 30, 100, 300];
const FOLDS = 5;

/** One past meal: its features (in {@link MEAL_FEATURES} order) and what it did. */
export interface MealExample {
  readonly features: readonly number[];
  readonly rise: number;
  readonly minutesToPeak: number;
}

interface Fitted {
  readonly intercept: number;
  readonly coef: readonly number[];
  readonly lambda: number;
  readonly residualQuantiles: readonly [number, number];
  readonly cvMae: number;
}

/** A fitted meal-impact model (plain JSON). */
export interface MealImpactModel {
  readonly kind: "glucolens.meal-impact.ridge";
  readonly version: 1;
  readonly features: readonly string[];
  readonly center: readonly number[];
  readonly scale: readonly number[];
  readonly rise: Fitted;
  readonly minutesToPeak: Fitted;
  readonly meals: number;
}

function solve(z: readonly Float64Array[], y: readonly number[], rows: readonly number[], lambda: number): { intercept: number; coef: Float64Array } {
  const p = z[0]!.length;
  const my = rows.reduce((s, i) => s + y[i]!, 0) / rows.length;
  const mz = new Float64Array(p);
  for (const i of rows) for (let j = 0; j < p; j++) mz[j] += z[i]![j]! / rows.length;
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (const i of rows) {
    for (let j = 0; j < p; j++) {
      const zj = z[i]![j]! - mz[j]!;
      b[j] += zj * (y[i]! - my);
      for (let k = 0; k < p; k++) a[j * p + k] += zj * (z[i]![k]! - mz[k]!);
    }
  }
  for (let j = 0; j < p; j++) a[j * p + j] += lambda;
  const coef = choleskySolve(a, b, p);
  let intercept = my;
  for (let j = 0; j < p; j++) intercept -= coef[j]! * mz[j]!;
  return { intercept, coef };
}

const dot = (c: ArrayLike<number>, z: ArrayLike<number>) => {
  let s = 0;
  for (let j = 0; j < c.length; j++) s += c[j] * z[j];
  return s;
};

function fitTarget(z: readonly Float64Array[], y: readonly number[]): Fitted {
  const n = z.length;
  const folds = Array.from({ length: FOLDS }, (_, f) => ({ from: Math.floor((f * n) / FOLDS), to: Math.floor(((f + 1) * n) / FOLDS) }));
  let best: { lambda: number; residuals: number[]; sse: number } | undefined;
  for (const lambda of LAMBDAS) {
    const residuals: number[] = [];
    for (const { from, to } of folds) {
      const train = Array.from({ length: n }, (_, i) => i).filter((i) => i < from || i >= to);
      const fit = solve(z, y, train, lambda);
      for (let i = from; i < to; i++) residuals.push(y[i]! - (fit.intercept + dot(fit.coef, z[i]!)));
    }
    const sse = residuals.reduce((s, r) => s + r * r, 0);
    if (!best || sse < best.sse) best = { lambda, residuals, sse };
  }
  const chosen = best as { lambda: number; residuals: number[] };
  const fit = solve(z, y, Array.from({ length: n }, (_, i) => i), chosen.lambda);
  const sorted = Float64Array.from(chosen.residuals).sort();
  const r7 = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    intercept: r7(fit.intercept),
    coef: Array.from(fit.coef, r7),
    lambda: chosen.lambda,
    residualQuantiles: [r7(quantile7(sorted, 0.1)), r7(quantile7(sorted, 0.9))],
    cvMae: r7(chosen.residuals.reduce((s, r) => s + Math.abs(r), 0) / chosen.residuals.length),
  };
}

/**
 * Fits the model on past meals in time order, or returns undefined with fewer than {@link MIN_MEALS}.
 * This runs in `O(|λ| · folds · (n p² + p³))`.
 *
 * @example
 * fitMealImpactModel(examples)?.rise.cvMae; // cross-validated MAE of the rise (mg/dL)
 */
export function fitMealImpactModel(examples: readonly MealExample[]): MealImpactModel | undefined {
  const n = examples.length;
  if (n < MIN_MEALS) return undefined;
  const p = MEAL_FEATURES.length;
  const center = new Array<number>(p).fill(0);
  const scale = new Array<number>(p).fill(0);
  for (const e of examples) for (let j = 0; j < p; j++) center[j] += e.features[j]! / n;
  for (const e of examples) for (let j = 0; j < p; j++) scale[j] += (e.features[j]! - center[j]!) ** 2 / n;
  for (let j = 0; j < p; j++) scale[j] = Math.sqrt(scale[j]!) > 1e-9 ? Math.sqrt(scale[j]!) : 1;
  const z = examples.map((e) => Float64Array.from(e.features, (v, j) => (v - center[j]!) / scale[j]!));
  return {
    kind: "glucolens.meal-impact.ridge",
    version: 1,
    features: [...MEAL_FEATURES],
    center,
    scale,
    rise: fitTarget(z, examples.map((e) => e.rise)),
    minutesToPeak: fitTarget(z, examples.map((e) => e.minutesToPeak)),
    meals: n,
  };
}

export interface Range {
  readonly value: number;
  readonly low: number;
  readonly high: number;
}

/** Predicted rise (mg/dL) and minutes to peak with their 80 % ranges, never below 0. `O(p)`. */
export function predictMealImpact(model: MealImpactModel, features: readonly number[]): { rise: Range; minutesToPeak: Range } {
  const z = features.map((v, j) => (v - model.center[j]!) / model.scale[j]!);
  const range = (f: Fitted, digits: number): Range => {
    const v = f.intercept + dot(f.coef, z);
    const r = (x: number) => Math.round(Math.max(0, x) * 10 ** digits) / 10 ** digits;
    return { value: r(v), low: r(v + f.residualQuantiles[0]), high: r(v + f.residualQuantiles[1]) };
  };
  return { rise: range(model.rise, 1), minutesToPeak: range(model.minutesToPeak, 0) };
}
