import { describe, expect, it } from "vitest";
import { trendInfo } from "./trend.ts";

describe("trendInfo", () => {
  it("maps the seven Dexcom directions to arrows", () => {
    const arrows = [
      "DoubleUp",
      "SingleUp",
      "FortyFiveUp",
      "Flat",
      "FortyFiveDown",
      "SingleDown",
      "DoubleDown",
    ].map((t) => trendInfo(t)?.arrow);
    expect(arrows).toEqual(["⇈", "↑", "↗", "→", "↘", "↓", "⇊"]);
  });

  it("gives every arrow a text label", () => {
    expect(trendInfo("DoubleDown")?.label).toBe("Falling quickly");
    expect(trendInfo("Flat")?.label).toBe("Steady");
  });

  it("returns null for missing, non-computable and unknown trends", () => {
    for (const t of [null, undefined, "", "NONE", "NotComputable", "RateOutOfRange", "toString"]) {
      expect(trendInfo(t)).toBeNull();
    }
  });
});
