/**
 * The GlucoseMonitor Durable Object on its own terms: the no-data alert fired by its alarm with
 * no request, state restored after eviction, out-of-order and duplicate readings, rules pushed
 * and loaded lazily, the user's unit, and account deletion.
 *
 * Eviction: this pool version (@cloudflare/vitest-pool-workers 0.15.1) has no
 * `evictDurableObject`. The test calls `state.abort()` inside the user's object, which throws the
 * instance away and keeps its storage, as eviction or a restart does (sockets included: an
 * aborted object drops them, where a hibernated one would keep them, so the client reconnects).
 * A real eviction, with a hibernated socket that keeps receiving alerts, is shown against workerd
 * by `npm run bench:eviction` (bench/eviction.ts).
 */
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { GlucoseMonitor } from "../../durable/glucose-monitor.ts";
import { api, register } from "./helpers.ts";
import { countOnShards, userD1, userD1ByPublicId } from "./shard-helpers.ts";
import { Feed, historyUntil, MIN, monitorOf, postReading, settle, shiftClock } from "./monitor-helpers.ts";

describe("no-data alerts from the alarm", () => {
  it("raises a warning after 20 minutes and an urgent alert after 40, with no request, and resolves on the next reading", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    const t = Date.now();
    await postReading(a, 110, t);
    await feed.next("reading");
    const stub = monitorOf(a);
    const alarmAt = await runInDurableObject(stub, (_o, state) => state.storage.getAlarm());
    expect(alarmAt).toBe(t + 20 * MIN);

    await shiftClock(a, 21 * MIN);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const warning = (await feed.next("alert")).alert;
    expect(warning).toMatchObject({ kind: "stale", level: "warning", value: 110, reading_time: null });
    expect(warning.message).toMatch(/^No data: no reading for 2[01] minutes \(last 110 mg\/dL\)$/);

    await shiftClock(a, 41 * MIN);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await feed.next("resolved")).alert.id).toBe(warning.id);
    const urgent = (await feed.next("alert")).alert;
    expect(urgent).toMatchObject({ kind: "urgent_stale", level: "urgent" });

    await shiftClock(a, 0);
    await postReading(a, 115);
    expect((await feed.next("resolved")).alert.id).toBe(urgent.id);
    // Ordered by id: the history's times follow the moved clock, the last one is back at real time.
    const events = await historyUntil(a, (items) => items.length === 4);
    const sorted = events.sort((x: { id: string }, y: { id: string }) => Number(x.id) - Number(y.id));
    expect(sorted.map((e: { event: string; kind: string }) => `${e.event} ${e.kind}`)).toEqual(["raised stale", "resolved stale", "raised urgent_stale", "resolved urgent_stale"]);
    expect(sorted[1].message).toBe("No data resolved");
    expect(sorted[3].message).toBe("Urgent, no data resolved: now 115 mg/dL");
    feed.close();
  });

  it("keeps an earlier alarm instead of moving it with every reading, and an early alarm raises nothing", async () => {
    // Each reading pushes the no-data deadline back; moving the alarm each time was one more
    // storage commit per reading (the alert-latency target).
    const a = await register();
    const feed = await Feed.open(a);
    const t = Date.now() - 2 * MIN;
    await postReading(a, 110, t);
    await postReading(a, 112, t + MIN);
    await postReading(a, 111, t + 2 * MIN);
    await feed.next("reading", (m) => m.reading.value === 111);
    const stub = monitorOf(a);
    expect(await runInDurableObject(stub, (_o, state) => state.storage.getAlarm())).toBe(t + 20 * MIN);

    // Fired at the first reading's deadline, the newest is 18 minutes old: nothing is due yet,
    // and the next alarm is the newest reading's deadline.
    await shiftClock(a, t + 20 * MIN - Date.now());
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await settle(100);
    expect(feed.all("alert")).toEqual([]);
    expect(await runInDurableObject(stub, (_o, state) => state.storage.getAlarm())).toBe(t + 22 * MIN);

    await shiftClock(a, t + 22 * MIN - Date.now());
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await feed.next("alert")).alert).toMatchObject({ kind: "stale", value: 111 });
    feed.close();
  });

  it("never calls a first upload of past readings missing data", async () => {
    const a = await register();
    const t = Date.now();
    const res = await api("/api/v1/glucose/bulk", { token: a.access, body: { readings: [0, 1, 2].map((i) => ({ time: t - (60 - 5 * i) * MIN, value: 120, source: "cgm" })) } });
    expect(res.json.inserted).toBe(3);
    const feed = await Feed.open(a);
    expect(feed.all("hello")[0]!.state.readings_in_window).toBe(3);
    expect(await runDurableObjectAlarm(monitorOf(a))).toBe(false);
    await settle();
    expect(feed.all("alert")).toEqual([]);
    feed.close();
  });
});

describe("eviction", () => {
  it("restores the window, active alerts, snoozes and rules after the object is thrown away", async () => {
    const a = await register();
    const put = await api("/api/v1/alerts/settings", { method: "PUT", token: a.access, body: { low: { enabled: true, value: 80 } } });
    expect(put.status, JSON.stringify(put.json)).toBe(200);
    const feed = await Feed.open(a);
    const now = Date.now();
    await postReading(a, 90, now - 10 * MIN);
    await postReading(a, 84, now - 5 * MIN);
    await postReading(a, 76, now);
    const low = (await feed.next("alert")).alert;
    expect(low).toMatchObject({ kind: "low", value: 76 });
    feed.send({ type: "snooze", kind: "high", minutes: 60 });
    await feed.next("snoozed");
    const before = (await api("/api/v1/alerts/state", { token: a.access })).json;

    const stub = monitorOf(a);
    await runInDurableObject(stub, (instance: GlucoseMonitor) => {
      (instance as unknown as { marker: string }).marker = "old instance";
    });
    // Evict this user's object only (abortAllDurableObjects would also reset objects that other
    // test files running alongside rely on). abort() ends the call it runs in, hence the catch.
    await runInDurableObject(stub, (_instance, state) => state.abort("simulated eviction")).catch(() => undefined);
    // Stubs made before the abort are broken by it, as a client's would be: take new ones.
    await runInDurableObject(monitorOf(a), (instance: GlucoseMonitor) => {
      expect((instance as unknown as { marker?: string }).marker).toBeUndefined();
    });

    const after = (await api("/api/v1/alerts/state", { token: a.access })).json;
    expect(after).toEqual(before);
    expect(after).toMatchObject({ current: { value: 76 }, readings_in_window: 3, active_alerts: [{ id: low.id, kind: "low" }], snoozes: [{ kind: "high" }] });
    expect(after.trend.direction).toBe("FortyFiveDown");

    // A client reconnects and gets the same state; the repeat still comes from the alarm.
    const again = await Feed.open(a);
    expect(again.all("hello")[0]!.state).toEqual(before);
    await shiftClock(a, 15 * MIN + 1000);
    expect(await runDurableObjectAlarm(monitorOf(a))).toBe(true);
    expect((await again.next("alert", (m) => m.alert.kind === "low")).alert).toMatchObject({ id: low.id, repeat: 1 });
    // And the rules (low 80) survived too: 78 is still low, so nothing resolves.
    await shiftClock(a, 0);
    await postReading(a, 78);
    await again.next("reading", (m) => m.reading.value === 78);
    await settle(100);
    expect(again.all("resolved")).toEqual([]);
    again.close();
  });

  it("a history read right after an alert has it: the object writes what it holds first, and its queued write adds nothing", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    const now = Date.now();
    await postReading(a, 90, now - 10 * MIN);
    await postReading(a, 84, now - 5 * MIN);
    await postReading(a, 60, now);
    const low = (await feed.next("alert")).alert;
    const inD1 = async () => (await (await userD1ByPublicId(a.id)).prepare("SELECT count(*) AS n FROM alert_events e JOIN users u ON u.id = e.user_id WHERE u.public_id = ?").bind(a.id).first<{ n: number }>())!.n;
    // Read at once (the event is most likely still in the object's outbox, not timed here): the
    // read has the object write what it holds first.
    const history = await api("/api/v1/alerts", { token: a.access });
    expect(history.json.items.filter((e: { alert_id: string; event: string }) => e.alert_id === low.id && e.event === "raised")).toHaveLength(1);
    // The queued write that follows stores nothing twice.
    await settle(1500);
    expect(await inD1()).toBe(history.json.items.length);
  });

  it("writes the history an evicted instance left in its outbox, with no further reading", async () => {
    // An eviction can land between an alert's send and its D1 write (CI saw it once in
    // faults.test.ts): the event is in the object's outbox, and the next instance must deliver it.
    const a = await register();
    await postReading(a, 110);
    const event = { key: crypto.randomUUID(), alertId: "left-behind", event: "raised", kind: "low", level: "warning", time: Date.now(), value: 66, message: "Low: 66 mg/dL", until: null };
    await runInDurableObject(monitorOf(a), (_instance, state) => {
      state.storage.sql.exec("INSERT INTO history_outbox (body) VALUES (?)", JSON.stringify(event));
    });
    await runInDurableObject(monitorOf(a), (_instance, state) => state.abort("simulated eviction")).catch(() => undefined);
    // Any call wakes a new instance (here the state read); no reading, no alarm.
    expect((await api("/api/v1/alerts/state", { token: a.access })).status).toBe(200);
    const items = await historyUntil(a, (xs) => xs.some((x: { alert_id: string }) => x.alert_id === "left-behind"));
    expect(items.filter((x: { alert_id: string }) => x.alert_id === "left-behind")).toHaveLength(1);
    const left = await runInDurableObject(monitorOf(a), (_instance, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM history_outbox").one().n);
    expect(left).toBe(0);
  });
});

describe("out-of-order and duplicate readings", () => {
  it("update the window but raise nothing", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    const now = Date.now();
    await postReading(a, 120, now);
    await feed.next("reading");

    // Older than the newest: a low from 3 minutes ago, and a bulk backfill of lows.
    await postReading(a, 50, now - 3 * MIN);
    expect((await feed.next("reading", (m) => m.reading.value === 50)).late).toBe(true);
    const backfill = await api("/api/v1/glucose/bulk", {
      token: a.access,
      body: { readings: [1, 2, 3, 4].map((i) => ({ time: now - i * 5 * MIN, value: 45 + i, source: "cgm" })).concat([{ time: now, value: 120, source: "cgm" }]) },
    });
    expect(backfill.json).toMatchObject({ inserted: 4, duplicates: 1 });
    for (let i = 0; i < 4; i++) expect((await feed.next("reading")).late).toBe(true);

    // A duplicate straight to the object (an uploader retry that D1 already refused would not even get here).
    const me = await env.DB.prepare("SELECT id FROM users WHERE public_id = ?").bind(a.id).first<{ id: number }>();
    const summary = await monitorOf(a).ingest({ userId: me!.id, publicId: a.id }, [{ time: now, value: 40, source: "cgm", trend: null }]);
    expect(summary).toEqual({ added: 0, evaluated: false, alerts: 0 });

    await settle();
    expect(feed.all("alert")).toEqual([]);
    const state = (await api("/api/v1/alerts/state", { token: a.access })).json;
    expect(state).toMatchObject({ current: { value: 120 }, readings_in_window: 6, active_alerts: [] });
    expect((await api("/api/v1/alerts", { token: a.access })).json.items).toEqual([]);
    feed.close();
  });

  it("never alerts on a newest reading that is more than 10 minutes old", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    await postReading(a, 45, Date.now() - 11 * MIN);
    const reading = await feed.next("reading");
    expect(reading.late).toBe(false);
    await settle();
    expect(feed.all("alert")).toEqual([]);
    feed.close();
  });
});

describe("rules and units", () => {
  it("loads the rules from D1 when the object has none, and applies pushed rules at once", async () => {
    const a = await register();
    const me = await env.DB.prepare("SELECT id FROM users WHERE public_id = ?").bind(a.id).first<{ id: number }>();
    // Saved behind the object's back (as if by another deployment): it must read them itself.
    await (await userD1(me!.id)).prepare(
      `INSERT INTO alert_settings (user_id, urgent_low, low_enabled, low, high_enabled, high, urgent_high_enabled, urgent_high,
        falling_fast_enabled, falling_fast_rate, rising_fast_enabled, rising_fast_rate, predicted_low_enabled, predicted_low_minutes,
        stale_enabled, stale_warning_minutes, stale_urgent_minutes, repeat_minutes, urgent_low_repeat_minutes)
       VALUES (?, 55, 1, 90, 1, 180, 1, 260, 1, 3, 1, 3, 1, 20, 1, 20, 40, 15, 5)`,
    )
      .bind(me!.id)
      .run();
    const feed = await Feed.open(a);
    await postReading(a, 85);
    expect((await feed.next("alert")).alert).toMatchObject({ kind: "low", value: 85 });

    // Switching low off resolves the alert at once; raising high to 200 judges the newest reading again.
    const put = await api("/api/v1/alerts/settings", { method: "PUT", token: a.access, body: { low: { enabled: false, value: 90 } } });
    expect(put.status).toBe(200);
    expect((await feed.next("resolved")).alert.kind).toBe("low");
    feed.close();
  });

  it("speaks mmol/L to a mmol/L user", async () => {
    const a = await register({ unit: "mmol/L" });
    const feed = await Feed.open(a);
    expect(feed.all("hello")[0]!.state.unit).toBe("mmol/L");
    const now = Date.now();
    await postReading(a, 4.4, now - 10 * MIN, { unit: "mmol/L" });
    await postReading(a, 4.0, now - 5 * MIN, { unit: "mmol/L" });
    await postReading(a, 3.4, now, { unit: "mmol/L" });
    const { alert } = await feed.next("alert");
    expect(alert).toMatchObject({ kind: "low", value: 3.4, unit: "mmol/L", rate: -0.1 });
    expect(alert.message).toBe("Low: 3.4 mmol/L and falling (\u22120.10 mmol/L/min)");
    const reading = feed.all("reading").at(-1)!;
    expect(reading.reading).toMatchObject({ value: 3.4, unit: "mmol/L" });
    const history = await historyUntil(a, (items) => items.length === 1);
    expect(history[0]).toMatchObject({ value: 3.4, unit: "mmol/L" });
    feed.close();
  });
});

describe("account deletion", () => {
  it("clears the object, closes the sockets and removes the alert history", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    await postReading(a, 62);
    await feed.next("alert");
    await historyUntil(a, (items) => items.length === 1);
    const me = await env.DB.prepare("SELECT id FROM users WHERE public_id = ?").bind(a.id).first<{ id: number }>();

    const res = await api("/api/v1/auth/me", { method: "DELETE", token: a.access, body: { password: a.password } });
    expect(res.status).toBe(204);
    for (let i = 0; i < 100 && !feed.closed; i++) await settle(10);
    expect(feed.closed).toMatchObject({ code: 1000, reason: "account deleted" });

    // Final: the object refuses every later call (its tombstone), and holds nothing else.
    const refused = await monitorOf(a)
      .state()
      .then(() => "accepted", (err: Error) => err.message);
    expect(refused).toBe("The account has been deleted");
    const rows = await runInDurableObject(monitorOf(a), (_o, s) => [...s.storage.sql.exec("SELECT key FROM meta")].map((r) => r.key));
    expect(rows).toEqual(["deleted"]);
    expect(await runInDurableObject(monitorOf(a), (_o, s) => s.storage.getAlarm())).toBeNull();
    // Alert history on the shards, tickets in the directory.
    const left = (await countOnShards("SELECT count(*) AS n FROM alert_events WHERE user_id = ?1", me!.id)) + (await env.DB.prepare("SELECT count(*) AS n FROM ws_tickets WHERE user_id = ?1").bind(me!.id).first<{ n: number }>())!.n;
    expect(left).toBe(0);
  });
});
