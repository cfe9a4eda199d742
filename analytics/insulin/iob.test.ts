/**
 * IOB against Nightscout's own tests: nightscout/cgm-remote-monitor `tests/iob.test.js`
 * ("from treatments" and "from devicestatus"), which exercise `iob.calcTotal`,
 * `iob.fromTreatments`, `iob.calcTreatment` and `iob.lastIOBDeviceStatus` of `lib/plugins/iob.js`.
 * The numeric vectors marked "by hand" are the polynomial of `calcTreatment` evaluated by hand;
 * tolerance 1e-9 unless said.
 */
import { describe, expect, it } from "vitest";
import { calcTreatmentIob, iobFromTreatments, iobTotal, treatmentProfile, type DeviceStatus, type ProfileDocument } from "./index.ts";

const HOUR = 3_600_000;
const profileOf = (p: Record<string, unknown>) => treatmentProfile([{ defaultProfile: "Default", startMills: 0, store: { Default: p } } as ProfileDocument], "UTC");

describe("IOB from treatments (tests/iob.test.js 'from treatments')", () => {
  const time = Date.UTC(2026, 0, 10, 12);
  const treatments = Object.freeze([Object.freeze({ mills: time - 1, insulin: "1.00" })]);

  it("should calculate IOB (dia 3, sens 0)", () => {
    const profile = profileOf({ dia: 3, sens: 0 });
    const right = iobTotal(treatments, [], profile, time);
    expect(right).toMatchObject({ display: "1.00", displayLine: "IOB: 1.00U", source: "Care Portal" });
    const later = iobTotal(treatments, [], profile, time + HOUR) as { iob: number };
    expect(later.iob).toBeLessThan(1);
    expect(later.iob).toBeGreaterThan(0);
    expect((iobTotal(treatments, [], profile, time + 3 * HOUR) as { iob: number }).iob).toBe(0);
  });

  it("should calculate IOB using defaults (no profile: DIA 3)", () => {
    expect(iobTotal([{ mills: time - 1, insulin: "1.00" }], [], undefined, time)).toMatchObject({ display: "1.00" });
  });

  it("should not show a negative IOB when approaching 0", () => {
    const t = time - 1;
    expect(iobTotal([{ mills: t, insulin: "5.00" }], [], undefined, t + 3 * HOUR - 90_000)).toMatchObject({ display: "0.00" });
  });

  it("should calculate IOB using a 4 hour duration", () => {
    const profile = profileOf({ dia: 4, sens: 0 });
    expect(iobTotal(treatments, [], profile, time)).toMatchObject({ display: "1.00" });
    const at1 = (iobTotal(treatments, [], profile, time + HOUR) as { iob: number }).iob;
    expect(at1).toBeGreaterThan(0);
    expect(at1).toBeLessThan(1);
    expect((iobTotal(treatments, [], profile, time + 3 * HOUR) as { iob: number }).iob).toBeGreaterThan(0);
    expect((iobTotal(treatments, [], profile, time + 4 * HOUR) as { iob: number }).iob).toBe(0);
  });

  it("follows calcTreatment's polynomial before and after the peak (by hand)", () => {
    // 60 min, DIA 3: x = 13 → 1 − 0.001852·169 + 0.001852·13 = 0.711088
    expect(calcTreatmentIob({ mills: 0, insulin: 1 }, profileOf({ dia: 3 }), HOUR).iobContrib).toBeCloseTo(0.711088, 9);
    // 120 min, DIA 3: y = 9 → 0.001323·81 − 0.054233·9 + 0.55556 = 0.174626
    expect(calcTreatmentIob({ mills: 0, insulin: 1 }, profileOf({ dia: 3 }), 2 * HOUR).iobContrib).toBeCloseTo(0.174626, 9);
    // DIA 4 scales time by 3/4: 80 min is 60 scaled minutes
    expect(calcTreatmentIob({ mills: 0, insulin: 2 }, profileOf({ dia: 4 }), 80 * 60_000).iobContrib).toBeCloseTo(2 * 0.711088, 9);
    // activity at 60 min with sens 50: 50 · 1 · (2 / 3 / 60 / 75) · 60
    expect(calcTreatmentIob({ mills: 0, insulin: 1 }, profileOf({ dia: 3, sens: 50 }), HOUR).activityContrib).toBeCloseTo((50 * 2 * 60) / 3 / 60 / 75, 12);
  });

  it("sums doses given up to the time, rounds to 3 decimals and names the last bolus on board", () => {
    const doses = Object.freeze([{ mills: 0, insulin: 1 }, { mills: HOUR, insulin: 2 }, { mills: 3 * HOUR, insulin: 4 }]);
    const r = iobFromTreatments(doses, profileOf({ dia: 3 }), 2 * HOUR);
    expect(r.iob).toBe(0.175 + 1.422); // 0.174626 + 2 · 0.711088, rounded
    expect(r.lastBolus).toBe(doses[1]);
  });

  it("answers {} with neither treatments nor reports (offerProperty keeps an empty iob)", () => {
    expect(iobTotal([], [], undefined, 0)).toEqual({});
  });
});

describe("IOB from devicestatus (tests/iob.test.js 'from devicestatus')", () => {
  const time = Date.UTC(2026, 0, 10, 12);
  const profile = profileOf({ dia: 3, sens: 0 });
  const treatments = [{ mills: time - 1, insulin: "3.00" }];
  const treatmentIob = iobFromTreatments(treatments, profile, time).iob;
  const openaps = (mills: number, iob: unknown): DeviceStatus => ({ device: "openaps://pi1", mills, openaps: { iob } });
  const OPENAPS_IOB = { iob: 0.047, basaliob: -0.298, activity: 0.0147 };

  it("should fall back to treatment data if no devicestatus data", () => {
    expect(iobTotal(treatments, [], profile, time)).toMatchObject({ source: "Care Portal", iob: treatmentIob });
  });
  it("should fall back to treatments if openaps devicestatus is present but empty", () => {
    expect(iobTotal(treatments, [{ device: "openaps://pi1", mills: time - 1, openaps: {} }], profile, time)).toMatchObject({ iob: treatmentIob });
  });
  it("should fall back to treatments if openaps devicestatus is present but too stale", () => {
    const stale = time - 30 * 60_000 - 1;
    expect(iobTotal(treatments, [openaps(stale, { ...OPENAPS_IOB, timestamp: stale })], profile, time)).toMatchObject({ source: "Care Portal", iob: treatmentIob });
  });
  it("should return IOB data from openaps (with the treatments' IOB beside it)", () => {
    expect(iobTotal(treatments, [openaps(time - 1, { ...OPENAPS_IOB, timestamp: time - 1 })], profile, time)).toMatchObject({
      ...OPENAPS_IOB,
      source: "OpenAPS",
      device: "openaps://pi1",
      treatmentIob: 3,
      display: "0.05",
    });
  });
  it("should not blow up with null IOB data from openaps", () => {
    expect(iobTotal(treatments, [openaps(time - 1, null)], profile, time)).toMatchObject({ source: "Care Portal", display: "3.00" });
  });
  it("should return IOB data from openaps post AMA (an array)", () => {
    expect(iobTotal(treatments, [openaps(time - 1, [{ ...OPENAPS_IOB, time: time - 1 }])], profile, time)).toMatchObject({ ...OPENAPS_IOB, source: "OpenAPS" });
  });
  it("should return IOB data from Loop, preferred over a later pump report", () => {
    const loop: DeviceStatus = { device: "loop://iPhone", mills: time - 1, loop: { iob: { iob: 0.75, timestamp: time - 1 } } };
    const pump: DeviceStatus = { device: "loop://iPhone", mills: time, pump: { iob: { iob: 9 } } };
    expect(iobTotal(treatments, [loop, pump], profile, time)).toMatchObject({ iob: 0.75, source: "Loop", device: "loop://iPhone" });
  });
  it("should return IOB data from openaps from multiple devices (the latest)", () => {
    const s = [openaps(time - 1000, { iob: 1, timestamp: time - 1000 }), openaps(time - 1, { ...OPENAPS_IOB, timestamp: time - 1 }), openaps(time - 20_000, { iob: 2, timestamp: time - 20_000 })];
    expect(iobTotal(treatments, s, profile, time)).toMatchObject({ ...OPENAPS_IOB, source: "OpenAPS" });
  });
  it("should return IOB data from MiniMed Connect", () => {
    const s: DeviceStatus = { device: "connect://paradigm", mills: time - 1, pump: { iob: { bolusiob: 0.87 } }, connect: { sensorState: "copacetic" } };
    expect(iobTotal(treatments, [s], profile, time)).toMatchObject({ iob: 0.87, source: "MM Connect", device: "connect://paradigm" });
  });
});
