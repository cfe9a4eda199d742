import { describe, expect, it } from "vitest";
import { backoffMs, initialLiveState, liveReducer, parseServerMessage, snoozeChoices, toMgdl, visibleAlerts, type Alert, type LiveState, type ServerMessage } from "./live-state.ts";

const alert = (over: Partial<Alert> = {}): Alert => ({
  id: "a1",
  kind: "low",
  level: "warning",
  value: 62,
  unit: "mg/dL",
  rate: -1.2,
  direction: "FortyFiveDown",
  time: "2026-01-01T10:00:00.000Z",
  reading_time: "2026-01-01T10:00:00.000Z",
  message: "Low: 62 mg/dL and falling",
  repeat: 0,
  acknowledged_at: null,
  snoozed_until: null,
  ...over,
});

const msg = (m: ServerMessage) => ({ type: "message" as const, message: m });
const start = (): LiveState => initialLiveState({ time: "2026-01-01T09:55:00.000Z", mgdl: 80, trend: "Flat" });

describe("liveReducer", () => {
  it("hello: newer current value wins, alerts and snoozes replaced by the snapshot, connection open", () => {
    const s0 = { ...start(), alerts: [alert({ id: "old" })] };
    const s = liveReducer(s0, msg({
      type: "hello",
      state: { unit: "mmol/L", current: { time: "2026-01-01T10:00:00.000Z", value: 3.4, unit: "mmol/L", source: "x" }, trend: { rate: -0.1, direction: "SingleDown" }, minutes_since_last: 0, readings_in_window: 10, active_alerts: [alert()], snoozes: [{ kind: "high", until: "2026-01-01T11:00:00.000Z" }] },
    }));
    expect(s.connection).toBe("open");
    expect(s.latest).toEqual({ time: "2026-01-01T10:00:00.000Z", mgdl: 61.3, trend: "SingleDown" });
    expect(s.alerts.map((a) => a.id)).toEqual(["a1"]);
    expect(s.snoozes).toHaveLength(1);
  });

  it("hello with an older or no current reading keeps the loader's value; NOT COMPUTABLE has no arrow", () => {
    const s = liveReducer(start(), msg({ type: "hello", state: { unit: "mg/dL", current: { time: "2026-01-01T09:00:00.000Z", value: 200, unit: "mg/dL", source: "x" }, trend: { rate: null, direction: "NOT COMPUTABLE" }, minutes_since_last: 55, readings_in_window: 1, active_alerts: [], snoozes: [] } }));
    expect(s.latest?.mgdl).toBe(80);
    const t = liveReducer(initialLiveState(null), msg({ type: "hello", state: { unit: "mg/dL", current: { time: "2026-01-01T09:00:00.000Z", value: 200, unit: "mg/dL", source: "x" }, trend: { rate: null, direction: "NOT COMPUTABLE" }, minutes_since_last: 55, readings_in_window: 1, active_alerts: [], snoozes: [] } }));
    expect(t.latest).toEqual({ time: "2026-01-01T09:00:00.000Z", mgdl: 200, trend: null });
  });

  it("reading: a newer one replaces the value; late or older ones only count", () => {
    const s1 = liveReducer(start(), msg({ type: "reading", reading: { time: "2026-01-01T10:00:00.000Z", value: 65, unit: "mg/dL", source: "x" }, late: false, trend: { rate: -1, direction: "FortyFiveDown" } }));
    expect(s1.latest).toEqual({ time: "2026-01-01T10:00:00.000Z", mgdl: 65, trend: "FortyFiveDown" });
    expect(s1.freshReadings).toBe(1);
    const s2 = liveReducer(s1, msg({ type: "reading", reading: { time: "2026-01-01T09:30:00.000Z", value: 150, unit: "mg/dL", source: "x" }, late: true, trend: { rate: 0, direction: "Flat" } }));
    expect(s2.latest?.mgdl).toBe(65);
    expect(s2.freshReadings).toBe(2);
  });

  it("alert upserts by id (a repeat replaces), resolved removes, acknowledged marks", () => {
    let s = liveReducer(start(), msg({ type: "alert", alert: alert() }));
    s = liveReducer(s, msg({ type: "alert", alert: alert({ repeat: 1 }) }));
    expect(s.alerts).toHaveLength(1);
    expect(s.alerts[0]!.repeat).toBe(1);
    s = liveReducer(s, msg({ type: "alert", alert: alert({ id: "a2", kind: "urgent_low", level: "urgent", time: "2026-01-01T10:05:00.000Z" }) }));
    expect(s.alerts.map((a) => a.id)).toEqual(["a2", "a1"]);
    s = liveReducer(s, msg({ type: "acknowledged", alert: alert({ acknowledged_at: "2026-01-01T10:06:00.000Z" }) }));
    expect(s.alerts.find((a) => a.id === "a1")!.acknowledged_at).not.toBeNull();
    s = liveReducer(s, msg({ type: "resolved", alert: alert({ id: "a2" }), resolved_at: "2026-01-01T10:10:00.000Z" }));
    expect(s.alerts.map((a) => a.id)).toEqual(["a1"]);
  });

  it("snoozed replaces the kind's snooze; error is kept until dismissed; connection changes", () => {
    let s = liveReducer(start(), msg({ type: "snoozed", kind: "low", minutes: 15, until: "2026-01-01T10:15:00.000Z" }));
    s = liveReducer(s, msg({ type: "snoozed", kind: "low", minutes: 30, until: "2026-01-01T10:30:00.000Z" }));
    expect(s.snoozes).toEqual([{ kind: "low", until: "2026-01-01T10:30:00.000Z" }]);
    s = liveReducer(s, msg({ type: "error", code: "invalid_message", message: "minutes must be one of 15, 30, 60", fields: [] }));
    expect(s.error).toMatch(/minutes/);
    expect(liveReducer(s, { type: "dismiss-error" }).error).toBeNull();
    expect(liveReducer(s, { type: "connection", connection: "reconnecting" }).connection).toBe("reconnecting");
    expect(liveReducer(s, msg({ type: "pong" }))).toBe(s);
  });
});

describe("visibleAlerts", () => {
  it("hides acknowledged and snoozed alerts until the snooze ends; urgent first", () => {
    const now = Date.parse("2026-01-01T10:20:00.000Z");
    const s: LiveState = {
      ...start(),
      alerts: [alert({ id: "w", time: "2026-01-01T10:10:00.000Z" }), alert({ id: "u", kind: "urgent_low", level: "urgent", time: "2026-01-01T10:00:00.000Z" }), alert({ id: "ack", kind: "high", acknowledged_at: "2026-01-01T10:01:00.000Z" }), alert({ id: "snz", kind: "rising_fast" })],
      snoozes: [{ kind: "rising_fast", until: "2026-01-01T10:30:00.000Z" }],
    };
    expect(visibleAlerts(s, now).map((a) => a.id)).toEqual(["u", "w"]);
    expect(visibleAlerts(s, Date.parse("2026-01-01T10:31:00.000Z")).map((a) => a.id)).toEqual(["u", "w", "snz"]);
  });
});

describe("helpers", () => {
  it("urgent low snoozes at most 30 minutes", () => {
    expect(snoozeChoices("urgent_low")).toEqual([15, 30]);
    expect(snoozeChoices("low")).toEqual([15, 30, 60]);
  });
  it("backoff doubles from 1 s to a 30 s cap, with ±20 % jitter", () => {
    expect(backoffMs(0, () => 0.5)).toBe(1000);
    expect(backoffMs(3, () => 0.5)).toBe(8000);
    expect(backoffMs(10, () => 0.5)).toBe(30_000);
    expect(backoffMs(0, () => 0)).toBe(800);
    expect(backoffMs(0, () => 1)).toBe(1200);
  });
  it("converts mmol/L back to mg/dL", () => {
    expect(toMgdl(3.4, "mmol/L")).toBe(61.3);
    expect(toMgdl(61, "mg/dL")).toBe(61);
  });
});

describe("parseServerMessage", () => {
  it("accepts the known messages and rejects junk, unknown types and missing fields", () => {
    expect(parseServerMessage('{"type":"pong"}')).toEqual({ type: "pong" });
    expect(parseServerMessage(JSON.stringify({ type: "alert", alert: alert() }))?.type).toBe("alert");
    expect(parseServerMessage("not json")).toBeNull();
    expect(parseServerMessage('{"type":"surprise"}')).toBeNull();
    expect(parseServerMessage('{"type":"alert","alert":{"id":1}}')).toBeNull();
    expect(parseServerMessage('{"type":"reading","reading":{"time":"x"}}')).toBeNull();
    expect(parseServerMessage('{"type":"hello","state":{"current":null,"trend":{},"active_alerts":[],"snoozes":[]}}')?.type).toBe("hello");
    expect(parseServerMessage("[1,2]")).toBeNull();
  });
});
