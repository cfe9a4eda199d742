/**
 * /api/v1/insights over HTTP (SELF.fetch): authentication, validation, empty states, a job run by
 * the real local queue (the pool delivers what the Worker sends), "not enough data" as a result,
 * per-user isolation and the user's unit.
 */
import { describe, expect, it } from "vitest";
import { correlationSentence } from "../../worker/insights/sentences.ts";
import { api, expectFieldError, register, type Account } from "./helpers.ts";
import { internalId, startOfToday, store } from "./pipeline-helpers.ts";
import { generateSynthetic } from "../../seed/synthetic.ts";

const ROUTES = ["/daily", "/jobs/x", "/correlations", "/causal", "/patterns", "/rules", "/dashboard", "/agp"];

/** Polls the job until it is done or failed (the local queue delivers within about a second per round). */
async function waitForJob(account: Account, jobId: string, timeoutMs = 45_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await api(`/api/v1/insights/jobs/${jobId}`, { token: account.access });
    expect(res.status).toBe(200);
    if (res.json.status === "done" || res.json.status === "failed") return res.json;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${res.json.status} at ${res.json.stage} (${res.json.progress})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("insights API", () => {
  it("requires a token on every route", async () => {
    for (const path of ROUTES) expect((await api(`/api/v1/insights${path}`)).status, path).toBe(401);
    expect((await api("/api/v1/insights/trigger-analysis", { method: "POST" })).status).toBe(401);
  });

  it("validates queries and bodies with the error envelope", async () => {
    const a = await register();
    expectFieldError(await api("/api/v1/insights/trigger-analysis", { token: a.access, body: { period_days: 3 } }), 422, "period_days");
    expectFieldError(await api("/api/v1/insights/trigger-analysis", { token: a.access, body: { period_days: 200 } }), 422, "period_days");
    expectFieldError(await api("/api/v1/insights/dashboard?period_days=0", { token: a.access }), 422, "period_days");
    expectFieldError(await api("/api/v1/insights/agp?days=abc", { token: a.access }), 422, "days");
    expectFieldError(await api("/api/v1/insights/daily?start=yesterday", { token: a.access }), 422, "start");
    expectFieldError(await api("/api/v1/insights/daily?start=2024-05-02&end=2024-05-01", { token: a.access }), 422, "end");
    expectFieldError(await api("/api/v1/insights/daily?start=2020-01-01&end=2024-05-01", { token: a.access }), 422, "start");
    expect((await api("/api/v1/insights/jobs/not-a-job", { token: a.access })).status).toBe(404);
  });

  it("answers empty results before any analysis, naming no job", async () => {
    const a = await register({ unit: "mmol/L" });
    const corr = await api("/api/v1/insights/correlations", { token: a.access });
    expect(corr.json).toMatchObject({ job: null, unit: "mmol/L", items: [], notes: [expect.stringMatching(/trigger-analysis/)] });
    expect((await api("/api/v1/insights/causal", { token: a.access })).json).toMatchObject({ job: null, links: [], graph: { nodes: [], edges: [] } });
    expect((await api("/api/v1/insights/patterns", { token: a.access })).json).toMatchObject({ job: null, motifs: [], anomalies: [], similar_days: [] });
    expect((await api("/api/v1/insights/rules", { token: a.access })).json).toMatchObject({ job: null, items: [] });
    const dash = await api("/api/v1/insights/dashboard", { token: a.access });
    expect(dash.json).toMatchObject({ period_days: 7, unit: "mmol/L", current: { metrics: null }, insights: [], job: null });
    expect(dash.json.targets.map((t: any) => t.met)).toEqual([null, null, null, null]);
    const agp = await api("/api/v1/insights/agp", { token: a.access });
    expect(agp.json).toMatchObject({ days: 14, readings: 0, bin_minutes: 15 });
    expect(agp.json.minute).toHaveLength(96);
    expect(agp.json.p50.every((v: unknown) => v === null)).toBe(true);
    expect((await api("/api/v1/insights/daily", { token: a.access })).json.items).toEqual([]);
  });

  it("runs a job through the real local queue; too little data is a result that says what is missing", async () => {
    // 40 days of CGM, meals and activities, but sleep logged on only the last 12 nights.
    const a = await register({ timezone: "America/New_York" });
    const userId = await internalId(a.email);
    const data = generateSynthetic({ days: 40, seed: 3, timezone: "America/New_York", end: startOfToday("America/New_York") });
    await store(userId, { ...data, sleep: data.sleep.slice(-12) });

    const trigger = await api("/api/v1/insights/trigger-analysis", { token: a.access, body: { period_days: 40 } });
    expect(trigger.status).toBe(202);
    expect(trigger.json).toMatchObject({ job_id: expect.any(String), status: "queued", already_running: false });
    expect(trigger.headers.get("location")).toBe(`/api/v1/insights/jobs/${trigger.json.job_id}`);
    // One job per user at a time: a second trigger (even without a body) returns the running job.
    const second = await api("/api/v1/insights/trigger-analysis", { token: a.access, method: "POST" });
    expect(second.status).toBe(202);
    expect(second.json).toMatchObject({ job_id: trigger.json.job_id, already_running: true });

    const job = await waitForJob(a, trigger.json.job_id);
    expect(job).toMatchObject({ status: "done", progress: 1, error: null, trigger: "api", period: { days: 40 } });

    const causal = await api("/api/v1/insights/causal", { token: a.access });
    expect(causal.json).toMatchObject({ job: { id: job.job_id }, method: "lagged_correlation", reason: "PCMCI needs at least 30 days with sleep records; you have 12" });
    expect(causal.json.notes[0]).toBe("PCMCI needs at least 30 days with sleep records; you have 12, so the links below come from lagged correlations instead.");
    const patterns = await api("/api/v1/insights/patterns", { token: a.access });
    expect(patterns.json.timezone).toBe("America/New_York");
    expect(patterns.json.motifs.length).toBeGreaterThan(0);
    const daily = await api("/api/v1/insights/daily", { token: a.access });
    expect(daily.json.items.length).toBeGreaterThanOrEqual(29);
    const dash = await api("/api/v1/insights/dashboard?period_days=14", { token: a.access });
    expect(dash.json.job.id).toBe(job.job_id);
    expect(dash.json.current.metrics.readings).toBeGreaterThan(3000);
    expect(Object.keys(dash.json.changes)).toContain("in_range_percent");

    // Another user sees none of it.
    const b = await register();
    expect((await api(`/api/v1/insights/jobs/${job.job_id}`, { token: b.access })).status).toBe(404);
    expect((await api("/api/v1/insights/correlations", { token: b.access })).json.job).toBeNull();
    expect((await api("/api/v1/insights/patterns", { token: b.access })).json.job).toBeNull();
    expect((await api("/api/v1/insights/daily", { token: b.access })).json.items).toEqual([]);
    expect((await api("/api/v1/insights/dashboard", { token: b.access })).json.current.metrics).toBeNull();
    const bJob = await api("/api/v1/insights/trigger-analysis", { token: b.access, method: "POST" });
    expect(bJob.json.job_id).not.toBe(job.job_id);

    // The unit follows the profile at read time.
    expect((await api("/api/v1/auth/me", { method: "PATCH", token: a.access, body: { unit: "mmol/L" } })).status).toBe(200);
    const mmol = await api("/api/v1/insights/patterns", { token: a.access });
    expect(mmol.json.unit).toBe("mmol/L");
    expect(Math.max(...mmol.json.motifs[0].occurrences[0].values)).toBeLessThan(30);
    const agp = await api("/api/v1/insights/agp?days=14", { token: a.access });
    expect(agp.json.unit).toBe("mmol/L");
    expect(agp.json.p50.filter((v: number | null) => v !== null).every((v: number) => v > 2 && v < 20)).toBe(true);
  });

  it("writes sentences in the user's unit", () => {
    const row = { factor: "sleep_hours", target: "mean_glucose", lag: 1, r: -0.412, p: 0.0021, n: 78, significant: true, effect: { kind: "difference", value: 14.2, withDays: 20, withoutDays: 58 } } as const;
    expect(correlationSentence(row, "mg/dL")).toBe("After nights with under 6 h of sleep, your next-day average glucose is 14 mg/dL higher than after longer nights (r = -0.41, p = 0.0021, 78 days).");
    expect(correlationSentence(row, "mmol/L")).toBe("After nights with under 6 h of sleep, your next-day average glucose is 0.8 mmol/L higher than after longer nights (r = -0.41, p = 0.0021, 78 days).");
    expect(correlationSentence({ ...row, significant: false, r: 0.05, p: 0.64 }, "mg/dL")).toBe("No clear link between sleep and your next-day average glucose (r = 0.05, p = 0.64, 78 days).");
    expect(correlationSentence({ ...row, factor: "carbs", target: "time_in_range", lag: 0, r: -0.3, p: 0.0004, effect: { kind: "slope", value: -4.26, per: 50 } }, "mg/dL")).toBe(
      "With every extra 50 g of carbohydrates, your same-day time in range is 4.3 percentage points lower on average (r = -0.30, p < 0.001, 78 days).",
    );
  });
});
