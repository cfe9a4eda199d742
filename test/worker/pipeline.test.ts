/**
 * The insights pipeline end to end inside workerd: a 90-day account with planted relationships
 * (seed/synthetic.ts PLANTED) analysed by the real queue consumer (`worker.queue` driven with
 * createMessageBatch), then read through the insights API.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { processChunk } from "../../worker/insights/pipeline/consumer.ts";
import { startAnalysis } from "../../worker/insights/pipeline/jobs.ts";
import type { ChunkMessage } from "../../worker/insights/pipeline/messages.ts";
import { findJob, jobResults } from "../../worker/insights/repository.ts";
import { api, type Account } from "./helpers.ts";
import { userD1, userDb } from "./shard-helpers.ts";
import { deliver, drain, pipelineEnv, seeded, seededAccount } from "./pipeline-helpers.ts";

let account: Account;
let userId: number;
let firstJob: string;

beforeAll(async () => {
  ({ account, userId } = await seededAccount(90));
});

describe("analysis of a 90-day account with planted relationships", () => {
  it("runs through the queue consumer to done, with progress and stage along the way", async () => {
    const { penv, queue } = pipelineEnv();
    const { job, created } = await startAnalysis(penv, userId, { trigger: "api" });
    expect(created).toBe(true);
    expect(job).toMatchObject({ status: "queued", periodDays: 90 });
    expect(queue.sent).toEqual([{ kind: "chunk", job_id: job.id, user_id: userId, stage: "prepare", part: 0 }]);
    // One job per user at a time: asking again returns the same job.
    const again = await startAnalysis(penv, userId, { trigger: "api" });
    expect(again).toMatchObject({ created: false, job: { id: job.id } });

    // Deliver the first round only and look at the progress.
    await deliver(penv, queue.take());
    const running = await api(`/api/v1/insights/jobs/${job.id}`, { token: account.access });
    expect(running.json).toMatchObject({ status: "running", stage: "prepare", chunks: { done: 1 } });
    expect(running.json.progress).toBeCloseTo(1 / running.json.chunks.planned, 2);
    // The pattern search of 25,920 points is split by diagonals into several chunks.
    expect(running.json.chunks.plan.mp).toBeGreaterThanOrEqual(4);

    await drain(penv, queue);
    const done = await api(`/api/v1/insights/jobs/${job.id}`, { token: account.access });
    expect(done.json).toMatchObject({ status: "done", progress: 1, error: null });
    expect(done.json.chunks.done).toBe(done.json.chunks.planned);
    expect(done.json.timings.largest_chunk_cpu_ms).toBeGreaterThan(0);
    expect(done.json.timings.largest_chunk_cpu_ms).toBeLessThan(5000);
    firstJob = job.id;
  });

  it("finds short sleep → higher next-day glucose and the other planted effects, and names the job", async () => {
    const res = await api("/api/v1/insights/correlations", { token: account.access });
    expect(res.status).toBe(200);
    expect(res.json.job).toMatchObject({ id: firstJob, period: { days: 90 } });
    const find = (factor: string, target: string, lag: number) => res.json.items.find((i: any) => i.factor === factor && i.target === target && i.lag_days === lag);

    const sleep = find("sleep_hours", "mean_glucose", 1);
    expect(sleep).toMatchObject({ significant: true, direction: "negative" });
    expect(sleep.q).toBeLessThan(0.05);
    expect(sleep.effect.value).toBeGreaterThan(10); // planted: +18 mg/dL baseline and larger meal rises
    expect(sleep.sentence).toMatch(/^After nights with under 6 h of sleep, your next-day average glucose is \d+ mg\/dL higher than after longer nights \(r = -0\.\d\d, p [<=] [\d.]+, \d+ days\)\.$/);

    const late = find("late_meal", "morning_glucose", 1);
    expect(late).toMatchObject({ significant: true, direction: "positive" });
    expect(late.sentence).toMatch(/^After days with a meal after 21:00, your next-day overnight and morning glucose is \d+ mg\/dL higher than after days without one \(r = 0\.\d\d, p [<=] [\d.]+, \d+ days\)\.$/);

    // Planted-absent: medication timing and steps on rest days (walks) are never significant.
    const absent = res.json.items.filter((i: any) => (i.factor === "medication_time" || i.factor === "rest_day_steps") && i.significant);
    expect(absent).toEqual([]);
    expect(res.json.items.some((i: any) => i.factor === "medication_time")).toBe(true);
    // Ranked: significant first, strongest first.
    // Plain correlations cannot separate the small exercise effect from the large sleep effect;
    // PCMCI does (next test).
    const firstInsignificant = res.json.items.findIndex((i: any) => !i.significant);
    expect(res.json.items.slice(firstInsignificant).every((i: any) => !i.significant)).toBe(true);
  });

  it("PCMCI links short sleep to next-day glucose and leaves medication timing out", async () => {
    const res = await api("/api/v1/insights/causal", { token: account.access });
    expect(res.json).toMatchObject({ job: { id: firstJob }, method: "pcmci", reason: null });
    const sleep = res.json.links.find((l: any) => l.source === "sleep_hours" && l.lag_days === 1 && (l.target === "mean_glucose" || l.target === "morning_glucose"));
    expect(sleep, JSON.stringify(res.json.links)).toBeDefined();
    expect(sleep.strength).toBeLessThan(0);
    expect(sleep.sentence).toMatch(/^More sleep is followed by lower .* the next day, even after accounting for your other habits/);
    // Conditioning on sleep uncovers the smaller planted effects that plain correlations miss.
    const late = res.json.links.find((l: any) => l.source === "late_meal" && l.target === "morning_glucose" && l.lag_days === 1);
    expect(late?.strength).toBeGreaterThan(0);
    expect(late.sentence).toMatch(/^A late meal \(after 21:00\) is followed by higher overnight and morning glucose the next day/);
    const exercise = res.json.links.find((l: any) => l.source === "exercise_minutes" && l.target === "morning_glucose" && l.lag_days === 1);
    expect(exercise?.strength).toBeLessThan(0);
    expect(res.json.links.filter((l: any) => l.source === "medication_time")).toEqual([]);
    expect(res.json.graph.edges.filter((e: any) => e.source === "medication_time" || e.target === "medication_time")).toEqual([]);
    expect(res.json.graph.nodes.map((n: any) => n.id)).toContain("sleep_hours");
  });

  it("reports motifs, anomalies and similar days, and IF-THEN rules", async () => {
    const patterns = await api("/api/v1/insights/patterns", { token: account.access });
    expect(patterns.json).toMatchObject({ job: { id: firstJob }, unit: "mg/dL", window_minutes: 120, timezone: "Europe/Berlin" });
    expect(patterns.json.motifs.length).toBeGreaterThan(0);
    const motif = patterns.json.motifs[0];
    expect(motif.occurrences.length).toBeGreaterThanOrEqual(2);
    expect(motif.occurrences[0].values).toHaveLength(24);
    expect(motif.minutes).toHaveLength(24);
    expect(motif.sentence).toMatch(/^A recurring 2-hour shape: your glucose .*\. Seen \d+ times/);
    expect(patterns.json.anomalies.length).toBeGreaterThan(0);
    expect(patterns.json.anomalies[0].sentence).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}: for 2 hours from/);
    expect(patterns.json.similar_days.length).toBeGreaterThan(0);
    expect(patterns.json.similar_days[0].similar).toHaveLength(3);

    const rules = await api("/api/v1/insights/rules", { token: account.access });
    expect(rules.json.job.id).toBe(firstJob);
    const shortSleep = rules.json.items.find((r: any) => r.if.length === 1 && r.if[0].startsWith("under 6 h of sleep"));
    expect(shortSleep, JSON.stringify(rules.json)).toBeDefined();
    expect(shortSleep.lift).toBeGreaterThan(1.5);
    expect(shortSleep.then[0]).toMatch(/^a high-glucose day/);
    expect(shortSleep.sentence).toMatch(/^On \d+ of the \d+ days with under 6 h of sleep the night before/);
  });

  it("redelivered, duplicated and out-of-order messages give identical results", async () => {
    const { penv, queue } = pipelineEnv();
    const { job } = await startAnalysis(penv, userId, { trigger: "api" });
    expect(job.id).not.toBe(firstJob);
    // Every round shuffled and every message delivered twice, in batches of three.
    const delivered = await drain(penv, queue, { shuffle: seeded(7), duplicate: true, batchSize: 3 });
    expect(delivered.length).toBeGreaterThan(2 * (await findJob(await userDb(userId), userId, job.id))!.plannedChunks - 1);
    expect((await findJob(await userDb(userId), userId, job.id))!.status).toBe("done");
    const [a, b] = await Promise.all([jobResults(await userDb(userId), userId, firstJob), jobResults(await userDb(userId), userId, job.id)]);
    expect([...b.keys()].sort()).toEqual(["causal", "correlations", "day_clusters", "metrics", "patterns", "rules"]);
    expect(b).toEqual(a);
  });

  it("a redelivered chunk recomputes nothing and a chunk before its dependencies is dropped", async () => {
    const { penv, queue } = pipelineEnv();
    const { job } = await startAnalysis(penv, userId, { trigger: "api" });
    const prepare = queue.take()[0] as ChunkMessage;
    const early: ChunkMessage = { ...prepare, stage: "mp_merge", part: 0 };
    expect(await processChunk(early, penv)).toBe("too-early");
    expect(await processChunk(prepare, penv)).toBe("stored");
    const fanOut = queue.take();
    const row = async () => (await userD1(userId)).prepare("SELECT created_at, cpu_ms, length(data) AS size FROM insight_chunks WHERE job_id = ? AND stage = 'prepare'").bind(job.id).first();
    const before = await row();
    expect(await processChunk(prepare, penv)).toBe("redelivered");
    expect(await row()).toEqual(before);
    expect(queue.take()).toEqual([]); // the stages it unlocked were already sent, once
    expect(fanOut.map((m) => (m as ChunkMessage).stage)).not.toContain("mp_merge");
    // A copy of a message from a finished job is dropped.
    expect(await processChunk({ ...prepare, job_id: firstJob }, penv)).toBe("job-finished");
    // Another user's job id is unknown to this user.
    expect(await processChunk({ ...prepare, user_id: userId + 100_000 }, penv)).toBe("unknown-job");
    queue.sent.push(...fanOut);
    await drain(penv, queue);
    expect((await findJob(await userDb(userId), userId, job.id))!.status).toBe("done");
  });
});
