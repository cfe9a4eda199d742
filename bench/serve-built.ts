/**
 * Serves the built API Worker (the bundle `wrangler deploy --dry-run --outdir` writes) with
 * Miniflare directly: the same wrangler.toml bindings (local D1, the SQLite-backed Durable Object,
 * queues) and the same persisted state layout as `wrangler dev --persist-to`, but without
 * wrangler dev's proxy worker (a second workerd in front of the Worker) and without its file
 * watcher, which restarts the Worker, and closes every WebSocket, whenever a source file changes.
 * Started as a child process by `startBuiltPlatform` (test/support/local-platform.ts), so the bench
 * client's CPU is measured apart from Miniflare's.
 *
 * Usage: tsx bench/serve-built.ts <port> <state dir> <bundle file>; prints "ready" when serving.
 */
import { dirname, join, resolve } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const [portArg, stateDir, bundle] = process.argv.slice(2);
if (!portArg || !stateDir || !bundle) throw new Error("usage: serve-built.ts <port> <state dir> <bundle file>");

// SERVE_CONFIG: another wrangler.toml (bench/floor/wrangler.toml for the alert benchmark's floor).
const { workerOptions } = unstable_getMiniflareWorkerOptions(process.env.SERVE_CONFIG ?? "wrangler.toml");
// wrangler dev --persist-to X keeps everything under X/v3 (so `wrangler d1 migrations apply
// --persist-to X` prepares the same database).
const persist = join(resolve(stateDir), "v3");
// SERVE_DIRECT=1: the port is a socket straight to the Worker (Miniflare's unsafeDirectSockets),
// without Miniflare's entry worker in front (a local-development layer: pretty error pages, live
// reload, Accept-Encoding handling; Cloudflare's edge stands there in production).
const direct = process.env.SERVE_DIRECT === "1";
const mf = new Miniflare({
  host: "127.0.0.1",
  port: direct ? 0 : Number(portArg),
  log: new Log(LogLevel.WARN),
  // For CPU profiles over the DevTools protocol (not set by the benchmarks).
  ...(process.env.SERVE_INSPECTOR_PORT ? { inspectorPort: Number(process.env.SERVE_INSPECTOR_PORT) } : {}),
  d1Persist: join(persist, "d1"),
  durableObjectsPersist: join(persist, "do"),
  kvPersist: join(persist, "kv"),
  cachePersist: join(persist, "cache"),
  workers: [
    {
      ...workerOptions,
      // SERVE_LOG_LEVEL=debug shows the debug lines (bench/eviction.ts reads the object's starts).
      bindings: { ...workerOptions.bindings, ...(process.env.SERVE_LOG_LEVEL ? { LOG_LEVEL: process.env.SERVE_LOG_LEVEL } : {}) },
      name: process.env.SERVE_CONFIG ? "glucolens-alert-floor" : "glucolens-api",
      modules: true,
      scriptPath: resolve(bundle),
      // Module names are paths relative to this root; the bundle imports its Text/Data modules
      // (Swagger UI's files) from its own folder.
      modulesRoot: dirname(resolve(bundle)),
      ...(direct ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: Number(portArg) }] } : {}),
    },
  ],
});
await mf.ready;
console.log("ready");

const stop = async () => {
  await mf.dispose().catch(() => undefined);
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
