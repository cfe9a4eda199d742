/**
 * iglu's CGMS2DayByDay on hand-made series. Expected grids are worked out by hand from iglu's
 * rules (grid from local midnight + dt0, R's approx(), NA strictly inside gaps > inter_gap).
 */
import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "../errors.ts";
import { dayByDay } from "./day-by-day.ts";
import { prepareReadings, type Reading } from "./readings.ts";

const MIN = 60_000;
const at = (start: number, pairs: [number, number][]): Reading[] => pairs.map(([m, value]) => ({ time: start + m * MIN, value }));
const T0 = Date.UTC(2024, 0, 1);

describe("dayByDay", () => {
  it("interpolates linearly on a grid that starts at midnight + dt0", () => {
    // gaps 5, 10, 5 min: dt0 = median = 5
    const g = dayByDay(prepareReadings(at(T0, [[5, 100], [10, 110], [20, 130], [25, 120]]), "UTC"));
    expect(g.dt0).toBe(5);
    expect(Array.from(g.gd2d.subarray(0, 6))).toEqual([100, 110, 120, 130, 120, Number.NaN]);
    // ndays = ceiling(days(max − min) + 1) = ceiling(1.014) = 2, as in iglu
    expect(g.ndays).toBe(2);
    expect(g.perDay).toBe(288);
    expect(g.gd2d).toHaveLength(576);
    expect(g.actualDates).toEqual(["2024-01-01", "2024-01-02"]);
    expect(g.start).toBe(T0);
  });

  it("leaves points strictly inside gaps longer than inter_gap missing", () => {
    const g = dayByDay(prepareReadings(at(T0, [[5, 100], [10, 100], [15, 100], [75, 160], [80, 160]]), "UTC"));
    const slot = (m: number) => g.gd2d[m / 5 - 1];
    expect(slot(15)).toBe(100);
    expect(slot(20)).toBeNaN();
    expect(slot(70)).toBeNaN();
    expect(slot(75)).toBe(160);
    // a gap of exactly 45 minutes is still interpolated
    const h = dayByDay(prepareReadings(at(T0, [[5, 100], [10, 100], [15, 100], [60, 190], [65, 190]]), "UTC"));
    expect(h.gd2d[30 / 5 - 1]).toBe(130);
    // a gap wider than inter_gap = 60 is not interpolated with inter_gap 45 but is with 90
    expect(dayByDay(prepareReadings(at(T0, [[5, 100], [10, 100], [15, 100], [75, 160], [80, 160]]), "UTC"), { interGap: 90 }).gd2d[45 / 5 - 1]).toBe(130);
  });

  it("starts at local midnight of the time zone", () => {
    // 2024-07-01 08:00 and 08:05 in New York (EDT, −04:00)
    const start = Date.UTC(2024, 6, 1, 12);
    const g = dayByDay(prepareReadings(at(start, [[0, 100], [5, 110]]), "America/New_York"));
    expect(g.start).toBe(Date.UTC(2024, 6, 1, 4));
    expect(g.actualDates[0]).toBe("2024-07-01");
    expect(g.gd2d[(8 * 60) / 5 - 1]).toBe(100);
    expect(g.gd2d[(8 * 60 + 5) / 5 - 1]).toBe(110);
  });

  it("rounds dt0 the way iglu does", () => {
    const every = (m: number) => dayByDay(prepareReadings(Array.from({ length: 10 }, (_, i) => ({ time: T0 + i * m * MIN, value: 100 })), "UTC")).dt0;
    expect(every(5)).toBe(5);
    expect(every(15)).toBe(15);
    expect(every(8)).toBe(8); // 1440 is a multiple of 8
    expect(every(7)).toBe(5); // remainder 2 rounds down to a multiple of 5
    expect(every(13)).toBe(15); // remainder 3 rounds up
    expect(every(25)).toBe(20); // above 20 becomes 20
    // gaps 2 and 3: the median 2.5 rounds half to even (R's round) to 2
    expect(dayByDay(prepareReadings(at(T0, [[0, 100], [2, 100], [5, 100]]), "UTC")).dt0).toBe(2);
  });

  it("rejects series it cannot grid", () => {
    expect(() => dayByDay(prepareReadings(at(T0, [[0, 100]]), "UTC"))).toThrow(AnalyticsInputError);
    expect(() => dayByDay(prepareReadings(at(T0, [[0, 100], [60, 100], [120, 100]]), "UTC"))).toThrow(/above the maximal interpolation gap/);
  });
});
