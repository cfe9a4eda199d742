/**
 * The alert feed end to end inside workerd: readings posted over HTTP, alerts on every socket of
 * the user (and no other), hello after reconnect, resolve, snooze, acknowledge, repeats, and
 * client messages good and bad. Time is moved with the object's injectable clock and alarms are
 * fired with runDurableObjectAlarm.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, register } from "./helpers.ts";
import { Feed, historyUntil, MIN, monitorOf, postReading, settle, shiftClock } from "./monitor-helpers.ts";

describe("WebSocket round trip", () => {
  it("sends an alert for a low reading to every socket of the user, and nothing to another user", async () => {
    const a = await register();
    const b = await register();
    const [phone, watch, other] = await Promise.all([Feed.open(a), Feed.open(a), Feed.open(b)]);
    const now = Date.now();
    await postReading(a, 80, now - 10 * MIN);
    await postReading(a, 72, now - 5 * MIN);
    await postReading(a, 62, now);

    const alerts = await Promise.all([phone.next("alert"), watch.next("alert")]);
    for (const { alert } of alerts) {
      expect(alert).toMatchObject({
        kind: "low",
        level: "warning",
        value: 62,
        unit: "mg/dL",
        rate: -1.8,
        direction: "FortyFiveDown",
        reading_time: new Date(now).toISOString(),
        message: "Low: 62 mg/dL and falling (\u22121.8 mg/dL/min)",
        repeat: 0,
        acknowledged_at: null,
        snoozed_until: null,
      });
    }
    expect(alerts[0].alert.id).toBe(alerts[1].alert.id);
    // Exactly one alert: 72 was not low, and 80 was too old to judge.
    expect(phone.all("alert")).toHaveLength(1);
    expect(phone.all("reading").map((m) => [m.reading.value, m.late])).toEqual([
      [80, false],
      [72, false],
      [62, false],
    ]);

    // The other user's socket saw its own hello and nothing else, even after a reading of its own.
    await postReading(b, 120);
    await other.next("reading", (m) => m.reading.value === 120);
    await settle();
    expect(other.messages.map((m) => m.type)).toEqual(["hello", "reading"]);
    expect(phone.all("reading")).toHaveLength(3);

    const history = await historyUntil(a, (items) => items.length === 1);
    expect(history[0]).toMatchObject({ alert_id: alerts[0].alert.id, event: "raised", kind: "low", level: "warning", value: 62, unit: "mg/dL", message: alerts[0].alert.message });
    expect((await api("/api/v1/alerts", { token: b.access })).json.items).toEqual([]);
    phone.close();
    watch.close();
    other.close();
  });

  it("greets a reconnecting client with the current value, trend and active alerts", async () => {
    const a = await register();
    const first = await Feed.open(a);
    const now = Date.now();
    await postReading(a, 80, now - 10 * MIN);
    await postReading(a, 72, now - 5 * MIN);
    await postReading(a, 62, now);
    const { alert } = await first.next("alert");
    first.close();

    const again = await Feed.open(a);
    const hello = again.all("hello")[0]!;
    expect(hello.state).toMatchObject({
      unit: "mg/dL",
      current: { time: new Date(now).toISOString(), value: 62, unit: "mg/dL", source: "cgm" },
      trend: { rate: -1.8, direction: "FortyFiveDown" },
      minutes_since_last: 0,
      readings_in_window: 3,
      snoozes: [],
    });
    expect(hello.state.active_alerts).toEqual([alert]);
    again.close();
  });

  it("resolves an alert when the condition clears, and urgent low takes over from low", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    const now = Date.now();
    await postReading(a, 65, now - 2 * MIN);
    const low = (await feed.next("alert")).alert;
    expect(low.kind).toBe("low");

    await postReading(a, 50, now - MIN);
    const resolved = await feed.next("resolved");
    expect(resolved.alert.id).toBe(low.id);
    const urgent = (await feed.next("alert")).alert;
    expect(urgent).toMatchObject({ kind: "urgent_low", level: "urgent", value: 50, message: "Urgent low: 50 mg/dL" });

    await postReading(a, 95, now);
    expect((await feed.next("resolved")).alert.id).toBe(urgent.id);
    const state = await api("/api/v1/alerts/state", { token: a.access });
    expect(state.json.active_alerts).toEqual([]);

    const events = await historyUntil(a, (items) => items.length === 4);
    expect(events.map((e) => [e.event, e.kind])).toEqual([
      ["raised", "low"],
      ["resolved", "low"],
      ["raised", "urgent_low"],
      ["resolved", "urgent_low"],
    ]);
    expect(events[3].message).toBe("Urgent low resolved: now 95 mg/dL");
    feed.close();
  });

  it("raises high, then urgent high and a fast rise once late readings give a trend", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    const now = Date.now();
    await postReading(a, 200, now - 2 * MIN);
    expect((await feed.next("alert")).alert).toMatchObject({ kind: "high", value: 200, rate: null, direction: "NOT COMPUTABLE", message: "High: 200 mg/dL" });
    // Backfill: older than the newest, so judged by nothing, but part of the window's trend.
    const backfill = await api("/api/v1/glucose/bulk", { token: a.access, body: { readings: [{ time: now - 12 * MIN, value: 150, source: "cgm" }, { time: now - 7 * MIN, value: 170, source: "cgm" }] } });
    expect(backfill.json.inserted).toBe(2);
    expect((await feed.next("reading", (m) => m.reading.value === 170)).late).toBe(true);
    await postReading(a, 270, now);
    const kinds = [(await feed.next("alert")).alert, (await feed.next("alert")).alert].map((x) => x.kind).sort();
    expect(kinds).toEqual(["rising_fast", "urgent_high"]);
    expect((await feed.next("resolved")).alert.kind).toBe("high");
    const rising = feed.all("alert").find((m) => m.alert.kind === "rising_fast")!.alert;
    expect(rising.message).toMatch(/^Rising fast: 270 mg\/dL, \+\d+\.\d mg\/dL\/min$/);
    expect(rising.direction).toBe("DoubleUp");
    expect(feed.all("alert")).toHaveLength(3);
    feed.close();
  });

  it("warns of a predicted low before it happens (the forecast model)", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    const now = Date.now();
    // A steady fall of 10 mg/dL per 5 minutes: an hour of it as history (too old to alert), then live readings.
    const v = (m: number) => 80 - 2 * m;
    const history = [];
    for (let m = -80; m <= -15; m += 5) history.push({ time: now + m * MIN, value: v(m), source: "cgm" });
    expect((await api("/api/v1/glucose/bulk", { token: a.access, body: { readings: history } })).status).toBeLessThan(300);
    for (const m of [-10, -5]) {
      await postReading(a, v(m), now + m * MIN);
      await feed.next("reading", (x) => x.reading.value === v(m));
    }
    await settle(100);
    // At 100 and 90 the population model expects the fall to level off above 70: no warning yet.
    expect(feed.all("alert")).toEqual([]);
    await postReading(a, 80, now);
    const { alert } = await feed.next("alert");
    expect(alert).toMatchObject({ kind: "predicted_low", level: "warning", value: 80 });
    expect(alert.message).toMatch(/^Low soon: low expected within 12 minutes, now 80 mg\/dL and falling \(\u22122(\.0)? mg\/dL\/min\)$/);
    const state = (await api("/api/v1/alerts/state", { token: a.access })).json;
    expect(state.active_alerts).toEqual([expect.objectContaining({ id: alert.id, kind: "predicted_low", value: 80 })]);
    expect(feed.all("alert")).toHaveLength(1);
    feed.close();
  });
});

describe("snooze, acknowledge and repeat", () => {
  it("repeats an alert after the interval while the condition holds (15 minutes; urgent low 5)", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    await postReading(a, 62);
    const low = (await feed.next("alert")).alert;
    const stub = monitorOf(a);

    await shiftClock(a, 14 * MIN);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await settle(100);
    expect(feed.all("alert")).toHaveLength(1);

    await shiftClock(a, 15 * MIN + 1000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const repeat = (await feed.next("alert")).alert;
    expect(repeat).toMatchObject({ id: low.id, kind: "low", repeat: 1, message: low.message });

    const b = await register();
    const feedB = await Feed.open(b);
    await postReading(b, 50);
    const urgent = (await feedB.next("alert")).alert;
    await shiftClock(b, 5 * MIN + 1000);
    expect(await runDurableObjectAlarm(monitorOf(b))).toBe(true);
    expect((await feedB.next("alert")).alert).toMatchObject({ id: urgent.id, kind: "urgent_low", repeat: 1 });

    await historyUntil(a, (items) => items.map((e: { event: string }) => e.event).join() === "raised,repeated");
    feed.close();
    feedB.close();
  });

  it("snoozes a kind on every socket: no repeat until the snooze ends", async () => {
    const a = await register();
    const [phone, watch] = await Promise.all([Feed.open(a), Feed.open(a)]);
    await postReading(a, 62);
    const low = (await phone.next("alert")).alert;

    phone.send({ type: "snooze", kind: "low", minutes: 30 });
    const snoozed = await Promise.all([phone.next("snoozed"), watch.next("snoozed")]);
    expect(snoozed[0]).toMatchObject({ kind: "low", minutes: 30 });
    expect(snoozed[1]).toEqual(snoozed[0]);

    const stub = monitorOf(a);
    await shiftClock(a, 16 * MIN);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await settle(100);
    expect(phone.all("alert").filter((m) => m.alert.kind === "low")).toHaveLength(1);

    await shiftClock(a, 30 * MIN + 1000);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await phone.next("alert", (m) => m.alert.kind === "low")).alert).toMatchObject({ id: low.id, repeat: 1, snoozed_until: null });

    const events = await historyUntil(a, (items) => items.some((e: { event: string }) => e.event === "repeated"));
    const snoozeEvent = events.find((e: { event: string }) => e.event === "snoozed");
    expect(snoozeEvent).toMatchObject({ alert_id: low.id, kind: "low", message: "Low alerts snoozed for 30 minutes", until: snoozed[0].until });
    phone.close();
    watch.close();
  });

  it("holds back a new alert of a snoozed kind, and sends it when the snooze ends", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    const res = await api("/api/v1/alerts/snooze", { token: a.access, body: { kind: "high", minutes: 15 } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ kind: "high", minutes: 15 });
    await feed.next("snoozed");

    await postReading(a, 200);
    await feed.next("reading");
    await settle(100);
    expect(feed.all("alert")).toHaveLength(0);
    const state = (await api("/api/v1/alerts/state", { token: a.access })).json;
    expect(state.active_alerts).toHaveLength(1);
    expect(state.active_alerts[0]).toMatchObject({ kind: "high", snoozed_until: res.json.until });

    await shiftClock(a, 15 * MIN + 1000);
    expect(await runDurableObjectAlarm(monitorOf(a))).toBe(true);
    expect((await feed.next("alert")).alert).toMatchObject({ kind: "high", id: state.active_alerts[0].id, repeat: 0 });
    feed.close();
  });

  it("acknowledges over the socket: every socket hears it and the alert stops repeating", async () => {
    const a = await register();
    const [phone, watch] = await Promise.all([Feed.open(a), Feed.open(a)]);
    await postReading(a, 62);
    const low = (await phone.next("alert")).alert;
    phone.send({ type: "ack", id: low.id });
    const acks = await Promise.all([phone.next("acknowledged"), watch.next("acknowledged")]);
    expect(acks[0].alert).toMatchObject({ id: low.id, acknowledged_at: expect.any(String) });

    await shiftClock(a, 16 * MIN);
    expect(await runDurableObjectAlarm(monitorOf(a))).toBe(true);
    await settle(100);
    expect(phone.all("alert").filter((m) => m.alert.kind === "low")).toHaveLength(1);

    // An unknown id is an error message, not a crash.
    phone.send({ type: "ack", id: "no-such-alert" });
    expect(await phone.next("error")).toMatchObject({ code: "not_found", fields: [{ path: "id" }] });
    await historyUntil(a, (items) => items.some((e: { event: string }) => e.event === "acknowledged"));
    phone.close();
    watch.close();
  });

  it("acknowledged urgent low still repeats, a full interval after the acknowledgement", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    await postReading(a, 50);
    const urgent = (await feed.next("alert")).alert;
    await shiftClock(a, 3 * MIN);
    feed.send({ type: "ack", id: urgent.id });
    await feed.next("acknowledged");

    await shiftClock(a, 6 * MIN);
    expect(await runDurableObjectAlarm(monitorOf(a))).toBe(true);
    await settle(100);
    expect(feed.all("alert")).toHaveLength(1);

    await shiftClock(a, 8 * MIN + 1000);
    expect(await runDurableObjectAlarm(monitorOf(a))).toBe(true);
    expect((await feed.next("alert")).alert).toMatchObject({ id: urgent.id, repeat: 1 });
    feed.close();
  });
});

describe("client messages", () => {
  it("answers malformed messages with an error and keeps serving the socket", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    const cases: [unknown, string][] = [
      ["not json", "invalid_json"],
      [{ type: "dance" }, "invalid_message"],
      [{ type: "ack" }, "invalid_message"],
      [{ type: "snooze", kind: "low", minutes: 45 }, "invalid_message"],
      [{ type: "snooze", kind: "urgent_low", minutes: 60 }, "invalid_message"],
      [{ type: "snooze", kind: "sideways", minutes: 15 }, "invalid_message"],
      ["x".repeat(5000), "too_large"],
      [[1, 2, 3], "invalid_message"],
    ];
    for (const [message, code] of cases) {
      feed.send(message);
      const error = await feed.next("error");
      expect(error.code, JSON.stringify(message)).toBe(code);
    }
    feed.ws.send(new Uint8Array([1, 2, 3]));
    expect((await feed.next("error")).code).toBe("unsupported");
    const urgentSnooze = feed.all("error")[4]!;
    expect(urgentSnooze.fields).toEqual([{ path: "minutes", message: "urgent low can be snoozed for at most 30 minutes" }]);

    // Still alive: pings are answered and readings still arrive.
    feed.send({ type: "ping" });
    await feed.next("pong");
    feed.send('{ "type": "ping" }');
    await feed.next("pong");
    await postReading(a, 100);
    await feed.next("reading");
    feed.close();
  });

  it("answers the exact ping text through the runtime's auto-response", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    feed.send('{"type":"ping"}');
    await feed.next("pong");
    const answeredAt = await runInDurableObject(monitorOf(a), (_instance, state) => state.getWebSocketAutoResponseTimestamp(state.getWebSockets()[0]!));
    expect(answeredAt).toBeInstanceOf(Date);
    feed.close();
  });
});
