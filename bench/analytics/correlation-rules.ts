// Benchmark of analytics/correlation and analytics/rules against the reference timings of
// shared/data/reference/README.md (scipy 1.10 / mlxtend 0.23.4 on a 2-core machine, median of 3
// after warm-up). Run: node --import tsx bench/analytics/correlation-rules.ts
// Prints the median of several runs after warm-up for each workload, and the process's peak RSS.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { laggedCorrelations, pearson, spearman } from "../../analytics/correlation/index.ts";
import { apriori, associationRules } from "../../analytics/rules/index.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const refDir = resolve(repoRoot, "../shared/data/reference");
const correlationCase = JSON.parse(readFileSync(resolve(refDir, "correlation_daily.json"), "utf8")) as {
  input: { columns: Record<string, number[]>; extra_series: Record<string, number[]> };
  settings: { pairs: [string, string][]; lagged: { sources: string[]; target: string; lags: number[] } };
};
const aprioriCase = JSON.parse(readFileSync(resolve(refDir, "apriori_daily90.json"), "utf8")) as {
  input: { columns: Record<string, boolean[]> };
  settings: { min_support: number; min_threshold: number };
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median wall time in seconds of `runs` calls after `warmup` calls. */
function time(run: () => unknown, warmup: number, runs: number): number {
  for (let i = 0; i < warmup; i++) run();
  const times: number[] = [];
  let sink = 0;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const out = run();
    times.push((performance.now() - start) / 1000);
    sink += out ? 1 : 0;
  }
  if (sink < 0) console.log(sink); // keep results alive
  return median(times);
}

// All correlations of correlation_daily: 11 pairs and 7 sources × 8 lags, Pearson and Spearman.
const columns = { ...correlationCase.input.columns, ...correlationCase.input.extra_series };
const { pairs, lagged } = correlationCase.settings;
const allCorrelations = (): number => {
  let count = 0;
  for (const [x, y] of pairs) {
    pearson(columns[x], columns[y]);
    spearman(columns[x], columns[y]);
    count++;
  }
  for (const source of lagged.sources) count += laggedCorrelations(columns[source], columns[lagged.target], lagged.lags).length;
  return count;
};

// apriori + rules on the 90 × 6 reference table and on a 1,095 × 6 table (three years: the
// reference rows repeated cyclically, so the supports, and the work, are of the same shape).
const table90 = aprioriCase.input.columns;
const table1095: Record<string, boolean[]> = {};
for (const [item, values] of Object.entries(table90)) table1095[item] = Array.from({ length: 1095 }, (_, i) => values[i % values.length]);
const { min_support: minSupport, min_threshold: minConfidence } = aprioriCase.settings;
const mine = (table: Record<string, boolean[]>) => (): number =>
  associationRules(apriori(table, minSupport), { metric: "confidence", minThreshold: minConfidence }).length;

const rows: [string, number, number][] = [
  ["all correlations of correlation_daily (67 pairs × Pearson + Spearman)", time(allCorrelations, 20, 31), 0.086],
  ["apriori + association rules, 90 × 6", time(mine(table90), 200, 101), 0.006],
  ["apriori + association rules, 1,095 × 6", time(mine(table1095), 200, 101), 0.006],
];

console.log(`node ${process.version}, median after warm-up`);
console.log("| computation | this library | reference | speed-up |");
console.log("| --- | --- | --- | --- |");
for (const [name, seconds, reference] of rows) {
  console.log(`| ${name} | ${(seconds * 1000).toFixed(3)} ms | ${reference * 1000} ms | ${(reference / seconds).toFixed(0)}× |`);
}
// resourceUsage().maxRSS is in kilobytes.
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);
