/**
 * COB against Nightscout's own tests: nightscout/cgm-remote-monitor `tests/cob.test.js`
 * ("should calculate IOB, multiple treatments", "single treatment", "from devicestatus"), which
 * exercise `cob.cobTotal`, `cob.fromTreatments` and `cob.cobCalc` of `lib/plugins/cob.js` with
 * the profile { sens 95, carbratio 18, carbs_hr 30 }. Exact where Nightscout's test is exact,
 * rounded to the gram where it rounds.
 */
import { describe, expect, it } from "vitest";
import { cobCalc, cobFromTreatments, cobTotal, treatmentProfile, type DeviceStatus, type ProfileDocument } from "./index.ts";

// The test's legacy flat profile, as Nightscout's convertToProfileStore makes it.
const profile = treatmentProfile([{ defaultProfile: "Default", startMills: Date.parse("2015-06-21"), store: { Default: { sens: 95, carbratio: 18, carbs_hr: 30 } } } as ProfileDocument], "UTC");
const at = (iso: string) => new Date(iso).getTime();

describe("COB from treatments (tests/cob.test.js)", () => {
  it("should calculate COB, multiple treatments", () => {
    const treatments = Object.freeze([
      { carbs: "100", mills: at("2015-05-29T02:03:48.827Z") },
      { carbs: "10", mills: at("2015-05-29T03:45:10.670Z") },
    ]);
    const after100 = cobTotal(treatments, [], profile, at("2015-05-29T02:03:49.827Z")) as { cob: number };
    const before10 = cobTotal(treatments, [], profile, at("2015-05-29T03:45:10.670Z")) as { cob: number };
    const after10 = cobTotal(treatments, [], profile, at("2015-05-29T03:45:11.670Z")) as { cob: number };
    expect(after100.cob).toBe(100);
    expect(Math.round(before10.cob)).toBe(59);
    expect(Math.round(after10.cob)).toBe(69);
  });

  it("should calculate COB, single treatment", () => {
    const treatments = [{ carbs: "8", mills: at("2015-05-29T04:40:40.174Z") }];
    const cobAt = (iso: string) => (cobTotal(treatments, [], profile, at(iso)) as { cob: number }).cob;
    expect(cobAt("2015-05-29T04:41:40.174Z")).toBe(8);
    expect(cobAt("2015-05-29T05:04:40.174Z")).toBe(6);
    expect(cobAt("2015-05-29T05:20:00.174Z")).toBe(0);
    expect(cobAt("2015-05-29T05:50:00.174Z")).toBe(0);
    expect(cobAt("2015-05-29T06:50:00.174Z")).toBe(0);
  });

  it("adds display and displayLine, source Care Portal", () => {
    const t = at("2015-05-29T04:40:40.174Z");
    expect(cobTotal([{ carbs: "8", mills: t }], [], profile, t + 60_000)).toMatchObject({ cob: 8, display: 8, displayLine: "COB: 8g", source: "Care Portal" });
  });

  it("cobCalc: decay starts 20 minutes after the meal, in whole minutes (Date.setMinutes)", () => {
    // 8 g at 30 g/h = 16 minutes of decay after the 20-minute delay
    const d = cobCalc({ mills: 0, carbs: 8 }, profile, 0, 60_000)!;
    expect(d.decayedBy).toBe(36 * 60_000);
    expect(d.isDecaying).toBe(0);
    // 10 g = 20 minutes; fractional minutes are cut: 7 g = 14 minutes, 7.5 g = 15 minutes
    expect(cobCalc({ mills: 0, carbs: 7.9 }, profile, 0, 0)!.decayedBy).toBe((20 + 15) * 60_000);
  });

  it("delays decay by the insulin active meanwhile (liverSensRatio 8)", () => {
    const t0 = at("2015-05-29T04:00:00Z");
    const carbsOnly = cobFromTreatments([{ carbs: 30, mills: t0 }], profile, t0 + 30 * 60_000);
    const withInsulin = cobFromTreatments([{ carbs: 30, mills: t0 }, { insulin: 3, mills: t0 + 1 }], profile, t0 + 30 * 60_000);
    expect(withInsulin.decayedBy).toBeGreaterThan(carbsOnly.decayedBy);
    expect(withInsulin.cob).toBeGreaterThan(carbsOnly.cob);
  });

  it("needs sensitivity and carb ratio in the profile", () => {
    const bare = treatmentProfile([{ defaultProfile: "D", startMills: 0, store: { D: { dia: 3 } } }], "UTC");
    expect(cobTotal([{ carbs: 8, mills: 0 }], [], bare, 60_000)).toEqual({});
    expect(cobTotal([{ carbs: 8, mills: 0 }], [], undefined, 60_000)).toEqual({});
  });
});

describe("COB from devicestatus (tests/cob.test.js 'from devicestatus')", () => {
  const time = Date.UTC(2026, 0, 10, 12);
  const treatments = [{ mills: time - 1, carbs: "20" }];
  const treatmentCob = cobFromTreatments(treatments, profile, time).cob;
  const openaps = (mills: number, enacted: Record<string, unknown>): DeviceStatus => ({ device: "openaps://pi1", mills, openaps: { enacted } });

  it("should fall back to treatment data if no devicestatus data", () => {
    expect(cobTotal(treatments, [], profile, time)).toMatchObject({ source: "Care Portal", cob: treatmentCob });
  });
  it("should fall back to treatments if openaps devicestatus is present but empty", () => {
    expect(cobTotal(treatments, [{ device: "openaps://pi1", mills: time - 1, openaps: {} }], profile, time)).toMatchObject({ cob: treatmentCob });
  });
  it("should fall back to treatments if openaps devicestatus is present but too stale", () => {
    const stale = time - 30 * 60_000 - 1;
    expect(cobTotal(treatments, [openaps(stale, { COB: 5, timestamp: stale })], profile, time)).toMatchObject({ source: "Care Portal", cob: treatmentCob });
  });
  it("should return COB data from OpenAPS", () => {
    expect(cobTotal(treatments, [openaps(time - 1, { COB: 5, timestamp: time - 1 })], profile, time)).toMatchObject({ cob: 5, source: "OpenAPS", device: "openaps://pi1" });
  });
  it("prefers the newer of OpenAPS enacted and suggested", () => {
    const s: DeviceStatus = { device: "openaps://pi1", mills: time - 1, openaps: { enacted: { COB: 5, timestamp: time - 60_000 }, suggested: { COB: 7, timestamp: time - 1 } } };
    expect(cobTotal(treatments, [s], profile, time)).toMatchObject({ cob: 7, source: "OpenAPS" });
  });
  it("should return COB data from Loop", () => {
    const s: DeviceStatus = { device: "loop://iPhone", mills: time - 1, loop: { cob: { cob: 5, timestamp: time - 1 } } };
    expect(cobTotal(treatments, [s], profile, time)).toMatchObject({ cob: 5, source: "Loop", device: "loop://iPhone" });
  });
  it("a loop report over 10 minutes old gives way to the treatments", () => {
    const s: DeviceStatus = { device: "loop://iPhone", mills: time - 11 * 60_000, loop: { cob: { cob: 5, timestamp: time - 11 * 60_000 } } };
    expect(cobTotal(treatments, [s], profile, time)).toMatchObject({ source: "Care Portal", cob: treatmentCob });
  });
});
