/**
 * Hand-checked small cases for each metric family (expected values worked out by hand from the
 * formulas in each function's documentation), input validation, and immutability of inputs.
 */
import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "../errors.ts";
import {
  abovePercent,
  belowPercent,
  cogi,
  consensusMetrics,
  cvGlu,
  ea1c,
  episodeCalculation,
  gmi,
  grade,
  gradeEugly,
  gradeHyper,
  gradeHypo,
  gri,
  griZone,
  hbgi,
  hyperIndex,
  hypoIndex,
  igc,
  igluMetrics,
  inRangePercent,
  iqrGlu,
  jIndex,
  lbgi,
  madGlu,
  mage,
  mageNaive,
  meanGlu,
  medianGlu,
  mValue,
  prepareReadings,
  quantileGlu,
  rangeGlu,
  rRound,
  rRoundDigits,
  sdGlu,
  summaryGlu,
} from "./index.ts";

const T0 = Date.UTC(2024, 0, 1, 0, 5);
const FIVE = 300_000;
const series5 = (values: number[]) => prepareReadings(values.map((value, i) => ({ time: T0 + i * FIVE, value })), "UTC");

describe("location and spread", () => {
  const x = Object.freeze([100, 150, 200]);
  it("mean, median, SD, CV", () => {
    expect(meanGlu(x)).toBe(150);
    expect(medianGlu([100, 150, 200, 250])).toBe(175);
    expect(sdGlu(x)).toBe(50);
    expect(cvGlu(x)).toBeCloseTo(100 / 3, 12);
    expect(sdGlu([120])).toBeNaN(); // R: sd of one value is NA
  });

  it("type-7 quantiles, IQR, range, MAD and summary", () => {
    expect(quantileGlu([4, 1, 3, 2])).toEqual({ "0": 1, "25": 1.75, "50": 2.5, "75": 3.25, "100": 4 });
    expect(iqrGlu([1, 2, 3, 4])).toBe(1.5);
    expect(rangeGlu([80, 150, 210])).toBe(130);
    // median 120, |deviations| 20, 10, 0, 10, 380 → median 10 → 1.4826 · 10
    expect(madGlu([100, 110, 120, 130, 500])).toBeCloseTo(14.826, 12);
    expect(summaryGlu([1, 2, 3, 4])).toEqual({ "Min.": 1, "1st Qu.": 1.75, Median: 2.5, Mean: 2.5, "3rd Qu.": 3.25, "Max.": 4 });
  });

  it("skips missing values (NaN) like na.rm = TRUE", () => {
    expect(meanGlu([100, Number.NaN, 200])).toBe(150);
  });

  it("R's rounding: halves to even", () => {
    expect([rRound(0.5), rRound(1.5), rRound(2.5), rRound(-1.5), rRound(2.6)]).toEqual([0, 2, 2, -2, 3]);
    expect(rRoundDigits(12.66, 1)).toBe(12.7);
    expect(rRoundDigits(0.15, 1)).toBe(0.1); // 0.15 is stored as 0.1499999…
  });
});

describe("control indices", () => {
  it("GMI and eA1C", () => {
    expect(gmi([150])).toBeCloseTo(3.31 + 0.02392 * 150, 14);
    expect(ea1c([154])).toBeCloseTo(200.7 / 28.7, 14);
  });

  it("J-index and M-value", () => {
    expect(jIndex([100, 150, 200])).toBeCloseTo(40, 12);
    // |log10(90/90)|³ = 0, |log10(900/90)|³ = 1 → 1000 · 0.5
    expect(mValue([90, 900])).toBeCloseTo(500, 10);
  });

  it("LBGI/HBGI only count their side of 112.5 mg/dL", () => {
    const f = (g: number) => Math.log(g) ** 1.084 - 5.381;
    expect(lbgi([60, 200])).toBeCloseTo((22.77 * f(60) ** 2) / 2, 12);
    expect(hbgi([60, 200])).toBeCloseTo((22.77 * f(200) ** 2) / 2, 12);
    expect(hbgi([100])).toBe(0);
    expect(lbgi([150])).toBe(0);
  });

  it("GRADE and its shares", () => {
    expect(grade([100])).toBeCloseTo(425 * (Math.log10(Math.log10(100 / 18)) + 0.16) ** 2, 12);
    const x = [60, 100, 200];
    expect(gradeHypo(x) + gradeEugly(x) + gradeHyper(x)).toBeCloseTo(100, 10);
  });

  it("hyper/hypo index and IGC", () => {
    expect(hyperIndex([140, 170])).toBeCloseTo(30 ** 1.1 / 60, 12);
    expect(hypoIndex([60, 100])).toBeCloseTo(400 / 60, 12);
    expect(igc([60, 170])).toBeCloseTo(30 ** 1.1 / 60 + 400 / 60, 12);
  });
});

describe("time in ranges, COGI, GRI", () => {
  const x = [50, 60, 100, 150, 200, 300];
  it("above / below / in range use strict / strict / closed bounds", () => {
    expect(belowPercent([50, 54, 60, 70])).toEqual({ below_54: 25, below_70: 75 });
    expect(abovePercent([140, 180, 250, 251])).toEqual({ above_140: 75, above_180: 50, above_250: 25 });
    expect(inRangePercent([63, 70, 140, 180, 181])).toEqual({ in_range_63_140: 60, in_range_70_180: 60 });
  });

  it("COGI", () => {
    const v = [100, 120, 140, 160];
    expect(cogi(v)).toBeCloseTo(50 + 35 + (15 * (108 - sdGlu(v))) / 90, 10);
    // SD 0: (0 − 108) / (18 − 108) = 1.2, capped at 1 → the full weight
    expect(cogi([100, 100, 100, 100])).toBeCloseTo(100, 12);
  });

  it("GRI with its zone", () => {
    // VLow, Low, High and VHigh 10 % each: 3 · 10 + 2.4 · 10 + 0.8 · 10 + 1.6 · 10
    expect(gri([50, 60, 100, 100, 100, 100, 100, 100, 200, 300])).toBeCloseTo(78, 10);
    expect(gri(x)).toBe(100); // 130 is capped
    expect(gri([40, 40])).toBe(100);
    expect([griZone(0), griZone(20), griZone(20.1), griZone(55), griZone(70), griZone(99)]).toEqual(["A", "A", "B", "C", "D", "E"]);
  });

  it("consensus set", () => {
    const c = consensusMetrics(series5(x));
    expect(c).toMatchObject({ readings: 6, active_percent: 100, gri: 100, gri_zone: "E" });
    const sixths = { below_54: 1, below_70: 2, in_range_70_180: 2, above_180: 2, above_250: 1, in_range_63_140: 1 };
    for (const [k, n] of Object.entries(sixths)) expect(c[k as keyof typeof sixths]).toBeCloseTo((100 * n) / 6, 12);
    expect(c.mean).toBeCloseTo(860 / 6, 12);
  });
});

describe("episodes", () => {
  it("counts a 20-minute hypoglycaemia on a 2-hour trace", () => {
    const e = episodeCalculation(series5([...Array(10).fill(100), 60, 60, 60, 60, ...Array(10).fill(100)]));
    // 24 grid points = 2 h = 1/12 day → 12 episodes per day
    expect(e.hypo_lv1).toEqual({ avg_ep_per_day: 12, avg_ep_duration: 20, avg_ep_gl: 60, total_episodes: 1 });
    expect(e.hypo_lv1_excl.total_episodes).toBe(1);
    expect(e.hypo_lv2.total_episodes).toBe(0);
    expect(e.hypo_lv2.avg_ep_gl).toBeNaN();
  });

  it("needs 15 minutes below to start and 15 minutes back in range to end", () => {
    // 10 minutes below: no episode; two 15-minute dips 10 minutes apart: one episode
    expect(episodeCalculation(series5([...Array(10).fill(100), 60, 60, ...Array(10).fill(100)])).hypo_lv1.total_episodes).toBe(0);
    const e = episodeCalculation(series5([...Array(10).fill(100), 60, 60, 60, 100, 100, 60, 60, 60, ...Array(10).fill(100)]));
    expect(e.hypo_lv1.total_episodes).toBe(1);
    expect(e.hypo_lv1.avg_ep_duration).toBe(40);
  });
});

describe("MAGE", () => {
  // triangle wave 100 → 200 → 100 every 6 hours, 5-minute readings
  const triangle = Array.from({ length: 72 * 4 + 1 }, (_, i) => {
    const ph = i % 72;
    return ph <= 36 ? 100 + (100 * ph) / 36 : 200 - (100 * (ph - 36)) / 36;
  });

  it("is the peak-to-nadir amplitude of a regular oscillation", () => {
    const s = series5(triangle);
    expect(mage(s)).toBeCloseTo(100, 12);
    expect(mage(s, { direction: "plus" })).toBeCloseTo(100, 12);
    expect(mage(s, { direction: "minus" })).toBeCloseTo(100, 12);
  });

  it("is NaN (iglu: NA) without excursions or with too few readings", () => {
    expect(mage(series5(Array(100).fill(120)))).toBeNaN();
    expect(mage(series5(triangle.slice(0, 20)))).toBeNaN();
  });

  it("naive version: mean |x − mean| beyond one SD", () => {
    // mean 125, SD 50: only |200 − 125| = 75 exceeds it
    expect(mageNaive([100, 100, 100, 200])).toBe(75);
  });
});

describe("input validation", () => {
  const simple = { meanGlu, medianGlu, sdGlu, cvGlu, quantileGlu, rangeGlu, iqrGlu, madGlu, summaryGlu, gmi, ea1c, jIndex, mValue, lbgi, hbgi, grade, gradeHypo, gradeHyper, gradeEugly, hyperIndex, hypoIndex, igc, abovePercent, belowPercent, inRangePercent, cogi, gri, mageNaive };

  it.each(Object.entries(simple))("%s throws a clear error on empty input", (name, fn) => {
    expect(() => (fn as (v: number[]) => unknown)([])).toThrow(AnalyticsInputError);
    expect(() => (fn as (v: number[]) => unknown)([Number.NaN])).toThrow(/requires at least one glucose value, got none/);
    expect(name).toBeTruthy();
  });

  it("error messages name the function", () => {
    expect(() => meanGlu([])).toThrow("meanGlu requires at least one glucose value, got none");
    expect(() => madGlu([])).toThrow("madGlu requires at least one glucose value, got none");
  });

  it("rejects empty and malformed readings naming the field", () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err instanceof AnalyticsInputError ? err.field : `not an AnalyticsInputError: ${String(err)}`;
      }
      return "no error";
    };
    expect(field(() => prepareReadings([], "UTC"))).toBe("readings");
    expect(field(() => igluMetrics([], "UTC"))).toBe("readings");
    expect(field(() => prepareReadings([{ time: 0, value: 100 }, { time: 1, value: Number.NaN }], "UTC"))).toBe("readings[1].value");
    expect(field(() => prepareReadings([{ time: 0, value: -3 }], "UTC"))).toBe("readings[0].value");
    expect(field(() => prepareReadings([{ time: Number.POSITIVE_INFINITY, value: 100 }], "UTC"))).toBe("readings[0].time");
    expect(field(() => prepareReadings([{ time: 0, value: 100 }], "Nowhere/Town"))).toBe("tz");
    expect(field(() => igluMetrics([{ time: 0, value: 100 }], "UTC"))).toBe("readings");
  });

  it("sorts readings and averages those that share a timestamp, without mutating the input", () => {
    const input = Object.freeze([Object.freeze({ time: 600_000, value: 110 }), Object.freeze({ time: 0, value: 100 }), Object.freeze({ time: 0, value: 104 })]);
    const s = prepareReadings(input, "UTC");
    expect(Array.from(s.times)).toEqual([0, 600_000]);
    expect(Array.from(s.values)).toEqual([102, 110]);
    expect(input[0].time).toBe(600_000);
  });
});
