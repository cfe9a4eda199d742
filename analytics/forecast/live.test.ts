import { describe, expect, it } from "vitest";
import { liveForecast, minutesUntilThreshold, POPULATION_MODEL, timeZoneMinuteOfDay } from "./index.ts";

const MIN = 60_000;
const NOW = Date.UTC(2024, 0, 1, 12);
const hour = (f: (m: number) => number, step = 5, from = -60, to = 0) => {
  const out = [];
  for (let m = from; m <= to; m += step) out.push({ time: NOW + m * MIN, value: f(m) });
  return Object.freeze(out);
};

describe("minutesUntilThreshold", () => {
  it("interpolates between the origin and the steps (by hand)", () => {
    // 86 → 78 at 5 → 70 at 10: crossing exactly at 10.
    expect(minutesUntilThreshold(86, [{ minutes: 5, value: 78 }, { minutes: 10, value: 70 }], 70, 20)).toBe(10);
    // 80 → 74 at 5 → 66 at 10: 5 + (74 − 70) / (74 − 66) · 5 = 7.5.
    expect(minutesUntilThreshold(80, [{ minutes: 5, value: 74 }, { minutes: 10, value: 66 }], 70, 20)).toBe(7.5);
    expect(minutesUntilThreshold(80, [{ minutes: 5, value: 74 }, { minutes: 10, value: 66 }], 70, 5)).toBeNull();
    expect(minutesUntilThreshold(70, [], 70, 20)).toBe(0);
    expect(minutesUntilThreshold(90, [{ minutes: 5, value: 85 }], 70, 20)).toBeNull();
  });
});

describe("liveForecast", () => {
  it("forecasts up to the horizon from the newest reading", () => {
    const f = liveForecast(hour(() => 120), POPULATION_MODEL, { now: NOW + MIN, horizon: 20 });
    expect(f.reason).toBeNull();
    expect(f.origin).toEqual({ time: NOW, value: 120 });
    expect(f.predictions.map((p) => p.minutes)).toEqual([5, 10, 15, 20]);
    for (const p of f.predictions) {
      expect(p.time).toBe(NOW + p.minutes * MIN);
      expect(p.lower).toBeLessThanOrEqual(p.value);
      expect(p.upper).toBeGreaterThanOrEqual(p.value);
      expect(Math.abs(p.value - 120)).toBeLessThan(10); // flat stays near flat
    }
  });

  it("gives the reason when it cannot forecast", () => {
    expect(liveForecast([], POPULATION_MODEL, { now: NOW }).reason).toBe("no recent glucose readings");
    expect(liveForecast(hour(() => 120), POPULATION_MODEL, { now: NOW + 16 * MIN }).reason).toMatch(/16 minutes old/);
    expect(liveForecast(hour(() => 120, 5, -20), POPULATION_MODEL, { now: NOW }).reason).toMatch(/needs 55 minutes/);
    const gapped = hour(() => 120).filter((r) => r.time < NOW - 40 * MIN || r.time > NOW - 20 * MIN);
    expect(liveForecast(gapped, POPULATION_MODEL, { now: NOW }).reason).toMatch(/gap of over 15 minutes/);
  });

  it("reads the wearer's clock with DST", () => {
    expect(timeZoneMinuteOfDay("America/New_York")(Date.UTC(2024, 6, 1, 12))).toBe(480);
    expect(timeZoneMinuteOfDay("America/New_York")(Date.UTC(2024, 0, 1, 12))).toBe(420);
  });
});
