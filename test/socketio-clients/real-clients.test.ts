/**
 * The real socket.io clients against a private copy of the built Worker (Miniflare, no file
 * watcher): socket.io-client 2.5 (Engine.IO 3, what Nightscout's `allowEIO3` keeps working:
 * older AndroidAPS, xDrip+ and follower apps) and socket.io-client 4.8 (Engine.IO 4, as AndroidAPS's
 * Java client 2.x and Nightscout's own web client speak it), each starting on polling and
 * upgrading to a WebSocket by itself. Each runs NSClientService.kt's sequence: on `connect` emit
 * `authorize` (client, history, status, from, secret) with an ack; `dataUpdate`; `dbAdd` of a
 * treatment acked with its `_id`; a reading posted over REST arriving as a delta; a low as
 * `urgent_alarm`. The v4 client also subscribes on `/alarm` (lib/api3/alarmSocket.js) and, as
 * AndroidAPS's NSClientV3Service.kt does, on `/storage` (lib/api3/storageSocket.js).
 * `SOCKETIO_CLIENTS_PORT` picks the port.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as ioV4, type Socket as SocketV4 } from "socket.io-client";
import { startBuiltPlatform, type Platform } from "../support/local-platform.ts";

/** The parts of socket.io-client 2's API used here (the package ships no types). */
interface SocketV2 {
  connected: boolean;
  io: { engine: { transport: { name: string } } };
  on(event: string, listener: (...args: any[]) => void): void;
  emit(event: string, ...args: unknown[]): void;
  close(): void;
}
const ioV2 = createRequire(import.meta.url)("socket.io-client-v2") as (url: string, opts: Record<string, unknown>) => SocketV2;

let platform: Platform;

beforeAll(async () => {
  platform = await startBuiltPlatform(Number(process.env.SOCKETIO_CLIENTS_PORT ?? 9631), "socketio-clients");
});
afterAll(async () => {
  await platform?.stop();
});

async function json(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${platform.url}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { "content-type": "application/json", ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

let n = 0;
/** A new account with an uploader; the SHA-1 of its secret is what NSClient sends. */
async function account(): Promise<{ apiSecret: string; secret: string }> {
  const reg = await json("/api/v1/auth/register", {
    body: { email: `sio-${++n}-${Date.now()}@example.com`, password: "correct horse battery", name: "AAPS", timezone: "UTC", unit: "mg/dL" },
    headers: { "cf-connecting-ip": `10.96.0.${n}` },
  });
  expect(reg.status, JSON.stringify(reg.json)).toBe(201);
  const up = await json("/api/v1/uploaders", { body: { name: "AndroidAPS" }, headers: { authorization: `Bearer ${reg.json.access_token}` } });
  expect(up.status).toBe(201);
  return { secret: up.json.secret, apiSecret: createHash("sha1").update(up.json.secret).digest("hex") };
}

/** Events of one socket, waited for by name. */
function recorder(socket: { on(event: string, l: (...a: any[]) => void): void }, events: string[]) {
  const got: { event: string; args: any[] }[] = [];
  for (const e of events) socket.on(e, (...args: any[]) => got.push({ event: e, args }));
  return async (event: string, where: (arg: any) => boolean = () => true, timeout = 15_000) => {
    const end = Date.now() + timeout;
    for (;;) {
      const hit = got.find((g) => g.event === event && where(g.args[0]));
      if (hit) return hit.args[0];
      if (Date.now() > end) throw new Error(`no ${event}; got ${JSON.stringify(got).slice(0, 1500)}\n${platform.logTail()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
}

const emitAck = (socket: { emit(event: string, ...args: unknown[]): void }, event: string, data: unknown) =>
  new Promise<any>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 15_000);
    socket.emit(event, data, (answer: unknown) => {
      clearTimeout(timer);
      resolve(answer);
    });
  });

async function until(cond: () => boolean, what: string, timeout = 15_000) {
  const end = Date.now() + timeout;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** NSClientService.kt, from onConnect to an urgent alarm. */
async function expectNsclientSequence(socket: SocketV2 | SocketV4, user: { apiSecret: string }) {
  const next = recorder(socket as SocketV2, ["dataUpdate", "connected", "urgent_alarm", "alarm", "clear_alarm"]);
  await until(() => socket.connected, "connect");
  const auth = await emitAck(socket, "authorize", { client: "Android_AAPS", history: 48, status: true, from: 0, secret: user.apiSecret });
  expect(auth).toEqual({ read: true, write: true, write_treatment: true });
  const full = await next("dataUpdate");
  expect(full.status.status).toBe("ok");
  // engine.io-client upgrades by itself: `2probe`, then, once its open long-poll has ended
  // (polling.js pause), `5`. The server ends that poll with a noop right after the probe and
  // within 100 ms while the upgrade is pending (engine.io socket.js maybeUpgrade), so the upgrade
  // is there well before the 25 s ping interval would have ended the poll; the 15 s bound of
  // `until` is below it.
  await until(() => (socket as SocketV2).io.engine.transport.name === "websocket", "the WebSocket upgrade");

  const created = new Date(Date.now() - 60_000).toISOString();
  const added = await emitAck(socket, "dbAdd", { collection: "treatments", data: { eventType: "Carb Correction", carbs: 12, created_at: created, enteredBy: "AndroidAPS" } });
  expect(added).toEqual([expect.objectContaining({ _id: expect.any(String), carbs: 12 })]);
  await next("dataUpdate", (d) => d.delta === true && d.treatments?.some((t: { carbs?: number }) => t.carbs === 12));

  const t = Date.now() - 30_000;
  const posted = await json("/api/v1/entries", { body: [{ type: "sgv", sgv: 97, date: t, direction: "Flat", device: "xDrip" }], headers: { "api-secret": user.apiSecret } });
  expect(posted.status).toBe(200);
  const delta = await next("dataUpdate", (d) => d.delta === true && Array.isArray(d.sgvs));
  expect(delta.sgvs).toEqual([expect.objectContaining({ mgdl: 97, mills: t, type: "sgv" })]);

  await json("/api/v1/entries", { body: [{ type: "sgv", sgv: 48, date: Date.now(), direction: "DoubleDown", device: "xDrip" }], headers: { "api-secret": user.apiSecret } });
  const alarm = await next("urgent_alarm");
  expect(alarm).toMatchObject({ level: 2, title: "Urgent LOW", group: "default" });
  return next;
}

describe("real socket.io clients against the built Worker", () => {
  it("socket.io-client 2 (Engine.IO 3): polling, upgrade, NSClient's sequence", async () => {
    const user = await account();
    const socket = ioV2(platform.url, { forceNew: true, transports: ["polling", "websocket"], reconnection: false });
    try {
      await expectNsclientSequence(socket, user);
    } finally {
      socket.close();
    }
  });

  it("socket.io-client 4 (Engine.IO 4): polling, upgrade, NSClient's sequence, and /alarm", async () => {
    const user = await account();
    const socket = ioV4(platform.url, { forceNew: true, transports: ["polling", "websocket"], reconnection: false });
    const alarms = ioV4(`${platform.url}/alarm`, { forceNew: true, transports: ["websocket"], reconnection: false });
    try {
      const onAlarm = recorder(alarms as unknown as SocketV2, ["urgent_alarm"]);
      await until(() => alarms.connected, "/alarm connect");
      expect(await emitAck(alarms, "subscribe", { accessToken: user.secret })).toMatchObject({ success: true });
      await expectNsclientSequence(socket, user);
      expect(await onAlarm("urgent_alarm")).toMatchObject({ level: 2, eventName: "low" });
    } finally {
      socket.close();
      alarms.close();
    }
  });

  it("socket.io-client 4 on /storage, as NSClientV3Service.kt: subscribe, then a v1 reading as `create`", async () => {
    const user = await account();
    const storage = ioV4(`${platform.url}/storage`, { forceNew: true, transports: ["polling", "websocket"], reconnection: false });
    try {
      const next = recorder(storage as unknown as SocketV2, ["create", "update", "delete"]);
      await until(() => storage.connected, "/storage connect");
      const subscribed = await emitAck(storage, "subscribe", { accessToken: user.secret, collections: ["devicestatus", "entries", "profile", "treatments", "foods", "settings"] });
      expect(subscribed).toEqual({ success: true, collections: ["devicestatus", "entries", "profile", "treatments", "settings"] });
      const t = Date.now() - 60_000;
      expect((await json("/api/v1/entries", { body: [{ type: "sgv", sgv: 104, date: t, direction: "FortyFiveUp", device: "xDrip" }], headers: { "api-secret": user.apiSecret } })).status).toBe(200);
      const created = await next("create", (e) => e.colName === "entries");
      expect(created.doc).toMatchObject({ sgv: 104, date: t, direction: "FortyFiveUp", type: "sgv", srvModified: expect.any(Number), identifier: expect.any(String) });
    } finally {
      storage.close();
    }
  });

  it("a wrong secret: the ack grants nothing and no data comes", async () => {
    await account();
    const socket = ioV4(platform.url, { forceNew: true, transports: ["websocket"], reconnection: false });
    try {
      let updates = 0;
      socket.on("dataUpdate", () => updates++);
      await until(() => socket.connected, "connect");
      expect(await emitAck(socket, "authorize", { client: "Android_AAPS", secret: "f".repeat(40) })).toEqual({ read: false, write: false, write_treatment: false, error: true });
      expect(await emitAck(socket, "dbAdd", { collection: "treatments", data: { eventType: "Note", notes: "x" } })).toEqual({ result: "Not authorized" });
      expect(updates).toBe(0);
    } finally {
      socket.close();
    }
  });
});
