import { describe, expect, it } from "vitest";
import { agpMetricRows, headlines, tirSegments, type ConsensusMetrics } from "./metrics.ts";

const m: ConsensusMetrics = {
  readings: 4000,
  mean: 152,
  sd: 50,
  cv_percent: 32.9,
  gmi_percent: 6.95,
  below_54_percent: 0.5,
  below_70_percent: 3,
  in_range_percent: 75,
  above_180_percent: 22,
  above_250_percent: 4,
  active_percent: 99.2,
};

describe("tirSegments", () => {
  it("splits the cumulative percentages into five bands, top to bottom, with goals", () => {
    const s = tirSegments(m, "mg/dL");
    expect(s.map((x) => [x.band, x.percent, x.met])).toEqual([
      ["very-high", 4, true],
      ["high", 18, true],
      ["in-range", 75, true],
      ["low", 2.5, true],
      ["very-low", 0.5, true],
    ]);
    expect(s.reduce((a, x) => a + x.percent, 0)).toBeCloseTo(100, 5);
    expect(s[2]!.range).toBe("70–180 mg/dL");
  });

  it("marks missed goals and speaks mmol/L", () => {
    const s = tirSegments({ ...m, below_54_percent: 1.5, below_70_percent: 6, in_range_percent: 60, above_180_percent: 34, above_250_percent: 8 }, "mmol/L");
    expect(s.map((x) => x.met)).toEqual([false, false, false, false, false]);
    expect(s.map((x) => x.range)).toEqual(["> 13.9 mmol/L", "10.1–13.9 mmol/L", "3.9–10.0 mmol/L", "3.0–3.8 mmol/L", "< 3.0 mmol/L"]);
  });

  it("never gives negative segments from rounding noise", () => {
    const s = tirSegments({ ...m, below_54_percent: 0.31, below_70_percent: 0.3 }, "mg/dL");
    expect(s.find((x) => x.band === "low")!.percent).toBe(0);
  });
});

describe("headlines", () => {
  it("formats mean, GMI and CV with signed changes", () => {
    const h = headlines(m, { mean: -12, gmi_percent: 0.25, cv_percent: 0 }, "mg/dL");
    expect(h.map((x) => [x.value, x.change, x.better])).toEqual([
      ["152", "−12", true],
      ["7.0", "+0.3", false],
      ["32.9", "±0", null],
    ]);
    expect(headlines({ ...m, mean: 8.4 }, {}, "mmol/L")[0]).toMatchObject({ value: "8.4", unit: "mmol/L", change: null });
  });
});

describe("agpMetricRows", () => {
  it("computes sensor wear from readings over 288 a day and keeps every consensus row", () => {
    const rows = agpMetricRows(m, "mg/dL", 14, 14 * 288 * 0.5, 9);
    expect(rows[0]).toMatchObject({ value: "9 of 14", met: false });
    expect(rows.find((r) => r.label.startsWith("Sensor wear"))).toMatchObject({ value: "50.0 %", met: false });
    expect(rows.find((r) => r.label.startsWith("Time below"))).toMatchObject({ value: "3.0 %", met: true });
    expect(rows.find((r) => r.label.startsWith("Coefficient"))).toMatchObject({ value: "32.9 %", met: true });
    expect(rows.find((r) => r.label === "Mean glucose")).toMatchObject({ value: "152 mg/dL", met: null });
    expect(rows).toHaveLength(13);
  });

  it("adds time in tight range and the GRI when the API answers them", () => {
    const rows = agpMetricRows({ ...m, tight_range_percent: 48.25, gri: 31.44, gri_zone: "B", gri_hypo: 2, gri_hyper: 15.9 }, "mmol/L", 14, 14 * 288);
    expect(rows.find((r) => r.label.startsWith("Time in tight range"))).toMatchObject({ label: "Time in tight range (3.9–7.8 mmol/L)", value: "48.3 %", met: null });
    expect(rows.find((r) => r.label.startsWith("Glycemia risk index"))).toMatchObject({ value: "31.4 (zone B)", met: null });
    expect(rows).toHaveLength(15);
  });
});
