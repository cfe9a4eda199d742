/**
 * A `wrangler dev` that can be killed and started again on the same local state (unlike
 * test/support/local-platform.ts's startPlatform, which starts from fresh state each time), for the
 * fault tests: a Worker restarted mid-request, a D1 file locked from outside.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };

export interface Dev {
  url: string;
  stateDir: string;
  /** SIGKILL of the whole process group: no graceful shutdown, as a crash or a deploy would. */
  kill(): Promise<void>;
  start(): Promise<void>;
}

/** The local D1 SQLite file(s) of a state folder. */
export function d1Files(stateDir: string): string[] {
  const dir = join(stateDir, "v3", "d1", "miniflare-D1DatabaseObject");
  return readdirSync(dir).filter((f) => f.endsWith(".sqlite")).map((f) => join(dir, f));
}

export function wranglerDev(port: number, stateDir: string): Dev {
  let child: ChildProcess | null = null;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    stateDir,
    async start() {
      child = spawn("npx", ["wrangler", "dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", stateDir, "--show-interactive-dev-session=false", "--log-level", "warn"], {
        env,
        stdio: ["ignore", "ignore", "pipe"],
        detached: true,
      });
      let stderr = "";
      child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
      const until = Date.now() + 120_000;
      for (;;) {
        try {
          if ((await fetch(`${url}/health`)).ok) return;
        } catch {
          // not up yet
        }
        if (Date.now() > until || child.exitCode !== null) throw new Error(`wrangler dev did not start:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async kill() {
      if (!child) return;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      child = null;
      // Wait until the port is free again.
      for (let i = 0; i < 40; i++) {
        try {
          await fetch(`${url}/health`, { signal: AbortSignal.timeout(200) });
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    },
  };
}
