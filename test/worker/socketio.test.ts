/**
 * socket.io for Nightscout clients (`/socket.io/`), through the real Worker, the real
 * SocketIoSession and GlucoseMonitor Durable Objects, real D1 and real WebSockets.
 *
 * Reference behaviour (nightscout/cgm-remote-monitor, lib/server/websocket.js; AndroidAPS
 * plugins/sync/.../nsclient/services/NSClientService.kt and acks/; the engine.io and socket.io
 * protocol READMEs) is cited in each test.
 */
import { env, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, expectFieldError, register, type Account } from "./helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";
import { MIN, monitorOf, postReading, settle } from "./monitor-helpers.ts";
import { sessionOf, SioClient, splitPayload } from "./socketio-helpers.ts";
import type { SocketIoSession } from "../../durable/socketio/session.ts";

const BASE = "https://api.test";

async function account(): Promise<Account & { apiSecret: string; secret: string }> {
  const a = await register();
  const u = await uploader(a.access, "AndroidAPS");
  return { ...a, apiSecret: u.apiSecret, secret: u.secret };
}

/** NSClientService.sendAuthMessage: client, history, status, from, secret (SHA-1 hex). */
const authMessage = (apiSecret: string, extra: Record<string, unknown> = {}) => ({ client: "Android_AAPS", history: 48, status: true, from: 0, secret: apiSecret, ...extra });

describe("Engine.IO 3 over polling (socket.io-client 2, engine.io-client 3 lib/transports/polling.js)", () => {
  it("handshakes, answers the client's pings, authorizes and sends the history", async () => {
    const a = await account();
    const time = Date.now() - 10 * MIN;
    await postReading(a, 123, time);
    const c = await SioClient.polling(3);
    // engine.io-protocol v3 "Payload": `<length>:<packet>`; the open packet, then socket.io 2's
    // automatic CONNECT of the main namespace (socket.io-protocol v4).
    expect(c.handshake).toMatchObject({ upgrades: ["websocket"], pingInterval: 25000, pingTimeout: 20000 });
    expect(c.sid).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(c.engine[1]).toBe("40");
    await c.quickHeartbeat();
    // Protocol 3: the client pings (engine.io-client 3 socket.js `ping`), the server answers `3`.
    await c.send("2");
    await c.until(() => c.engine.includes("3"));

    const [ack] = await c.emit("/", "authorize", authMessage(a.apiSecret));
    expect(ack).toEqual({ read: true, write: true, write_treatment: true });
    await c.next("connected");
    const [full] = await c.next("dataUpdate");
    expect(full.delta).toBeUndefined();
    expect(full.sgvs).toEqual([expect.objectContaining({ mgdl: 123, mills: time, type: "sgv", device: "cgm" })]);
    expect(full.status).toMatchObject({ status: "ok", settings: expect.objectContaining({ units: "mg/dl" }) });
    // No profile was posted: the one made from the account's settings (worker/nightscout/profile-default.ts).
    expect(full).toMatchObject({ treatments: [], devicestatus: [], cals: [], mbgs: [], profiles: [{ defaultProfile: "Default" }] });
  });

  it("upgrades to a WebSocket (2probe, 3probe, 5) and carries on there", async () => {
    const a = await account();
    const c = await SioClient.polling(3);
    await c.emit("/", "authorize", authMessage(a.apiSecret));
    await c.next("dataUpdate");
    await c.upgrade();
    await c.until(() => runInDurableObject(sessionOf(c.sid), (s: SocketIoSession) => (s as unknown as { state: { transport: string } }).state.transport === "websocket") as unknown as boolean);
    await settle(50);
    // After the upgrade, polling is refused (the session lives on its WebSocket).
    const poll = await SELF.fetch(`${BASE}/socket.io/?EIO=3&transport=polling&sid=${c.sid}`);
    expectFieldError({ status: poll.status, json: await poll.json() }, 400, "transport");
    await postReading(a, 140);
    const [delta] = await c.next("dataUpdate", "/", ([d]) => d.delta === true);
    expect(delta.sgvs).toEqual([expect.objectContaining({ mgdl: 140, type: "sgv" })]);
    // Engine.IO 3 pings over the WebSocket are answered by the runtime's auto-response.
    c.ws!.send("2");
    await c.until(() => c.engine.includes("3"));
    c.close();
  });
});

describe("Engine.IO 4 over a WebSocket (socket.io-client 4, engine.io-client 6 lib/transports/websocket.ts)", () => {
  it("connects the namespace with {sid}, authorizes by token, and keeps the server's heartbeat", async () => {
    const a = await account();
    const c = await SioClient.websocket(4);
    expect(c.handshake).toMatchObject({ upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1000000 });
    // socket.io-protocol v5: the client sends CONNECT, the server answers with the socket's sid.
    await c.connect("/");
    await c.until(() => c.connects.length > 0);
    expect(c.connects[0]).toMatchObject({ type: 0, nsp: "/", data: { sid: expect.any(String) } });
    // Followers send the uploader secret itself as `token` (Nightscout's token auth).
    const [ack] = await c.emit("/", "authorize", { client: "web", token: a.secret, history: 1 });
    expect(ack).toEqual({ read: true, write: true, write_treatment: true });
    await c.next("dataUpdate");
    // Protocol 4 heartbeat: the server pings (by its alarm), the client answers `3`.
    const session = sessionOf(c.sid);
    expect(await runDurableObjectAlarm(session)).toBe(true);
    await c.until(() => c.engine.includes("2"));
    await settle(50);
    expect(await runDurableObjectAlarm(session)).toBe(true);
    expect(c.closed).toBe(false);
    c.close();
  });

  it("upgrades a polling session whose probe arrives between two polls (engine.io socket.ts maybeUpgrade: the next GET gets the noop)", async () => {
    const a = await account();
    const c = await SioClient.polling(4);
    await c.connect("/");
    await c.until(() => c.connects.length > 0);
    await c.upgrade({ pollDuringProbe: false });
    const [ack] = await c.emit("/", "authorize", authMessage(a.apiSecret));
    expect(ack).toEqual({ read: true, write: true, write_treatment: true });
    await c.next("dataUpdate");
    c.close();
  });

  it("ends a long-poll opened after the probe with a noop too, well before pingInterval (engine.io socket.js maybeUpgrade's 100 ms check), so an Engine.IO 3 client upgrades at once", async () => {
    const a = await account();
    const c = await SioClient.polling(3);
    // A ping interval of 10 minutes: only the upgrade's noop can end the second poll within the test.
    await runInDurableObject(sessionOf(c.sid), (s: SocketIoSession) => {
      s.pingIntervalMs = 600_000;
    });
    await c.upgrade({ pollDuringProbe: true, pollAgain: true });
    const [ack] = await c.emit("/", "authorize", authMessage(a.apiSecret));
    expect(ack).toEqual({ read: true, write: true, write_treatment: true });
    await c.next("dataUpdate");
    c.close();
  });

  it("over polling, an empty long-poll ends with the server's ping after pingInterval (engine.io-protocol README, Heartbeat)", async () => {
    const c = await SioClient.polling(4);
    await c.quickHeartbeat(100);
    expect(await c.poll()).toEqual(["2"]);
    // The pong came back by POST; the session is alive and still answers.
    await c.connect("/");
    await c.until(() => c.connects.length > 0);
    expect(c.connects[0]).toMatchObject({ nsp: "/", data: { sid: expect.any(String) } });
  });

  it("closes a session whose client stops answering pings", async () => {
    const c = await SioClient.websocket(4);
    const session = sessionOf(c.sid);
    await runInDurableObject(session, (s: SocketIoSession) => {
      s.pingTimeoutMs = 0;
    });
    // A client that never answers: the helper answers pings only under protocol 4.
    Object.defineProperty(c, "eio", { value: 3 });
    await runDurableObjectAlarm(session); // ping sent
    await runDurableObjectAlarm(session); // unanswered: closed
    await c.until(() => c.closed);
    expect(c.engine).toContain("1");
  });
});

describe("AndroidAPS NSClient v1 (NSClientService.kt)", () => {
  it("authorize, full dataUpdate, dbAdd of a treatment with its ack, a REST reading as a delta, a low as urgent_alarm", async () => {
    const a = await account();
    const c = await SioClient.websocket(4);
    await c.connect("/");
    // onConnect → sendAuthMessage; NSAuthAck reads read/write/write_treatment.
    const [auth] = await c.emit("/", "authorize", authMessage(a.apiSecret));
    expect(auth).toEqual({ read: true, write: true, write_treatment: true });
    // onDataUpdate: a packet without `delta` must carry `status` (else "Unsupported Nightscout version").
    const [full] = await c.next("dataUpdate");
    expect(full.status.settings.thresholds).toMatchObject({ bgLow: 55, bgTargetBottom: 70 });

    // A second socket of the same user (a follower) sees what the first one adds.
    const other = await SioClient.polling(3);
    await other.quickHeartbeat();
    await other.emit("/", "authorize", authMessage(a.apiSecret, { status: false }));
    await other.next("dataUpdate");

    // dbAdd (NSClientService.dbAdd → NSAddAck reads `[0]._id`).
    const created = new Date(Date.now() - 2 * MIN).toISOString();
    const [added] = await c.emit("/", "dbAdd", { collection: "treatments", data: { eventType: "Meal Bolus", carbs: 30, insulin: 2.5, created_at: created, enteredBy: "AndroidAPS", NSCLIENT_ID: 1234 } });
    expect(added).toEqual([expect.objectContaining({ _id: expect.any(String), eventType: "Meal Bolus", carbs: 30, insulin: 2.5 })]);
    const id = (added as { _id: string }[])[0]!["_id"];
    // Stored as through the REST API: listed there, and mapped to a meal.
    const listed = await ns(a.apiSecret, "/api/v1/treatments.json?count=10");
    expect(listed.json.map((t: { _id: string }) => t["_id"])).toContain(id);
    const meals = await api("/api/v1/meals", { token: a.access });
    expect(meals.json.items).toEqual([expect.objectContaining({ carbs: 30 })]);
    // Sent again (NSClient retries until acked): the same document, nothing stored twice.
    const [again] = await c.emit("/", "dbAdd", { collection: "treatments", data: { eventType: "Meal Bolus", carbs: 30, insulin: 2.5, created_at: created, enteredBy: "AndroidAPS" } });
    expect((again as { _id: string }[])[0]!["_id"]).toBe(id);
    expect((await ns(a.apiSecret, "/api/v1/treatments.json?count=10")).json).toHaveLength(1);
    // The treatment reaches both sockets as a delta (websocket.js emitData → calcdelta).
    for (const client of [c, other]) {
      const [d] = await client.next("dataUpdate", "/", ([x]) => x.delta === true && Array.isArray(x.treatments));
      expect(d.treatments).toEqual([expect.objectContaining({ _id: id, mills: Date.parse(created) })]);
      expect(d.lastUpdated).toEqual(expect.any(Number));
    }

    // A reading posted over REST (xDrip+ → /api/v1/entries) arrives as an sgvs delta.
    const t = Date.now() - MIN;
    expect((await ns(a.apiSecret, "/api/v1/entries", { body: [{ type: "sgv", sgv: 101, date: t, direction: "Flat", device: "xDrip-DexcomG6" }] })).status).toBe(200);
    const [delta] = await c.next("dataUpdate", "/", ([x]) => x.delta === true && Array.isArray(x.sgvs));
    expect(delta.sgvs).toEqual([{ _id: expect.any(String), mgdl: 101, mills: t, device: "xDrip-DexcomG6", direction: "Flat", type: "sgv" }]);
    const rest = await ns(a.apiSecret, "/api/v1/entries.json?count=1");
    expect(delta.sgvs[0]["_id"]).toBe(rest.json[0]["_id"]);

    // A low (below urgent low 55 mg/dL) raises urgent_alarm (simplealarms: level 2, "Urgent LOW").
    await ns(a.apiSecret, "/api/v1/entries", { body: [{ type: "sgv", sgv: 50, date: Date.now(), direction: "SingleDown", device: "xDrip-DexcomG6" }] });
    const [alarm] = await c.next("urgent_alarm");
    expect(alarm).toMatchObject({ level: 2, title: "Urgent LOW", eventName: "low", group: "default", plugin: { name: "glucolens" } });
    expect(alarm.message).toContain("50");
    await other.next("urgent_alarm");
    // Back in range: the alert resolves and clear_alarm follows (notifications.js autoAckAlarms).
    await ns(a.apiSecret, "/api/v1/entries", { body: [{ type: "sgv", sgv: 110, date: Date.now() + 1000, direction: "Flat", device: "xDrip-DexcomG6" }] });
    const [clear] = await c.next("clear_alarm");
    expect(clear).toMatchObject({ clear: true, title: "All Clear", group: "default" });
    c.close();
  });

  it("answers dbAdd/dbUpdate/dbRemove as checkConditions does, and a refused document with the field", async () => {
    const a = await account();
    const c = await SioClient.websocket(4);
    await c.connect("/");
    // Before authorize (websocket.js checkConditions: "Not authorized"; NSAddAck then restarts).
    expect(await c.emit("/", "dbAdd", { collection: "treatments", data: { eventType: "Note", notes: "x" } })).toEqual([{ result: "Not authorized" }]);
    await c.emit("/", "authorize", authMessage(a.apiSecret));
    expect(await c.emit("/", "dbAdd", { collection: "activity", data: {} })).toEqual([{ result: "Wrong collection" }]);
    expect(await c.emit("/", "dbUpdate", { collection: "treatments", data: { carbs: 1 } })).toEqual([{ result: "Missing _id" }]);
    expect(await c.emit("/", "dbRemove", { collection: "treatments" })).toEqual([{ result: "Missing _id" }]);
    const [bad] = (await c.emit("/", "dbAdd", { collection: "treatments", data: { eventType: "Carb Correction", carbs: "lots", created_at: new Date().toISOString() } })) as [{ result: string; error: { fields: { path: string }[] } }];
    expect(bad.result).toEqual(expect.any(String));
    expect(bad.error.fields.map((f) => f.path)).toContain("0.carbs");
    expect((await ns(a.apiSecret, "/api/v1/treatments.json")).json).toEqual([]);
    // processSingleDbAdd's defaults: no created_at → now, no eventType → "<none>".
    const [plain] = (await c.emit("/", "dbAdd", { collection: "devicestatus", data: { device: "openaps://AAPS", pump: { reservoir: 100 } } })) as [{ _id: string; created_at: string }[]];
    expect(plain[0]).toMatchObject({ device: "openaps://AAPS", created_at: expect.any(String) });
    // dbUpdate of a document that is not there (websocket.js updates nothing; here it is said).
    expect(await c.emit("/", "dbUpdate", { collection: "treatments", _id: "0123456789abcdef01234567", data: { carbs: 1 } })).toEqual([{ result: "Not found" }]);
    // loadRetro: acked, then retroUpdate with the recent device status.
    expect(await c.emit("/", "loadRetro", {})).toEqual([{ result: "success" }]);
    const [retro] = await c.next("retroUpdate");
    expect(retro.devicestatus).toEqual([expect.objectContaining({ device: "openaps://AAPS", mills: expect.any(Number) })]);
    c.close();
  });

  // tests/websocket.shape-handling.test.js 'generic collection raw write watchpoints': food is a
  // writable collection (websocket.js supportedCollections). Its ids are 24 hex digits here (the
  // REST food routes refuse others), where Nightscout's raw socket write also keeps a custom string.
  it("dbAdd, dbUpdate and dbRemove of a food", async () => {
    const a = await account();
    const c = await SioClient.websocket(4);
    await c.connect("/");
    await c.emit("/", "authorize", authMessage(a.apiSecret));
    const [added] = (await c.emit("/", "dbAdd", { collection: "food", data: { name: "ws food", carbs: 15 } })) as [{ _id: string; name: string }[]];
    expect(added).toEqual([expect.objectContaining({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), name: "ws food", carbs: 15 })]);
    const id = added[0]!["_id"];
    expect(await c.emit("/", "dbUpdate", { collection: "food", _id: id, data: { carbs: 18, protein: 4 } })).toEqual([{ result: "success" }]);
    expect((await ns(a.apiSecret, "/api/v1/food.json")).json).toEqual([expect.objectContaining({ _id: id, name: "ws food", carbs: 18, protein: 4 })]);
    expect(await c.emit("/", "dbRemove", { collection: "food", _id: id })).toEqual([{ result: "success" }]);
    expect((await ns(a.apiSecret, "/api/v1/food.json")).json).toEqual([]);
    c.close();
  });
});

// lib/server/websocket.js processSingleDbAdd, as tests/websocket.shape-handling.test.js checks it.
describe("dbAdd de-duplication (websocket.js processSingleDbAdd)", () => {
  async function authorized() {
    const a = await account();
    const c = await SioClient.websocket(4);
    await c.connect("/");
    await c.emit("/", "authorize", authMessage(a.apiSecret));
    const add = async (collection: string, data: unknown) => ((await c.emit("/", "dbAdd", { collection, data })) as [Record<string, any>[]])[0];
    return { a, c, add };
  }

  it("'dbAdd dedupe updates … records': a Note within 2 s of a stored one moves it instead of adding one; the same NSCLIENT_ID answers the stored one", async () => {
    const { a, c, add } = await authorized();
    const original = new Date(Date.now() - 10 * MIN).toISOString();
    const [stored] = await add("treatments", { eventType: "Note", created_at: original, notes: "existing note" });
    const moved = new Date(Date.parse(original) + 1000).toISOString();
    const [answer] = await add("treatments", { eventType: "Note", created_at: moved, notes: "incoming note" });
    expect(answer!["_id"]).toBe(stored!["_id"]);
    const notes = (await ns(a.apiSecret, "/api/v1/treatments.json?find[eventType]=Note")).json;
    expect(notes).toEqual([expect.objectContaining({ _id: stored!["_id"], notes: "existing note" })]);
    expect(Date.parse(notes[0].created_at)).toBe(Date.parse(moved));
    // A bolus 1.5 U within 2 s: the same insulin is the same treatment; another amount is new.
    const at = Date.now() - 5 * MIN;
    const [bolus] = await add("treatments", { eventType: "Correction Bolus", insulin: 1.5, created_at: new Date(at).toISOString(), NSCLIENT_ID: "aaps-1" });
    expect((await add("treatments", { eventType: "Correction Bolus", insulin: 1.5, created_at: new Date(at + 60_000).toISOString(), NSCLIENT_ID: "aaps-1" }))[0]!["_id"]).toBe(bolus!["_id"]);
    expect((await add("treatments", { eventType: "Correction Bolus", insulin: 1.5, created_at: new Date(at + 1500).toISOString() }))[0]!["_id"]).toBe(bolus!["_id"]);
    // (That moved it to at + 1.5 s: an exact created_at + eventType would be it whatever the insulin.)
    expect((await add("treatments", { eventType: "Correction Bolus", insulin: 2, created_at: new Date(at + 1800).toISOString() }))[0]!["_id"]).not.toBe(bolus!["_id"]);
    expect((await ns(a.apiSecret, "/api/v1/treatments.json?find[eventType]=Correction%20Bolus")).json).toHaveLength(2);
    // A device status at the same created_at is the stored one.
    const statusAt = new Date(Date.now() - 2 * MIN).toISOString();
    const [status] = await add("devicestatus", { device: "openaps://AAPS", created_at: statusAt, pump: { reservoir: 50 } });
    expect((await add("devicestatus", { device: "openaps://AAPS", created_at: statusAt, pump: { reservoir: 49 } }))[0]!["_id"]).toBe(status!["_id"]);
    expect((await ns(a.apiSecret, "/api/v1/devicestatus.json")).json).toHaveLength(1);
    c.close();
  });

  const aapsProfile = (startMs: number, carbratio: number) => {
    const iso = new Date(startMs).toISOString();
    return {
      defaultProfile: "aaps-test",
      date: startMs,
      created_at: iso,
      startDate: iso,
      units: "mg/dl",
      store: { "aaps-test": { dia: 5, carbratio: [{ time: "00:00", value: carbratio }], sens: [{ time: "00:00", value: 50 }], basal: [{ time: "00:00", value: 0.5 }], target_low: [{ time: "00:00", value: 100 }], target_high: [{ time: "00:00", value: 120 }], timezone: "UTC" } },
    };
  };

  it("'repeated AAPS profile dbAdd with same startDate REPLACES instead of duplicating'; 'different startDate inserts a new document and last() returns newest'", async () => {
    const { a, c, add } = await authorized();
    const ts = Date.now() - 5 * MIN;
    const [first] = await add("profile", aapsProfile(ts, 10));
    expect(first!["_id"]).toMatch(/^[0-9a-f]{24}$/);
    const [second] = await add("profile", aapsProfile(ts, 12));
    expect(second!["_id"]).toBe(first!["_id"]);
    const profiles = (await ns(a.apiSecret, "/api/v1/profile.json")).json;
    expect(profiles).toHaveLength(1);
    expect(profiles[0].store["aaps-test"].carbratio[0].value).toBe(12);
    await add("profile", aapsProfile(ts - 60_000, 8));
    await add("profile", aapsProfile(ts + 60_000, 14));
    expect((await ns(a.apiSecret, "/api/v1/profile.json")).json).toHaveLength(3);
    expect((await ns(a.apiSecret, "/api/v1/profile/current")).json.store["aaps-test"].carbratio[0].value).toBe(14);
    c.close();
  });
});

describe("credentials and isolation", () => {
  it("a wrong secret is answered without permissions and the socket gets nothing", async () => {
    const a = await account();
    const c = await SioClient.polling(3);
    await c.quickHeartbeat();
    const [ack] = await c.emit("/", "authorize", authMessage("0".repeat(40)));
    expect(ack).toEqual({ read: false, write: false, write_treatment: false, error: true });
    const [none] = await c.emit("/", "authorize", { client: "web" });
    expect(none).toEqual({ read: false, write: false, write_treatment: false });
    await postReading(a, 50);
    await settle(300);
    await c.poll();
    expect(c.count("dataUpdate")).toBe(0);
    expect(c.count("connected")).toBe(0);
    expect(c.count("urgent_alarm")).toBe(0);
  });

  it("a socket of user A never gets B's data, and cannot switch to B", async () => {
    const a = await account();
    const b = await account();
    await postReading(b, 180, Date.now() - 5 * MIN);
    const ca = await SioClient.websocket(4);
    const cb = await SioClient.websocket(4);
    await ca.connect("/");
    await cb.connect("/");
    await ca.emit("/", "authorize", authMessage(a.apiSecret));
    await cb.emit("/", "authorize", authMessage(b.apiSecret));
    const [fullA] = await ca.next("dataUpdate");
    expect(fullA.sgvs).toEqual([]);
    // A's session offered B's secret: refused, it stays A's.
    expect(await ca.emit("/", "authorize", authMessage(b.apiSecret))).toEqual([{ read: false, write: false, write_treatment: false, error: true }]);
    await postReading(b, 40);
    await ns(b.apiSecret, "/api/v1/treatments", { body: [{ eventType: "Note", notes: "B only", created_at: new Date().toISOString() }] });
    await cb.next("urgent_alarm");
    await cb.next("dataUpdate", "/", ([x]) => Array.isArray(x.treatments));
    await settle(200);
    expect(ca.events.filter((e) => e.event !== "connected" && e.args.length && JSON.stringify(e.args).includes("B only"))).toEqual([]);
    expect(ca.count("urgent_alarm")).toBe(0);
    expect(ca.count("dataUpdate")).toBe(1);
    // A's writes go to A.
    await ca.emit("/", "dbAdd", { collection: "treatments", data: { eventType: "Note", notes: "A only", created_at: new Date().toISOString() } });
    expect((await ns(b.apiSecret, "/api/v1/treatments.json")).json.map((t: { notes: string }) => t.notes)).toEqual(["B only"]);
    ca.close();
    cb.close();
  });
});

describe("the /alarm namespace (lib/api3/alarmSocket.js)", () => {
  it("subscribe with a token, then alarm and clear_alarm there", async () => {
    const a = await account();
    const c = await SioClient.websocket(4);
    await c.connect("/alarm");
    await c.until(() => c.connects.some((p) => p.nsp === "/alarm"));
    expect(await c.emit("/alarm", "subscribe", { accessToken: "nope" })).toEqual([{ success: false, message: "Missing or bad accessToken" }]);
    expect(await c.emit("/alarm", "subscribe", { accessToken: a.secret })).toEqual([{ success: true, message: "Subscribed for alarms", read: true, ack: true }]);
    await postReading(a, 65);
    const [alarm] = await c.next("alarm", "/alarm");
    expect(alarm).toMatchObject({ level: 1, title: "Warning LOW", eventName: "low", group: "default" });
    // ack(level, group, silenceTime) acknowledges it (alarmSocket.js → notifications.ack).
    await c.send(`42/alarm,["ack",1,"default",1800000]`);
    await c.next("clear_alarm", "/alarm");
    // An unknown namespace is refused (socket.io-protocol v5 CONNECT_ERROR).
    await c.connect("/nope");
    await c.until(() => c.connects.some((p) => p.nsp === "/nope"));
    expect(c.connects.find((p) => p.nsp === "/nope")).toMatchObject({ type: 4, data: { message: "Invalid namespace" } });
    c.close();
  });
});

describe("GET /api/v1/notifications/ack (lib/api/notifications-api.js)", () => {
  it("acknowledges the active alarms of the level and below: clear_alarm on the sockets; a bad level is 400 naming it; no credential 401", async () => {
    const a = await account();
    const c = await SioClient.websocket(4);
    await c.connect("/alarm");
    await c.until(() => c.connects.some((p) => p.nsp === "/alarm"));
    await c.emit("/alarm", "subscribe", { accessToken: a.secret });
    await postReading(a, 65);
    await c.next("alarm", "/alarm");
    expectFieldError(await ns(a.apiSecret, "/api/v1/notifications/ack?level=7"), 400, "level");
    expect((await api("/api/v1/notifications/ack?level=1")).status).toBe(401);
    const res = await SELF.fetch(`${BASE}/api/v1/notifications/ack?level=1&group=default&time=1800000`, { headers: { "api-secret": a.apiSecret } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("OK");
    await c.next("clear_alarm", "/alarm");
    c.close();
  });
});

describe("the /storage namespace (lib/api3/storageSocket.js; AndroidAPS NSClientV3Service.kt)", () => {
  /** NSClientV3Service.kt onConnectStorage: the access token and these collections ("foods" is AndroidAPS's spelling). */
  const AAPS_COLLECTIONS = ["devicestatus", "entries", "profile", "treatments", "foods", "settings"];
  const v3 = (a: { secret: string }, path: string, init: { method?: string; body?: unknown } = {}) => api(`${path}${path.includes("?") ? "&" : "?"}token=${a.secret}`, init);

  it("subscribe with the access token, then create / update / delete of each collection, whichever API stored it", async () => {
    const a = await account();
    const c = await SioClient.websocket(4);
    await c.connect("/storage");
    await c.until(() => c.connects.some((p) => p.nsp === "/storage"));
    // storageSocket.js subscribe: a missing or unknown token, then the granted collections in the order asked.
    expect(await c.emit("/storage", "subscribe", { collections: AAPS_COLLECTIONS })).toEqual([{ success: false, message: "Missing or bad accessToken" }]);
    expect(await c.emit("/storage", "subscribe", { accessToken: "nope", collections: AAPS_COLLECTIONS })).toEqual([{ success: false, message: "Missing or bad accessToken" }]);
    expect(await c.emit("/storage", "subscribe", { accessToken: a.secret, collections: ["foods"] })).toEqual([{ success: false, message: "Unauthorized to receive any collection" }]);
    expect(await c.emit("/storage", "subscribe", { accessToken: a.secret, collections: AAPS_COLLECTIONS })).toEqual([{ success: true, collections: ["devicestatus", "entries", "profile", "treatments", "settings"] }]);

    // An xDrip+ reading over API v1 (NightscoutUploader.java): `create` with the v3 document, whose
    // srvModified NSClientV3Service.kt onDataCreateUpdate reads.
    const time = Date.now() - 2 * MIN;
    const posted = await api("/api/v1/entries", { headers: { "api-secret": a.apiSecret }, body: [{ type: "sgv", sgv: 131, date: time, direction: "Flat", device: "xDrip-DexcomG6" }] });
    expect(posted.status).toBe(200);
    const [entry] = await c.next("create", "/storage", ([e]) => e.colName === "entries");
    expect(entry.doc).toMatchObject({ type: "sgv", sgv: 131, date: time, direction: "Flat", device: "xDrip-DexcomG6", srvModified: expect.any(Number), identifier: expect.any(String) });
    const read = await v3(a, `/api/v3/entries/${entry.doc.identifier}`);
    expect(read.json.result).toMatchObject({ sgv: 131, date: time, identifier: entry.doc.identifier });

    // A treatment created, then replaced, through API v3 (insert.js `create`, replace.js `update`).
    const identifier = crypto.randomUUID();
    const created = Date.now() - MIN;
    const treatment = { identifier, date: created, utcOffset: 0, app: "AAPS", device: "AAPS", eventType: "Carb Correction", carbs: 20, created_at: new Date(created).toISOString() };
    expect((await v3(a, "/api/v3/treatments", { body: treatment })).status).toBe(201);
    const [made] = await c.next("create", "/storage", ([e]) => e.colName === "treatments");
    expect(made.doc).toMatchObject({ identifier, carbs: 20, eventType: "Carb Correction", srvModified: expect.any(Number) });
    expect((await v3(a, `/api/v3/treatments/${identifier}`, { method: "PUT", body: { ...treatment, carbs: 25 } })).status).toBe(200);
    const [changed] = await c.next("update", "/storage", ([e]) => e.colName === "treatments");
    expect(changed.doc).toMatchObject({ identifier, carbs: 25 });
    expect(changed.doc.srvModified).toBeGreaterThan(changed.doc.srvCreated);

    // Device status over v3 (AndroidAPS's own upload) and a profile over v1 (Loop's).
    const statusId = crypto.randomUUID();
    expect((await v3(a, "/api/v3/devicestatus", { body: { identifier: statusId, date: Date.now(), utcOffset: 0, app: "AAPS", device: "openaps://samsung", uploaderBattery: 71 } })).status).toBe(201);
    const [status] = await c.next("create", "/storage", ([e]) => e.colName === "devicestatus");
    expect(status.doc).toMatchObject({ identifier: statusId, uploaderBattery: 71 });
    const profile = { defaultProfile: "Default", startDate: new Date().toISOString(), units: "mg/dl", store: { Default: { dia: 5, timezone: "UTC", units: "mg/dl", carbratio: [{ time: "00:00", value: 10 }], sens: [{ time: "00:00", value: 40 }], basal: [{ time: "00:00", value: 0.8 }], target_low: [{ time: "00:00", value: 100 }], target_high: [{ time: "00:00", value: 120 }] } } };
    expect((await api("/api/v1/profile", { headers: { "api-secret": a.apiSecret }, body: profile })).status).toBe(200);
    const [prof] = await c.next("create", "/storage", ([e]) => e.colName === "profile");
    expect(prof.doc).toMatchObject({ defaultProfile: "Default", srvModified: expect.any(Number) });

    // delete/operation.js: `delete` with the identifier only.
    expect((await v3(a, `/api/v3/treatments/${identifier}`, { method: "DELETE" })).status).toBe(200);
    const [gone] = await c.next("delete", "/storage");
    expect(gone).toEqual({ colName: "treatments", identifier });
    c.close();
  });

  // lib/api3/generic/create/insert.js emits `data-received` as well as `storage-socket-create`:
  // a v3 write reaches the main namespace's dataUpdate too (an AndroidAPS NSClientV3 upload seen
  // by a follower on the classic socket).
  it("a device status and a profile written through API v3 reach the main namespace's dataUpdate and the storage socket; a v1 food reaches the storage socket", async () => {
    const a = await account();
    const main = await SioClient.websocket(4);
    await main.connect("/");
    await main.emit("/", "authorize", authMessage(a.apiSecret));
    await main.next("dataUpdate");
    const storage = await SioClient.websocket(4);
    await storage.connect("/storage");
    await storage.until(() => storage.connects.some((p) => p.nsp === "/storage"));
    await storage.emit("/storage", "subscribe", { accessToken: a.secret, collections: ["devicestatus", "profile", "food"] });

    const statusId = crypto.randomUUID();
    expect((await v3(a, "/api/v3/devicestatus", { body: { identifier: statusId, date: Date.now(), utcOffset: 0, app: "AAPS", device: "openaps://samsung", uploaderBattery: 64 } })).status).toBe(201);
    const [update] = await main.next("dataUpdate", "/", ([u]) => Boolean(u.devicestatus?.length));
    expect(update).toMatchObject({ delta: true, devicestatus: [expect.objectContaining({ identifier: statusId, uploaderBattery: 64, device: "openaps://samsung", _id: expect.any(String), mills: expect.any(Number) })] });
    const [created] = await storage.next("create", "/storage", ([e]) => e.colName === "devicestatus");
    expect(created.doc).toMatchObject({ identifier: statusId, uploaderBattery: 64 });

    const profileId = crypto.randomUUID();
    const profile = { identifier: profileId, date: Date.now(), utcOffset: 0, app: "AAPS", defaultProfile: "Default", startDate: new Date().toISOString(), units: "mg/dl", store: { Default: { dia: 5, timezone: "UTC", units: "mg/dl", carbratio: [{ time: "00:00", value: 10 }], sens: [{ time: "00:00", value: 40 }], basal: [{ time: "00:00", value: 0.8 }], target_low: [{ time: "00:00", value: 100 }], target_high: [{ time: "00:00", value: 120 }] } } };
    expect((await v3(a, "/api/v3/profile", { body: profile })).status).toBe(201);
    const [profUpdate] = await main.next("dataUpdate", "/", ([u]) => Boolean(u.profiles?.length));
    expect(profUpdate.profiles).toEqual([expect.objectContaining({ identifier: profileId, defaultProfile: "Default" })]);
    const [profCreated] = await storage.next("create", "/storage", ([e]) => e.colName === "profile");
    expect(profCreated.doc).toMatchObject({ identifier: profileId, defaultProfile: "Default" });

    // A food over v1 (lib/api/food): on the storage socket by its `_id`, v3's identifier for it.
    const food = await api("/api/v1/food", { headers: { "api-secret": a.apiSecret }, body: { type: "food", name: "Apple", carbs: 14, portion: 1, unit: "pcs" } });
    expect(food.status).toBe(200);
    const [foodCreated] = await storage.next("create", "/storage", ([e]) => e.colName === "food");
    expect(foodCreated.doc).toMatchObject({ identifier: food.json[0]["_id"], name: "Apple", carbs: 14 });
    main.close();
    storage.close();
  });

  it("only the subscribed collections, and never another user's documents", async () => {
    const a = await account();
    const b = await account();
    const ca = await SioClient.websocket(4);
    await ca.connect("/storage");
    await ca.until(() => ca.connects.some((p) => p.nsp === "/storage"));
    expect(await ca.emit("/storage", "subscribe", { accessToken: a.secret, collections: ["treatments"] })).toEqual([{ success: true, collections: ["treatments"] }]);
    const cb = await SioClient.websocket(4);
    await cb.connect("/storage");
    await cb.until(() => cb.connects.some((p) => p.nsp === "/storage"));
    expect(await cb.emit("/storage", "subscribe", { accessToken: b.secret })).toEqual([{ success: true, collections: ["devicestatus", "entries", "food", "profile", "settings", "treatments"] }]);
    // A's session cannot switch to B (the session keeps its first user).
    expect(await ca.emit("/storage", "subscribe", { accessToken: b.secret })).toEqual([{ success: false, message: "Missing or bad accessToken" }]);

    await postReading(a, 140);
    expect((await api("/api/v1/treatments", { headers: { "api-secret": a.apiSecret }, body: [{ eventType: "Note", notes: "A only", created_at: new Date().toISOString() }] })).status).toBe(200);
    const [note] = await ca.next("create", "/storage", ([e]) => e.colName === "treatments");
    expect(note.doc).toMatchObject({ notes: "A only" });
    await postReading(b, 150);
    await cb.next("create", "/storage", ([e]) => e.colName === "entries" && e.doc.sgv === 150);
    await settle();
    expect(ca.events.filter((e) => e.nsp === "/storage" && (e.args[0] as { colName: string }).colName !== "treatments")).toEqual([]);
    expect(cb.events.filter((e) => e.nsp === "/storage").map((e) => (e.args[0] as { doc?: { sgv?: number; notes?: string } }).doc)).not.toContainEqual(expect.objectContaining({ notes: "A only" }));
    expect(cb.events.filter((e) => e.nsp === "/storage").map((e) => (e.args[0] as { doc?: { sgv?: number } }).doc?.sgv)).not.toContain(140);
    ca.close();
    cb.close();
  });
});

describe("eviction mid-session (state.abort, as test/worker/faults.test.ts)", () => {
  it("a polling session and the monitor are evicted; the session goes on and still gets the next reading", async () => {
    const a = await account();
    const c = await SioClient.polling(4);
    await c.connect("/");
    await c.quickHeartbeat();
    await c.emit("/", "authorize", authMessage(a.apiSecret));
    await c.next("dataUpdate");
    await runInDurableObject(sessionOf(c.sid), (_i, state) => state.abort("simulated eviction")).catch(() => undefined);
    await runInDurableObject(monitorOf(a), (_i, state) => state.abort("simulated eviction")).catch(() => undefined);
    await c.quickHeartbeat();
    await postReading(a, 130);
    const [delta] = await c.next("dataUpdate", "/", ([x]) => x.delta === true);
    expect(delta.sgvs).toEqual([expect.objectContaining({ mgdl: 130 })]);
    // The session kept its authorization: writes still work.
    const [added] = await c.emit("/", "dbAdd", { collection: "treatments", data: { eventType: "Note", notes: "after eviction", created_at: new Date().toISOString() } });
    expect(added).toEqual([expect.objectContaining({ notes: "after eviction" })]);
  });
});

describe("bad requests", () => {
  const get = async (query: string, init?: RequestInit) => {
    const res = await SELF.fetch(`${BASE}/socket.io/${query}`, init);
    return { status: res.status, json: await res.json() };
  };

  it("answer 400 in the envelope naming the parameter", async () => {
    expectFieldError(await get("?transport=polling"), 400, "EIO");
    expectFieldError(await get("?EIO=5&transport=polling"), 400, "EIO");
    expectFieldError(await get("?EIO=4&transport=flash"), 400, "transport");
    expectFieldError(await get("?EIO=4&transport=websocket"), 400, "transport");
    expectFieldError(await get("?EIO=4&transport=polling&sid=x"), 400, "sid");
    expectFieldError(await get("?EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA"), 400, "sid");
    expectFieldError(await get("?EIO=3&transport=polling&j=0"), 400, "j");
    expectFieldError(await get("?EIO=4&transport=polling", { method: "POST", body: "4x" }), 400, "method");
    const c = await SioClient.polling(4);
    expectFieldError(await get(`?EIO=3&transport=polling&sid=${c.sid}`), 400, "EIO");
    expectFieldError(await get(`?EIO=4&transport=polling&sid=${c.sid}`, { method: "POST", body: "" }), 400, "body");
    const v3 = await SioClient.polling(3);
    expectFieldError(await get(`?EIO=3&transport=polling&sid=${v3.sid}`, { method: "POST", body: "99:40" }), 400, "body");
    // The handshake's framing, read by hand: Engine.IO 4 separates packets with \x1e.
    const res = await SELF.fetch(`${BASE}/socket.io/?EIO=4&transport=polling`);
    expect(splitPayload(4, await res.text())[0]).toMatch(/^0\{"sid":"[A-Za-z0-9_-]{20}"/);
  });

  it("account deletion ends the user's sessions", async () => {
    const a = await account();
    const c = await SioClient.websocket(4);
    await c.connect("/");
    await c.emit("/", "authorize", authMessage(a.apiSecret));
    const res = await api("/api/v1/auth/me", { method: "DELETE", token: a.access, body: { password: a.password } });
    expect(res.status).toBe(204);
    await c.until(() => c.closed);
    const gone = await runInDurableObject(sessionOf(c.sid), (s: SocketIoSession) => (s as unknown as { state: unknown }).state);
    expect(gone).toBeNull();
    expect(env.SOCKETIO_SESSION).toBeDefined();
  });
});
