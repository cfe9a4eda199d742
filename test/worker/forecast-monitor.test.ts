/**
 * Issue 6: the predicted-low alert of the live monitor runs on the real forecast model, through the
 * real Durable Object over the WebSocket: it warns before a synthetic descent reaches 70 mg/dL,
 * stays silent when the last hour has a gap (no forecast across it), and the object loads the
 * user's stored model with the alert settings (no extra D1 query per reading).
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { fixedOffsetMinuteOfDay, prepareSeries, trainForecastModel } from "../../analytics/forecast/index.ts";
import type { GlucoseMonitor } from "../../durable/glucose-monitor.ts";
import { generateSynthetic } from "../../seed/synthetic.ts";
import { api, register, type Account } from "./helpers.ts";
import { userD1ByEmail } from "./shard-helpers.ts";
import { Feed, MIN, monitorOf, postReading, settle, shiftClock } from "./monitor-helpers.ts";
import { internalId } from "./pipeline-helpers.ts";

async function bulk(account: Account, readings: { time: number; value: number }[]) {
  const res = await api("/api/v1/glucose/bulk", { token: account.access, body: { readings: readings.map((r) => ({ ...r, source: "cgm" })) } });
  expect(res.status, JSON.stringify(res.json)).toBeLessThan(300);
}

/** Posts one reading every 5 minutes from `start`, moving the object's clock along; stops at the first predicted-low alert. */
async function descend(a: Account, feed: Feed, start: number, value: (t: number) => number, steps: number) {
  const posted: number[] = [];
  for (let k = 0; k < steps; k++) {
    const t = start + k * 5 * MIN;
    await shiftClock(a, t - Date.now() + 1000);
    const v = value(t);
    await postReading(a, v, t);
    posted.push(v);
    await feed.next("reading", (m) => m.reading.value === v);
    await settle(50);
    if (feed.all("alert").some((m) => m.alert.kind === "predicted_low")) break;
  }
  return posted;
}

describe("predicted low on the real forecast", () => {
  it("warns before a steady descent crosses 70 mg/dL", async () => {
    const a = await register();
    const feed = await Feed.open(a);
    const now = Date.now();
    // 2 mg/dL per minute down, reaching 70 at now + 40 min. One hour of history first (old: raises nothing).
    // (The population model expects a fall to level off, so it warns ~15–20 minutes ahead at this rate.)
    const value = (t: number) => Math.round(150 - (2 * (t - now)) / MIN);
    const history: { time: number; value: number }[] = [];
    for (let m = -70; m <= -15; m += 5) history.push({ time: now + m * MIN, value: value(now + m * MIN) });
    await bulk(a, history);
    const posted = await descend(a, feed, now - 10 * MIN, value, 14);
    const alerts = feed.all("alert").map((m) => m.alert);
    const first = alerts.find((x) => x.kind === "predicted_low")!;
    expect(first).toBeDefined();
    expect(alerts.filter((x) => x.kind === "low" || x.kind === "urgent_low")).toEqual([]);
    // Raised while glucose was still above 70, within the 20-minute warning window.
    expect(first.value).toBeGreaterThan(70);
    expect(posted.every((v) => v > 70)).toBe(true);
    expect(first.message).toMatch(/^Low soon: low expected within \d+ minutes?, now \d+ mg\/dL and falling/);
    const minutes = Number(/within (\d+) minute/.exec(first.message)![1]);
    expect(minutes).toBeLessThanOrEqual(20);
    feed.close();
  });

  it("makes no prediction across a gap of over 15 minutes in the last hour (the same fall without the gap warns)", async () => {
    const now = Date.now();
    // 3 mg/dL per minute down: fresh readings 115, 100, 85, 70.
    const value = (t: number) => Math.round(100 - (3 * (t - now)) / MIN);
    const run = async (gap: boolean) => {
      const a = await register();
      const feed = await Feed.open(a);
      const history: { time: number; value: number }[] = [];
      for (let m = -75; m <= -15; m += 5) if (!gap || m <= -40) history.push({ time: now + m * MIN, value: value(now + m * MIN) });
      await bulk(a, history); // with the gap: nothing from −40 to −10 minutes
      await descend(a, feed, now - 5 * MIN, value, 3);
      feed.close();
      return feed.all("alert").filter((m) => m.alert.kind === "predicted_low");
    };
    expect(await run(true)).toEqual([]);
    const warned = await run(false);
    expect(warned).toHaveLength(1);
    expect(warned[0]!.alert.value).toBeGreaterThan(70);
  });

  it("loads the user's trained model with the settings, and the population model without one", async () => {
    const a = await register({ timezone: "America/New_York" });
    const b = await register();
    const data = generateSynthetic({ days: 4, seed: 5, timezone: "America/New_York", end: Date.now() - 86_400_000 });
    const { model } = trainForecastModel(prepareSeries(data.readings), { minuteOfDay: fixedOffsetMinuteOfDay(-300) });
    await (await userD1ByEmail(a.email)).prepare("INSERT INTO user_models (user_id, kind, data, job_id, trained_at) VALUES (?, 'forecast', ?, 'test', ?)").bind(await internalId(a.email), JSON.stringify(model), Date.now()).run();
    await postReading(a, 120);
    await postReading(b, 120);
    const forecastOf = (account: Account) =>
      runInDurableObject(monitorOf(account), (instance: GlucoseMonitor) => (instance as unknown as { config: { forecast?: { model: { scope: string } | null; timezone: string } } }).config.forecast);
    expect(await forecastOf(a)).toMatchObject({ model: { scope: "user", kind: "glucolens.forecast.ridge" }, timezone: "America/New_York" });
    expect(await forecastOf(b)).toMatchObject({ model: null });
  });
});
