/**
 * `npm run bench:hot-path`: workerd CPU per reading POST, GlucoLens against the floor Worker
 * (bench/floor/worker.ts), measured side by side.
 *
 * bench:alerts runs GlucoLens and the floor one after another, and on a shared VM one run of the
 * floor can differ from the next by a third: a ratio of two such runs moves more than most changes
 * do. Here both production bundles are served at once (bench/serve-built.ts, each on its own fresh
 * migrated state) and every round sends the same requests to both at the same time, each server's
 * CPU counted from its own workerd process (/proc). A slower or faster spell of the machine then
 * falls on both alike, and the ratio of the two in each round (the "paired ratio") is what is
 * reported, as the median and as the mean with its standard error over the rounds.
 *
 * The requests are the reading path alone: POST /api/v1/glucose/readings with a bearer token,
 * HOT_USERS accounts in turn (default 200), each account's readings one second apart (as in
 * bench:alerts, so the live window holds as many readings), 100–106 mg/dL so that no alert is
 * raised, no socket open: validation, rate limits, the session check, the D1 insert and the call
 * to the user's object, the object's window and rules.
 *
 * HOT_ROUNDS rounds (default 20) of HOT_BLOCK readings per server (default 1000), 4 in flight per
 * server. HOT_VARIANTS adds prebuilt bundles to the comparison (`label=path/to/index.js,…`, built
 * with `npx wrangler deploy --dry-run --outdir …` from a changed tree; `…@floor` for a changed
 * floor), which is how a part's share of the difference is measured (docs/alert-latency.md).
 */
import { Agent } from "node:http";
import { setTimeout as pause } from "node:timers/promises";
import { rMean, rMedian, rSd } from "../analytics/cgm/r-stats.ts";
import { cpuSeconds, newAccount, startBuiltPlatform } from "../test/support/local-platform.ts";
import { sendJson } from "./http-json.ts";

const ROUNDS = Number(process.env.HOT_ROUNDS ?? 20);
const BLOCK = Number(process.env.HOT_BLOCK ?? 1000);
const USERS = Number(process.env.HOT_USERS ?? 200);
const IN_FLIGHT = 4;
const WARM = 1000;
const FLOOR_CONFIG = "bench/floor/wrangler.toml";
const STATE_ROOT = process.env.HOT_STATE_DIR ?? ".tmp/hot-path";

interface Server {
  label: string;
  platform: Awaited<ReturnType<typeof startBuiltPlatform>>;
  tokens: string[];
  next: number;
  base: number;
  msPerReading: number[];
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

async function start(label: string, port: number, extraEnv: Record<string, string>, bundle?: string): Promise<Server> {
  const platform = await startBuiltPlatform(port, `hot-path-${label}`, `${STATE_ROOT}/${label}`, extraEnv, undefined, bundle);
  const tokens: string[] = [];
  for (let i = 0; i < USERS; i += 10) tokens.push(...(await Promise.all(Array.from({ length: Math.min(10, USERS - i) }, () => newAccount(platform.url, `hot-${label}`)))));
  // Each account's readings are one second apart and end before now (none ahead of the clock).
  const perUser = Math.ceil((WARM + ROUNDS * BLOCK) / USERS);
  return { label, platform, tokens, next: 0, base: Date.now() - (perUser + 5) * 1000, msPerReading: [] };
}

async function post(s: Server, n: number): Promise<void> {
  const one = async (count: number) => {
    for (let j = 0; j < count; j++) {
      const i = s.next++;
      const user = i % USERS;
      const time = s.base + Math.floor(i / USERS) * 1000;
      const res = await sendJson(`${s.platform.url}/api/v1/glucose/readings`, "POST", { authorization: `Bearer ${s.tokens[user]}` }, agent, { time, value: 100 + (i % 7), source: "bench" });
      if (res.status !== 201) throw new Error(`${s.label}: reading answered ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, (_, k) => one(Math.floor(n / IN_FLIGHT) + (k < n % IN_FLIGHT ? 1 : 0))));
}

const cpuOf = (s: Server) => s.platform.workerdPids().reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0);
const variants = (process.env.HOT_VARIANTS ?? "")
  .split(",")
  .filter(Boolean)
  .map((spec) => {
    const [label, rest] = spec.split("=");
    const [bundle, kind] = (rest ?? "").split("@");
    if (!label || !bundle) throw new Error(`HOT_VARIANTS: expected label=path/to/bundle.js[@floor], got ${spec}`);
    return { label, bundle, floor: kind === "floor" };
  });

const port = Number(process.env.BENCH_PORT ?? 8797);
console.log(`Starting GlucoLens and the floor${variants.length ? ` and ${variants.map((v) => v.label).join(", ")}` : ""} (${USERS} accounts each)…`);
const servers: Server[] = [];
try {
  servers.push(await start("floor", port, { SERVE_DIRECT: "1", SERVE_CONFIG: FLOOR_CONFIG }));
  servers.push(await start("glucolens", port + 1, { SERVE_DIRECT: "1" }));
  for (const [i, v] of variants.entries()) servers.push(await start(v.label, port + 2 + i, { SERVE_DIRECT: "1", ...(v.floor ? { SERVE_CONFIG: FLOOR_CONFIG } : {}) }, v.bundle));
  await Promise.all(servers.map((s) => post(s, WARM)));
  console.log(`Running: ${ROUNDS} rounds of ${BLOCK} readings to every server at once, ${IN_FLIGHT} in flight each…`);
  for (let r = 0; r < ROUNDS; r++) {
    await pause(300); // the previous round's background work (the objects' writes) settles
    const before = servers.map(cpuOf);
    await Promise.all(servers.map((s) => post(s, BLOCK)));
    await pause(300);
    servers.forEach((s, i) => s.msPerReading.push(((cpuOf(s) - before[i]!) * 1000) / BLOCK));
  }
} finally {
  await Promise.all(servers.map((s) => s.platform.stop()));
}

const floor = servers[0]!;
const summary: Record<string, unknown> = { rounds: ROUNDS, block: BLOCK, users: USERS };
for (const s of servers) {
  const ratios = s.msPerReading.map((x, i) => x / floor.msPerReading[i]!);
  const mean = rMean(ratios);
  const se = ratios.length > 1 ? rSd(ratios) / Math.sqrt(ratios.length) : 0;
  const line = `${s.label.padEnd(12)} workerd CPU per reading: median ${rMedian(s.msPerReading).toFixed(3)} ms` + (s === floor ? "" : `; over the floor, round by round: median ${rMedian(ratios).toFixed(3)}×, mean ${mean.toFixed(3)}× ± ${se.toFixed(3)} (standard error)`);
  console.log(line);
  summary[s.label] = { cpu_ms_per_reading_median: +rMedian(s.msPerReading).toFixed(3), ...(s === floor ? {} : { over_floor_median: +rMedian(ratios).toFixed(3), over_floor_mean: +mean.toFixed(3), over_floor_se: +se.toFixed(3) }) };
}
console.log(JSON.stringify(summary));
process.exit(0);
