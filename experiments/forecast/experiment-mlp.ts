/**
 * @module experiments/forecast/experiment-mlp
 * `npx tsx experiments/forecast/experiment-mlp.ts`: exploratory run (not part of the shipped
 * model) of a small nonlinear forecaster, on the protocol of `forecast-evaluate.ts` (same 25
 * subjects, 60/40 split, origins where persistence, AR2, the ridge and every variant predict, the
 * ridge retrained every 6 hours of test time as shipped).
 *
 * The network: one hidden layer of `HIDDEN` tanh units on the ridge's own 14 features (level, 11
 * first differences over the last hour, time-of-day sin/cos; fixed scaling: (g − 140) / 50, Δ / 5),
 * two linear outputs = the changes g(t + 30) − g(t) and g(t + 60) − g(t) over 30 mg/dL; squared
 * error, Adam (lr 1e-3, β 0.9 / 0.999), minibatches of 64, L2 weight decay 1e-4, Glorot-uniform
 * initialisation from a seeded generator (deterministic). The number of epochs (≤ `MAX_EPOCHS`) is
 * chosen on a held-out part (time-ordered last 25 % of the training samples for a per-user net;
 * every fourth other subject for the pooled net), then the net is refitted on everything.
 *
 * Variants:
 * - `mlp-user`: fitted on the subject's own training part;
 * - `mlp-pop`: fitted on the **other** 24 subjects' whole series (leave-one-subject-out);
 * - `avg-user`, `avg-pop`: the mean of the (online) ridge forecast and that net's.
 */
import {
  ar2Forecaster,
  buildSamples,
  compareForecasters,
  featureContext,
  fixedOffsetMinuteOfDay,
  linearForecaster,
  maskCompressionLows,
  persistenceForecaster,
  prepareSeries,
  computeFeatures,
  rmse,
  specFromOptions,
  trainForecastModel,
  type Forecaster,
  type GlucoseSeries,
  type MinuteOfDay,
  type Samples,
  type Trainer,
} from "../../analytics/forecast/index.ts";
import { seededRandom } from "../../analytics/clustering/index.ts";
import { loadEvaluationSubjects } from "./datasets.ts";
import { printRmseSummary } from "./report.ts";

const H = [30, 60];
const HIDDEN = Number(process.env.HIDDEN ?? 16);
const MAX_EPOCHS = Number(process.env.MAX_EPOCHS ?? 60);
const LR = 1e-3;
const DECAY = 1e-4;
const BATCH = 64;
const YS = 30;

/** Fixed input scaling of the ridge features. */
function scaleInput(row: Float64Array, out: Float64Array): void {
  out[0] = (row[0] - 140) / 50;
  for (let j = 1; j < row.length; j++) out[j] = j <= 11 ? row[j] / 5 : row[j];
}

interface Data {
  x: Float64Array[];
  y: Float64Array[]; // scaled targets, NaN missing
}

function toData(s: Samples): Data {
  const x: Float64Array[] = [];
  const y: Float64Array[] = [];
  for (let i = 0; i < s.count; i++) {
    const xi = new Float64Array(s.p);
    scaleInput(s.x.subarray(i * s.p, (i + 1) * s.p), xi);
    const yi = Float64Array.from({ length: s.q }, (_, k) => s.y[i * s.q + k] / YS);
    if (yi.every((v) => !Number.isFinite(v))) continue;
    x.push(xi);
    y.push(yi);
  }
  return { x, y };
}

class Mlp {
  readonly w1: Float64Array;
  readonly b1: Float64Array;
  readonly w2: Float64Array;
  readonly b2: Float64Array;
  constructor(readonly p: number, readonly h: number, readonly q: number, seed: number) {
    const rnd = seededRandom(seed);
    const u = (fanIn: number, fanOut: number) => (rnd() * 2 - 1) * Math.sqrt(6 / (fanIn + fanOut));
    this.w1 = Float64Array.from({ length: h * p }, () => u(p, h));
    this.b1 = new Float64Array(h);
    this.w2 = Float64Array.from({ length: q * h }, () => u(h, q));
    this.b2 = new Float64Array(q);
  }
  forward(x: Float64Array, a: Float64Array, out: Float64Array): void {
    const { p, h, q } = this;
    for (let j = 0; j < h; j++) {
      let s = this.b1[j];
      for (let i = 0; i < p; i++) s += this.w1[j * p + i] * x[i];
      a[j] = Math.tanh(s);
    }
    for (let k = 0; k < q; k++) {
      let s = this.b2[k];
      for (let j = 0; j < h; j++) s += this.w2[k * h + j] * a[j];
      out[k] = s;
    }
  }
}

/** Trains `epochs` epochs of Adam; calls `onEpoch` after each (for validation curves). */
function trainNet(net: Mlp, d: Data, epochs: number, seed: number, onEpoch?: (e: number) => void): void {
  const params = [net.w1, net.b1, net.w2, net.b2];
  const m = params.map((v) => new Float64Array(v.length));
  const v2 = params.map((v) => new Float64Array(v.length));
  const g = params.map((v) => new Float64Array(v.length));
  const a = new Float64Array(net.h);
  const out = new Float64Array(net.q);
  const da = new Float64Array(net.h);
  const rnd = seededRandom(seed);
  const order = Array.from(d.x.keys());
  let step = 0;
  for (let e = 0; e < epochs; e++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let b = 0; b < order.length; b += BATCH) {
      for (const gi of g) gi.fill(0);
      const end = Math.min(order.length, b + BATCH);
      for (let r = b; r < end; r++) {
        const x = d.x[order[r]];
        const y = d.y[order[r]];
        net.forward(x, a, out);
        da.fill(0);
        for (let k = 0; k < net.q; k++) {
          if (!Number.isFinite(y[k])) continue;
          const dk = out[k] - y[k];
          g[3][k] += dk;
          for (let j = 0; j < net.h; j++) {
            g[2][k * net.h + j] += dk * a[j];
            da[j] += dk * net.w2[k * net.h + j];
          }
        }
        for (let j = 0; j < net.h; j++) {
          const dz = da[j] * (1 - a[j] * a[j]);
          g[1][j] += dz;
          for (let i = 0; i < net.p; i++) g[0][j * net.p + i] += dz * x[i];
        }
      }
      step++;
      const n = end - b;
      for (let t = 0; t < params.length; t++) {
        const w = params[t];
        for (let i = 0; i < w.length; i++) {
          const gr = g[t][i] / n + (t % 2 === 0 ? DECAY * w[i] : 0);
          m[t][i] = 0.9 * m[t][i] + 0.1 * gr;
          v2[t][i] = 0.999 * v2[t][i] + 0.001 * gr * gr;
          const mh = m[t][i] / (1 - 0.9 ** step);
          const vh = v2[t][i] / (1 - 0.999 ** step);
          w[i] -= (LR * mh) / (Math.sqrt(vh) + 1e-8);
        }
      }
    }
    onEpoch?.(e + 1);
  }
}

function sse(net: Mlp, d: Data): number {
  const a = new Float64Array(net.h);
  const out = new Float64Array(net.q);
  let e = 0;
  for (let i = 0; i < d.x.length; i++) {
    net.forward(d.x[i], a, out);
    for (let k = 0; k < net.q; k++) if (Number.isFinite(d.y[i][k])) e += (out[k] - d.y[i][k]) ** 2;
  }
  return e;
}

/** Chooses the epoch count on (fit, val), then refits on both. */
function fitNet(fit: Data, val: Data, seed: number): { net: Mlp; epochs: number } {
  const p = fit.x[0].length;
  const probe = new Mlp(p, HIDDEN, H.length, seed);
  let best = Number.POSITIVE_INFINITY;
  let epochs = 1;
  trainNet(probe, fit, MAX_EPOCHS, seed + 1, (e) => {
    const v = sse(probe, val);
    if (v < best) {
      best = v;
      epochs = e;
    }
  });
  const net = new Mlp(p, HIDDEN, H.length, seed);
  trainNet(net, { x: [...fit.x, ...val.x], y: [...fit.y, ...val.y] }, epochs, seed + 1);
  return { net, epochs };
}

function netForecaster(net: Mlp, mod: MinuteOfDay): Forecaster {
  const ctx = featureContext(specFromOptions({}), mod);
  const row = new Float64Array(14);
  const x = new Float64Array(14);
  const a = new Float64Array(net.h);
  const out = new Float64Array(net.q);
  return (series, at, horizons) => {
    if (!computeFeatures(ctx, series, at, row)) return undefined;
    scaleInput(row, x);
    net.forward(x, a, out);
    return { values: Float64Array.from(horizons, (h) => Math.max(36, Math.min(400, series.values[at] + YS * out[H.indexOf(h)]))) };
  };
}

const average = (f: Forecaster, g: Forecaster): Forecaster => (s, at, h) => {
  const a = f(s, at, h);
  const b = g(s, at, h);
  if (!a || !b) return undefined;
  return { values: Float64Array.from(a.values, (v, k) => (v + b.values[k]) / 2) };
};

const samplesOf = (series: GlucoseSeries, mod: MinuteOfDay) => buildSamples(maskCompressionLows(series, { minuteOfDay: mod }), featureContext(specFromOptions({}), mod), H);

const subjects = loadEvaluationSubjects().map((s) => {
  const series = prepareSeries(s.readings);
  const mod = fixedOffsetMinuteOfDay(s.utcOffsetMinutes);
  return { s, series, mod, all: toData(samplesOf(series, mod)) };
});
const names = ["persistence", "ar2", "ridge", "mlp-user", "mlp-pop", "avg-user", "avg-pop"];
const acc: Record<string, number[][]> = Object.fromEntries(names.map((n) => [n, [[], []]]));
const t0 = performance.now();
subjects.forEach((me, si) => {
  // pooled net on the other subjects (leave-one-subject-out); validation: every fourth other subject
  const fitPool: Data = { x: [], y: [] };
  const valPool: Data = { x: [], y: [] };
  subjects.forEach((o, oi) => {
    if (oi === si) return;
    const dst = oi % 4 === 0 ? valPool : fitPool;
    dst.x.push(...o.all.x);
    dst.y.push(...o.all.y);
  });
  const pop = fitNet(fitPool, valPool, 17);
  let userEpochs = 0;
  let userNet: Forecaster | undefined;
  let ridge: Forecaster | undefined;
  const userOf = (train: GlucoseSeries) => {
    if (!userNet) {
      const d = toData(samplesOf(train, me.mod));
      const cut = Math.floor(0.75 * d.x.length);
      const r = fitNet({ x: d.x.slice(0, cut), y: d.y.slice(0, cut) }, { x: d.x.slice(cut), y: d.y.slice(cut) }, 29);
      userEpochs = r.epochs;
      userNet = netForecaster(r.net, me.mod);
    }
    return userNet;
  };
  const popNet = netForecaster(pop.net, me.mod);
  const ridgeOf = (train: GlucoseSeries) => (ridge = linearForecaster(trainForecastModel(train, { minuteOfDay: me.mod, horizons: H }).model, me.mod));
  // trainers are called in order at each (re)fit: ridge first, so the averages see the current ridge
  const trainers: Record<string, Trainer> = {
    persistence: () => persistenceForecaster,
    ar2: () => ar2Forecaster,
    ridge: ridgeOf,
    "mlp-user": userOf,
    "mlp-pop": () => popNet,
    "avg-user": (train) => average(ridge as Forecaster, userOf(train)),
    "avg-pop": () => average(ridge as Forecaster, popNet),
  };
  const c = compareForecasters(me.series, { trainFraction: 0.6, horizons: H }, trainers);
  for (const nm of names) for (let k = 0; k < 2; k++) acc[nm][k].push(rmse(c.accuracy[nm][k]));
  console.error(`${me.s.id.padEnd(20)} ${names.map((nm) => `${nm} ${rmse(c.accuracy[nm][0]).toFixed(1)}/${rmse(c.accuracy[nm][1]).toFixed(1)}`).join("  ")}  epochs user ${userEpochs} pop ${pop.epochs} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
});
console.log(`hidden ${HIDDEN}, max epochs ${MAX_EPOCHS}`);
printRmseSummary(names, acc);
