import { describe, expect, it } from "vitest";
import { agpPaths, agpYRange, bandPath, dailyTraces, dayTraceFrame, hourTicks, linePath, type AgpColumns } from "./agp-data.ts";

function cols(n: number, f: (i: number) => number | null): AgpColumns {
  const minute = Array.from({ length: n }, (_, i) => i * 15);
  const v = (d: number) => minute.map((_, i) => (f(i) === null ? null : f(i)! + d));
  return { minute, p5: v(-40), p25: v(-15), p50: v(0), p75: v(15), p95: v(40) };
}
const frame = { width: 960, height: 300, yMin: 40, yMax: 300 };

describe("AGP band columns", () => {
  it("one closed band over full data: up along the upper edge, back along the lower", () => {
    const agp = cols(96, () => 120);
    const p = bandPath(agp, agp.p25, agp.p75, frame);
    expect(p.startsWith("M5,")).toBe(true);
    expect(p.endsWith("Z")).toBe(true);
    expect(p.split("M")).toHaveLength(2);
    // 96 upper + 96 lower points
    expect(p.split(/[ML]/).filter(Boolean)).toHaveLength(192);
  });

  it("breaks at empty bins and draws a lone bin as a bar", () => {
    const agp = cols(96, (i) => (i < 10 || i === 20 || i > 80 ? 150 : null));
    const p = bandPath(agp, agp.p5, agp.p95, frame);
    expect(p.match(/M/g)).toHaveLength(3);
    expect(p).toMatch(/M\d+(\.\d)?,\d+(\.\d)?H\d+/);
    expect(linePath(agp, agp.p50, frame).match(/M/g)).toHaveLength(3);
  });

  it("y range covers 40–300 mg/dL and grows with p95 and p5", () => {
    expect(agpYRange(cols(4, () => 120), "mg/dL")).toEqual([40, 300]);
    const [lo, hi] = agpYRange(cols(4, () => 320), "mg/dL");
    expect([lo, hi]).toEqual([40, 360]);
    const [mlo, mhi] = agpYRange({ minute: [0], p5: [4], p25: [5], p50: [6], p75: [7], p95: [9] }, "mmol/L");
    expect(mlo).toBeCloseTo(2.22, 2);
    expect(mhi).toBeCloseTo(16.65, 2);
  });

  it("agpPaths: target band y for 70–180, ticks every 50 mg/dL or 5 mmol/L, empty AGP has no data", () => {
    const p = agpPaths(cols(96, () => 120), "mg/dL", { width: 900, height: 260 });
    expect(p.hasData).toBe(true);
    expect(p.target[0]).toBeLessThan(p.target[1]);
    expect(p.yTicks.map((t) => t.value)).toEqual([50, 100, 150, 200, 250, 300]);
    const mmol = { minute: [0], p5: [4], p25: [5], p50: [6], p75: [7], p95: [9] };
    expect(agpPaths(mmol, "mmol/L", { width: 900, height: 260 }).yTicks.map((t) => t.value)).toEqual([5, 10, 15]);
    const empty = agpPaths(cols(96, () => null), "mg/dL", { width: 900, height: 260 });
    expect(empty).toMatchObject({ hasData: false, outer: "", inner: "", median: "" });
  });

  it("hour ticks", () => {
    expect(hourTicks(6, 240).map((t) => [t.label, t.x])).toEqual([["00:00", 0], ["06:00", 60], ["12:00", 120], ["18:00", 180], ["24:00", 240]]);
  });
});

describe("dailyTraces", () => {
  const f = { width: 240, height: 60, yMin: 40, yMax: 300 };
  it("splits by local day (Berlin), breaks at gaps, counts time in range", () => {
    // 2026-03-01 00:00 in Berlin = 2026-02-28T23:00Z
    const t0 = Date.parse("2026-02-28T23:00:00Z") / 1000;
    const t: number[] = [];
    const v: number[] = [];
    for (let i = 0; i < 288 * 2; i++) {
      if (i >= 100 && i < 110) continue; // 50-minute gap on day 1
      t.push(t0 + i * 300);
      v.push(i % 2 ? 250 : 100);
    }
    const days = dailyTraces({ t, v }, "2026-03-01", 3, "Europe/Berlin", "mg/dL", f);
    expect(days.map((d) => [d.date, d.readings])).toEqual([["2026-03-01", 278], ["2026-03-02", 288], ["2026-03-03", 0]]);
    expect(days[0]!.path.match(/M/g)).toHaveLength(2);
    expect(days[1]!.path.startsWith("M0,")).toBe(true);
    expect(days[1]!.inRangePercent).toBe(50);
    expect(days[2]).toMatchObject({ path: "", inRangePercent: null });
  });

  it("a 23-hour DST day is drawn on its own length; values are clamped; unsorted input is sorted", () => {
    const start = Date.parse("2026-03-28T23:00:00Z") / 1000; // Berlin 2026-03-29 (23 h)
    const t = [start + 22.5 * 3600, start];
    const v = [500, 10];
    const [d] = dailyTraces({ t, v }, "2026-03-29", 1, "Europe/Berlin", "mg/dL", f);
    expect(d!.readings).toBe(2);
    expect(d!.path).toBe(`M0,60M${Math.round((22.5 / 23) * 2400) / 10},0`);
  });

  it("converts to mmol/L", () => {
    const t0 = Date.parse("2026-01-01T00:00:00Z") / 1000;
    const [d] = dailyTraces({ t: [t0], v: [180.182] }, "2026-01-01", 1, "UTC", "mmol/L", { ...f, yMin: 2, yMax: 18 });
    expect(d!.path).toBe("M0,30");
  });
});

describe("daily trace frame", () => {
  it("40–300 mg/dL over the plot's height; the target band's edges by hand: 60 − (180 − 40) / 260 × 60 and 60 − (70 − 40) / 260 × 60", () => {
    const { frame: f, target } = dayTraceFrame("mg/dL", { width: 240, height: 60 });
    expect(f).toEqual({ width: 240, height: 60, yMin: 40, yMax: 300 });
    expect(target).toEqual([27.7, 53.1]);
  });

  it("in mmol/L the same band sits at the same place (the frame is converted with it)", () => {
    const { frame: f, target } = dayTraceFrame("mmol/L", { width: 240, height: 60 });
    expect(f.yMin).toBeCloseTo(2.22, 2);
    expect(f.yMax).toBeCloseTo(16.65, 2);
    expect(target).toEqual([27.7, 53.1]);
  });
});
