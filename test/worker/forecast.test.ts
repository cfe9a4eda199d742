/**
 * Issue 6 over HTTP (SELF.fetch): `GET /api/v1/glucose/forecast` and `POST /api/v1/meals/predict-impact`:
 * 401, field-named 422s, empty states with reasons (no data, stale data, a gap, too short a
 * history), the exact response contract, the user's stored model vs the population model, and
 * cross-user isolation. Real D1, real migrations.
 */
import { describe, expect, it } from "vitest";
import { fixedOffsetMinuteOfDay, prepareSeries, trainForecastModel } from "../../analytics/forecast/index.ts";
import { generateSynthetic } from "../../seed/synthetic.ts";
import { api, expectFieldError, register, type Account } from "./helpers.ts";
import { userD1 } from "./shard-helpers.ts";
import { internalId, store } from "./pipeline-helpers.ts";

const MIN = 60_000;

async function bulk(account: Account, readings: { time: number; value: number }[]) {
  const res = await api("/api/v1/glucose/bulk", { token: account.access, body: { readings: readings.map((r) => ({ ...r, source: "cgm" })) } });
  expect(res.status, JSON.stringify(res.json)).toBeLessThan(300);
}

/** Readings every `step` minutes from `from` to `to` minutes relative to now, value by `f(minutes)`. */
function series(from: number, to: number, step: number, f: (m: number) => number, now = Date.now()) {
  const out: { time: number; value: number }[] = [];
  for (let m = from; m <= to; m += step) out.push({ time: now + m * MIN, value: Math.round(f(m)) });
  return out;
}

describe("GET /api/v1/glucose/forecast", () => {
  it("requires a token", async () => {
    expect((await api("/api/v1/glucose/forecast")).status).toBe(401);
    expect((await api("/api/v1/glucose/forecast", { token: "nope" })).status).toBe(401);
  });

  it("refuses a bad horizon with a 422 naming horizon", async () => {
    const a = await register();
    for (const h of ["0", "7", "65", "-5", "abc", "30.0", "", "120"]) {
      const res = await api(`/api/v1/glucose/forecast?horizon=${encodeURIComponent(h)}`, { token: a.access });
      expectFieldError(res, 422, "horizon");
    }
  });

  it("answers an empty forecast with a reason and the population model when there is no data", async () => {
    const a = await register();
    const res = await api("/api/v1/glucose/forecast", { token: a.access });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      unit: "mg/dL",
      model: { kind: "population", name: "ridge-direct-12lag", trained_at: null, description: expect.stringContaining("80 % prediction interval") },
      origin: null,
      horizon_minutes: 60,
      predictions: [],
      reason: "no recent glucose readings",
    });
  });

  it("forecasts every 5 minutes up to the horizon with intervals, from the newest reading", async () => {
    const a = await register();
    const now = Date.now();
    // A fall of 0.8 mg/dL per minute; readings at −70, −65, …, −5 minutes.
    await bulk(a, series(-70, -1, 5, (m) => 150 - 0.8 * m, now));
    const res = await api("/api/v1/glucose/forecast?horizon=30", { token: a.access });
    expect(res.status).toBe(200);
    expect(res.json.reason).toBeNull();
    expect(res.json.horizon_minutes).toBe(30);
    expect(res.json.origin).toEqual({ time: new Date(now - 5 * MIN).toISOString(), value: 154 });
    expect(res.json.predictions.map((p: any) => p.minutes)).toEqual([5, 10, 15, 20, 25, 30]);
    const origin = Date.parse(res.json.origin.time);
    for (const p of res.json.predictions) {
      expect(Date.parse(p.time)).toBe(origin + p.minutes * MIN);
      expect(p.lower).toBeLessThanOrEqual(p.value);
      expect(p.upper).toBeGreaterThanOrEqual(p.value);
      expect(p.value).toBeGreaterThanOrEqual(36);
    }
    // A steady fall continues downwards.
    expect(res.json.predictions[5].value).toBeLessThan(res.json.origin.value);
    // The default horizon is 60: twelve steps.
    expect((await api("/api/v1/glucose/forecast", { token: a.access })).json.predictions).toHaveLength(12);
  });

  it("makes no forecast across a gap over 15 minutes, from stale data or from too short a history", async () => {
    const gap = await register();
    const now = Date.now();
    await bulk(gap, [...series(-70, -40, 5, () => 120, now), ...series(-20, -2, 2, () => 118, now)]);
    const g = (await api("/api/v1/glucose/forecast", { token: gap.access })).json;
    expect(g.predictions).toEqual([]);
    expect(g.origin).toMatchObject({ value: 118 });
    expect(g.reason).toMatch(/gap of over 15 minutes/);

    const stale = await register();
    await bulk(stale, series(-120, -30, 5, () => 120, now));
    const s = (await api("/api/v1/glucose/forecast", { token: stale.access })).json;
    expect(s.predictions).toEqual([]);
    expect(s.reason).toMatch(/the newest reading is 30 minutes old/);

    const short = await register();
    await bulk(short, series(-20, 0, 5, () => 120, now));
    const t = (await api("/api/v1/glucose/forecast", { token: short.access })).json;
    expect(t.predictions).toEqual([]);
    expect(t.reason).toMatch(/needs 55 minutes of readings/);
  });

  it("handles 1-minute sampling (resampled to 5 minutes)", async () => {
    const a = await register();
    // Rising 0.5 mg/dL per minute, one reading a minute.
    await bulk(a, series(-70, 0, 1, (m) => 110 + 0.5 * m));
    const res = (await api("/api/v1/glucose/forecast?horizon=15", { token: a.access })).json;
    expect(res.predictions).toHaveLength(3);
    expect(res.origin.value).toBe(110);
    expect(res.predictions[2].value).toBeGreaterThan(110);
  });

  it("uses the user's own stored model, and never another user's readings or model", async () => {
    const a = await register({ timezone: "America/New_York" });
    const b = await register({ timezone: "America/New_York" });
    const userId = await internalId(a.email);
    const data = generateSynthetic({ days: 4, seed: 3, timezone: "America/New_York", end: Date.now() - 86_400_000 });
    const trained = trainForecastModel(prepareSeries(data.readings), { minuteOfDay: fixedOffsetMinuteOfDay(-300) });
    expect(trained.model.scope).toBe("user");
    const trainedAt = Date.UTC(2024, 4, 1, 3);
    await (await userD1(userId)).prepare("INSERT INTO user_models (user_id, kind, data, job_id, trained_at) VALUES (?, 'forecast', ?, 'test', ?)").bind(userId, JSON.stringify(trained.model), trainedAt).run();
    await bulk(a, series(-70, 0, 5, () => 140));

    const mine = (await api("/api/v1/glucose/forecast", { token: a.access })).json;
    expect(mine.model).toMatchObject({ kind: "user", name: "ridge-direct-12lag-tod", trained_at: "2024-05-01T03:00:00.000Z" });
    expect(mine.model.description).toMatch(/Your own model, trained on \d+ one-hour windows/);
    expect(mine.predictions).toHaveLength(12);

    const theirs = (await api("/api/v1/glucose/forecast", { token: b.access })).json;
    expect(theirs).toMatchObject({ model: { kind: "population", trained_at: null }, origin: null, predictions: [] });
  });

  it("is in /openapi.json", async () => {
    const doc = (await api("/openapi.json")).json;
    expect(doc.paths["/api/v1/glucose/forecast"].get.parameters.map((p: any) => p.name)).toContain("horizon");
    expect(doc.paths["/api/v1/meals/predict-impact"].post).toBeDefined();
    expect(doc.paths["/api/v1/insights/day-clusters"].get).toBeDefined();
  });
});

describe("POST /api/v1/meals/predict-impact", () => {
  it("requires a token", async () => {
    expect((await api("/api/v1/meals/predict-impact", { body: { time: Date.now(), carbs: 40 } })).status).toBe(401);
  });

  it("refuses bad bodies with a 422 naming the field, and malformed JSON with a 400", async () => {
    const a = await register();
    const now = new Date().toISOString();
    const cases: [unknown, string][] = [
      [{ carbs: 40 }, "time"],
      [{ time: "yesterday", carbs: 40 }, "time"],
      [{ time: now }, "carbs"],
      [{ time: now, carbs: -1 }, "carbs"],
      [{ time: now, carbs: "lots" }, "carbs"],
      [{ time: now, carbs: 40, protein: -3 }, "protein"],
      [{ time: now, carbs: 40, fat: 2000 }, "fat"],
      [{ time: now, carbs: 40, fibre: "x" }, "fibre"],
    ];
    for (const [body, field] of cases) expectFieldError(await api("/api/v1/meals/predict-impact", { token: a.access, body }), 422, field);
    // An unknown key is named in the message (the project's convention for strict bodies).
    const extra = await api("/api/v1/meals/predict-impact", { token: a.access, body: { time: now, carbs: 40, sugar: 3 } });
    expectFieldError(extra, 422, "body");
    expect(extra.json.error.fields[0].message).toContain("sugar");
    expectFieldError(await api("/api/v1/meals/predict-impact", { token: a.access, raw: "{" }), 400, "body");
  });

  it("says honestly that there are too few meals", async () => {
    const a = await register();
    const res = await api("/api/v1/meals/predict-impact", { token: a.access, body: { time: new Date().toISOString(), carbs: 50, protein: 10 } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ unit: "mg/dL", rise: null, time_to_peak_minutes: null, based_on_meals: 0, enough_data: false, message: expect.stringContaining("at least 12 logged meals") });
  });

  it("predicts from the user's own past meals (seeded: ~1.44 mg/dL per gram), and only theirs", async () => {
    const a = await register({ timezone: "Europe/Berlin" });
    const b = await register({ timezone: "Europe/Berlin" });
    const end = Date.now() - 3600_000;
    const data = generateSynthetic({ days: 21, seed: 9, timezone: "Europe/Berlin", end });
    await store(await internalId(a.email), data);
    const ask = (account: Account, carbs: number) => api("/api/v1/meals/predict-impact", { token: account.access, body: { time: new Date(end + 1800_000).toISOString(), carbs } });
    const small = (await ask(a, 20)).json;
    const big = (await ask(a, 80)).json;
    expect(big).toMatchObject({ unit: "mg/dL", enough_data: true, rise: { value: expect.any(Number), low: expect.any(Number), high: expect.any(Number) } });
    expect(big.based_on_meals).toBeGreaterThanOrEqual(40);
    expect(big.rise.low).toBeLessThanOrEqual(big.rise.value);
    expect(big.rise.high).toBeGreaterThanOrEqual(big.rise.value);
    // 60 g more carbohydrate at ~1.44 mg/dL per gram: ~86 mg/dL more rise.
    expect(big.rise.value - small.rise.value).toBeGreaterThan(55);
    expect(big.rise.value - small.rise.value).toBeLessThan(115);
    expect(big.time_to_peak_minutes.value).toBeGreaterThan(30);
    expect(big.time_to_peak_minutes.value).toBeLessThan(80);
    expect(big.message).toMatch(/From \d+ of your past meals/);
    // Another user has none of these meals.
    expect((await ask(b, 80)).json).toMatchObject({ enough_data: false, based_on_meals: 0 });
  });
});
