import { describe, expect, it } from "vitest";
import {
  isolatedPoints,
  glucoseYRange,
  readingsToColumns,
  recordsToMarkers,
  summarizeReadings,
  targetBand,
} from "./chart-data.ts";

const T0 = Date.parse("2026-03-01T00:00:00Z") / 1000;
const at = (minutes: number) => new Date((T0 + minutes * 60) * 1000).toISOString();

describe("readingsToColumns", () => {
  it("returns columnar seconds and values, in mg/dL unchanged", () => {
    const readings = Object.freeze([
      { time: at(0), value: 100 },
      { time: at(5), value: 110 },
      { time: at(10), value: 120 },
    ]);
    expect(readingsToColumns(readings, "mg/dL")).toEqual([
      [T0, T0 + 300, T0 + 600],
      [100, 110, 120],
    ]);
  });

  it("converts to mmol/L without rounding", () => {
    const [, ys] = readingsToColumns([{ time: at(0), value: 180.182 }], "mmol/L");
    expect(ys[0]).toBeCloseTo(10, 10);
  });

  it("returns two empty columns for no readings", () => {
    expect(readingsToColumns([], "mg/dL")).toEqual([[], []]);
  });

  it("inserts a null halfway across a gap longer than 15 minutes", () => {
    const readings = [
      { time: at(0), value: 100 },
      { time: at(15), value: 105 }, // exactly 15 min: joined
      { time: at(45), value: 150 }, // 30 min: gap
    ];
    expect(readingsToColumns(readings, "mg/dL")).toEqual([
      [T0, T0 + 900, T0 + 1800, T0 + 2700],
      [100, 105, null, 150],
    ]);
  });

  it("honours a custom gap", () => {
    const [xs, ys] = readingsToColumns(
      [
        { time: at(0), value: 100 },
        { time: at(6), value: 101 },
      ],
      "mg/dL",
      { gapSeconds: 300 },
    );
    expect(xs).toEqual([T0, T0 + 180, T0 + 360]);
    expect(ys).toEqual([100, null, 101]);
  });

  it("sorts unordered input without mutating it", () => {
    const readings = Object.freeze([
      Object.freeze({ time: at(10), value: 3 }),
      Object.freeze({ time: at(0), value: 1 }),
      Object.freeze({ time: at(5), value: 2 }),
    ]);
    expect(readingsToColumns(readings, "mg/dL")).toEqual([
      [T0, T0 + 300, T0 + 600],
      [1, 2, 3],
    ]);
    expect(readings[0].value).toBe(3);
  });

  it("keeps the last reading of a duplicated second and drops invalid ones", () => {
    const readings = [
      { time: at(0), value: 100 },
      { time: at(0), value: 101 },
      { time: "not a time", value: 300 },
      { time: at(5), value: Number.NaN },
      { time: at(10), value: 110 },
    ];
    expect(readingsToColumns(readings, "mg/dL")).toEqual([
      [T0, T0 + 600],
      [101, 110],
    ]);
  });

  it("keeps x ascending, as uPlot requires", () => {
    const readings = Array.from({ length: 200 }, (_, i) => ({
      time: at((i * 37) % 400),
      value: 100 + i,
    }));
    const [xs] = readingsToColumns(readings, "mg/dL");
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1]);
  });
});

describe("isolatedPoints", () => {
  it("finds values with no neighbour to draw a line to", () => {
    expect(isolatedPoints([120])).toEqual([0]);
    expect(isolatedPoints([120, 130])).toBeNull();
    // A reading between two gaps, one at each end beside a gap, and a joined pair.
    expect(isolatedPoints([100, null, 110, null, 120, 125, null, 130])).toEqual([0, 2, 7]);
    expect(isolatedPoints([])).toBeNull();
    expect(isolatedPoints([null, null])).toBeNull();
  });

  it("agrees with the gaps readingsToColumns inserts", () => {
    const [, ys] = readingsToColumns(
      [
        { time: "2026-01-01T00:00:00Z", value: 100 },
        { time: "2026-01-01T01:00:00Z", value: 110 },
        { time: "2026-01-01T01:05:00Z", value: 115 },
      ],
      "mg/dL",
    );
    expect(ys).toEqual([100, null, 110, 115]);
    expect(isolatedPoints(ys)).toEqual([0]);
  });
});

describe("glucoseYRange and targetBand", () => {
  it("is at least 40–300 mg/dL", () => {
    expect(glucoseYRange([100, null, 120], "mg/dL")).toEqual([40, 300]);
  });
  it("widens to the data", () => {
    const [min, max] = glucoseYRange([35, 400], "mg/dL");
    expect(min).toBe(35);
    expect(max).toBeCloseTo(420);
  });
  it("never goes below zero", () => {
    expect(glucoseYRange([-5], "mg/dL")[0]).toBe(0);
  });
  it("converts the band to mmol/L", () => {
    const [low, high] = targetBand("mmol/L");
    expect(low).toBeCloseTo(3.885, 3);
    expect(high).toBeCloseTo(9.99, 2);
  });
});

describe("recordsToMarkers", () => {
  const start = T0;
  const end = T0 + 3 * 3600;

  it("keeps points inside the window, sorted, with readable labels", () => {
    const markers = recordsToMarkers(
      {
        meals: [
          { id: "m2", time: at(120), carbs: 45 },
          { id: "m1", time: at(10) },
          { id: "m0", time: at(-10), carbs: 5 },
        ],
        insulin: [{ id: "i1", time: at(60), units: 4.5, kind: "rapid" }],
      },
      start,
      end,
    );
    expect(markers.points).toEqual([
      { id: "m1", kind: "meal", x: T0 + 600, label: "Meal" },
      { id: "i1", kind: "insulin", x: T0 + 3600, label: "Insulin, 4.5 U rapid" },
      { id: "m2", kind: "meal", x: T0 + 7200, label: "Meal, 45 g carbs" },
    ]);
    expect(markers.spans).toEqual([]);
  });

  it("clips spans to the window and drops those outside or inverted", () => {
    const markers = recordsToMarkers(
      {
        sleep: [{ id: "s1", start: at(-300), end: at(30), quality: 4 }],
        activities: [
          { id: "a1", start: at(90), end: at(300), type: "run", intensity: "high" },
          { id: "a2", start: at(500), end: at(600), type: "walk" },
          { id: "a3", start: at(50), end: at(40) },
        ],
      },
      start,
      end,
    );
    expect(markers.spans).toEqual([
      { id: "s1", kind: "sleep", start: T0, end: T0 + 1800, label: "Sleep, quality 4" },
      { id: "a1", kind: "activity", start: T0 + 5400, end, label: "Activity: run, high" },
    ]);
  });
});

describe("summarizeReadings", () => {
  it("counts shares by range", () => {
    const s = summarizeReadings([
      { time: at(0), value: 60 },
      { time: at(5), value: 100 },
      { time: at(10), value: 150 },
      { time: at(15), value: 200 },
    ]);
    expect(s).toEqual({
      count: 4,
      minMgdl: 60,
      maxMgdl: 200,
      lowPct: 25,
      inRangePct: 50,
      highPct: 25,
    });
  });
  it("returns nulls without readings", () => {
    expect(summarizeReadings([]).inRangePct).toBeNull();
  });
});
