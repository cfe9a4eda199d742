import { describe, expect, it } from "vitest";
import { sharedDayTraces } from "./shared-report.ts";

describe("sharedDayTraces", () => {
  it("draws a day over 24 h in the frame, breaks at gaps over 15 minutes, counts time in 70–180", () => {
    const f = { width: 1440, height: 100, yMin: 0, yMax: 400 };
    const [day] = sharedDayTraces([{ date: "2026-05-01", minute: [0, 5, 60], value: [100, 200, 500] }], "mg/dL", f);
    expect(day).toEqual({ date: "2026-05-01", readings: 3, path: "M0,75L5,50M60,0", inRangePercent: 33.3 });
  });

  it("uses the unit's thresholds and says no data for an empty day", () => {
    const f = { width: 100, height: 100, yMin: 2, yMax: 22 };
    const [day, empty] = sharedDayTraces(
      [
        { date: "2026-05-01", minute: [0, 5], value: [3.9, 10.1] },
        { date: "2026-05-02", minute: [], value: [] },
      ],
      "mmol/L",
      f,
    );
    expect(day!.inRangePercent).toBe(50);
    expect(empty).toEqual({ date: "2026-05-02", readings: 0, path: "", inRangePercent: null });
  });
});
