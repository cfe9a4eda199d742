/**
 * Daily aggregation: local days that follow DST (23 and 25 hours), idempotent re-aggregation,
 * back-fill when older data arrives, and the Cron Triggers (hourly aggregation at 03:00 local time,
 * stalled-job recovery, weekly analysis starts) through `worker.scheduled`.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index.ts";
import { backfillMessages, enqueueBackfill } from "../../worker/insights/pipeline/backfill.ts";
import { HOURLY_CRON, WEEKLY_CRON } from "../../worker/insights/pipeline/cron.ts";
import { startAnalysis, type PipelineEnv } from "../../worker/insights/pipeline/jobs.ts";
import type { PipelineMessage } from "../../worker/insights/pipeline/messages.ts";
import { findJob } from "../../worker/insights/repository.ts";
import { insertReadings } from "../../worker/repositories/readings.ts";
import { api, register } from "./helpers.ts";
import { runOnShards, userD1, userDb } from "./shard-helpers.ts";
import { deliver, internalId, pipelineEnv } from "./pipeline-helpers.ts";

const MIN = 60_000;

/** Readings every 5 minutes over [start, end). */
function readings(start: number, end: number) {
  const out = [];
  for (let t = start, i = 0; t < end; t += 5 * MIN, i++) out.push({ time: t, value: 90 + (i % 60), source: "cgm", trend: null });
  return out;
}

async function scheduled(penv: PipelineEnv, cron: string, scheduledTime: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron, scheduledTime }), penv as unknown as Env, ctx);
  await waitOnExecutionContext(ctx);
}

const mine = (userId: number, messages: PipelineMessage[]) => messages.filter((m) => m.user_id === userId);

describe("daily aggregation", () => {
  it("aggregates DST days with 23 and 25 hours, replaces on re-run, and back-fills older data", async () => {
    const a = await register({ timezone: "Europe/Berlin" });
    const userId = await internalId(a.email);
    // 2024-03-30 00:00 to 2024-04-01 00:00 and 2024-10-26 00:00 to 2024-10-28 00:00, Berlin time.
    const spring = readings(Date.UTC(2024, 2, 29, 23), Date.UTC(2024, 2, 31, 22));
    const autumn = readings(Date.UTC(2024, 9, 25, 22), Date.UTC(2024, 9, 27, 23));
    await insertReadings(await userDb(userId), userId, [...spring, ...autumn]);
    await api("/api/v1/sleep", { token: a.access, body: { start: "2024-03-30T23:30:00+01:00", end: "2024-03-31T07:30:00+02:00", quality: 4 } });

    // Older data arrived: its completed local days are queued, at most a month per message.
    const { penv, queue } = pipelineEnv();
    const sent = await enqueueBackfill(penv, userId, [...spring, ...autumn].map((r) => r.time));
    expect(sent).toEqual([
      { kind: "aggregate", user_id: userId, days: ["2024-03-30", "2024-03-31"] },
      { kind: "aggregate", user_id: userId, days: ["2024-10-26", "2024-10-27"] },
    ]);
    const result = await deliver(penv, queue.take());
    expect(result.explicitAcks).toHaveLength(2);

    const daily = await api("/api/v1/insights/daily?start=2024-03-30&end=2024-03-31", { token: a.access });
    expect(daily.status).toBe(200);
    expect(daily.json.items.map((d: any) => [d.date, d.hours, d.readings, d.coverage_percent])).toEqual([
      ["2024-03-30", 24, 288, 100],
      ["2024-03-31", 23, 276, 100],
    ]);
    // The night ending on the morning of the 31st (7 h of clock time across the change) is that day's sleep.
    expect(daily.json.items[1].lifestyle.sleep_hours).toBe(7);
    expect(daily.json.items[1]).toMatchObject({ start: "2024-03-30T23:00:00.000Z", end: "2024-03-31T22:00:00.000Z" });
    const autumnDays = await api("/api/v1/insights/daily?start=2024-10-26&end=2024-10-27", { token: a.access });
    expect(autumnDays.json.items.map((d: any) => [d.date, d.hours, d.readings])).toEqual([
      ["2024-10-26", 24, 288],
      ["2024-10-27", 25, 300],
    ]);

    // Re-running replaces: same values; after the day's readings are deleted the row goes away.
    await deliver(penv, [{ kind: "aggregate", user_id: userId, days: ["2024-03-31"] }]);
    const again = await api("/api/v1/insights/daily?start=2024-03-30&end=2024-03-31", { token: a.access });
    expect(again.json.items.map((d: any) => d.glucose)).toEqual(daily.json.items.map((d: any) => d.glucose));
    await api(`/api/v1/glucose/readings?start=${Date.UTC(2024, 2, 30, 23)}&end=${Date.UTC(2024, 2, 31, 22)}`, { method: "DELETE", token: a.access });
    await deliver(penv, [{ kind: "aggregate", user_id: userId, days: ["2024-03-31"] }]);
    const after = await api("/api/v1/insights/daily?start=2024-03-31&end=2024-03-31", { token: a.access });
    // The sleep record keeps the day (lifestyle data), its glucose is gone.
    expect(after.json.items).toHaveLength(1);
    expect(after.json.items[0]).toMatchObject({ readings: 0, glucose: { mean: null } });
  });

  it("an upload of older readings over the API back-fills their days through the real queue", async () => {
    const a = await register({ timezone: "Europe/Berlin" });
    const body = { readings: readings(Date.UTC(2024, 4, 31, 22), Date.UTC(2024, 5, 2, 22)).map(({ trend: _t, ...r }) => r) };
    expect((await api("/api/v1/glucose/bulk", { token: a.access, body })).json.inserted).toBe(576);
    const until = Date.now() + 30_000;
    let items: any[] = [];
    while (items.length < 2 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      items = (await api("/api/v1/insights/daily?start=2024-06-01&end=2024-06-02", { token: a.access })).json.items;
    }
    expect(items.map((d: any) => [d.date, d.readings])).toEqual([
      ["2024-06-01", 288],
      ["2024-06-02", 288],
    ]);
  });

  it("back-fill skips today and splits long ranges into month-sized messages", () => {
    const days = Array.from({ length: 70 }, (_, i) => 19_800 + i);
    const messages = backfillMessages(5, days);
    expect(messages.map((m) => (m.kind === "aggregate" ? m.days.length : 0))).toEqual([31, 31, 8]);
  });

  it("the hourly cron aggregates yesterday for users whose local time is 03:xx", async () => {
    const berlin = await register({ timezone: "Europe/Berlin" });
    const kolkata = await register({ timezone: "Asia/Kolkata" });
    const [b, k] = await Promise.all([internalId(berlin.email), internalId(kolkata.email)]);
    // Both have readings on 2024-03-31 (Berlin's 23-hour day).
    await insertReadings(await userDb(b), b, readings(Date.UTC(2024, 2, 30, 23), Date.UTC(2024, 2, 31, 22)));
    await insertReadings(await userDb(k), k, readings(Date.UTC(2024, 2, 30, 18, 30), Date.UTC(2024, 2, 31, 18, 30)));

    const { penv, queue } = pipelineEnv();
    // 01:00 UTC on 1 April = 03:00 in Berlin (CEST), 06:30 in Kolkata.
    await scheduled(penv, HOURLY_CRON, Date.UTC(2024, 3, 1, 1));
    const sent = queue.take();
    expect(mine(b, sent)).toEqual([{ kind: "aggregate", user_id: b, days: ["2024-03-31"] }]);
    expect(mine(k, sent)).toEqual([]);
    // 22:00 UTC on 31 March = 03:30 on 1 April in Kolkata, midnight in Berlin.
    await scheduled(penv, HOURLY_CRON, Date.UTC(2024, 2, 31, 22));
    const later = queue.take();
    expect(mine(k, later)).toEqual([{ kind: "aggregate", user_id: k, days: ["2024-03-31"] }]);
    expect(mine(b, later)).toEqual([]);

    await deliver(penv, [...mine(b, sent), ...mine(k, later)]);
    const day = await api("/api/v1/insights/daily?start=2024-03-31&end=2024-03-31", { token: berlin.access });
    expect(day.json.items.map((d: any) => [d.hours, d.readings])).toEqual([[23, 276]]);
    const kDay = await api("/api/v1/insights/daily?start=2024-03-31&end=2024-03-31", { token: kolkata.access });
    expect(kDay.json.items.map((d: any) => [d.hours, d.readings])).toEqual([[24, 288]]);
  });

  it("the hourly cron re-sends a stalled job's lost messages and fails a job stuck for an hour", async () => {
    const a = await register();
    const userId = await internalId(a.email);
    const { penv, queue } = pipelineEnv();
    const { job } = await startAnalysis(penv, userId, { trigger: "api", periodDays: 7 });
    queue.take(); // the prepare message is lost
    const now = Date.now();
    await runOnShards("UPDATE insight_jobs SET updated_at = ? WHERE id = ?", now - 11 * MIN, job.id);
    await scheduled(penv, HOURLY_CRON, now);
    expect(mine(userId, queue.take())).toEqual([{ kind: "chunk", job_id: job.id, user_id: userId, stage: "prepare", part: 0 }]);

    await runOnShards("UPDATE insight_jobs SET updated_at = ? WHERE id = ?", now - 61 * MIN, job.id);
    await scheduled(penv, HOURLY_CRON, now);
    const stuck = await findJob(await userDb(userId), userId, job.id);
    expect(stuck).toMatchObject({ status: "failed", error: "The analysis stopped making progress (last step: prepare) and was stopped." });
  });

  it("the weekly cron starts an analysis for every active user", async () => {
    const a = await register();
    const userId = await internalId(a.email);
    const now = Date.now();
    await insertReadings(await userDb(userId), userId, readings(now - 3 * 86_400_000, now - 2 * 86_400_000));
    const { penv, queue } = pipelineEnv();
    await scheduled(penv, WEEKLY_CRON, now);
    const starts = mine(userId, queue.take());
    expect(starts).toEqual([{ kind: "start", user_id: userId, trigger: "cron" }]);
    await deliver(penv, starts);
    const job = await (await userD1(userId)).prepare("SELECT id, trigger, status FROM insight_jobs WHERE user_id = ?").bind(userId).first<{ id: string; trigger: string; status: string }>();
    expect(job).toMatchObject({ trigger: "cron", status: "queued" });
    expect(mine(userId, queue.take())).toEqual([{ kind: "chunk", job_id: job!.id, user_id: userId, stage: "prepare", part: 0 }]);
    // A second weekly start while it runs finds the same job.
    await deliver(penv, starts);
    const count = await (await userD1(userId)).prepare("SELECT count(*) AS n FROM insight_jobs WHERE user_id = ?").bind(userId).first<{ n: number }>();
    expect(count!.n).toBe(1);
  });
});
