// Benchmark of analytics/cgm: every iglu metric (igluMetrics), the AGP profile, daily summaries and
// the consensus set for 90 days of 5-minute CGM data (25,920 readings) in America/New_York (the
// span includes the 2024-03-10 DST change). The data is synthetic and deterministic (fixed-seed
// PRNG): a circadian curve, three meals a day and noise.
//
// Run: node --import tsx bench/analytics/cgm-metrics.ts
import { agpProfile, consensusMetrics, dailySummary, fromLocalParts, igluMetrics, prepareReadings, type Reading } from "../../analytics/cgm/index.ts";

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

function synthesize(days: number, tz: string): Reading[] {
  const rand = mulberry32(20240101);
  const start = fromLocalParts({ year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 }, tz);
  const n = days * 288;
  const out: Reading[] = new Array(n);
  let noise = 0;
  for (let i = 0; i < n; i++) {
    const minuteOfDay = (i % 288) * 5;
    const circadian = 15 * Math.sin((2 * Math.PI * (minuteOfDay - 240)) / 1440);
    let meals = 0;
    for (const meal of [7.5 * 60, 12.5 * 60, 19 * 60]) {
      const dt = minuteOfDay - meal;
      if (dt > 0) meals += 70 * (dt / 45) * Math.exp(1 - dt / 45);
    }
    noise = 0.9 * noise + 6 * (rand() - 0.5);
    out[i] = { time: start + i * 300_000, value: Math.max(40, Math.round(110 + circadian + meals + noise)) };
  }
  return out;
}

const tz = "America/New_York";
const readings = synthesize(90, tz);

const stages = {
  prepareReadings: () => prepareReadings(readings, tz),
  igluMetrics: () => igluMetrics(series),
  agpProfile: () => agpProfile(series),
  dailySummary: () => dailySummary(series),
  consensusMetrics: () => consensusMetrics(series),
};
const series = prepareReadings(readings, tz);
const RUNS = 10;
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(stages).map((k) => [k, []]));
const totals: number[] = [];
for (let k = 0; k <= RUNS; k++) {
  let total = 0;
  for (const [name, fn] of Object.entries(stages)) {
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    total += dt;
    if (k > 0) samples[name].push(dt); // run 0 is the warm-up (JIT, Intl caches)
  }
  if (k > 0) totals.push(total);
}
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
const fmt = (x: number[]) => `median ${median(x).toFixed(1)} ms, min ${Math.min(...x).toFixed(1)} ms`;
console.log(`cgm metrics: ${readings.length} readings (90 days, 5 min, ${tz}), ${RUNS} runs after 1 warm-up`);
for (const [name, x] of Object.entries(samples)) console.log(`  ${name.padEnd(17)} ${fmt(x)}`);
console.log(`  ${"total".padEnd(17)} ${fmt(totals)}`);
console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);
