/**
 * Failure path of the insights pipeline: a chunk that throws is retried with backoff, and after
 * the last retry the dead-letter queue's consumer marks the job failed with the reason.
 */
import { describe, expect, it } from "vitest";
import { startAnalysis } from "../../worker/insights/pipeline/jobs.ts";
import type { ChunkMessage } from "../../worker/insights/pipeline/messages.ts";
import { api, register } from "./helpers.ts";
import { countOnShards, runOnShards } from "./shard-helpers.ts";
import { deliver, DLQ, drain, internalId, pipelineEnv, seededAccount } from "./pipeline-helpers.ts";

describe("a failing chunk", () => {
  it("retries with backoff, then dead-letters and fails the job with the reason", async () => {
    const { account, userId } = await seededAccount(10);
    const { penv, queue } = pipelineEnv();
    const { job } = await startAnalysis(penv, userId, { trigger: "api", periodDays: 10 });
    await deliver(penv, queue.take()); // prepare
    const fanOut = queue.take() as ChunkMessage[];
    const mp = fanOut.find((m) => m.stage === "mp")!;
    expect(mp).toBeDefined();

    // The pattern search reads the prepared series; corrupt it so the chunk throws every time.
    await runOnShards("UPDATE insight_chunks SET data = 'not a packed series' WHERE job_id = ? AND stage = 'prepare'", job.id);
    const delays: number[] = [];
    // max_retries = 3 in wrangler.toml: four attempts in all.
    for (let attempts = 1; attempts <= 4; attempts++) {
      const result = await deliver(penv, [mp], { attempts });
      expect(result.explicitAcks).toEqual([]);
      expect(result.retryMessages).toHaveLength(1);
      delays.push(result.retryOptions[0]!.delaySeconds!);
    }
    expect(delays).toEqual([10, 20, 40, 80]);
    const retrying = await api(`/api/v1/insights/jobs/${job.id}`, { token: account.access });
    expect(retrying.json).toMatchObject({ status: "running", error: null });

    // The platform then moves the message to the dead-letter queue.
    const dead = await deliver(penv, [mp], { queue: DLQ });
    expect(dead.explicitAcks).toHaveLength(1);
    const failed = await api(`/api/v1/insights/jobs/${job.id}`, { token: account.access });
    expect(failed.json.status).toBe("failed");
    expect(failed.json.error).toMatch(/^The analysis failed and was stopped after repeated attempts\. Last error in pattern search \(mp part 1\), attempt 4: .*corrupt chunk data/);

    // The other chunks of the failed job are acknowledged without computing anything.
    const rest = await deliver(penv, fanOut.filter((m) => m !== mp));
    expect(rest.retryMessages).toEqual([]);
    const chunks = { n: await countOnShards("SELECT count(*) AS n FROM insight_chunks WHERE job_id = ?", job.id) };
    expect(chunks!.n).toBe(1);
    expect(queue.take()).toEqual([]);

    // With the failed job finished, a new analysis can start.
    const next = await startAnalysis(penv, userId, { trigger: "api", periodDays: 10 });
    expect(next.created).toBe(true);
  });

  it("drops malformed messages and those of unknown jobs without retrying", async () => {
    const { penv } = pipelineEnv();
    const bad = await deliver(penv, [{ kind: "chunk", job_id: "nope", user_id: 1, stage: "mp", part: 0 }, { kind: "mystery" } as never]);
    expect(bad.explicitAcks).toHaveLength(2);
    expect(bad.retryMessages).toEqual([]);
  });
});

describe("an account without data", () => {
  it("finishes its analysis with results that say what is missing", async () => {
    const account = await register();
    const { penv, queue } = pipelineEnv();
    const { job } = await startAnalysis(penv, await internalId(account.email), { trigger: "api", periodDays: 14 });
    await drain(penv, queue);
    const status = await api(`/api/v1/insights/jobs/${job.id}`, { token: account.access });
    expect(status.json).toMatchObject({ status: "done", progress: 1 });
    const corr = await api("/api/v1/insights/correlations", { token: account.access });
    expect(corr.json).toMatchObject({ job: { id: job.id }, items: [], notes: ["Correlations need at least 10 days with CGM data; you have 0."] });
    const causal = await api("/api/v1/insights/causal", { token: account.access });
    expect(causal.json).toMatchObject({ method: "lagged_correlation", reason: "PCMCI needs at least 30 days with CGM data; you have 0", links: [] });
    const patterns = await api("/api/v1/insights/patterns", { token: account.access });
    expect(patterns.json.notes).toEqual([
      "No pattern search: it needs at least two days of CGM data without long gaps; there are 0 days.",
      "No similar days: it needs at least two days of CGM data with no gap over an hour; you have 0.",
    ]);
    const rules = await api("/api/v1/insights/rules", { token: account.access });
    expect(rules.json.notes).toEqual(["No if-then rules: they need at least 14 days with CGM data; you have 0."]);
  });
});
