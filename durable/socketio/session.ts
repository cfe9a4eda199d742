/**
 * @module durable/socketio/session
 * One socket.io session (Engine.IO 3 or 4, polling and WebSocket) as Nightscout's
 * lib/server/websocket.js serves it, one Durable Object per session named by its Engine.IO sid.
 *
 * Why an object of its own: a Nightscout client connects first and says who it is later (the
 * `authorize` event), so the first request cannot be routed to the user's GlucoseMonitor. The
 * Worker draws the sid at the handshake; every later request of the session (GET long-polls,
 * POSTs, the WebSocket upgrade) names it, so all of them reach this object. After `authorize`
 * (or `subscribe` on `/alarm`) the object subscribes to the user's GlucoseMonitor, which calls
 * {@link SocketIoSession.deliver} with each new reading, Nightscout document and alert.
 *
 * Everything that must outlive an eviction is in storage: the session (version, transport,
 * namespaces, user, credential) and the packets waiting for the next long-poll. The WebSocket
 * is hibernated; Engine.IO 3 pings (`2`) are answered `3` by the runtime without waking the
 * object; Engine.IO 4 pings are sent by the object's alarm, which also ends sessions whose
 * client went away (no request, pong or ping within pingInterval + pingTimeout).
 */
import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../../worker/env.ts";
import { errorBody } from "../../worker/lib/errors.ts";
import { createLogger, errorFields, logLevelOf } from "../../worker/lib/log.ts";
import type { UploaderRole } from "../../worker/db/schema-interop.ts";
import type { AuthUser } from "../../worker/middleware/auth.ts";
import { acknowledgeUpTo } from "../../worker/nightscout/notifications.ts";
import { collectionPath, entryDocs, ownerOfCredential, rest, runtimeEntries, WRITABLE_COLLECTIONS, type SocketCredential, type WritableCollection } from "../../worker/nightscout/socketio-store.ts";
import { decodeFrame, decodePayload, encodePayload, openPacket, randomId, PACKET, PING_INTERVAL_MS, PING_TIMEOUT_MS, type EioVersion, type EnginePacket } from "./engine-io.ts";
import { storedForDbAdd, type DbAddStore } from "./db-add.ts";
import { announcementOf, byMills, withMills, type MonitorChange, type NightscoutDoc, type NotifyEvent, type NightscoutNotify } from "./nightscout-shapes.ts";
import { ackPacket, connectErrorPacket, connectPacket, decodeSocketPacket, disconnectPacket, eventPacket, PacketType } from "./socket-io.ts";
import { storageLookup, storedEvent, subscribedCollections, UNAUTHORIZED_TO_ANY, type StorageEvent } from "./storage-channel.ts";
import type { StorageCollection } from "../../vocabulary/socketio.ts";
import { MAX_LIMIT } from "../../worker/nightscout/v3/params.ts";

/** Namespaces served: the main one (lib/server/websocket.js), `/alarm` (lib/api3/alarmSocket.js) and `/storage` (lib/api3/storageSocket.js). */
const NAMESPACES = ["/", "/alarm", "/storage"];
const ALARM_NSP = "/alarm";
const STORAGE_NSP = "/storage";
/** Hours of history in the first `dataUpdate` when `authorize` names none (websocket.js: 48). */
const DEFAULT_HISTORY_H = 48;
const MAX_HISTORY_H = 14 * 24;
const ENGINE_TAG = "engine";
const MAX_FRAME_CHARS = 1_000_000;
/**
 * While a probe is pending, a long-poll is held at most this long before a noop ends it (engine.io's
 * socket.js maybeUpgrade `check`, every 100 ms), and for at most UPGRADE_TIMEOUT_MS (engine.io's
 * `upgradeTimeout` default, 10 s) after the probe.
 */
const FAST_UPGRADE_INTERVAL_MS = 100;
const UPGRADE_TIMEOUT_MS = 10_000;
/** lib/api3/const.json MSG.SOCKET_MISSING_OR_BAD_ACCESS_TOKEN */
const BAD_TOKEN = "Missing or bad accessToken";

interface SessionState {
  sid: string;
  eio: EioVersion;
  /** "websocket" once the client has completed the upgrade (or connected over a WebSocket). */
  transport: "polling" | "websocket";
  /** Connected socket.io namespaces and their socket ids. */
  namespaces: Record<string, string>;
  user: AuthUser | null;
  credential: SocketCredential | null;
  /** `authorize` granted: data updates and alarms on the main namespace. */
  read: boolean;
  /** The credential's role permits writes (websocket.js socketAuthorization.write, write_treatment); absent before roles existed (then admin). */
  write?: boolean;
  /** `subscribe` on `/alarm` granted. */
  alarms: boolean;
  /** Collections subscribed on `/storage`, and the access token they were granted to (API v3 reads the documents with it). */
  storage?: StorageCollection[];
  storageToken?: SocketCredential | null;
  /** Last request, message or pong from the client (epoch ms). */
  lastSeen: number;
  /** Engine.IO 4 over WebSocket: when the last unanswered ping went out. */
  pingSentAt: number | null;
  /** When the WebSocket answered `3probe`: until `5` (or {@link UPGRADE_TIMEOUT_MS}), long-polls end at once. */
  upgradingSince?: number | null;
}

type Ack = ((...args: unknown[]) => void) | null;

const json = (status: 400 | 404 | 426, code: string, message: string, path: string) =>
  new Response(JSON.stringify(errorBody(code, message, [{ path, message }])), { status, headers: { "content-type": "application/json" } });

const text = (body: string, type = "text/plain; charset=UTF-8") => new Response(body, { headers: { "content-type": type, "cache-control": "no-store" } });


export class SocketIoSession extends DurableObject<Env> {
  /** The heartbeat period; tests shorten it through `runInDurableObject`. */
  pingIntervalMs = PING_INTERVAL_MS;
  pingTimeoutMs = PING_TIMEOUT_MS;

  private readonly sql: SqlStorage;
  private state: SessionState | null = null;
  /** The pending long-poll GET, answered by {@link wake}. */
  private waiter: ((packets: string[]) => void) | null = null;
  private readonly bindings: Bindings;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.bindings = env as Bindings;
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, packet TEXT NOT NULL)");
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'session'").toArray()[0];
    if (row) this.state = JSON.parse(row.value) as SessionState;
    // Engine.IO 3 clients ping; the runtime answers without waking the object.
    if (this.state?.eio === 3) ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PACKET.ping, PACKET.pong));
  }

  private save(): void {
    if (this.state) this.sql.exec("INSERT INTO meta (key, value) VALUES ('session', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", JSON.stringify(this.state));
  }

  // -------------------------------------------------------------------------------------------
  // HTTP: handshake, long-poll, POST, WebSocket

  /** Requests forwarded by the Worker (worker/nightscout/socketio.ts), which has checked the query. */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const eio = Number(url.searchParams.get("EIO")) as EioVersion;
    const websocket = request.headers.get("upgrade")?.toLowerCase() === "websocket";
    const sid = url.searchParams.get("sid")!;
    if (url.searchParams.get("new") === "1") return this.open(sid, eio, websocket);
    const s = this.state;
    if (!s) return json(400, "unknown_session", "Session ID unknown", "sid");
    if (s.eio !== eio) return json(400, "bad_request", `This session speaks Engine.IO ${s.eio}`, "EIO");
    if (websocket) return this.upgrade(s);
    if (s.transport === "websocket") return json(400, "bad_request", "This session has moved to its WebSocket", "transport");
    s.lastSeen = Date.now();
    this.save();
    if (request.method === "GET") return this.poll(s);
    if (request.method === "POST") return this.receive(s, await request.text());
    return json(400, "bad_request", "Polling takes GET or POST", "method");
  }

  private open(sid: string, eio: EioVersion, websocket: boolean): Response {
    this.state = { sid, eio, transport: websocket ? "websocket" : "polling", namespaces: {}, user: null, credential: null, read: false, alarms: false, lastSeen: Date.now(), pingSentAt: null };
    const packets = [openPacket(sid, websocket ? [] : ["websocket"])];
    // socket.io 2 (Engine.IO 3) connects the main namespace by itself, right after the handshake.
    if (eio === 3) packets.push(this.connectNamespace("/"));
    this.save();
    if (eio === 3) this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PACKET.ping, PACKET.pong));
    this.scheduleHeartbeat();
    if (!websocket) return text(encodePayload(eio, packets));
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [ENGINE_TAG]);
    for (const p of packets) server.send(p);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** A WebSocket for an existing polling session: the probe (`2probe` → `3probe`), then `5`. */
  private upgrade(s: SessionState): Response {
    if (s.transport === "websocket" || this.ctx.getWebSockets(ENGINE_TAG).length) return json(400, "bad_request", "This session already has a WebSocket", "transport");
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [ENGINE_TAG]);
    return new Response(null, { status: 101, webSocket: client });
  }

  private async poll(s: SessionState): Promise<Response> {
    if (this.waiter) {
      // Two GETs at once break the order of packets: the spec closes the session.
      this.waiter([PACKET.close]);
      await this.close();
      return json(400, "bad_request", "Overlapping long-poll requests", "method");
    }
    let packets = this.drain();
    if (!packets.length) {
      packets = await new Promise<string[]>((resolve) => {
        // Protocol 4: the server's ping rides on the long-poll; protocol 3: a noop lets the client poll again.
        // During an upgrade a noop ends the poll within FAST_UPGRADE_INTERVAL_MS, as engine.io's
        // maybeUpgrade does: the client may have polled again after the probe's first noop (it
        // only pauses polling once it has read `3probe` on the WebSocket), and it sends `5` only
        // when that poll has ended (engine.io-client polling.js pause waits for pollComplete).
        const upgrading = this.upgrading(s);
        const timer = setTimeout(() => done([upgrading || s.eio === 3 ? PACKET.noop : PACKET.ping]), upgrading ? FAST_UPGRADE_INTERVAL_MS : this.pingIntervalMs);
        const done = (p: string[]) => {
          clearTimeout(timer);
          if (this.waiter === done) this.waiter = null;
          resolve(p);
        };
        this.waiter = done;
      });
    }
    return text(encodePayload(s.eio, packets));
  }

  private upgrading(s: SessionState): boolean {
    return s.upgradingSince != null && Date.now() - s.upgradingSince < UPGRADE_TIMEOUT_MS;
  }

  private async receive(s: SessionState, body: string): Promise<Response> {
    const packets = decodePayload(s.eio, body);
    if (!packets) return json(400, "bad_request", `Body is not an Engine.IO ${s.eio} payload`, "body");
    for (const p of packets) await this.onEnginePacket(p, null);
    return text("ok", "text/html");
  }

  /** Packets waiting for a long-poll, removed from storage. */
  private drain(): string[] {
    const rows = this.sql.exec<{ id: number; packet: string }>("SELECT id, packet FROM outbox ORDER BY id").toArray();
    if (rows.length) this.sql.exec("DELETE FROM outbox WHERE id <= ?", rows[rows.length - 1]!.id);
    return rows.map((r) => r.packet);
  }

  private wake(extra: string[] = []): void {
    if (!this.waiter) return;
    const packets = [...this.drain(), ...extra];
    if (packets.length) this.waiter(packets);
  }

  /** Sends a packet on the session's transport: the WebSocket once upgraded, else the next long-poll. */
  private send(packet: string): void {
    if (this.state?.transport === "websocket") {
      for (const ws of this.ctx.getWebSockets(ENGINE_TAG)) {
        try {
          ws.send(packet);
        } catch {
          // closing
        }
      }
      return;
    }
    this.sql.exec("INSERT INTO outbox (packet) VALUES (?)", packet);
    this.wake();
  }

  // -------------------------------------------------------------------------------------------
  // Engine.IO packets

  private async onEnginePacket(p: EnginePacket, ws: WebSocket | null): Promise<void> {
    const s = this.state;
    if (!s) return;
    switch (p.type) {
      case "ping":
        if (p.data === "probe" && ws) {
          ws.send(PACKET.pong + "probe");
          // The pending long-poll ends with a noop now, and every later one within
          // FAST_UPGRADE_INTERVAL_MS until `5` (see poll), so the client can pause polling.
          s.upgradingSince = Date.now();
          this.save();
          this.waiter?.([...this.drain(), PACKET.noop]);
        } else this.send(PACKET.pong + (typeof p.data === "string" ? p.data : ""));
        return;
      case "pong":
        s.pingSentAt = null;
        s.lastSeen = Date.now();
        this.save();
        return;
      case "upgrade":
        if (!ws) return;
        s.transport = "websocket";
        s.upgradingSince = null;
        s.lastSeen = Date.now();
        this.save();
        for (const packet of this.drain()) ws.send(packet);
        this.wake([PACKET.noop]);
        this.scheduleHeartbeat();
        return;
      case "close":
        await this.close();
        return;
      case "message":
        if (typeof p.data === "string") await this.onSocketPacket(s, p.data);
        return;
      default:
        return;
    }
  }

  // -------------------------------------------------------------------------------------------
  // socket.io packets

  private connectNamespace(nsp: string): string {
    const s = this.state!;
    const id = (s.namespaces[nsp] ??= randomId());
    return connectPacket(s.eio, nsp, id);
  }

  private async onSocketPacket(s: SessionState, data: string): Promise<void> {
    const packet = decodeSocketPacket(data);
    if (!packet) return;
    if (packet.type === PacketType.CONNECT) {
      if (!NAMESPACES.includes(packet.nsp)) return this.send(connectErrorPacket(s.eio, packet.nsp, "Invalid namespace"));
      this.send(this.connectNamespace(packet.nsp));
      this.save();
      return;
    }
    if (packet.type === PacketType.DISCONNECT) {
      delete s.namespaces[packet.nsp];
      if (packet.nsp === ALARM_NSP) s.alarms = false;
      if (packet.nsp === STORAGE_NSP) s.storage = [];
      if (packet.nsp === "/") s.read = false;
      this.save();
      return;
    }
    if (packet.type !== PacketType.EVENT || !(packet.nsp in s.namespaces) || !Array.isArray(packet.data)) return;
    const [event, ...args] = packet.data as [string, ...unknown[]];
    const ack: Ack = packet.id === undefined ? null : (...reply: unknown[]) => this.send(ackPacket(packet.nsp, packet.id!, ...reply));
    try {
      if (packet.nsp === ALARM_NSP) await this.onAlarmEvent(s, event, args, ack);
      else if (packet.nsp === STORAGE_NSP) await this.onStorageEvent(s, event, args, ack);
      else await this.onMainEvent(s, event, args, ack);
    } catch (err) {
      this.log("error", "socketio.event_failed", err, { event });
      ack?.({ result: "Internal error: it has been logged" });
    }
  }

  /** Events of the main namespace (lib/server/websocket.js listeners). */
  private async onMainEvent(s: SessionState, event: string, args: unknown[], ack: Ack): Promise<void> {
    const data = (args[0] ?? {}) as Record<string, unknown>;
    switch (event) {
      case "authorize":
        return this.authorize(s, data, ack);
      case "dbAdd":
      case "dbUpdate":
      case "dbUpdateUnset":
      case "dbRemove":
        return ack?.(await this.write(s, event, data));
      case "loadRetro": {
        ack?.({ result: "success" });
        if (s.read && s.credential) this.send(eventPacket("/", "retroUpdate", { devicestatus: await this.recentDeviceStatus(s.credential) }));
        return;
      }
      case "ack":
        return this.acknowledge(s, args);
      default:
        return;
    }
  }

  /** Events of `/alarm` (lib/api3/alarmSocket.js). */
  private async onAlarmEvent(s: SessionState, event: string, args: unknown[], ack: Ack): Promise<void> {
    if (event === "ack") return this.acknowledge(s, args);
    if (event !== "subscribe") return;
    const m = (args[0] ?? {}) as Record<string, unknown>;
    const credential = credentialOf(m.secret, m.accessToken ?? m.jwtToken);
    const user = credential ? await this.bind(s, credential) : null;
    if (!user) return ack?.({ success: false, message: BAD_TOKEN });
    s.alarms = true;
    this.save();
    await this.subscribe(s);
    ack?.({ success: true, message: "Subscribed for alarms", read: true, ack: true });
  }

  /** Events of `/storage` (lib/api3/storageSocket.js subscribe and subscribeAuthorized). */
  private async onStorageEvent(s: SessionState, event: string, args: unknown[], ack: Ack): Promise<void> {
    if (event !== "subscribe") return;
    const m = (args[0] ?? {}) as Record<string, unknown>;
    const credential = credentialOf(undefined, m.accessToken);
    const user = credential ? await this.bind(s, credential) : null;
    if (!user || !credential) return ack?.({ success: false, message: BAD_TOKEN });
    const collections = subscribedCollections(m.collections);
    if (!collections.length) return ack?.({ success: false, message: UNAUTHORIZED_TO_ANY });
    s.storage = collections;
    s.storageToken = credential;
    this.save();
    await this.subscribe(s);
    ack?.({ success: true, collections });
  }

  /**
   * `authorize` (websocket.js verifyAuthorization and the `authorize` listener): `connected`,
   * then the full data of the history window, then the ack with the permissions. A credential of
   * no user (or of another user than the session's) is answered without permissions, and the
   * socket gets no data.
   */
  private async authorize(s: SessionState, m: Record<string, unknown>, ack: Ack): Promise<void> {
    const credential = credentialOf(m.secret, m.token);
    const owner = credential ? await this.bind(s, credential) : null;
    if (!owner || !credential) return ack?.({ read: false, write: false, write_treatment: false, ...(credential && { error: true }) });
    this.send(eventPacket("/", "connected"));
    s.read = true;
    s.write = owner.role === "admin";
    this.save();
    await this.subscribe(s);
    const hours = typeof m.history === "number" && m.history > 0 ? Math.min(m.history, MAX_HISTORY_H) : DEFAULT_HISTORY_H;
    let since = Date.now() - hours * 3600_000;
    // NSClient sends the newest time it already holds; nothing older is sent again.
    if (typeof m.from === "number" && m.from > since) since = m.from + 1;
    const full = await this.fullData(credential, since, m.status === true);
    this.send(eventPacket("/", "dataUpdate", full));
    ack?.({ read: true, write: s.write, write_treatment: s.write });
  }

  /** The user of a credential (and its role), if the session has no other user yet. */
  private async bind(s: SessionState, credential: SocketCredential): Promise<{ user: AuthUser; role: UploaderRole } | null> {
    const owner = await ownerOfCredential(this.bindings, credential);
    if (!owner || (s.user && s.user.id !== owner.user.id)) return null;
    s.user = owner.user;
    s.credential = credential;
    this.save();
    return owner;
  }

  private async subscribe(s: SessionState): Promise<void> {
    if (!s.user) return;
    await this.monitor(s.user).subscribeSocketIo({ userId: s.user.id, publicId: s.user.publicId }, s.sid);
  }

  private monitor(user: AuthUser) {
    return this.env.GLUCOSE_MONITOR.get(this.env.GLUCOSE_MONITOR.idFromName(user.publicId));
  }

  /** ddata.dataWithRecentStatuses over the window, read through the REST API. */
  private async fullData(credential: SocketCredential, since: number, withStatus: boolean): Promise<Record<string, unknown>> {
    const [entries, treatments, devicestatus, profiles, status] = await Promise.all([
      this.get(credential, `/api/v1/entries.json?find[date][$gte]=${since}&count=10000`),
      this.get(credential, `/api/v1/treatments.json?find[created_at][$gte]=${since}&count=10000`),
      this.recentDeviceStatus(credential),
      this.get(credential, "/api/v1/profile.json"),
      withStatus ? this.rest(credential, "GET", "/api/v1/status.json") : null,
    ]);
    const { sgvs, mbgs } = runtimeEntries(entries);
    return {
      ...(status?.status === 200 && { status: status.body }),
      devicestatus,
      sgvs: byMills(sgvs),
      cals: [],
      profiles,
      mbgs: byMills(mbgs),
      food: [],
      treatments: byMills(treatments.map(withMills)),
      lastUpdated: Date.now(),
    };
  }

  private recentDeviceStatus(credential: SocketCredential) {
    return this.get(credential, "/api/v1/devicestatus.json?count=10").then((docs) => byMills(docs.map(withMills)));
  }

  /** A GET of the REST API answering an array (anything else, e.g. a route not there yet: []). */
  private async get(credential: SocketCredential, path: string): Promise<NightscoutDoc[]> {
    const res = await this.rest(credential, "GET", path);
    return res.status === 200 && Array.isArray(res.body) ? (res.body as NightscoutDoc[]) : [];
  }

  private rest(credential: SocketCredential, method: string, path: string, body?: unknown) {
    return rest(this.bindings, this.ctx, credential, method, path, body);
  }

  /**
   * dbAdd / dbUpdate / dbUpdateUnset / dbRemove with websocket.js checkConditions' answers, then
   * the REST request. dbAdd answers the stored documents (NSAddAck reads `[0]._id`); the others
   * `{result: "success"}` (NSUpdateAck). A refused document is answered with the REST error
   * envelope next to `result`, so nothing fails silently.
   */
  private async write(s: SessionState, action: "dbAdd" | "dbUpdate" | "dbUpdateUnset" | "dbRemove", data: Record<string, unknown>): Promise<unknown> {
    const collection = data.collection as string;
    if (!Object.hasOwn(WRITABLE_COLLECTIONS, collection)) return { result: "Wrong collection" };
    if (!s.read || !s.credential) return { result: "Not authorized" };
    // Sessions authorized before roles existed have no `write`: they were all admin.
    if (s.write === false) return { result: "Not permitted" };
    const path = collectionPath(collection as WritableCollection);
    const id = typeof data["_id"] === "string" ? data["_id"] : null;
    if (action !== "dbAdd" && !id) return { result: "Missing _id" };
    if (action === "dbAdd") {
      const credential = s.credential;
      const docs = (Array.isArray(data.data) ? data.data : [data.data]).map((d) => defaults(collection, d));
      const store: DbAddStore = {
        get: (p) => this.get(credential, p),
        replace: async (col, doc) => {
          const res = await this.rest(credential, "PUT", collectionPath(col as WritableCollection), doc);
          const body = Array.isArray(res.body) ? res.body[0] : res.body;
          return res.status < 300 && body && typeof body === "object" ? (body as NightscoutDoc) : null;
        },
      };
      // Each document as websocket.js processSingleDbAdd answers it: the stored one it matches, or new.
      const answers: (NightscoutDoc | null)[] = [];
      for (const doc of docs) answers.push(isDocument(doc) ? await storedForDbAdd(store, collection, doc) : null);
      const fresh = docs.filter((_, i) => !answers[i]);
      if (!fresh.length) return answers;
      const res = await this.rest(credential, "POST", path, fresh);
      if (res.status !== 200 || !Array.isArray(res.body)) return refused(res.body);
      const created = [...(res.body as NightscoutDoc[])];
      return answers.map((a) => a ?? created.shift() ?? null);
    }
    if (action === "dbRemove") {
      const res = await this.rest(s.credential, "DELETE", `${path}/${encodeURIComponent(id!)}`);
      return res.status < 300 ? { result: "success" } : refused(res.body);
    }
    // dbUpdate ($set) and dbUpdateUnset ($unset) of one document: read it, change it, put it back.
    const found = (await this.get(s.credential, `${path}.json?find[_id]=${encodeURIComponent(id!)}&count=1`)).find((d) => d["_id"] === id);
    if (!found) return { result: "Not found" };
    const changes = (typeof data.data === "object" && data.data !== null ? data.data : {}) as Record<string, unknown>;
    const doc: NightscoutDoc = { ...found };
    for (const [k, v] of Object.entries(changes)) {
      if (action === "dbUpdate") doc[k] = v;
      else delete doc[k];
    }
    const res = await this.rest(s.credential, "PUT", path, doc);
    return res.status < 300 ? { result: "success" } : refused(res.body);
  }

  /** `ack(level, group, silenceTime)`: acknowledges the user's active alerts of that level and below. */
  private async acknowledge(s: SessionState, args: unknown[]): Promise<void> {
    if (!s.user || (!s.read && !s.alarms)) return;
    await acknowledgeUpTo(this.env, s.user, Number(args[0]));
  }

  // -------------------------------------------------------------------------------------------
  // From the user's monitor

  /** Changes from the user's GlucoseMonitor; false when this session has ended (the monitor forgets it). */
  async deliver(changes: MonitorChange[]): Promise<boolean> {
    const s = this.state;
    if (!s || !s.user) return false;
    for (const c of changes) {
      if (c.kind === "notify") {
        this.notify(s, c.event, c.notify);
        continue;
      }
      if (!s.read || !("/" in s.namespaces)) continue;
      if (c.kind === "readings") {
        const { sgvs, mbgs } = await entryDocs(this.bindings, s.user.id, c.readings);
        this.send(eventPacket("/", "dataUpdate", { delta: true, lastUpdated: Date.now(), ...(sgvs.length && { sgvs: byMills(sgvs) }), ...(mbgs.length && { mbgs: byMills(mbgs) }) }));
      } else if (c.kind === "delta") {
        const delta = { ...c.delta, ...(c.delta.treatments && { treatments: byMills(c.delta.treatments.map(withMills)) }), ...(c.delta.devicestatus && { devicestatus: byMills(c.delta.devicestatus.map(withMills)) }) };
        this.send(eventPacket("/", "dataUpdate", { ...delta, lastUpdated: Date.now(), delta: true }));
        for (const t of c.delta.treatments ?? []) {
          const a = announcementOf(t);
          if (a) this.notify(s, "announcement", a);
        }
      }
    }
    if (s.storage?.length && s.storageToken && STORAGE_NSP in s.namespaces) {
      for (const e of await this.storageEvents(s.storageToken, changes, s.storage)) this.send(eventPacket(STORAGE_NSP, e.event, e.data));
    }
    return true;
  }

  /** The storage socket's events for these changes, each document as API v3 reads it. */
  private async storageEvents(token: SocketCredential, changes: readonly MonitorChange[], subscribed: readonly StorageCollection[]): Promise<StorageEvent[]> {
    const lookup = storageLookup(changes, subscribed);
    const events: StorageEvent[] = [];
    if (lookup.entries) {
      const { times, from, to } = lookup.entries;
      for (let skip = 0; ; skip += MAX_LIMIT) {
        const res = await this.rest(token, "GET", `/api/v3/entries?date$gte=${from}&date$lte=${to}&sort=date&limit=${MAX_LIMIT}&skip=${skip}`);
        const page = res.status === 200 ? ((res.body as { result?: NightscoutDoc[] }).result ?? []) : [];
        for (const doc of page) if (times.has(doc.date as number)) events.push(storedEvent("entries", doc));
        if (page.length < MAX_LIMIT) break;
      }
    }
    for (const { colName, id } of lookup.documents) {
      const res = await this.rest(token, "GET", `/api/v3/${colName}/${encodeURIComponent(id)}`);
      const doc = res.status === 200 ? (res.body as { result?: NightscoutDoc }).result : undefined;
      if (doc) events.push(storedEvent(colName, doc));
    }
    return [...events, ...lookup.deleted];
  }

  /** An alarm on the main namespace (authorized readers, as websocket.js emitted before /alarm) and on `/alarm` (subscribers). */
  private notify(s: SessionState, event: NotifyEvent, notify: NightscoutNotify): void {
    if (s.read && "/" in s.namespaces) this.send(eventPacket("/", event, notify));
    if (s.alarms && ALARM_NSP in s.namespaces) this.send(eventPacket(ALARM_NSP, event, notify));
  }

  // -------------------------------------------------------------------------------------------
  // WebSocket (Hibernation API)

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    try {
      if (typeof message !== "string" || message.length > MAX_FRAME_CHARS) return;
      const s = this.state;
      if (!s) return void ws.close(1011, "session ended");
      if (s.transport === "websocket" && s.lastSeen < Date.now() - this.pingIntervalMs / 2) {
        s.lastSeen = Date.now();
        this.save();
      }
      const packet = decodeFrame(message);
      if (packet.type === "error") return;
      await this.onEnginePacket(packet, ws);
    } catch (err) {
      this.log("error", "socketio.webSocketMessage_failed", err);
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // already closed
    }
    // A probe that never completed leaves the polling session as it was.
    if (this.state?.transport === "websocket") await this.close();
    else if (this.state?.upgradingSince) {
      this.state.upgradingSince = null;
      this.save();
    }
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    this.log("warn", "socketio.webSocketError", error);
    try {
      ws.close(1011, "socket error");
    } catch {
      // already closed
    }
  }

  // -------------------------------------------------------------------------------------------
  // Heartbeat and the end of a session

  private scheduleHeartbeat(): void {
    const s = this.state;
    if (!s) return;
    const wsPing = s.eio === 4 && s.transport === "websocket";
    this.ctx.storage.setAlarm(Date.now() + (wsPing ? this.pingIntervalMs : this.pingIntervalMs + this.pingTimeoutMs)).catch((err: unknown) => this.log("error", "socketio.set_alarm_failed", err));
  }

  override async alarm(): Promise<void> {
    const s = this.state;
    if (!s) return;
    const now = Date.now();
    if (s.transport === "websocket") {
      const ws = this.ctx.getWebSockets(ENGINE_TAG)[0];
      if (!ws) return this.close();
      if (s.eio === 4) {
        // The previous ping went unanswered for pingTimeout: the client is gone.
        if (s.pingSentAt !== null && now - s.pingSentAt >= this.pingTimeoutMs) return this.close();
        ws.send(PACKET.ping);
        if (s.pingSentAt === null) s.pingSentAt = now;
        this.save();
      } else {
        const pinged = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
        if (Math.max(pinged, s.lastSeen) < now - this.pingIntervalMs - this.pingTimeoutMs) return this.close();
      }
    } else if (!this.waiter && s.lastSeen < now - this.pingIntervalMs - this.pingTimeoutMs) {
      return this.close();
    }
    this.scheduleHeartbeat();
  }

  /** Ends the session: unsubscribes from the monitor, closes the socket, forgets everything. */
  async close(): Promise<void> {
    const s = this.state;
    this.state = null;
    if (s?.user) {
      await this.monitor(s.user)
        .unsubscribeSocketIo(s.sid)
        .catch((err: unknown) => this.log("warn", "socketio.unsubscribe_failed", err));
    }
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(PACKET.close);
        ws.close(1000, "session closed");
      } catch {
        // already closed
      }
    }
    this.waiter?.([PACKET.close]);
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  /** The monitor's account was deleted: the session ends with a socket.io disconnect. */
  async end(): Promise<void> {
    if (!this.state) return;
    for (const nsp of Object.keys(this.state.namespaces)) this.send(disconnectPacket(nsp));
    await this.close();
  }

  private log(level: "warn" | "error", event: string, err: unknown, extra: Record<string, unknown> = {}): void {
    createLogger({ class: "SocketIoSession", object: this.ctx.id.toString(), user: this.state?.user?.publicId ?? null }, logLevelOf(this.bindings))[level](event, { ...extra, ...errorFields(err) });
  }
}

/** The credential of an authorize/subscribe message: `secret` a hex digest (api-secret) or the secret itself, `token` the secret or its SHA-1. */
function credentialOf(secret: unknown, token: unknown): SocketCredential | null {
  if (typeof secret === "string" && secret.trim() && secret !== "null") return { via: "api-secret", value: secret.trim() };
  if (typeof token === "string" && token.trim()) return { via: "token", value: token.trim() };
  return null;
}

/** processSingleDbAdd's defaults: `created_at` now, treatments' `eventType` "<none>". */
const isDocument = (d: unknown): d is NightscoutDoc => typeof d === "object" && d !== null && !Array.isArray(d);

function defaults(collection: string, doc: unknown): unknown {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return doc;
  const d = { ...(doc as Record<string, unknown>) };
  if (collection !== "entries" && !("created_at" in d)) d.created_at = new Date().toISOString();
  if (collection === "treatments" && !("eventType" in d)) d.eventType = "<none>";
  return d;
}

function refused(body: unknown): { result: string; error?: unknown } {
  const error = (body as { error?: { message?: string } } | null)?.error;
  return error ? { result: error.message ?? "Refused", error } : { result: "Refused" };
}
