/**
 * `npm start`'s servers: what `npm run deploy` ships, served on this machine by Miniflare.
 * - the API: the bundle `wrangler deploy --dry-run` builds, with wrangler.toml's bindings (local D1,
 *   the SQLite-backed Durable Object, queues and their consumers, rate limits), behind Miniflare's
 *   entry worker only (not wrangler dev's proxy Worker and file watcher);
 * - the web site: the Remix build's static files (web/build/client) and the Pages Function bundle
 *   `wrangler pages functions build` makes of web/functions, with the `ASSETS` binding Pages gives it;
 * - Cron Triggers: Miniflare does not fire them, so this process calls the Worker's scheduled
 *   handler at each time wrangler.toml's `crons` name (scripts/cron.ts).
 * State lives where `wrangler dev` keeps it (.wrangler/state/v3, or STATE_DIR/v3), so
 * `node scripts/migrate-all.mjs --local --persist-to STATE_DIR` prepares the same databases.
 *
 * Usage: tsx scripts/serve.ts api <bundle> | web <functions bundle> <static dir>; env API_PORT,
 * WEB_PORT (SERVE_MF_LOG=debug for Miniflare's own lines). One process per Worker, so each one's
 * output is prefixed apart. Prints "ready" when the socket serves, then one line per API request.
 */
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { Log, LogLevel, Miniflare, type WorkerOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import { nextRun } from "./cron.ts";

const [role, bundle, webStatic] = process.argv.slice(2);
if ((role !== "api" && role !== "web") || !bundle || (role === "web" && !webStatic)) throw new Error("usage: serve.ts api <bundle> | web <functions bundle> <static dir>");
const apiPort = Number(process.env.API_PORT ?? 8787);
const webPort = Number(process.env.WEB_PORT ?? 8788);
const persist = resolve(process.env.STATE_DIR ?? ".wrangler/state", "v3");
// Miniflare's entry worker holds the port. A direct socket to the Worker (SERVE_DIRECT=1, as
// bench:alerts uses) saves a hop, but under CPU contention it reset connections after answering large
// uploads (the demo seeding's 10,000-reading batches while the web site built), so it is not the default.
const ENTRY = process.env.SERVE_DIRECT !== "1";

/** Workerd's stdout carries the Worker's JSON log lines: requests become one short line each. */
function printRuntimeOutput(stdout: Readable, stderr: Readable) {
  createInterface({ input: stdout }).on("line", (line) => console.log(shortLine(line)));
  createInterface({ input: stderr }).on("line", (line) => {
    if (/^\s*$/.test(line)) return;
    console.error(shortLine(line));
  });
}

function shortLine(line: string): string {
  if (!line.startsWith("{")) return line;
  try {
    const f = JSON.parse(line) as Record<string, unknown>;
    if (f.event === "http.request") return `${f.method} ${f.path} ${f.status} ${f.ms} ms`;
    const { time: _t, level, event, request_id: _r, stack: _s, ...rest } = f;
    // One line per log line: strings with spaces or line breaks (a mail's body) stay quoted.
    const extra = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === "string" && !/\s/.test(v) ? v : JSON.stringify(v)}`).join(" ");
    return `${level === "info" ? "" : `${String(level).toUpperCase()} `}${event}${extra ? ` ${extra}` : ""}`;
  } catch {
    return line;
  }
}

function apiWorker(): WorkerOptions {
  const { workerOptions } = unstable_getMiniflareWorkerOptions("wrangler.toml");
  return {
    ...workerOptions,
    name: "glucolens-api",
    modules: true,
    scriptPath: resolve(bundle!),
    // Module names are paths relative to this root: the bundle imports its Text/Data modules from its folder.
    modulesRoot: dirname(resolve(bundle!)),
    // WEB_ORIGIN follows WEB_PORT: the links in mail and the CORS allow-list name the site being served.
    bindings: { ...workerOptions.bindings, LOG_REQUESTS: "1", WEB_ORIGIN: `http://localhost:${webPort}` },
    ...(ENTRY ? {} : { unsafeDirectSockets: [{ host: "127.0.0.1", port: apiPort }] }),
  } as WorkerOptions;
}

function webWorker(): WorkerOptions {
  return {
    name: "glucolens-web",
    // One module, named rather than discovered: the bundle holds Remix's browser-side route loader,
    // whose `import(route.module)` Miniflare's module walker refuses, though the server never runs it.
    modules: [{ type: "ESModule", path: resolve(bundle!) }],
    modulesRoot: dirname(resolve(bundle!)),
    // web/wrangler.toml's date and development vars; loaders reach the API at API_URL outside production.
    compatibilityDate: "2026-04-01",
    bindings: { ENVIRONMENT: "development", API_URL: `http://127.0.0.1:${apiPort}` },
    // Pages gives the Function an ASSETS binding (the build's static files), which Remix's Pages
    // handler asks first for every request.
    assets: { directory: resolve(webStatic!), binding: "ASSETS", routerConfig: { has_user_worker: true } },
    ...(ENTRY ? {} : { unsafeDirectSockets: [{ host: "127.0.0.1", port: webPort }] }),
  };
}

const mf = new Miniflare({
  host: "127.0.0.1",
  port: ENTRY ? (role === "api" ? apiPort : webPort) : 0,
  log: new Log(process.env.SERVE_MF_LOG === "debug" ? LogLevel.DEBUG : LogLevel.WARN),
  // The placeholder `request.cf` instead of fetching Cloudflare's (there is no internet here).
  cf: false,
  handleRuntimeStdio: printRuntimeOutput,
  d1Persist: join(persist, "d1"),
  durableObjectsPersist: join(persist, "do"),
  kvPersist: join(persist, "kv"),
  cachePersist: join(persist, "cache"),
  workers: [role === "api" ? apiWorker() : webWorker()],
});
await mf.ready;
console.log("ready");

// Cron Triggers: one timer per expression, each armed for its next run.
const crons = role === "api" ? (unstable_readConfig({ config: "wrangler.toml" }).triggers?.crons ?? []) : [];
for (const cron of crons) {
  const arm = () => {
    const at = nextRun(cron, new Date());
    setTimeout(async () => {
      try {
        const worker = await mf.getWorker("glucolens-api");
        await worker.scheduled({ cron, scheduledTime: at });
      } catch (err) {
        console.error(`cron ${cron} failed: ${(err as Error).message}`);
      }
      arm();
    }, Math.max(0, at.getTime() - Date.now()));
  };
  arm();
}

const stop = async () => {
  await mf.dispose().catch(() => undefined);
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
