/**
 * Matrix-profile benchmark: `node --expose-gc --import tsx bench/analytics/matrix-profile.ts`.
 *
 * Times `stump` (median of 3 after one warm-up run) on a synthetic CGM-like series, 14 days
 * (4,032 points) with m = 12 / 36 / 288 and 90 days (25,920 points) with m = 288, against the
 * STUMPY 1.12 reference times of `shared/data/reference/README.md` (numba, 2 threads, same kind of
 * 2-core machine). Then splits the 90-day case into 8 Queue chunks and reports the CPU time of the
 * largest one, and checks that merging the chunks gives the unchunked result.
 * Wall times depend on what else runs on the machine: the load average and the process CPU time
 * are printed next to them.
 */
import { loadavg } from "node:os";
import {
  computeDiagonals,
  finalizePartial,
  maxCellsForBudget,
  mergeAll,
  planDiagonalChunks,
  prepareSeries,
  stump,
  type MatrixProfile,
} from "../../analytics/matrix-profile/index.ts";

/** mulberry32: small, fast, seeded PRNG. */
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

/**
 * A CGM-like 5-minute trace: baseline 105 mg/dL, a dawn bump, three meals a day with jittered times and
 * sizes (gamma-like response over 4 h), AR(1) physiological drift, sensor noise, rounded to whole
 * mg/dL and clipped to the sensor range 40–400.
 */
function syntheticCgm(days: number, seed: number): Float64Array {
  const ppd = 288;
  const n = days * ppd;
  const rnd = mulberry32(seed);
  const gauss = (): number => {
    let u = 0;
    while (u === 0) u = rnd();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  };
  const meals = new Float64Array(n);
  for (let d = 0; d < days; d++) {
    for (const [hour, size] of [
      [7.5, 60],
      [12.5, 50],
      [19, 70],
    ] as const) {
      const start = d * ppd + Math.round((hour + 0.7 * gauss()) * 12);
      const amp = size * (0.6 + 0.8 * rnd());
      for (let k = 0; k < 48; k++) {
        const t = start + k;
        if (t < 0 || t >= n) continue;
        const h = k / 12 / 0.75;
        meals[t] += amp * h * Math.exp(1 - h);
      }
    }
  }
  const out = new Float64Array(n);
  let drift = 0;
  for (let t = 0; t < n; t++) {
    const hour = (t % ppd) / 12;
    drift = 0.97 * drift + 1.2 * gauss();
    const dawn = 15 * Math.exp(-((hour - 6) ** 2) / 4);
    out[t] = Math.round(Math.min(400, Math.max(40, 105 + dawn + meals[t] + drift + 2 * gauss())));
  }
  return out;
}

const gc = (globalThis as { gc?: () => void }).gc;

function timeStump(T: Float64Array, m: number): { wall: number[]; cpu: number[]; mp: MatrixProfile } {
  gc?.();
  let mp = stump(T, m); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < 3; r++) {
    gc?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    mp = stump(T, m);
    wall.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { wall, cpu, mp };
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const fmt = (s: number): string => s.toFixed(3).padStart(7);

const cases = [
  { label: "4,032 pts, m = 12", days: 14, m: 12, stumpy: 0.06 },
  { label: "4,032 pts, m = 36", days: 14, m: 36, stumpy: 0.062 },
  { label: "4,032 pts, m = 288", days: 14, m: 288, stumpy: 0.131 },
  { label: "25,920 pts, m = 288", days: 90, m: 288, stumpy: 1.73 },
];

console.log(`node ${process.version}, load average before: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
console.log("case                   median s   cpu s   runs (s)                 vs STUMPY 1.12");
const series90 = syntheticCgm(90, 20240304);
const series14 = series90.subarray(0, 14 * 288);
for (const c of cases) {
  const T = c.days === 90 ? series90 : series14;
  const { wall, cpu } = timeStump(T, c.m);
  const med = median(wall);
  console.log(
    `${c.label.padEnd(22)} ${fmt(med)}  ${fmt(median(cpu))}   ${wall.map(fmt).join(" ")}   ${(med / c.stumpy).toFixed(2)}× of ${c.stumpy} s`,
  );
}

// Queue split of the 90-day case.
const m = 288;
const prep = prepareSeries(series90, m);
const plan = planDiagonalChunks(prep.l, prep.exclZone, { chunks: 8 });
const parts = [];
let worst = 0;
let worstCells = 0;
const chunkTimes: number[] = [];
for (const chunk of plan) {
  const c0 = process.cpuUsage();
  const p = computeDiagonals(prepareSeries(series90, m), chunk.k0, chunk.k1); // a consumer prepares its own copy
  const c = process.cpuUsage(c0);
  const s = (c.user + c.system) / 1e6;
  chunkTimes.push(s);
  if (s > worst) [worst, worstCells] = [s, chunk.cells];
  parts.push(p);
}
const c0 = process.cpuUsage();
const merged = finalizePartial(mergeAll(parts));
const cm = process.cpuUsage(c0);
const whole = stump(series90, m);
const same =
  merged.profile.every((v, i) => Object.is(v, whole.profile[i])) &&
  merged.indices.every((v, i) => v === whole.indices[i]) &&
  merged.leftIndices.every((v, i) => v === whole.leftIndices[i]) &&
  merged.rightIndices.every((v, i) => v === whole.rightIndices[i]);
console.log(
  `queue split, 25,920 pts m = 288, 8 chunks: largest chunk ${worst.toFixed(3)} s CPU (${(worstCells / 1e6).toFixed(1)} M cells), ` +
    `merge + finalise ${((cm.user + cm.system) / 1e6).toFixed(3)} s, merged == unchunked: ${same}`,
);
console.log(`chunk CPU times (s, each includes its own prepareSeries): ${chunkTimes.map((t) => t.toFixed(3)).join(" ")}`);
const perSecond = worstCells / worst;
console.log(
  `throughput ≈ ${(perSecond / 1e6).toFixed(0)} M cells/s; a 5 s budget at the default estimate allows ${(maxCellsForBudget(5) / 1e6).toFixed(0)} M cells ` +
    `→ ${planDiagonalChunks(prep.l, prep.exclZone, { maxCells: maxCellsForBudget(5) }).length} chunk(s) for this case`,
);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB, load average after: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
if (!same) process.exitCode = 1;
