/**
 * Issue 6 in the insights pipeline, through the real queue consumer: the `forecast_train` stage
 * stores the user's forecast model (one row, replaced, not duplicated, by redelivery) which the
 * forecast API then serves, and the `day_clusters` stage's document behind
 * `GET /api/v1/insights/day-clusters` (contract, unit, empty state, isolation).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { startAnalysis } from "../../worker/insights/pipeline/jobs.ts";
import { api, register, type Account } from "./helpers.ts";
import { userD1 } from "./shard-helpers.ts";
import { deliver, drain, pipelineEnv, seededAccount, startOfToday } from "./pipeline-helpers.ts";

/**
 * The seeded data ends at the start of the account's day. Within two hours after Berlin's midnight
 * that end is recent enough to forecast from, so the account then lives in New York, whose day
 * began hours earlier.
 */
const timezone = Date.now() - startOfToday("Europe/Berlin") >= 2 * 3_600_000 ? "Europe/Berlin" : "America/New_York";

describe("forecast training and day clusters in the weekly analysis", () => {
  let account: Account;
  let userId: number;
  let jobId: string;

  beforeAll(async () => {
    ({ account, userId } = await seededAccount(28, { seed: 21, unit: "mmol/L", timezone }));
    const { penv, queue } = pipelineEnv();
    const { job } = await startAnalysis(penv, userId, { trigger: "api", periodDays: 28 });
    jobId = job.id;
    await drain(penv, queue);
  }, 120_000);

  it("stores a per-user forecast model, which the forecast API then uses", async () => {
    const rows = await (await userD1(userId)).prepare("SELECT kind, job_id, trained_at, data FROM user_models WHERE user_id = ?").bind(userId).all<{ kind: string; job_id: string; trained_at: number; data: string }>();
    expect(rows.results).toHaveLength(1);
    const row = rows.results[0]!;
    expect(row).toMatchObject({ kind: "forecast", job_id: jobId });
    const model = JSON.parse(row.data);
    expect(model).toMatchObject({ kind: "glucolens.forecast.ridge", scope: "user", features: { lags: 12, timeOfDay: true } });
    expect(row.data.length).toBeLessThan(8000); // small enough for a D1 row and the Durable Object

    const chunk = await (await userD1(userId)).prepare("SELECT result FROM insight_chunks WHERE job_id = ? AND stage = 'forecast_train'").bind(jobId).first<{ result: string }>();
    expect(JSON.parse(chunk!.result)).toMatchObject({ scope: "user", validationRmse: { "30": expect.any(Number), "60": expect.any(Number) } });

    const f = (await api("/api/v1/glucose/forecast", { token: account.access })).json;
    expect(f.model).toMatchObject({ kind: "user", trained_at: new Date(row.trained_at).toISOString() });
    // The seeded data ends at least two hours ago: too old to forecast from.
    expect(f.predictions).toEqual([]);
    expect(f.reason).toBe("no recent glucose readings");
  });

  it("stores nothing twice when the training chunk is delivered again", async () => {
    const before = await (await userD1(userId)).prepare("SELECT trained_at FROM user_models WHERE user_id = ?").bind(userId).all();
    const { penv } = pipelineEnv();
    await deliver(penv, [{ kind: "chunk", job_id: jobId, user_id: userId, stage: "forecast_train", part: 0 }]);
    const after = await (await userD1(userId)).prepare("SELECT trained_at FROM user_models WHERE user_id = ?").bind(userId).all();
    expect(after.results).toEqual(before.results);
  });

  it("serves the day clusters in the user's unit, with the contract's fields", async () => {
    const res = await api("/api/v1/insights/day-clusters", { token: account.access });
    expect(res.status).toBe(200);
    const d = res.json;
    expect(d).toMatchObject({ unit: "mmol/L", job: { id: jobId }, criterion: expect.stringContaining("silhouette"), notes: [] });
    expect(d.k).toBeGreaterThanOrEqual(2);
    expect(d.clusters).toHaveLength(d.k);
    expect(d.clusters.reduce((n: number, c: any) => n + c.days, 0)).toBeGreaterThanOrEqual(20);
    for (const c of d.clusters) {
      expect(c).toEqual({
        id: expect.any(Number),
        name: expect.any(String),
        description: expect.stringMatching(/^\d+ days: /),
        days: expect.any(Number),
        representative_dates: expect.any(Array),
        profile: expect.any(Array),
        features: expect.any(Array),
      });
      expect(c.profile).toHaveLength(24);
      // mmol/L: a profile of a day of this seed is between 3 and 15.
      expect(Math.min(...c.profile)).toBeGreaterThan(3);
      expect(Math.max(...c.profile)).toBeLessThan(15);
      expect(c.representative_dates.length).toBeGreaterThan(0);
      for (const f of c.features) expect(f).toEqual({ name: expect.any(String), cluster_mean: expect.toBeOneOf([null, expect.any(Number)]), other_mean: expect.toBeOneOf([null, expect.any(Number)]), p_value: expect.any(Number), significant: expect.any(Boolean) });
      expect(c.features.map((f: any) => f.name)).toContain("sleep_hours");
    }
    expect(new Set(d.clusters.map((c: any) => c.name)).size).toBe(d.k);
  });

  it("answers an empty state, 401, and never another user's clusters", async () => {
    expect((await api("/api/v1/insights/day-clusters")).status).toBe(401);
    const other = await register();
    expect((await api("/api/v1/insights/day-clusters", { token: other.access })).json).toEqual({
      job: null,
      unit: "mg/dL",
      k: 0,
      criterion: "",
      clusters: [],
      notes: [expect.stringContaining("No analysis has finished yet")],
    });
    expect((await api("/api/v1/glucose/forecast", { token: other.access })).json.model.kind).toBe("population");
  });
});
