/**
 * PCMCI benchmark on the reference case's data (90 days x 7 variables), against tigramite 5.2.10
 * timings from shared/data/reference/README.md (2-core machine, median of 3 after warm-up):
 * tau <= 3: 0.62 s, tau <= 7: 1.11 s, pc_alpha chosen by AIC (tau <= 3): 1.26 s. Target: <= 0.25x.
 *
 * Run: node --expose-gc --import tsx bench/analytics/pcmci.ts
 * Prints the median wall time of several runs after warm-up, the ratio to tigramite, the peak RSS
 * of the process, and the largest CPU time of one per-target chunk (PC stage or MCI stage of one
 * target with a fresh context, as one queue message would run it).
 */
import { readFileSync } from "node:fs";
import { createPcmciContext, mciStageTarget, pcmci, pcStageTarget, type PcmciOptions } from "../../analytics/causal/index.ts";

const ref = JSON.parse(readFileSync(new URL("../../../shared/data/reference/pcmci_tau3_pc005.json", import.meta.url), "utf8")) as {
  input: { data: number[][] };
};
const data = ref.input.data;
const N = data[0]!.length;
const gc = (globalThis as { gc?: () => void }).gc;

const cases: Array<{ name: string; options: PcmciOptions; tigramite: number }> = [
  { name: "tau <= 3, pc_alpha 0.05", options: { tauMin: 0, tauMax: 3, pcAlpha: 0.05 }, tigramite: 0.62 },
  { name: "tau <= 7, pc_alpha 0.05", options: { tauMin: 0, tauMax: 7, pcAlpha: 0.05 }, tigramite: 1.11 },
  { name: "tau <= 3, pc_alpha null (AIC)", options: { tauMin: 0, tauMax: 3, pcAlpha: null }, tigramite: 1.26 },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function cpuSeconds(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

console.log(`PCMCI (ParCorr) on ${data.length} x ${N}; Node ${process.version}`);
console.log("case                              median s   min s    vs tigramite   largest chunk CPU s");
for (const { name, options, tigramite } of cases) {
  for (let w = 0; w < 5; w++) pcmci(data, options); // warm-up (JIT)
  const times: number[] = [];
  for (let r = 0; r < 15; r++) {
    gc?.();
    const t0 = performance.now();
    pcmci(data, options);
    times.push((performance.now() - t0) / 1000);
  }
  const med = median(times);
  // per-target chunks, each with a fresh context as a queue message would run it
  const parents = Array.from({ length: N }, (_, j) => pcStageTarget(createPcmciContext(data, options), j).parents);
  let largest = 0;
  for (let rep = 0; rep < 3; rep++) {
    for (let j = 0; j < N; j++) {
      largest = Math.max(largest, cpuSeconds(() => pcStageTarget(createPcmciContext(data, options), j)));
      largest = Math.max(largest, cpuSeconds(() => mciStageTarget(createPcmciContext(data, options), j, parents)));
    }
  }
  console.log(
    `${name.padEnd(33)} ${med.toFixed(4).padStart(8)} ${Math.min(...times).toFixed(4).padStart(8)}   ${(med / tigramite).toFixed(3).padStart(6)}x (${tigramite} s)   ${largest.toFixed(4)}`,
  );
}
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);
