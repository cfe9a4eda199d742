/**
 * A socket.io client for the worker tests, driving `/socket.io/` through the real Worker
 * (SELF.fetch for polling, WebSocket upgrades) as the reference clients do:
 * - engine.io-client's transports (lib/transports/polling.ts `doPoll`/`doWrite`, websocket.ts)
 *   and its socket.ts `onHandshake`, `onPacket` (protocol 4 answers the server's `ping` with
 *   `pong`; protocol 3 sends `ping` itself), `probe` (the upgrade: `2probe`, `3probe`, `5`);
 * - socket.io-client's socket.ts `emit` with an ack id and `onack`, `onconnect`.
 * Polling payloads are taken apart here by hand (`<length>:<packet>` for Engine.IO 3, `\x1e`
 * for 4) rather than by the server's own code; socket.io packets by socket.io-parser, the
 * reference parser.
 */
import { env, runInDurableObject, SELF } from "cloudflare:test";
import { Decoder, Encoder, PacketType, type Packet } from "socket.io-parser";
import type { SocketIoSession } from "../../durable/socketio/session.ts";
import { BASE } from "./helpers.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Eio = 3 | 4;

export function splitPayload(eio: Eio, body: string): string[] {
  if (eio === 4) return body.split("\x1e");
  const out: string[] = [];
  let i = 0;
  while (i < body.length) {
    const colon = body.indexOf(":", i);
    const n = Number(body.slice(i, colon));
    out.push(body.slice(colon + 1, colon + 1 + n));
    i = colon + 1 + n;
  }
  return out;
}

export const joinPayload = (eio: Eio, packets: string[]) => (eio === 4 ? packets.join("\x1e") : packets.map((p) => `${p.length}:${p}`).join(""));

export function decodeSocketIo(enginePacket: string): Packet | null {
  if (!enginePacket.startsWith("4")) return null;
  let out: Packet | null = null;
  const d = new Decoder();
  d.on("decoded", (p: Packet) => (out = p));
  d.add(enginePacket.slice(1));
  return out;
}

const encoder = new Encoder();
const encodeSocketIo = (p: Packet) => "4" + (encoder.encode(p) as string[])[0];

export const sessionOf = (sid: string) => env.SOCKETIO_SESSION.get(env.SOCKETIO_SESSION.idFromName(sid));

export interface Received {
  event: string;
  nsp: string;
  args: unknown[];
}

/** One Engine.IO session with its socket.io namespaces. */
export class SioClient {
  /** Every Engine.IO packet received, in order. */
  readonly engine: string[] = [];
  readonly events: Received[] = [];
  readonly connects: Packet[] = [];
  private readonly acks = new Map<number, unknown[]>();
  private nextAck = 0;
  private readonly taken = new Set<number>();
  ws: WebSocket | null = null;
  handshake!: { sid: string; upgrades: string[]; pingInterval: number; pingTimeout: number; maxPayload: number };
  closed = false;

  private constructor(readonly eio: Eio) {}

  get sid(): string {
    return this.handshake.sid;
  }

  /** `GET /socket.io/?EIO=…&transport=polling`: the handshake (engine.io-client socket.ts `open`). */
  static async polling(eio: Eio): Promise<SioClient> {
    const c = new SioClient(eio);
    const res = await SELF.fetch(`${BASE}/socket.io/?EIO=${eio}&transport=polling&t=${Date.now()}`);
    if (res.status !== 200) throw new Error(`handshake ${res.status}: ${await res.text()}`);
    c.take(splitPayload(eio, await res.text()));
    return c;
  }

  /** `GET /socket.io/?EIO=…&transport=websocket` with no sid: a WebSocket-only session. */
  static async websocket(eio: Eio): Promise<SioClient> {
    const c = new SioClient(eio);
    const res = await SELF.fetch(`${BASE}/socket.io/?EIO=${eio}&transport=websocket`, { headers: { upgrade: "websocket" } });
    if (res.status !== 101) throw new Error(`handshake ${res.status}: ${await res.text()}`);
    c.attach(res.webSocket!);
    await c.until(() => c.engine.length > 0);
    return c;
  }

  private attach(ws: WebSocket): void {
    ws.accept();
    this.ws = ws;
    ws.addEventListener("message", (e) => this.take([typeof e.data === "string" ? e.data : ""]));
    ws.addEventListener("close", () => (this.closed = true));
  }

  private take(packets: string[]): void {
    for (const p of packets) {
      this.engine.push(p);
      if (p.startsWith("0")) this.handshake = JSON.parse(p.slice(1));
      // Protocol 4: the server pings, the client answers (engine.io-client socket.ts onPacket).
      if (this.eio === 4 && p === "2" && this.ws) this.ws.send("3");
      if (p === "1") this.closed = true;
      const sio = decodeSocketIo(p);
      if (!sio) continue;
      if (sio.type === PacketType.EVENT) this.events.push({ event: sio.data[0], nsp: sio.nsp, args: sio.data.slice(1) });
      else if (sio.type === PacketType.ACK) this.acks.set(sio.id!, sio.data);
      else this.connects.push(sio);
    }
  }

  /** One long-poll GET; the session's heartbeat is shortened by {@link quickHeartbeat} so an empty poll returns soon. */
  async poll(): Promise<string[]> {
    const res = await SELF.fetch(`${BASE}/socket.io/?EIO=${this.eio}&transport=polling&sid=${this.sid}`);
    const body = await res.text();
    if (res.status !== 200) throw new Error(`poll ${res.status}: ${body}`);
    const packets = splitPayload(this.eio, body);
    this.take(packets);
    // Protocol 4 over polling: the server's ping is answered with a POSTed pong.
    if (this.eio === 4 && packets.includes("2")) await this.send("3");
    return packets;
  }

  /** Sends Engine.IO packets: a POST while polling, frames once on a WebSocket. */
  async send(...packets: string[]): Promise<void> {
    if (this.ws) {
      for (const p of packets) this.ws.send(p);
      return;
    }
    const res = await SELF.fetch(`${BASE}/socket.io/?EIO=${this.eio}&transport=polling&sid=${this.sid}`, { method: "POST", body: joinPayload(this.eio, packets), headers: { "content-type": "text/plain;charset=UTF-8" } });
    const answer = await res.text();
    if (res.status !== 200 || answer !== "ok") throw new Error(`POST ${res.status}: ${answer}`);
  }

  async connect(nsp = "/"): Promise<void> {
    await this.send(encodeSocketIo({ type: PacketType.CONNECT, nsp }));
  }

  /** `socket.emit(event, ...args, ack)`: resolves with the ack's arguments. */
  async emit(nsp: string, event: string, ...args: unknown[]): Promise<unknown[]> {
    const id = this.nextAck++;
    await this.send(encodeSocketIo({ type: PacketType.EVENT, nsp, id, data: [event, ...args] }));
    await this.until(() => this.acks.has(id));
    return this.acks.get(id)!;
  }

  /** Waits for a condition, polling (GET) meanwhile when not on a WebSocket. */
  async until(cond: () => boolean, timeout = 5000): Promise<void> {
    const end = Date.now() + timeout;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out; received ${JSON.stringify(this.engine).slice(0, 2000)}`);
      if (this.ws) await sleep(5);
      else await this.poll();
    }
  }

  /** The next event of that name (and namespace) not returned before. */
  async next(event: string, nsp = "/", where: (args: any[]) => boolean = () => true, timeout = 5000): Promise<any[]> {
    let found = -1;
    await this.until(() => (found = this.events.findIndex((e, i) => !this.taken.has(i) && e.event === event && e.nsp === nsp && where(e.args))) >= 0, timeout);
    this.taken.add(found);
    return this.events[found]!.args;
  }

  count(event: string, nsp = "/"): number {
    return this.events.filter((e) => e.event === event && e.nsp === nsp).length;
  }

  /** Shortens the session's heartbeat so an empty long-poll returns after `ms`. */
  async quickHeartbeat(ms = 200): Promise<void> {
    await runInDurableObject(sessionOf(this.sid), (s: SocketIoSession) => {
      s.pingIntervalMs = ms;
    });
  }

  /** The upgrade of a polling session (engine.io-client socket.ts `probe`). */
  async upgrade({ pollDuringProbe = true, pollAgain = false } = {}): Promise<void> {
    const res = await SELF.fetch(`${BASE}/socket.io/?EIO=${this.eio}&transport=websocket&sid=${this.sid}`, { headers: { upgrade: "websocket" } });
    if (res.status !== 101) throw new Error(`upgrade ${res.status}: ${await res.text()}`);
    const ws = res.webSocket!;
    ws.accept();
    const probe: string[] = [];
    ws.addEventListener("message", (e) => probe.push(String(e.data)));
    // A long-poll is pending while the probe runs, or the client is between two polls.
    let pending: Promise<string[]> | null = null;
    if (pollDuringProbe) {
      pending = this.poll();
      await this.untilWaiting();
    }
    ws.send("2probe");
    const end = Date.now() + 3000;
    while (!probe.includes("3probe")) {
      if (Date.now() > end) throw new Error("no 3probe");
      await sleep(5);
    }
    // The pending long-poll ends with a noop; the client pauses polling, then upgrades.
    const drained = await (pending ?? this.poll());
    if (!drained.includes("6")) throw new Error(`the pending poll got ${JSON.stringify(drained)}, not a noop`);
    // engine.io-client 3 may poll once more before it reads `3probe` and pauses; that poll must end with a noop too.
    if (pollAgain) {
      const again = await this.poll();
      if (!again.includes("6")) throw new Error(`the poll after the probe got ${JSON.stringify(again)}, not a noop`);
    }
    this.ws = ws;
    ws.addEventListener("message", (e) => this.take([String(e.data)]));
    ws.addEventListener("close", () => (this.closed = true));
    ws.send("5");
  }

  /** Until the session holds a long-poll GET open. */
  async untilWaiting(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const waiting = await runInDurableObject(sessionOf(this.sid), (s: SocketIoSession) => (s as unknown as { waiter: unknown }).waiter !== null);
      if (waiting) return;
      await sleep(5);
    }
    throw new Error("no long-poll pending");
  }

  close(): void {
    try {
      this.ws?.close(1000, "done");
    } catch {
      // closed
    }
  }
}
