/**
 * A cold `npm start` (scripts/start.mjs) for browser tests and the start benchmark: a fresh state
 * folder under .tmp/ (STATE_DIR: empty D1, no Durable Objects, no demo account yet), ports of its
 * own, the builds reused when up to date, exactly as a newcomer runs it. Its log is kept: mail is
 * not sent locally, so verification links are read from the `[api] mail.outbox` lines, as
 * scripts/start.mjs does for the demo account.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";

export interface NpmStart {
  /** The API's origin (127.0.0.1). */
  api: string;
  /** The web site's origin, as the mail links name it (localhost). */
  web: string;
  /** Seconds from the spawn to "GlucoLens is running" (or to the demo's analysis). */
  startSeconds: number;
  log(): string;
  /** The newest link to `path` (e.g. "/verify-email") in mail to `email`, or null. */
  mailLink(email: string, path: string): string | null;
  stop(): Promise<void>;
}

export interface NpmStartOptions {
  apiPort: number;
  webPort: number;
  /** The state folder's name under .tmp/; it is emptied first unless `keepState`. */
  name: string;
  keepState?: boolean;
  /** Extra environment (e.g. DEMO_LIVE). */
  env?: Record<string, string>;
  /** How long `npm start` may take to say it is running (and, unless `untilRunning`, that the demo is analysed). */
  timeoutSeconds?: number;
  /**
   * Return at "GlucoLens is running" rather than when the demo's analysis, which goes on in the
   * queue after it, is done: tests wait for it, so that it does not compete with them for the CPU.
   */
  untilRunning?: boolean;
}

export async function startNpmStart(opts: NpmStartOptions): Promise<NpmStart> {
  const stateDir = `.tmp/${opts.name}-state`;
  if (!opts.keepState) rmSync(stateDir, { recursive: true, force: true });
  const started = performance.now();
  const child = spawn("npm", ["start"], {
    env: { ...process.env, API_PORT: String(opts.apiPort), WEB_PORT: String(opts.webPort), STATE_DIR: stateDir, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout!.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    await exited;
  };
  const until = Date.now() + (opts.timeoutSeconds ?? 600) * 1000;
  const done = opts.untilRunning ? "GlucoLens is running" : "The demo account is analysed";
  while (!log.includes(done)) {
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`npm start did not come up (${child.exitCode === null ? "timed out" : `exit ${child.exitCode}`}):\n${log.slice(-6000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    api: `http://127.0.0.1:${opts.apiPort}`,
    web: `http://localhost:${opts.webPort}`,
    startSeconds: (performance.now() - started) / 1000,
    log: () => log,
    mailLink: (email, path) => {
      const lines = log.split("\n").filter((l) => l.includes("mail.outbox ") && l.includes(`to=${email} `));
      const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const links = lines.map((l) => new RegExp(`https?://[^\\s"\\\\]+${escaped}\\?token=[A-Za-z0-9_%-]+`).exec(l)?.[0]).filter((l): l is string => Boolean(l));
      return links.at(-1) ?? null;
    },
    stop,
  };
}
