/**
 * Helpers for the live-monitor tests: a WebSocket client for the alert feed (every message it
 * receives is checked against the shared zod schema), readings over HTTP, and the user's
 * Durable Object with a movable clock.
 */
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { expect } from "vitest";
import type { GlucoseMonitor } from "../../durable/glucose-monitor.ts";
import { ServerMessage } from "../../worker/schemas/alerts.ts";
import { api, BASE, type Account } from "./helpers.ts";

export const MIN = 60_000;

type Msg<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function ticketFor(account: Account): Promise<string> {
  const res = await api("/api/v1/alerts/ticket", { method: "POST", token: account.access });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json.ticket as string;
}

export function streamRequest(ticket: string) {
  return SELF.fetch(`${BASE}/api/v1/alerts/stream?ticket=${encodeURIComponent(ticket)}`, { headers: { upgrade: "websocket" } });
}

/** One client of the alert feed. */
export class Feed {
  readonly messages: ServerMessage[] = [];
  readonly raw: string[] = [];
  closed: { code: number; reason: string } | null = null;
  private readonly taken = new Set<number>();

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      const text = typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data as ArrayBuffer);
      this.raw.push(text);
      // The shared schema is the contract: a message it refuses fails the test.
      this.messages.push(ServerMessage.parse(JSON.parse(text)));
    });
    ws.addEventListener("close", (event) => {
      this.closed = { code: event.code, reason: event.reason };
    });
  }

  /** Opens the feed with a fresh ticket and waits for `hello`. */
  static async open(account: Account): Promise<Feed> {
    const res = await streamRequest(await ticketFor(account));
    if (res.status !== 101 || !res.webSocket) throw new Error(`the feed did not open: ${res.status} ${await res.text()}`);
    const ws = res.webSocket;
    ws.accept();
    const feed = new Feed(ws);
    await feed.next("hello");
    return feed;
  }

  /** The first message of this type (and matching `where`) not returned before; fails after `timeout` ms. */
  async next<T extends ServerMessage["type"]>(type: T, where: (m: Msg<T>) => boolean = () => true, timeout = 3000): Promise<Msg<T>> {
    const until = Date.now() + timeout;
    for (;;) {
      const i = this.messages.findIndex((m, k) => !this.taken.has(k) && m.type === type && where(m as Msg<T>));
      if (i >= 0) {
        this.taken.add(i);
        return this.messages[i] as Msg<T>;
      }
      if (Date.now() > until) throw new Error(`no "${type}" message within ${timeout} ms; got ${JSON.stringify(this.messages)}`);
      await sleep(5);
    }
  }

  /** All messages of a type received so far. */
  all<T extends ServerMessage["type"]>(type: T): Msg<T>[] {
    return this.messages.filter((m) => m.type === type) as Msg<T>[];
  }

  send(message: unknown): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  close(): void {
    try {
      this.ws.close(1000, "done");
    } catch {
      // already closed
    }
  }
}

export async function postReading(account: Account, value: number, time = Date.now(), extra: Record<string, unknown> = {}) {
  const res = await api("/api/v1/glucose/readings", { token: account.access, body: { time, value, source: "cgm", ...extra } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json;
}

export const monitorOf = (account: Account) => env.GLUCOSE_MONITOR.get(env.GLUCOSE_MONITOR.idFromName(account.id));

/** Moves the object's clock to real time + `offsetMs` (a new instance after eviction starts at real time again). */
export async function shiftClock(account: Account, offsetMs: number): Promise<void> {
  await runInDurableObject(monitorOf(account), (instance: GlucoseMonitor) => {
    instance.clock = () => Date.now() + offsetMs;
  });
}

/** Polls the alert history until `predicate` holds (the object writes it after sending). */
export async function historyUntil(account: Account, predicate: (items: any[]) => boolean, query = "", timeout = 3000): Promise<any[]> {
  const until = Date.now() + timeout;
  for (;;) {
    const res = await api(`/api/v1/alerts?limit=1000${query}`, { token: account.access });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    if (predicate(res.json.items)) return res.json.items;
    if (Date.now() > until) throw new Error(`history never matched: ${JSON.stringify(res.json.items)}`);
    await sleep(20);
  }
}

/** Lets in-flight work settle, for assertions that something did NOT happen. */
export const settle = (ms = 250) => sleep(ms);
