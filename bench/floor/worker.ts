/**
 * The floor of the alert benchmark: the least a Worker on this platform can do for the issue's
 * alert path, with none of GlucoLens around it. `ALERT_BENCH_PLATFORM=floor npm run bench:alerts`
 * serves it exactly as the real Worker is served (bench/serve-built.ts: Miniflare, local D1, a
 * SQLite-backed Durable Object, one workerd, a direct socket), so the two runs differ only in the
 * code. What the real Worker adds on top of this floor is the application's cost; what the floor
 * itself costs is the runtime's, which no change to the application can take away.
 *
 * Per reading it does what the issue requires and nothing more: parse the JSON body, one D1
 * INSERT (awaited before the 201), one RPC to the user's object as the INSERT starts; the object
 * sends the `reading` message (and `alert` / `resolved` on a crossing) to the user's sockets, then
 * keeps the reading in its own SQLite storage, and writes each raised and resolved alert to D1 in
 * the background. No validation beyond types, no rate limits, no rules other than low < 70 and
 * high > 180, no push, no logging; tokens and tickets live in the isolate's memory (a real token
 * check is an HMAC, which the real Worker caches the same way).
 *
 * The endpoints are the ones bench/alerts.ts calls, with the same shapes.
 */
import { DurableObject } from "cloudflare:workers";

interface Env {
  DB: D1Database;
  FLOOR_MONITOR: DurableObjectNamespace<FloorMonitor>;
}

interface FloorReading {
  time: number;
  value: number;
}

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS floor_users (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE)",
  "CREATE TABLE IF NOT EXISTS floor_readings (user_id INTEGER NOT NULL, time INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (user_id, time))",
  "CREATE TABLE IF NOT EXISTS floor_alert_events (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL, alert_id TEXT NOT NULL, event TEXT NOT NULL, time INTEGER NOT NULL, value REAL)",
];

const tokens = new Map<string, number>();
const tickets = new Map<string, number>();
let schema: Promise<unknown> | null = null;

const json = (body: unknown, status = 200) => Response.json(body, { status });
const iso = (ms: number) => new Date(ms).toISOString();

function monitor(env: Env, userId: number) {
  return env.FLOOR_MONITOR.get(env.FLOOR_MONITOR.idFromName(String(userId)));
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === "/health") return new Response("ok");
    schema ??= env.DB.batch(SCHEMA.map((s) => env.DB.prepare(s)));
    await schema;

    if (path === "/api/v1/auth/register" && request.method === "POST") {
      const { email } = (await request.json()) as { email: string };
      const row = await env.DB.prepare("INSERT INTO floor_users (email) VALUES (?) RETURNING id").bind(email).first<{ id: number }>();
      const token = crypto.randomUUID();
      tokens.set(token, row!.id);
      return json({ access_token: token }, 201);
    }
    if (path === "/api/v1/alerts/stream") {
      const ticket = url.searchParams.get("ticket") ?? "";
      const userId = tickets.get(ticket);
      if (userId === undefined) return json({ error: "bad ticket" }, 401);
      tickets.delete(ticket);
      return monitor(env, userId).fetch("https://monitor.internal/stream", { headers: { upgrade: "websocket" } });
    }

    const userId = tokens.get(request.headers.get("authorization")?.slice(7) ?? "");
    if (userId === undefined) return json({ error: "unauthorized" }, 401);

    if (path === "/api/v1/glucose/readings" && request.method === "POST") {
      const { time, value } = (await request.json()) as FloorReading;
      if (typeof time !== "number" || typeof value !== "number") return json({ error: "time and value must be numbers" }, 422);
      ctx.waitUntil(monitor(env, userId).ingest(userId, { time, value }));
      const res = await env.DB.prepare("INSERT OR IGNORE INTO floor_readings (user_id, time, value) VALUES (?, ?, ?)").bind(userId, time, value).run();
      if (!res.meta.changes) return json({ error: "duplicate" }, 409);
      return json({ time: iso(time), value }, 201);
    }
    if (path === "/api/v1/glucose/readings" && request.method === "GET") {
      const start = Number(url.searchParams.get("start") ?? 0);
      const end = Number(url.searchParams.get("end") ?? Date.now());
      const { results } = await env.DB.prepare("SELECT time, value FROM floor_readings WHERE user_id = ? AND time >= ? AND time < ? ORDER BY time").bind(userId, start, end).all();
      return json({ items: results });
    }
    if (path === "/api/v1/alerts/settings" && request.method === "PUT") return json({});
    if (path === "/api/v1/alerts/ticket" && request.method === "POST") {
      const ticket = crypto.randomUUID();
      tickets.set(ticket, userId);
      return json({ url: `/api/v1/alerts/stream?ticket=${ticket}` }, 201);
    }
    return json({ error: "not found" }, 404);
  },
} satisfies ExportedHandler<Env>;

interface FloorAlert {
  id: string;
  kind: "low" | "high";
  value: number;
  time: number;
  readingTime: number;
}

export class FloorMonitor extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private newest = 0;
  private active: FloorAlert | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS readings (time INTEGER PRIMARY KEY, value REAL NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    for (const row of this.sql.exec<{ value: string }>("SELECT value FROM state WHERE key = 'active'")) this.active = JSON.parse(row.value) as FloorAlert;
    for (const row of this.sql.exec<{ t: number | null }>("SELECT max(time) AS t FROM readings")) this.newest = row.t ?? 0;
  }

  override async fetch(): Promise<Response> {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.send(JSON.stringify({ type: "hello", state: { newest: this.newest, active: this.active } }));
    return new Response(null, { status: 101, webSocket: client });
  }

  async ingest(userId: number, r: FloorReading): Promise<void> {
    const messages: unknown[] = [{ type: "reading", reading: { time: iso(r.time), value: r.value } }];
    const events: { alert: FloorAlert; event: string; time: number }[] = [];
    if (r.time > this.newest) {
      this.newest = r.time;
      const kind = r.value < 70 ? "low" : r.value > 180 ? "high" : null;
      const now = Date.now();
      if (this.active && this.active.kind !== kind) {
        messages.push({ type: "resolved", alert: this.wire(this.active) });
        events.push({ alert: this.active, event: "resolved", time: now });
        this.active = null;
      }
      if (kind && !this.active) {
        this.active = { id: crypto.randomUUID(), kind, value: r.value, time: now, readingTime: r.time };
        messages.push({ type: "alert", alert: this.wire(this.active) });
        events.push({ alert: this.active, event: "raised", time: now });
      }
    }
    // Send first: the output gate would hold the messages until the writes below are durable.
    const texts = messages.map((m) => JSON.stringify(m));
    for (const ws of this.ctx.getWebSockets()) for (const text of texts) ws.send(text);
    this.sql.exec("INSERT OR IGNORE INTO readings (time, value) VALUES (?, ?)", r.time, r.value);
    if (!events.length) return;
    if (this.active) this.sql.exec("INSERT INTO state (key, value) VALUES ('active', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", JSON.stringify(this.active));
    else this.sql.exec("DELETE FROM state WHERE key = 'active'");
    const insert = this.env.DB.prepare("INSERT INTO floor_alert_events (user_id, alert_id, event, time, value) VALUES (?, ?, ?, ?, ?)");
    this.ctx.waitUntil(this.env.DB.batch(events.map((e) => insert.bind(userId, e.alert.id, e.event, e.time, e.alert.value))));
  }

  private wire(a: FloorAlert) {
    return { id: a.id, kind: a.kind, value: a.value, time: iso(a.time), reading_time: iso(a.readingTime) };
  }
}
