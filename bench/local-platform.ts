/**
 * Starts a private copy of the API (`wrangler dev` on its own port, with its own fresh local
 * state under .tmp/) for a benchmark, and stops it afterwards. Benchmarks therefore never touch
 * the data of a running `npm start`.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync, rmSync } from "node:fs";

export interface Platform {
  url: string;
  stateDir: string;
  /** Peak resident memory (VmHWM) of the workerd processes so far, in MiB. */
  workerdPeakMiB(): number;
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

export async function startPlatform(port = Number(process.env.BENCH_PORT ?? 8790), name = "bench"): Promise<Platform> {
  const stateDir = `.tmp/${name}-state`;
  rmSync(stateDir, { recursive: true, force: true });
  const migrate = spawnSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], { env, encoding: "utf8" });
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);
  const child: ChildProcess = spawn(
    "npx",
    ["wrangler", "dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", stateDir, "--show-interactive-dev-session=false", "--log-level", "warn"],
    { env, stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
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
