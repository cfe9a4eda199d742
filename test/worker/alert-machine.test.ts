/**
 * The live monitor's alert state machine (durable/alert-machine.ts) on its own, with no Durable
 * Object: plain state in, messages and history out. The expectations are the monitor's own
 * contract as the Durable Object tests drive it end to end (monitor-feed.test.ts: raise once,
 * resolutions before raises, repeats after 15 minutes and 5 for urgent low, snoozes holding an
 * alert back; monitor-durable.test.ts: no-data at 20/40 minutes only once live;
 * escalation.test.ts: an acknowledged urgent low is not escalated); here each step is checked
 * message by message, function by function.
 */
import { describe, expect, it } from "vitest";
import {
  acknowledge,
  alertSnapshot,
  dueAt,
  emptyAlertState,
  escalate,
  evaluateReading,
  evaluateStale,
  newAlertStep,
  nextAlertDue,
  resolveAll,
  sendDue,
  snooze,
  type AlertContext,
  type AlertState,
  type AlertStep,
  type JudgedReading,
} from "../../durable/alert-machine.ts";
import type { AlertKind } from "../../worker/schemas/alerts.ts";
import { DEFAULT_ALERT_RULES } from "../../worker/schemas/alert-rules.ts";

const MIN = 60_000;
const T = Date.UTC(2026, 0, 1, 9);
const ctxAt = (now: number, unit: AlertContext["unit"] = "mg/dL"): AlertContext => ({ now, rules: DEFAULT_ALERT_RULES, unit });
const reading = (time: number, value: number, rate: number | null = 0, minutesToLow: number | null = null): JudgedReading => Object.freeze({ time, value, rate, minutesToLow });
const types = (step: AlertStep) => step.messages.map((m) => (m.type === "alert" || m.type === "resolved" ? `${m.type}:${m.alert.kind}` : m.type));
const events = (step: AlertStep) => step.events.map((e) => `${e.event}:${e.kind}`);

/** One reading judged as the monitor does it: reading kinds, then anything due. */
function onReading(state: AlertState, r: JudgedReading, now = r.time, allowRaise = true): AlertStep {
  const step = newAlertStep();
  evaluateReading(state, ctxAt(now), r, allowRaise, step);
  sendDue(state, ctxAt(now), step);
  return step;
}

describe("raise, update, resolve", () => {
  it("raises a low once; the next low reading updates the active alert without a message", () => {
    const state = emptyAlertState();
    const first = onReading(state, reading(T, 62, -1));
    expect(types(first)).toEqual(["alert:low"]);
    expect(events(first)).toEqual(["raised:low"]);
    expect(first.alertsSent).toBe(1);
    const low = state.active.get("low")!;
    expect(low).toMatchObject({ kind: "low", value: 62, repeat: 0, lastSentAt: T, acknowledgedAt: null });
    expect(first.messages[0]).toMatchObject({ alert: { id: low.id, level: "warning", value: 62, unit: "mg/dL", message: "Low: 62 mg/dL and steady (\u22121.0 mg/dL/min)", repeat: 0 } });

    const second = onReading(state, reading(T + 5 * MIN, 64, 0.4));
    expect(second.messages).toEqual([]);
    expect(second.events).toEqual([]);
    expect([...second.dirtyAlerts]).toEqual(["low"]);
    expect(state.active.get("low")).toMatchObject({ id: low.id, value: 64, readingTime: T + 5 * MIN });
  });

  it("resolves before it raises: low resolved precedes urgent low, on the wire and in the history", () => {
    const state = emptyAlertState();
    onReading(state, reading(T, 62));
    const step = onReading(state, reading(T + 5 * MIN, 50));
    expect(types(step)).toEqual(["resolved:low", "alert:urgent_low"]);
    expect(events(step)).toEqual(["resolved:low", "raised:urgent_low"]);
    expect(step.events[0]).toMatchObject({ value: 50, message: "Low resolved: now 50 mg/dL" });
    expect([...state.active.keys()]).toEqual(["urgent_low"]);
  });

  it("raises nothing for a reading that may not raise (not fresh), but still resolves and updates", () => {
    const state = emptyAlertState();
    expect(onReading(state, reading(T, 62), T, false).messages).toEqual([]);
    expect(state.active.size).toBe(0);
    onReading(state, reading(T, 62));
    const step = onReading(state, reading(T + 5 * MIN, 120), T + 5 * MIN, false);
    expect(types(step)).toEqual(["resolved:low"]);
    expect(state.active.size).toBe(0);
  });

  it("speaks the user's unit on the wire while the state stays in mg/dL", () => {
    const state = emptyAlertState();
    const step = newAlertStep();
    evaluateReading(state, ctxAt(T, "mmol/L"), reading(T, 63), true, step);
    expect(step.messages[0]).toMatchObject({ type: "alert", alert: { value: 3.5, unit: "mmol/L" } });
    expect(state.active.get("low")!.value).toBe(63);
  });

  it("resolves everything with no value when the window is empty", () => {
    const state = emptyAlertState();
    onReading(state, reading(T, 62, -3.5));
    expect([...state.active.keys()].sort()).toEqual(["falling_fast", "low"]);
    const step = newAlertStep();
    resolveAll(state, ctxAt(T + 24 * 60 * MIN), step);
    expect(types(step).sort()).toEqual(["resolved:falling_fast", "resolved:low"]);
    expect(step.events.every((e) => e.value === null)).toBe(true);
    expect(state.active.size).toBe(0);
  });
});

describe("repeats and snoozes", () => {
  it("repeats after 15 minutes (urgent low after 5), counting each repeat", () => {
    const state = emptyAlertState();
    onReading(state, reading(T, 62));
    expect(onReading(state, reading(T + 14 * MIN, 62)).messages).toEqual([]);
    const repeat = onReading(state, reading(T + 15 * MIN, 62));
    expect(types(repeat)).toEqual(["alert:low"]);
    expect(events(repeat)).toEqual(["repeated:low"]);
    expect(repeat.messages[0]).toMatchObject({ alert: { repeat: 1 } });

    const urgent = emptyAlertState();
    onReading(urgent, reading(T, 50));
    expect(dueAt(urgent, urgent.active.get("urgent_low")!, DEFAULT_ALERT_RULES)).toBe(T + 5 * MIN);
  });

  it("holds a new alert of a snoozed kind back and sends it (repeat 0) when the snooze ends", () => {
    const state = emptyAlertState();
    const snoozeStep = newAlertStep();
    const until = snooze(state, T, { kind: "low", minutes: 30 }, snoozeStep);
    expect(until).toBe(T + 30 * MIN);
    expect(snoozeStep.messages).toEqual([{ type: "snoozed", kind: "low", minutes: 30, until: new Date(until).toISOString() }]);
    expect(snoozeStep.events[0]).toMatchObject({ event: "snoozed", alertId: null, until, message: "Low alerts snoozed for 30 minutes" });

    const held = onReading(state, reading(T + 5 * MIN, 62));
    expect(held.messages).toEqual([]);
    expect(events(held)).toEqual(["raised:low"]);
    expect(state.active.get("low")!.lastSentAt).toBeNull();
    expect(nextAlertDue(state, DEFAULT_ALERT_RULES, null, false, T + 5 * MIN, 24 * 60 * MIN)).toBe(until);

    const released = onReading(state, reading(until, 62));
    expect(types(released)).toEqual(["alert:low"]);
    expect(released.messages[0]).toMatchObject({ alert: { repeat: 0, snoozed_until: null } });
    expect(state.snoozes.has("low")).toBe(false);
    expect([...released.dirtySnoozes]).toEqual(["low"]);
  });
});

describe("acknowledge and escalate", () => {
  it("acknowledges once: a low stops repeating, an urgent low waits a full interval from the ack", () => {
    const state = emptyAlertState();
    onReading(state, reading(T, 62));
    const id = state.active.get("low")!.id;
    const step = newAlertStep();
    expect(acknowledge(state, ctxAt(T + MIN), id, step)).toMatchObject({ id, acknowledged_at: new Date(T + MIN).toISOString() });
    expect(types(step)).toEqual(["acknowledged"]);
    expect(events(step)).toEqual(["acknowledged:low"]);
    const again = newAlertStep();
    expect(acknowledge(state, ctxAt(T + 2 * MIN), id, again)).not.toBeNull();
    expect(again.messages).toEqual([]);
    expect(again.events).toEqual([]);
    expect(dueAt(state, state.active.get("low")!, DEFAULT_ALERT_RULES)).toBeNull();
    expect(acknowledge(state, ctxAt(T), "no-such-alert", newAlertStep())).toBeNull();

    const urgent = emptyAlertState();
    onReading(urgent, reading(T, 50));
    acknowledge(urgent, ctxAt(T + 3 * MIN), urgent.active.get("urgent_low")!.id, newAlertStep());
    expect(dueAt(urgent, urgent.active.get("urgent_low")!, DEFAULT_ALERT_RULES)).toBe(T + 8 * MIN);
  });

  it("escalates an urgent low that is active and unacknowledged, and nothing else", () => {
    const state = emptyAlertState();
    onReading(state, reading(T, 50));
    const id = state.active.get("urgent_low")!.id;
    const step = newAlertStep();
    escalate(state, ctxAt(T + 10 * MIN), [id, "gone"], step);
    expect(step.escalated.map((a) => a.id)).toEqual([id]);
    expect(step.events[0]).toMatchObject({ event: "escalated", alertId: id, message: "Escalated to caregivers: Urgent low: 50 mg/dL and steady (0.0 mg/dL/min)" });
    expect(step.messages).toEqual([]);

    acknowledge(state, ctxAt(T + 11 * MIN), id, newAlertStep());
    const after = newAlertStep();
    escalate(state, ctxAt(T + 12 * MIN), [id], after);
    expect(after.escalated).toEqual([]);
    expect(after.events).toEqual([]);
  });
});

describe("no data", () => {
  const newest = { time: T, value: 110 };

  it("raises nothing for a monitor that has never been live", () => {
    const state = emptyAlertState();
    const step = newAlertStep();
    evaluateStale(state, ctxAt(T + 60 * MIN), newest, false, step);
    expect(step.messages).toEqual([]);
    expect(nextAlertDue(state, DEFAULT_ALERT_RULES, newest, false, T, 24 * 60 * MIN)).toBe(Infinity);
  });

  it("warns at 20 minutes, then turns urgent at 40: the warning resolved with no value", () => {
    const state = emptyAlertState();
    expect(nextAlertDue(state, DEFAULT_ALERT_RULES, newest, true, T, 24 * 60 * MIN)).toBe(T + 20 * MIN);
    const at19 = newAlertStep();
    evaluateStale(state, ctxAt(T + 19 * MIN), newest, true, at19);
    expect(at19.messages).toEqual([]);

    const at20 = newAlertStep();
    evaluateStale(state, ctxAt(T + 20 * MIN), newest, true, at20);
    expect(types(at20)).toEqual(["alert:stale"]);
    expect(at20.messages[0]).toMatchObject({ alert: { message: "No data: no reading for 20 minutes (last 110 mg/dL)", reading_time: null } });
    expect(nextAlertDue(state, DEFAULT_ALERT_RULES, newest, true, T + 20 * MIN, 24 * 60 * MIN)).toBe(T + 35 * MIN); // the repeat comes before the urgent threshold

    const at40 = newAlertStep();
    evaluateStale(state, ctxAt(T + 40 * MIN), newest, true, at40);
    expect(types(at40)).toEqual(["resolved:stale", "alert:urgent_stale"]);
    expect(at40.events[0]).toMatchObject({ event: "resolved", value: null, message: "No data resolved" });

    const back = newAlertStep();
    const fresh = { time: T + 41 * MIN, value: 115 };
    evaluateStale(state, ctxAt(T + 41 * MIN), fresh, true, back);
    expect(types(back)).toEqual(["resolved:urgent_stale"]);
    expect(back.events[0]).toMatchObject({ value: 115, message: "Urgent, no data resolved: now 115 mg/dL" });
  });
});

describe("snapshot", () => {
  it("lists active alerts oldest first and only the snoozes still running", () => {
    const state = emptyAlertState();
    onReading(state, reading(T, 62, -3.5));
    onReading(state, reading(T + 5 * MIN, 62, -1));
    onReading(state, reading(T + 10 * MIN, 58, -3.5));
    snooze(state, T, { kind: "high", minutes: 15 }, newAlertStep());
    snooze(state, T + 10 * MIN, { kind: "low", minutes: 60 }, newAlertStep());
    const snap = alertSnapshot(state, T + 20 * MIN, "mg/dL");
    expect(snap.active_alerts.map((a) => a.kind)).toEqual<AlertKind[]>(["low", "falling_fast"]);
    expect(snap.active_alerts[0]).toMatchObject({ snoozed_until: new Date(T + 70 * MIN).toISOString() });
    expect(snap.snoozes).toEqual([{ kind: "low", until: new Date(T + 70 * MIN).toISOString() }]);
  });
});
