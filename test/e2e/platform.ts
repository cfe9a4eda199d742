/**
 * Starts the platform for browser tests: a private API (`wrangler dev`, fresh state) and the web
 * site's dev server against it, on ports of their own so a running `npm start` is not disturbed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { inject } from "vitest";
import { startPlatform, type Platform } from "../support/local-platform.ts";

export interface RunningPlatform {
  api: string;
  web: string;
  stop(): Promise<void>;
}

async function waitFor(url: string, seconds: number, child: ChildProcess, log: () => string) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until || child.exitCode !== null) throw new Error(`${url} did not come up:\n${log()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

// E2E_API_PORT / E2E_WEB_PORT let several runs share one machine; each port gets its own state.
export async function startWebPlatform(apiPort = Number(process.env.E2E_API_PORT ?? 8795), webPort = Number(process.env.E2E_WEB_PORT ?? 8796)): Promise<RunningPlatform> {
  const api: Platform = await startPlatform(apiPort, `e2e-${apiPort}`);
  const web = spawn("npm", ["run", "--silent", "web:dev"], {
    env: { ...process.env, WEB_PORT: String(webPort), API_URL: api.url },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  web.stdout!.on("data", (c: Buffer) => (log += c.toString()));
  web.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  const webUrl = `http://127.0.0.1:${webPort}`;
  await waitFor(`${webUrl}/login`, 180, web, () => log);
  return {
    api: api.url,
    web: webUrl,
    stop: async () => {
      try {
        process.kill(-web.pid!, "SIGTERM");
      } catch {
        // already gone
      }
      await api.stop();
    },
  };
}

/** Where a running platform answers: the API and the web site. */
export type PlatformUrls = Pick<RunningPlatform, "api" | "web">;

/** The platform the e2e global setup started (test/e2e/global-setup.ts), shared by the test files. */
export function sharedWebPlatform(): PlatformUrls {
  return inject("e2ePlatform");
}
