/**
 * @module experiments/forecast/experiment-boost
 * `npx tsx experiments/forecast/experiment-boost.ts`: exploratory run (not part of the shipped
 * model) of a nonlinear correction on top of the per-user ridge forecast, on the protocol of
 * `forecast-evaluate.ts` (same subjects, 60/40 split, origins where persistence, AR2, the ridge and
 * the variants all predict). The correction is gradient-boosted depth-3 regression trees on
 * histogram bins (Friedman 2001) fitted to the ridge's residuals at 30 and 60 minutes, with features
 * = the ridge's own features, its prediction and 2-hour summaries (min, max, 2 h slope). Variants:
 *
 * - `boost-user`: trees fitted on the subject's own training part; the number of rounds chosen by
 *   time-ordered validation (first 75 % of the training samples fit, last 25 % validate; refit).
 * - `boost-pop`: trees fitted on the other subjects' training parts (leave-one-subject-out), the
 *   number of rounds by leave-subjects-out validation inside that pool (a quarter of the subjects).
 *
 * Prints mean RMSE per variant and the improvement over persistence. Uses only the past at every
 * origin; the test part of the evaluated subject is never seen by any fit.
 */
import {
  ar2Forecaster,
  compareForecasters,
  computeFeatures,
  featureContext,
  fixedOffsetMinuteOfDay,
  linearForecaster,
  linearPredictor,
  persistenceForecaster,
  prepareSeries,
  resolveResample,
  rmse,
  sliceSeries,
  trainCount,
  trainForecastModel,
  valueAt,
  windowEndingAt,
  type Forecaster,
  type GlucoseSeries,
  type LinearForecastModel,
  type MinuteOfDay,
} from "../../analytics/forecast/index.ts";
import { loadEvaluationSubjects } from "./datasets.ts";
import { printRmseSummary } from "./report.ts";

const H = [30, 60];
const BINS = 32;
const DEPTH = 3;
const LR = 0.05;
const MAX_ROUNDS = 300;
const MIN_LEAF = 30;

interface Extractor {
  readonly p: number;
  /** Features at `at` and the ridge deltas per horizon, or false. */
  at(series: GlucoseSeries, at: number, out: Float64Array, ridge: Float64Array): boolean;
}

function extractor(model: LinearForecastModel, minuteOfDay: MinuteOfDay): Extractor {
  const ctx = featureContext(model.features, minuteOfDay, undefined, resolveResample(model.resample));
  const pr = linearPredictor(model, minuteOfDay);
  const base = model.center.length;
  const row = new Float64Array(base);
  const w = new Float64Array(12);
  const long = new Float64Array(25);
  const cols = H.map((h) => model.horizons.indexOf(h));
  const p = base + H.length + 3;
  return {
    p,
    at(series, at, out, ridge) {
      if (!computeFeatures(ctx, series, at, row, w)) return false;
      const pred = pr.predict(series, at);
      if (!pred) return false;
      const g0 = series.values[at];
      out.set(row, 0);
      for (let k = 0; k < H.length; k++) ridge[k] = pred.values[cols[k]] - g0;
      for (let k = 0; k < H.length; k++) out[base + k] = ridge[k];
      windowEndingAt(series, series.times[at], 25, ctx.resample, at, long);
      let mn = Infinity;
      let mx = -Infinity;
      for (const v of long) {
        if (!Number.isFinite(v)) continue;
        mn = Math.min(mn, v);
        mx = Math.max(mx, v);
      }
      out[base + H.length] = g0 - mn;
      out[base + H.length + 1] = mx - g0;
      out[base + H.length + 2] = Number.isFinite(long[0]) ? g0 - long[0] : Number.NaN;
      return true;
    },
  };
}

interface Data {
  x: Float64Array[];
  r: Float64Array[]; // residual target per horizon (NaN missing)
  group: number[];
}

function collect(series: GlucoseSeries, ex: Extractor, data: Data, group: number) {
  const rs = resolveResample();
  const ridge = new Float64Array(H.length);
  let last = -Infinity;
  for (let i = 0; i < series.times.length; i++) {
    if (series.times[i] - last < 270_000) continue;
    const x = new Float64Array(ex.p);
    if (!ex.at(series, i, x, ridge)) continue;
    last = series.times[i];
    const r = new Float64Array(H.length);
    for (let k = 0; k < H.length; k++) r[k] = valueAt(series, series.times[i] + H[k] * 60_000, rs) - series.values[i] - ridge[k];
    data.x.push(x);
    data.r.push(r);
    data.group.push(group);
  }
}

interface Node { f: number; thr: number; left: number; right: number; value: number }
type Tree = Node[];

function binEdges(xs: Float64Array[], p: number): Float64Array[] {
  const edges: Float64Array[] = [];
  for (let j = 0; j < p; j++) {
    const v = xs.map((x) => x[j]).filter(Number.isFinite).sort((a, b) => a - b);
    const e = new Float64Array(BINS - 1);
    for (let b = 1; b < BINS; b++) e[b - 1] = v[Math.floor((b * v.length) / BINS)] ?? 0;
    edges.push(e);
  }
  return edges;
}

function binOf(e: Float64Array, v: number): number {
  if (!Number.isFinite(v)) return 0;
  let lo = 0;
  let hi = e.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (v <= e[m]) hi = m;
    else lo = m + 1;
  }
  return lo;
}

function fitTree(bins: Uint8Array[], grad: Float64Array, idx: number[], p: number, edges: Float64Array[]): Tree {
  const tree: Tree = [];
  const build = (rows: number[], depth: number): number => {
    let s = 0;
    for (const i of rows) s += grad[i];
    const id = tree.length;
    tree.push({ f: -1, thr: 0, left: -1, right: -1, value: s / Math.max(1, rows.length) });
    if (depth >= DEPTH || rows.length < 2 * MIN_LEAF) return id;
    let best = 0;
    let bf = -1;
    let bb = -1;
    const hs = new Float64Array(BINS);
    const hc = new Float64Array(BINS);
    for (let j = 0; j < p; j++) {
      hs.fill(0);
      hc.fill(0);
      for (const i of rows) {
        hs[bins[i][j]] += grad[i];
        hc[bins[i][j]] += 1;
      }
      let ls = 0;
      let lc = 0;
      for (let b = 0; b < BINS - 1; b++) {
        ls += hs[b];
        lc += hc[b];
        const rc = rows.length - lc;
        if (lc < MIN_LEAF || rc < MIN_LEAF) continue;
        const gain = (ls * ls) / lc + ((s - ls) * (s - ls)) / rc - (s * s) / rows.length;
        if (gain > best) {
          best = gain;
          bf = j;
          bb = b;
        }
      }
    }
    if (bf < 0) return id;
    const L: number[] = [];
    const R: number[] = [];
    for (const i of rows) (bins[i][bf] <= bb ? L : R).push(i);
    tree[id].f = bf;
    tree[id].thr = edges[bf][bb];
    tree[id].left = build(L, depth + 1);
    tree[id].right = build(R, depth + 1);
    return id;
  };
  build(idx, 0);
  return tree;
}

function predictTree(t: Tree, x: Float64Array): number {
  let n = 0;
  while (t[n].f >= 0) {
    const v = x[t[n].f];
    n = Number.isFinite(v) && v > t[n].thr ? t[n].right : t[n].left;
  }
  return t[n].value;
}

/** Boosts on rows `fit`, tracking squared error on rows `val` per round; returns trees and curve. */
function boost(data: Data, k: number, fit: number[], val: number[], rounds: number, edges: Float64Array[]) {
  const p = data.x[0].length;
  const bins = data.x.map((x) => Uint8Array.from(x, (v, j) => binOf(edges[j], v)));
  const f = new Float64Array(data.x.length);
  const grad = new Float64Array(data.x.length);
  const fitRows = fit.filter((i) => Number.isFinite(data.r[i][k]));
  const valRows = val.filter((i) => Number.isFinite(data.r[i][k]));
  const trees: Tree[] = [];
  const curve: number[] = [];
  for (let m = 0; m < rounds; m++) {
    for (const i of fitRows) grad[i] = data.r[i][k] - f[i];
    const t = fitTree(bins, grad, fitRows, p, edges);
    for (const n of t) n.value *= LR;
    trees.push(t);
    for (const i of fitRows) f[i] += predictTree(t, data.x[i]);
    let e = 0;
    for (const i of valRows) {
      f[i] += predictTree(t, data.x[i]);
      e += (data.r[i][k] - f[i]) ** 2;
    }
    curve.push(e);
  }
  return { trees, curve };
}

function chooseAndFit(data: Data, fit: number[], val: number[]): Tree[][] {
  const all = [...fit, ...val];
  const edges = binEdges(all.map((i) => data.x[i]), data.x[0].length);
  return H.map((_, k) => {
    const { curve } = boost(data, k, fit, val, MAX_ROUNDS, edges);
    let m = 0;
    for (let j = 0; j < curve.length; j++) if (curve[j] < curve[m]) m = j;
    const base = val.filter((i) => Number.isFinite(data.r[i][k])).reduce((a, i) => a + data.r[i][k] ** 2, 0);
    const rounds = curve[m] < base ? m + 1 : 0;
    return rounds ? boost(data, k, all, [], rounds, edges).trees : [];
  });
}

function boosted(model: LinearForecastModel, minuteOfDay: MinuteOfDay, trees: Tree[][]): Forecaster {
  const ex = extractor(model, minuteOfDay);
  const x = new Float64Array(ex.p);
  const ridge = new Float64Array(H.length);
  return (series, at, horizons) => {
    if (!ex.at(series, at, x, ridge)) return undefined;
    return {
      values: Float64Array.from(horizons, (h) => {
        const k = H.indexOf(h);
        let d = ridge[k];
        for (const t of trees[k]) d += predictTree(t, x);
        return Math.max(36, Math.min(400, series.values[at] + d));
      }),
    };
  };
}

const subjects = loadEvaluationSubjects();
const prepared = subjects.map((s) => {
  const series = prepareSeries(s.readings);
  const mod = fixedOffsetMinuteOfDay(s.utcOffsetMinutes);
  const train = sliceSeries(series, 0, trainCount(series.times.length, 0.6));
  const model = trainForecastModel(train, { minuteOfDay: mod, minUserSamples: 0 }).model;
  const data: Data = { x: [], r: [], group: [] };
  collect(train, extractor(model, mod), data, 0);
  return { s, series, mod, train, model, data };
});
console.error("prepared", performance.now().toFixed(0));
const names = ["persistence", "ar2", "model", "boost-user", "boost-pop"];
const acc: Record<string, number[][]> = Object.fromEntries(names.map((n) => [n, [[], []]]));
prepared.forEach((me, si) => {
  // per-user: time-ordered 75/25
  const n = me.data.x.length;
  const idx = [...Array(n).keys()];
  const userTrees = chooseAndFit(me.data, idx.slice(0, Math.floor(0.75 * n)), idx.slice(Math.floor(0.75 * n)));
  // population: pool the other subjects; validate on every 4th other subject
  const pool: Data = { x: [], r: [], group: [] };
  const fit: number[] = [];
  const val: number[] = [];
  prepared.forEach((o, oi) => {
    if (oi === si) return;
    for (let i = 0; i < o.data.x.length; i++) {
      (oi % 4 === 0 ? val : fit).push(pool.x.length);
      pool.x.push(o.data.x[i]);
      pool.r.push(o.data.r[i]);
      pool.group.push(oi);
    }
  });
  const popTrees = chooseAndFit(pool, fit, val);
  const c = compareForecasters(me.series, { trainFraction: 0.6, horizons: H }, {
    persistence: () => persistenceForecaster,
    ar2: () => ar2Forecaster,
    model: () => linearForecaster(me.model, me.mod),
    "boost-user": () => boosted(me.model, me.mod, userTrees),
    "boost-pop": () => boosted(me.model, me.mod, popTrees),
  });
  for (const nm of names) for (let k = 0; k < 2; k++) acc[nm][k].push(rmse(c.accuracy[nm][k]));
  console.error(me.s.id, names.map((nm) => `${nm} ${rmse(c.accuracy[nm][0]).toFixed(1)}/${rmse(c.accuracy[nm][1]).toFixed(1)}`).join("  "), `rounds user ${userTrees.map((t) => t.length)} pop ${popTrees.map((t) => t.length)}`);
});
printRmseSummary(names, acc);
