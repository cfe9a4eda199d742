import { describe, expect, it } from "vitest";
import { griGeometry, griSentence } from "./gri-grid.ts";

// Zone boundaries after Klonoff et al. 2023 (Fig. 4): GRI = 3 · hypo + 1.6 · hyper = 20/40/60/80.
describe("griGeometry", () => {
  it("draws the zone boundaries where 3 · hypo + 1.6 · hyper equals 20, 40, 60 and 80", () => {
    const g = griGeometry(300, 600, null);
    // 10 px per % on both axes; y grows downwards from 600.
    expect(g.lines[0]).toEqual({ x1: 66.7, y1: 600, x2: 0, y2: 600 - 125 });
    expect(g.lines[3]).toEqual({ x1: 266.7, y1: 600, x2: 0, y2: 100 });
    expect(g.zones.map((z) => z.zone)).toEqual(["E", "D", "C", "B", "A"]);
    expect(g.xTicks.at(-1)).toEqual({ value: 30, x: 300 });
    expect(g.yTicks.at(-1)).toEqual({ value: 60, y: 0 });
    expect(g.point).toBeNull();
  });

  it("places the point and clamps one beyond the grid to its edge", () => {
    expect(griGeometry(300, 600, { hypo: 2, hyper: 10 }).point).toEqual({ x: 20, y: 500, clamped: false });
    expect(griGeometry(300, 600, { hypo: 45, hyper: 70 }).point).toEqual({ x: 300, y: 0, clamped: true });
  });

  it("says the value, zone and components in words", () => {
    expect(griSentence({ gri: 23.44, gri_zone: "B", gri_hypo: 1.2, gri_hyper: 12.4 })).toBe("GRI 23.4, zone B (21–40): hypoglycemia component 1.2 %, hyperglycemia component 12.4 %.");
  });
});
