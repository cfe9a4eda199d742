// Benchmark of analytics/forecast: training the per-user ridge forecast (trainForecastModel: compression-low
// masking, sample building, forward-chaining λ selection over 9 penalties × 12 horizons, final fit) on 90
// days of 5-minute CGM data (25,920 readings), the prediction time per forecast origin (all 12 horizons
// with intervals, via linearForecaster, and Nightscout AR2 for comparison), and the stored model size.
// The data is synthetic and deterministic (fixed-seed PRNG): a circadian curve, three meals a day,
// AR(1) noise and a 30-minute sensor gap every two days.
//
// Run: node --import tsx bench/analytics/forecast.ts
import { ar2Forecaster, DEFAULT_HORIZONS, fixedOffsetMinuteOfDay, linearForecaster, prepareSeries, trainForecastModel, type Reading } from "../../analytics/forecast/index.ts";

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function synthesize(days: number): Reading[] {
  const rand = mulberry32(20240101);
  const start = Date.UTC(2024, 0, 1, 5);
  const out: Reading[] = [];
  let noise = 0;
  for (let i = 0; i < days * 288; i++) {
    if (i % 576 >= 300 && i % 576 < 306) continue; // 30-minute gap every two days
    const minuteOfDay = (i % 288) * 5;
    const circadian = 15 * Math.sin((2 * Math.PI * (minuteOfDay - 240)) / 1440);
    let meals = 0;
    for (const meal of [7.5 * 60, 12.5 * 60, 19 * 60]) {
      const dt = minuteOfDay - meal;
      if (dt > 0) meals += 70 * (dt / 45) * Math.exp(1 - dt / 45);
    }
    noise = 0.9 * noise + 6 * (rand() - 0.5);
    out.push({ time: start + i * 300_000 + Math.round((rand() - 0.5) * 4000), value: Math.max(40, Math.round(110 + circadian + meals + noise)) });
  }
  return out;
}

const readings = synthesize(90);
const series = prepareSeries(readings);
const minuteOfDay = fixedOffsetMinuteOfDay(-300);
const RUNS = 5;
const train: number[] = [];
let trained = trainForecastModel(series, { minuteOfDay });
for (let k = 0; k <= RUNS; k++) {
  const t0 = performance.now();
  trained = trainForecastModel(series, { minuteOfDay });
  if (k > 0) train.push(performance.now() - t0); // run 0 is the warm-up (JIT)
}
const model = trained.model;
const forecaster = linearForecaster(model, minuteOfDay);
const timePerOrigin = (f: typeof forecaster) => {
  const n = series.times.length;
  const samples: number[] = [];
  let made = 0;
  for (let k = 0; k <= RUNS; k++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) if (f(series, i, DEFAULT_HORIZONS)) made++;
    if (k > 0) samples.push(((performance.now() - t0) * 1000) / n);
  }
  return { samples, made: made / (RUNS + 1) };
};
const lin = timePerOrigin(forecaster);
const ar2 = timePerOrigin(ar2Forecaster);
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
const json = JSON.stringify(model);
console.log(`forecast: ${series.times.length} readings (90 days, 5 min with jitter and gaps), ${RUNS} runs after 1 warm-up`);
console.log(`  train (per-user ridge, ${trained.userSamples} windows, 12 horizons × 9 λ)  median ${median(train).toFixed(1)} ms, min ${Math.min(...train).toFixed(1)} ms`);
console.log(`  predict, ridge (12 horizons + intervals)  median ${median(lin.samples).toFixed(2)} µs per origin (${lin.made} of ${series.times.length} origins predicted)`);
console.log(`  predict, Nightscout AR2 (12 horizons + cone)  median ${median(ar2.samples).toFixed(2)} µs per origin`);
console.log(`  model size: ${new TextEncoder().encode(json).length} bytes of JSON (${model.center.length} features × ${model.horizons.length} horizons)`);
console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);
