/**
 * Escalation of urgent lows to caregivers, timed by the Durable Object's alarm: an
 * urgent low not acknowledged within the escalation time (default 10 minutes, configurable) is
 * escalated once and recorded in the alert history; an acknowledged one is not; the setting is
 * validated. Time moves with the object's clock; alarms fire with runDurableObjectAlarm.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { GlucoseMonitor } from "../../durable/glucose-monitor.ts";
import { api, expectFieldError } from "./helpers.ts";
import { historyUntil, MIN, monitorOf, postReading, shiftClock } from "./monitor-helpers.ts";
import { pair } from "./sharing-helpers.ts";

async function urgentLow(owner: Parameters<typeof postReading>[0]) {
  const now = Date.now();
  await postReading(owner, 58, now - 5 * MIN);
  await postReading(owner, 50, now);
  const events = await historyUntil(owner, (items) => items.some((e: any) => e.kind === "urgent_low" && e.event === "raised"));
  return events.find((e: any) => e.kind === "urgent_low")!;
}

const escalations = (items: any[]) => items.filter((e) => e.event === "escalated");

describe("escalation", () => {
  it("escalates an unacknowledged urgent low after 10 minutes, once, and records it", async () => {
    const { owner } = await pair();
    const raised = await urgentLow(owner);
    const due = await runInDurableObject(monitorOf(owner), async (_i: GlucoseMonitor, state) => state.storage.sql.exec<{ due: number }>("SELECT due FROM escalations").one().due);
    expect(due - Date.parse(raised.time)).toBe(10 * MIN);

    // Before the deadline the alarm escalates nothing.
    await shiftClock(owner, 9 * MIN);
    await runDurableObjectAlarm(monitorOf(owner));
    expect(escalations((await api("/api/v1/alerts", { token: owner.access })).json.items)).toEqual([]);

    await shiftClock(owner, 10 * MIN + 1000);
    await runDurableObjectAlarm(monitorOf(owner));
    const items = await historyUntil(owner, (all) => escalations(all).length === 1);
    expect(escalations(items)[0]).toMatchObject({ alert_id: raised.alert_id, event: "escalated", kind: "urgent_low", level: "urgent", value: 50, message: expect.stringMatching(/^Escalated to caregivers: Urgent low: 50 mg\/dL/) });

    // Later alarms (repeats) do not escalate it again.
    await shiftClock(owner, 30 * MIN);
    await runDurableObjectAlarm(monitorOf(owner));
    await shiftClock(owner, 45 * MIN);
    await runDurableObjectAlarm(monitorOf(owner));
    expect(escalations((await api("/api/v1/alerts?limit=1000", { token: owner.access })).json.items)).toHaveLength(1);
  });

  it("does not escalate an urgent low acknowledged in time", async () => {
    const { owner } = await pair();
    const raised = await urgentLow(owner);
    expect((await api(`/api/v1/alerts/${raised.alert_id}/ack`, { token: owner.access, method: "POST" })).status).toBe(200);
    await shiftClock(owner, 11 * MIN);
    await runDurableObjectAlarm(monitorOf(owner));
    await historyUntil(owner, (all) => all.some((e: any) => e.event === "acknowledged"));
    expect(escalations((await api("/api/v1/alerts", { token: owner.access })).json.items)).toEqual([]);
  });

  it("uses the user's escalation time, validated", async () => {
    const { owner } = await pair();
    expect((await api("/api/v1/sharing/settings", { token: owner.access })).json).toEqual({ escalation_minutes: 10 });
    expectFieldError(await api("/api/v1/sharing/settings", { token: owner.access, method: "PUT", body: { escalation_minutes: 0 } }), 422, "escalation_minutes");
    expectFieldError(await api("/api/v1/sharing/settings", { token: owner.access, method: "PUT", body: { escalation_minutes: 121 } }), 422, "escalation_minutes");
    expectFieldError(await api("/api/v1/sharing/settings", { token: owner.access, method: "PUT", body: { escalation_minutes: 2.5 } }), 422, "escalation_minutes");
    expectFieldError(await api("/api/v1/sharing/settings", { token: owner.access, method: "PUT", body: {} }), 422, "escalation_minutes");
    const set = await api("/api/v1/sharing/settings", { token: owner.access, method: "PUT", body: { escalation_minutes: 3 } });
    expect(set.status).toBe(200);
    expect((await api("/api/v1/sharing/settings", { token: owner.access })).json).toEqual({ escalation_minutes: 3 });

    const raised = await urgentLow(owner);
    await shiftClock(owner, 3 * MIN + 1000);
    await runDurableObjectAlarm(monitorOf(owner));
    const items = await historyUntil(owner, (all) => escalations(all).length === 1);
    expect(escalations(items)[0].alert_id).toBe(raised.alert_id);
  });
});
