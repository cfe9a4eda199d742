import { describe, expect, it } from "vitest";
import type { IobCobAnswer } from "./api-types.ts";
import { onBoard } from "./iob-cob.ts";

/** An answer of `GET /api/v1/glucose/iob-cob` with nothing on board, then `iob` and `cob` over it. */
const r = (iob: Partial<IobCobAnswer["iob"]>, cob: Partial<IobCobAnswer["cob"]>, fromSettings = false): IobCobAnswer => ({
  time: "2026-01-10T12:00:00.000Z",
  iob: { units: null, display: null, source: null, device: null, treatment_units: null, last_bolus_time: null, ...iob },
  cob: { grams: null, display: null, source: null, device: null, last_carbs_time: null, ...cob },
  profile: { from_settings: fromSettings, dia: 3, carbs_hr: 20, timezone: "UTC" },
});

describe("onBoard (the current-glucose card's IOB/COB line)", () => {
  it("shows units and grams from the API's display values", () => {
    expect(onBoard(r({ units: 1.249, display: "1.25", source: "Care Portal" }, { grams: 22, display: 22, source: "Care Portal" }, true))).toEqual({ iob: "1.25 U", cob: "22 g", source: null, defaults: true });
  });
  it("names the loop when a device reported the values", () => {
    expect(onBoard(r({ units: 0.75, display: "0.75", source: "Loop" }, { grams: 5, display: 5, source: "Loop" }))).toMatchObject({ source: "from Loop" });
    expect(onBoard(r({ units: 2.3, display: "2.30", source: "MM Connect" }, { grams: 10, display: 10, source: "Care Portal" }))).toMatchObject({ iob: "2.30 U", cob: "10 g", source: "from MM Connect" });
  });
  it("keeps one side when only it has a value, and hides the line with neither", () => {
    expect(onBoard(r({ units: 0, display: "0", source: "Care Portal" }, {}))).toEqual({ iob: "0 U", cob: null, source: null, defaults: false });
    expect(onBoard(r({}, {}))).toBeNull();
    expect(onBoard(null)).toBeNull();
  });
});
