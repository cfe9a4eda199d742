import { describe, expect, it } from "vitest";
import { forecastOverlay } from "./forecast-data.ts";

const f = {
  origin: { time: "2026-01-01T10:00:00.000Z", value: 120 },
  model: { name: "AR(2)" },
  predictions: [
    { minutes: 60, time: "2026-01-01T11:00:00.000Z", value: 150, lower: 110, upper: 190 },
    { minutes: 30, time: "2026-01-01T10:30:00.000Z", value: 135, lower: 120, upper: 150 },
  ],
};

describe("forecastOverlay", () => {
  it("starts at the origin, sorts by horizon, converts to mmol/L and describes the end", () => {
    const o = forecastOverlay(f, "mmol/L")!;
    expect(o.t).toEqual([1767261600, 1767263400, 1767265200]);
    expect(o.value[0]).toBeCloseTo(120 / 18.0182, 6);
    expect(o.lower[0]).toBe(o.value[0]);
    expect(o.upper[2]).toBeCloseTo(190 / 18.0182, 6);
    expect(o.endSec).toBe(1767265200);
    expect(o.summary).toBe("Forecast for 60 minutes ahead: about 8.3 mmol/L (likely between 6.1 and 10.5), AR(2).");
  });

  it("is null without a forecast, an origin or predictions", () => {
    expect(forecastOverlay(null, "mg/dL")).toBeNull();
    expect(forecastOverlay({ ...f, origin: null }, "mg/dL")).toBeNull();
    expect(forecastOverlay({ ...f, predictions: [] }, "mg/dL")).toBeNull();
    expect(forecastOverlay({ ...f, predictions: [{ minutes: 5, time: "x", value: 1, lower: 1, upper: 1 }] }, "mg/dL")).toBeNull();
  });
});
