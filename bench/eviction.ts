/**
 * `npm run bench:eviction`: do hibernated WebSockets survive the eviction of the user's monitor
 * object? Checked against the built Worker on Miniflare (bench/serve-built.ts), a real workerd,
 * since the test pool (0.15.1) has no `evictDurableObject` and can only abort an object, which
 * drops its sockets.
 *
 * One user opens the alert feed and posts a normal reading; then nothing happens for
 * EVICTION_IDLE_S seconds (default 75), long enough for workerd to evict an idle object whose
 * only connections are hibernated sockets. A low reading follows. Passing means: the object's
 * constructor ran again (its debug line `monitor.started` appears a second time, so the first
 * instance was evicted), the socket opened before it never closed, and it received the low alert
 * with the state the new instance restored from storage. Exits 1 when any of that fails.
 *
 * Environment: EVICTION_IDLE_S, BENCH_PORT (default 8792).
 */
import { WebSocket } from "ws";
import { newAccount, startBuiltPlatform } from "../test/support/local-platform.ts";

const IDLE_S = Number(process.env.EVICTION_IDLE_S ?? 75);
const port = Number(process.env.BENCH_PORT ?? 8792);

const platform = await startBuiltPlatform(port, "bench-eviction", undefined, { SERVE_LOG_LEVEL: "debug" });
let failed = false;
try {
  const token = await newAccount(platform.url, "eviction");
  const call = async (path: string, method: string, body?: unknown) => {
    const res = await fetch(`${platform.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  // Only the threshold alerts: a 50 mg/dL drop within the idle time would also be "falling fast".
  const put = await call("/api/v1/alerts/settings", "PUT", {
    falling_fast: { enabled: false, rate: 3 },
    rising_fast: { enabled: false, rate: 3 },
    predicted_low: { enabled: false, minutes: 20 },
  });
  if (put.status !== 200) throw new Error(`settings: ${put.status} ${JSON.stringify(put.json)}`);
  const ticket = await call("/api/v1/alerts/ticket", "POST");
  const ws = new WebSocket(`${platform.url.replace(/^http/, "ws")}${ticket.json.url}`);
  const messages: { type: string; alert?: { kind: string; value: number } }[] = [];
  let closed: string | null = null;
  ws.on("message", (d) => messages.push(JSON.parse(String(d))));
  ws.on("close", (code, reason) => (closed = `${code} ${String(reason)}`));
  await new Promise<void>((resolve, reject) => {
    ws.once("error", reject);
    const wait = setInterval(() => {
      if (messages.some((m) => m.type === "hello")) {
        clearInterval(wait);
        resolve();
      }
    }, 20);
  });
  const starts = () => platform.output().split("\n").filter((l) => l.includes('"monitor.started"')).length;
  const first = await call("/api/v1/glucose/readings", "POST", { time: Date.now(), value: 110, source: "eviction" });
  if (first.status !== 201) throw new Error(`reading: ${first.status} ${JSON.stringify(first.json)}`);
  const startsBefore = starts();
  console.log(`Socket open, one reading posted; the object has started ${startsBefore} time(s). Idle for ${IDLE_S} s…`);
  await new Promise((r) => setTimeout(r, IDLE_S * 1000));

  const low = await call("/api/v1/glucose/readings", "POST", { time: Date.now(), value: 60, source: "eviction" });
  if (low.status !== 201) throw new Error(`reading: ${low.status} ${JSON.stringify(low.json)}`);
  const until = Date.now() + 5000;
  const isLow = (m: (typeof messages)[number]) => m.type === "alert" && m.alert?.kind === "low";
  while (Date.now() < until && !messages.some(isLow)) await new Promise((r) => setTimeout(r, 20));
  const alert = messages.find(isLow);
  const startsAfter = starts();
  const evicted = startsAfter > startsBefore;
  console.log(`Object starts: ${startsBefore} before the idle time, ${startsAfter} after (evicted and woken again: ${evicted ? "yes" : "no"})`);
  console.log(`Socket opened before the idle time: ${closed ? `closed (${closed})` : "still open"}; low alert on it: ${alert ? `yes (${alert.alert?.kind}, ${alert.alert?.value})` : "no"}`);
  failed = !evicted || closed !== null || alert?.alert?.kind !== "low";
  console.log(failed ? "FAILED: eviction with a hibernated socket not shown" : "PASSED: the hibernated socket survived the object's eviction and got the alert");
  ws.close(1000, "done");
} finally {
  await platform.stop();
}
process.exit(failed ? 1 : 0);
