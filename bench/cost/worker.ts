/**
 * The API Worker as `npm run bench:cost` builds it: worker/index.ts unchanged, its handlers and
 * Durable Object classes wrapped so that every billed unit is counted (bench/cost/meter.ts), and
 * two bench-only routes:
 * - `GET /__cost/usage`: the counters so far (JSON);
 * - `POST /__cost/scheduled?cron=…&time=…`: runs the Worker's `scheduled` handler for that Cron
 *   Trigger at that time, as scripts/serve.ts does for `npm start` (Miniflare fires no crons);
 * - `POST /__cost/clock?t=…`: sets the isolate's clock (`Date.now`) to the simulated time, so a day
 *   lived in minutes of real time looks live to the code (readings are seconds old, the monitor's
 *   window, token expiry, back-fill of past days and the crons all see the simulated day). The
 *   Worker and its objects share the isolate and so the clock; `new Date()` without arguments is
 *   left alone (only log lines and display stamps use it);
 * - `POST /__cost/alarms?users=<public id>,…`: runs each user's monitor alarm if it is due on the
 *   simulated clock, as the runtime would (it fires alarms by the real clock, which lies a day
 *   behind): the cloud bridges poll from these alarms. The call that reaches the object stands in
 *   for the runtime and is not counted; the alarm and everything it does are.
 * Never deployed: `wrangler deploy --dry-run bench/cost/worker.ts` with the root wrangler.toml.
 */
import { GlucoseMonitor as Monitor, SocketIoSession as Session } from "../../worker/index.ts";
import worker from "../../worker/index.ts";
import { currentLabel, labelled, meterSql, meteredEnv, readUsage, usage } from "./meter.ts";

/** "GET /api/v1/entries.json": the method and the path with ids and dates left out, for the breakdown. */
const routeLabel = (request: Request, path: string) =>
  `${request.method} ${path.split("/").map((part) => (/\d/.test(part) && !/^v\d$/.test(part) ? ":id" : part)).join("/")}`;

type Ctx = ConstructorParameters<typeof Monitor>[0];

const realNow = Date.now.bind(Date);
let clockOffsetMs = 0;
Date.now = () => realNow() + clockOffsetMs;

/** Runs an object's event handler (not reached through a stub) with its wall time counted. */
async function handler<T>(run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await run();
  } finally {
    usage.durable.handlerWallMs += Date.now() - started;
  }
}

export class GlucoseMonitor extends Monitor {
  constructor(ctx: Ctx, env: Env) {
    meterSql(ctx.storage.sql);
    super(ctx, meteredEnv(env));
  }
  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    usage.durable.webSocketMessages++;
    return handler(() => super.webSocketMessage(ws, message));
  }
  override alarm(): Promise<void> {
    usage.durable.alarms++;
    return handler(() => super.alarm());
  }
  /** Runs the alarm now if it is due on the simulated clock (the runtime clears it first, as here). */
  async benchDueAlarm(): Promise<boolean> {
    const at = await this.ctx.storage.getAlarm();
    if (at === null || at > Date.now()) return false;
    await this.ctx.storage.deleteAlarm();
    await this.alarm();
    return true;
  }
}

export class SocketIoSession extends Session {
  constructor(ctx: Ctx, env: Env) {
    meterSql(ctx.storage.sql);
    super(ctx, meteredEnv(env));
  }
  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    usage.durable.webSocketMessages++;
    return handler(() => super.webSocketMessage(ws, message));
  }
  override alarm(): Promise<void> {
    usage.durable.alarms++;
    return handler(() => super.alarm());
  }
}

async function benchRoute(request: Request, env: Env, ctx: ExecutionContext, path: string): Promise<Response> {
  if (path === "/__cost/usage") return Response.json(readUsage());
  if (path === "/__cost/clock" && request.method === "POST") {
    const t = Number(new URL(request.url).searchParams.get("t"));
    if (!Number.isFinite(t)) return Response.json({ error: { code: "bad_request", message: "t is required", fields: [{ path: "t", message: "must be a time in ms" }] } }, { status: 400 });
    clockOffsetMs = t - realNow();
    return Response.json({ now: Date.now() });
  }
  if (path === "/__cost/scheduled" && request.method === "POST") {
    const url = new URL(request.url);
    const cron = url.searchParams.get("cron") ?? "";
    const scheduledTime = Number(url.searchParams.get("time"));
    if (!cron || !Number.isFinite(scheduledTime)) return Response.json({ error: { code: "bad_request", message: "cron and time are required", fields: [] } }, { status: 400 });
    usage.worker.scheduled++;
    const label = cron === "30 4 * * 1" ? "cron weekly" : "cron hourly";
    labelled(label).invocations++;
    await currentLabel.run(label, () => worker.scheduled({ cron, scheduledTime, noRetry() {} } as ScheduledController, meteredEnv(env), ctx));
    return Response.json({ ok: true });
  }
  if (path === "/__cost/alarms" && request.method === "POST") {
    const ids = (new URL(request.url).searchParams.get("users") ?? "").split(",").filter(Boolean);
    const ran = await Promise.all(ids.map((id) => (env.GLUCOSE_MONITOR.get(env.GLUCOSE_MONITOR.idFromName(id)) as unknown as GlucoseMonitor).benchDueAlarm()));
    return Response.json({ ran: ran.filter(Boolean).length });
  }
  return Response.json({ error: { code: "not_found", message: "no such bench route", fields: [] } }, { status: 404 });
}

export default {
  fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path.startsWith("/__cost/")) return benchRoute(request, env, ctx, path);
    usage.worker.fetch++;
    const label = routeLabel(request, path);
    labelled(label).invocations++;
    return currentLabel.run(label, () => worker.fetch(request, meteredEnv(env), ctx));
  },
  queue(batch, env, ctx) {
    usage.worker.queueBatches++;
    const kinds = new Set<string>();
    for (const m of batch.messages) {
      usage.queue.delivered++;
      if (m.attempts > 1) usage.queue.retried++;
      kinds.add(String((m.body as { kind?: unknown } | null)?.kind ?? "?"));
    }
    const label = `queue ${[...kinds].sort().join("+")}`;
    labelled(label).invocations++;
    return currentLabel.run(label, () => worker.queue(batch, meteredEnv(env), ctx));
  },
} satisfies ExportedHandler<Env, never>;
