/**
 * @module experiments/forecast/experiment-online
 * `npx tsx experiments/forecast/experiment-online.ts [variant…]`: exploratory run of **online
 * updating** and **recency weighting** of the per-user ridge forecast, on the protocol of
 * `forecast-evaluate.ts` (same 25 subjects, 60/40 split, origins where persistence, AR2 and every
 * variant predict, truth within ±2.5 minutes). An online variant refits, at the first test origin
 * at least `every` after its previous fit, on **every reading at or before that origin** (the
 * training part plus the test readings already seen: a sample enters only once its target reading
 * is in the past, since the refit sees a slice of the series ending at the origin).
 *
 * The shipped protocol (`backtest.ts`, `refitEveryMinutes`, default 6 h) is `fit-6h-cv`.
 *
 * Variants (names: `fit-<refit period>h-<λ rule>[-hl<half-life days>]`):
 * - `model`: the model fitted once on the training part (the protocol before online updating);
 * - `cv`: each refit is the full `trainForecastModel` (λ re-selected by forward-chaining validation);
 * - `fixed`: each refit reuses the λ chosen on the training part;
 * - `hlD`: samples weighted `2^(−age / D days)` (age at the refit), weights scaled to mean 1.
 */
import {
  addRidgeRow,
  ar2Forecaster,
  buildSamples,
  compareForecasters,
  createRidgeGram,
  featureContext,
  fixedOffsetMinuteOfDay,
  linearForecaster,
  maskCompressionLows,
  persistenceForecaster,
  prepareSeries,
  ridgeRows,
  ridgeSolve,
  rmse,
  sliceSeries,
  specFromOptions,
  trainForecastModel,
  type Forecaster,
  type GlucoseSeries,
  type LinearForecastModel,
  type MinuteOfDay,
  type RidgeGram,
  type Trainer,
} from "../../analytics/forecast/index.ts";
import { loadEvaluationSubjects } from "./datasets.ts";
import { printRmseSummary } from "./report.ts";

const H = [30, 60];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Adds a row with weight `w` (the Gram's sums become weighted sums; `ridgeSolve` then centres with weights). */
function addWeightedRow(g: RidgeGram, z: Float64Array, y: Float64Array, w: number): void {
  const tmp = createRidgeGram(g.p, g.q);
  addRidgeRow(tmp, z, y);
  for (const k of ["zz", "zSum", "zy", "ySum", "missN", "missZSum", "missZz"] as const) {
    const a = g[k];
    const b = tmp[k];
    for (let i = 0; i < a.length; i++) a[i] += w * b[i];
  }
  g.n += w;
}

/** A ridge model with given λ per horizon and optional recency weights, fitted on `past`. */
function fitFixed(past: GlucoseSeries, mod: MinuteOfDay, lambda: readonly number[], halfLifeMs: number | undefined, template: LinearForecastModel): LinearForecastModel {
  const cleaned = maskCompressionLows(past, { minuteOfDay: mod });
  const spec = specFromOptions({});
  const s = buildSamples(cleaned, featureContext(spec, mod), H);
  const { p, q, count: n, x, y, times } = s;
  const center = new Array<number>(p).fill(0);
  const scale = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) center[j] += x[i * p + j];
  for (let j = 0; j < p; j++) center[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) scale[j] += (x[i * p + j] - center[j]) ** 2;
  for (let j = 0; j < p; j++) scale[j] = Math.sqrt(scale[j] / n) > 1e-9 ? Math.sqrt(scale[j] / n) : 1;
  const now = past.times[past.times.length - 1];
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = halfLifeMs ? 2 ** (-(now - times[i]) / halfLifeMs) : 1;
  const wMean = w.reduce((a, b) => a + b, 0) / n;
  const g = createRidgeGram(p, q);
  const z = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) z[j] = (x[i * p + j] - center[j]) / scale[j];
    addWeightedRow(g, z, y.subarray(i * q, i * q + q), w[i] / wMean);
  }
  const intercept: number[] = [];
  const coef: number[][] = [];
  for (let t = 0; t < q; t++) {
    if (!(ridgeRows(g, t) > 0)) throw new Error("no rows");
    const fit = ridgeSolve(g, t, lambda[t]);
    intercept.push(fit.intercept);
    coef.push(Array.from(fit.coef));
  }
  return { ...template, horizons: [...H], center, scale, intercept, coef, lambda: [...lambda], residualQuantiles: H.map(() => [0, 0] as [number, number]) };
}

/** Refits `fit(past)` at the first origin at least `everyMs` after the previous fit. */
function online(fit: (past: GlucoseSeries) => Forecaster, everyMs: number): Trainer {
  return (train) => {
    let f = fit(train);
    let last = train.times[train.times.length - 1];
    return (series, at, horizons) => {
      const now = series.times[at];
      if (now - last >= everyMs) {
        f = fit(sliceSeries(series, 0, at + 1));
        last = now;
      }
      return f(series, at, horizons);
    };
  };
}

interface Variant {
  name: string;
  trainer: (mod: MinuteOfDay, base: LinearForecastModel) => Trainer;
}

function variant(name: string): Variant {
  if (name === "model") return { name, trainer: (mod, base) => () => linearForecaster(base, mod) };
  const m = /^fit-(\d+(?:\.\d+)?)h-(cv|fixed)(?:-hl(\d+(?:\.\d+)?))?$/.exec(name);
  if (!m) throw new Error(`unknown variant ${name}`);
  const every = Number(m[1]) * HOUR;
  const hl = m[3] ? Number(m[3]) * DAY : undefined;
  if (m[2] === "cv") {
    if (hl) throw new Error("cv with weights is not implemented");
    return { name, trainer: (mod) => online((past) => linearForecaster(trainForecastModel(past, { minuteOfDay: mod, horizons: H }).model, mod), every) };
  }
  return { name, trainer: (mod, base) => online((past) => linearForecaster(fitFixed(past, mod, base.lambda, hl, base), mod), every) };
}

const args = process.argv.slice(2);
const variants = (args.length ? args : ["model", "fit-24h-cv", "fit-6h-cv", "fit-6h-fixed", "fit-6h-fixed-hl2"]).map(variant);
const names = ["persistence", "ar2", ...variants.map((v) => v.name)];
const acc: Record<string, number[][]> = Object.fromEntries(names.map((n) => [n, [[], []]]));
const t0 = performance.now();
for (const subject of loadEvaluationSubjects()) {
  const series = prepareSeries(subject.readings);
  const mod = fixedOffsetMinuteOfDay(subject.utcOffsetMinutes);
  const trainers: Record<string, Trainer> = { persistence: () => persistenceForecaster, ar2: () => ar2Forecaster };
  let base: LinearForecastModel | undefined;
  const baseOf = (train: GlucoseSeries) => (base ??= trainForecastModel(train, { minuteOfDay: mod, horizons: H }).model);
  for (const v of variants) trainers[v.name] = (train) => v.trainer(mod, baseOf(train))(train);
  // refitEveryMinutes 0: each variant runs its own refit schedule (`online` above)
  const c = compareForecasters(series, { trainFraction: 0.6, horizons: H, refitEveryMinutes: 0 }, trainers);
  for (const nm of names) for (let k = 0; k < 2; k++) acc[nm][k].push(rmse(c.accuracy[nm][k]));
  console.error(`${subject.id.padEnd(20)} ${names.map((nm) => `${nm} ${rmse(c.accuracy[nm][0]).toFixed(1)}/${rmse(c.accuracy[nm][1]).toFixed(1)}`).join("  ")}  (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
printRmseSummary(names, acc);
