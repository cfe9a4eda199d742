/**
 * Daily summaries and the AGP profile on local days, including the 23- and 25-hour days of
 * America/New_York (2024-03-10 and 2024-11-03). Expected counts are worked out by hand: a full
 * local day of 5-minute readings has 24 · 12 = 288 readings, 23 · 12 = 276 on the spring change
 * and 25 · 12 = 300 on the autumn change.
 */
import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "../errors.ts";
import { agpProfile } from "./agp.ts";
import { dailySummary } from "./daily-summary.ts";
import { prepareReadings, type Reading } from "./readings.ts";
import { toLocalParts } from "./timezone.ts";

const FIVE = 300_000;
const NY = "America/New_York";

/** 5-minute readings in [from, to), value = 100 + local hour (so each hour has its own value). */
function everyFiveMinutes(from: number, to: number, tz: string): Reading[] {
  const out: Reading[] = [];
  for (let t = from; t < to; t += FIVE) out.push({ time: t, value: 100 + toLocalParts(t, tz).hour });
  return out;
}

describe("dailySummary", () => {
  it("has a 23-hour local day in March (spring forward)", () => {
    // 2024-03-09 00:00 EST (05:00Z) to 2024-03-12 00:00 EDT (04:00Z)
    const days = dailySummary(prepareReadings(everyFiveMinutes(Date.UTC(2024, 2, 9, 5), Date.UTC(2024, 2, 12, 4), NY), NY));
    expect(days.map((d) => [d.date, d.hours, d.readings, d.coverage_percent])).toEqual([
      ["2024-03-09", 24, 288, 100],
      ["2024-03-10", 23, 276, 100],
      ["2024-03-11", 24, 288, 100],
    ]);
    const spring = days[1];
    expect(spring.start).toBe(Date.UTC(2024, 2, 10, 5));
    expect(spring.end).toBe(Date.UTC(2024, 2, 11, 4));
    // local hour 2 does not exist that day: values 100..123 without 102
    expect(spring.min).toBe(100);
    expect(spring.max).toBe(123);
    expect(spring.mean).toBeCloseTo((12 * (Array.from({ length: 24 }, (_, h) => 100 + h).reduce((a, b) => a + b) - 102)) / 276, 12);
    expect(spring.in_range_70_180).toBe(100);
    expect(spring.gmi).toBeCloseTo(3.31 + 0.02392 * spring.mean, 12);
  });

  it("has a 25-hour local day in November (fall back)", () => {
    // 2024-11-02 00:00 EDT (04:00Z) to 2024-11-05 00:00 EST (05:00Z)
    const days = dailySummary(prepareReadings(everyFiveMinutes(Date.UTC(2024, 10, 2, 4), Date.UTC(2024, 10, 5, 5), NY), NY));
    expect(days.map((d) => [d.date, d.hours, d.readings, d.coverage_percent])).toEqual([
      ["2024-11-02", 24, 288, 100],
      ["2024-11-03", 25, 300, 100],
      ["2024-11-04", 24, 288, 100],
    ]);
    // local hour 1 happens twice
    const fall = days[1];
    expect(fall.start).toBe(Date.UTC(2024, 10, 3, 4));
    expect(fall.end).toBe(Date.UTC(2024, 10, 4, 5));
  });

  it("uses fixed-offset days when asked for EST, and reports partial coverage", () => {
    const readings = everyFiveMinutes(Date.UTC(2024, 2, 9, 5), Date.UTC(2024, 2, 12, 4), NY);
    const days = dailySummary(prepareReadings(readings, "EST"));
    expect(days.map((d) => [d.date, d.hours, d.readings])).toEqual([
      ["2024-03-09", 24, 288],
      ["2024-03-10", 24, 288],
      ["2024-03-11", 24, 276],
    ]);
    expect(days[2].coverage_percent).toBeCloseTo((100 * 276) / 288, 12);
  });

  it("computes per-day time in ranges, SD and CV", () => {
    const t = Date.UTC(2024, 0, 1, 8);
    const days = dailySummary(prepareReadings([50, 60, 100, 200, 300].map((value, i) => ({ time: t + i * FIVE, value })), "UTC"));
    expect(days).toHaveLength(1);
    expect(days[0]).toMatchObject({ readings: 5, below_54: 20, below_70: 40, in_range_70_180: 20, above_180: 40, above_250: 20, min: 50, max: 300, mean: 142 });
    expect(days[0].sd).toBeCloseTo(Math.sqrt((92 ** 2 + 82 ** 2 + 42 ** 2 + 58 ** 2 + 158 ** 2) / 4), 10);
    expect(days[0].cv).toBeCloseTo((100 * days[0].sd) / 142, 12);
    expect(days[0].coverage_percent).toBeCloseTo((100 * 5 * 5) / 1440, 12);
  });
});

describe("agpProfile", () => {
  // one reading at 07:00 local clock time on each of 2024-03-08 … 2024-03-12 (DST starts on the 10th)
  const sevenAm = [8, 9, 10, 11, 12].map((d, i) => ({ time: Date.UTC(2024, 2, d, d < 10 ? 12 : 11), value: 100 + 10 * i }));

  it("bins readings by local wall-clock time across a DST change", () => {
    const agp = agpProfile(prepareReadings(sevenAm, NY));
    expect(agp.minute).toHaveLength(288);
    expect(agp.count[84]).toBe(5); // 07:00–07:05 = bin 7 · 12
    expect(agp.percentiles.p50[84]).toBe(120);
    expect(agp.percentiles.p5[84]).toBeCloseTo(102, 12); // type 7: 100 + 0.2 · 10
    expect(agp.percentiles.p95[84]).toBeCloseTo(138, 12);
    expect(agp.percentiles.p50[83]).toBeNaN();
    // with a fixed −05:00 clock the readings after the change fall at 06:00
    const est = agpProfile(prepareReadings(sevenAm, "EST"));
    expect([est.count[84], est.count[72]]).toEqual([2, 3]);
  });

  it("supports other bin widths and percentiles", () => {
    const agp = agpProfile(prepareReadings(sevenAm, NY), { binMinutes: 15, percentiles: [10, 90] });
    expect(agp.minute).toHaveLength(96);
    expect(Object.keys(agp.percentiles)).toEqual(["p10", "p90"]);
    expect(agp.count[28]).toBe(5);
    expect(() => agpProfile(prepareReadings(sevenAm, NY), { binMinutes: 7 })).toThrow(AnalyticsInputError);
  });

  it("reproduces iglu's plot_agp quantiles per grid column with method 'grid'", () => {
    const t = Date.UTC(2024, 0, 1, 0, 5);
    const readings = Array.from({ length: 288 * 3 }, (_, i) => ({ time: t + i * FIVE, value: 100 + (i % 288) + 50 * Math.floor(i / 288) }));
    const agp = agpProfile(prepareReadings(readings, "UTC"), { method: "grid" });
    expect(agp.binMinutes).toBe(5);
    expect(agp.minute[0]).toBe(5);
    expect(agp.minute[287]).toBe(1440);
    // slot 0 (00:05) has 100, 150, 200 on the three days (the 4th grid row is empty)
    expect(agp.count[0]).toBe(3);
    expect(agp.percentiles.p50[0]).toBe(150);
    expect(agp.percentiles.p25[0]).toBe(125);
  });
});
