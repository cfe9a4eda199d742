/**
 * Starts a private copy of the API (`wrangler dev` on its own port, with its own fresh local
 * state under .tmp/) for a benchmark, and stops it afterwards. Benchmarks therefore never touch
 * the data of a running `npm start`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { freshMigratedState } from "./migrated-state.ts";

export interface Platform {
  url: string;
  stateDir: string;
  /** Peak resident memory (VmHWM) of the workerd processes so far, in MiB. */
  workerdPeakMiB(): number;
  /** The processes serving the platform (workerd, and Node for wrangler/Miniflare), for CPU figures. */
  processes?(): { pid: number; name: string }[];
  /** The last lines wrangler printed (warnings and errors at --log-level warn), for a failure message. */
  logTail(): string;
  stop(): Promise<void>;
}

const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };

function descendants(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
      for (const c of children) out.push(c, ...descendants(c));
    }
  } catch {
    // The process ended.
  }
  return out;
}

function peakMiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** `vars` are passed to `wrangler dev` as `--var NAME:value` (development-only settings of a test). */
export async function startPlatform(port = Number(process.env.BENCH_PORT ?? 8790), name = "bench", vars: Record<string, string> = {}): Promise<Platform> {
  const stateDir = `.tmp/${name}-state`;
  freshMigratedState(stateDir);
  const child: ChildProcess = spawn(
    "npx",
    ["wrangler", "dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", stateDir, "--show-interactive-dev-session=false", "--log-level", "warn", ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])],
    { env, stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > until || child.exitCode !== null) throw new Error(`wrangler dev did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    stateDir,
    workerdPeakMiB: () => Math.max(0, ...descendants(child.pid!).map(peakMiB)),
    processes: () => servingProcesses(child.pid!),
    logTail: () => stderr.slice(-4000),
    stop: async () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 300));
    },
  };
}

/** Registers a throwaway account and returns its access token. */
export async function newAccount(url: string, label: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `${label}-${crypto.randomUUID().slice(0, 8)}@bench.local`, password: "benchmark-password", name: label, timezone: "UTC", unit: "mg/dL" }),
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/**
 * Like {@link startPlatform}, but builds the Worker once (`wrangler deploy --dry-run --outdir`,
 * the production bundle) and serves it with Miniflare directly (bench/serve-built.ts): same
 * wrangler.toml, local D1 with the real migrations, the real Durable Object. It leaves out wrangler
 * dev's proxy worker and file watcher, so a benchmark measures the Worker, and an edit elsewhere in
 * the tree cannot restart it mid-run. `workerdPids()` names the processes that serve it.
 */
export async function startBuiltPlatform(
  port = Number(process.env.BENCH_PORT ?? 8790),
  name = "bench",
  /** Where the local D1 and Durable Object SQLite files go (default .tmp/<name>-state). */
  stateDir = `.tmp/${name}-state`,
  /** Extra environment for the serving process (SERVE_LOG_LEVEL, SERVE_INSPECTOR_PORT, SERVE_CONFIG). */
  extraEnv: Record<string, string> = {},
  /** Another entry module built with the same config's bindings (bench/cost/worker.ts); default the config's `main`. */
  entry?: string,
  /** A bundle built beforehand (`wrangler deploy --dry-run --outdir`) to serve instead of building one. */
  prebuilt?: string,
): Promise<Platform & { workerdPids(): number[]; output(): string }> {
  const bundle = prebuilt ?? buildBundle(`.tmp/${name}-build`, extraEnv.SERVE_CONFIG, entry);
  freshMigratedState(stateDir);
  const child: ChildProcess = spawn("npx", ["tsx", "bench/serve-built.ts", String(port), stateDir, bundle], {
    env: { ...env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 120_000;
  for (;;) {
    try {
      if (/\bready\b/.test(output) && (await fetch(`${url}/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > until || child.exitCode !== null) throw new Error(`the built Worker did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    stateDir,
    workerdPids: () => servingProcesses(child.pid!).filter((p) => p.name === "workerd").map((p) => p.pid),
    output: () => output,
    logTail: () => output.slice(-4000),
    workerdPeakMiB: () => Math.max(0, ...descendants(child.pid!).map(peakMiB)),
    processes: () => servingProcesses(child.pid!),
    stop: async () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 500));
    },
  };
}

/** Builds the production bundle into `outDir` and returns its path. */
function buildBundle(outDir: string, serveConfig: string | undefined, entry: string | undefined): string {
  // The migrations always come from the root wrangler.toml (SERVE_CONFIG may name another Worker on the same D1).
  const config = serveConfig ? ["--config", serveConfig] : [];
  rmSync(outDir, { recursive: true, force: true });
  // Absolute: wrangler resolves --outdir against the config's folder.
  const build = spawnSync("npx", ["wrangler", "deploy", "--dry-run", ...config, "--outdir", resolve(outDir), ...(entry ? [entry] : [])], { env, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
  // The bundle is the one .js file (named after the config's `main`) beside its Text/Data modules.
  const bundle = readdirSync(outDir).find((f) => f.endsWith(".js"));
  if (!bundle) throw new Error(`no bundle in ${outDir}`);
  return `${outDir}/${bundle}`;
}

/** workerd and Node processes under `root` (npx and shell wrappers left out). */
function servingProcesses(root: number): { pid: number; name: string }[] {
  const out: { pid: number; name: string }[] = [];
  for (const pid of descendants(root)) {
    try {
      const name = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      if (name === "workerd" || name === "node") out.push({ pid, name });
    } catch {
      // ended
    }
  }
  return out;
}

/** CPU seconds (user + system) a process has used so far, or null once it has ended. */
export function cpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // utime and stime (fields 14 and 15 of proc(5)), in clock ticks of 1/100 s on Linux.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}
