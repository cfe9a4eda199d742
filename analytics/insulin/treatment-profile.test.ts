/**
 * Profile lookups against Nightscout's `tests/profile.test.js` (nightscout/cgm-remote-monitor),
 * which exercises `lib/profilefunctions.js`: `getValueByTime` over schedules, `profileFromTime`
 * across several stored documents, `getUnits`, and the time zone of the profile.
 */
import { describe, expect, it } from "vitest";
import { scheduleValueAt, timeStringToSeconds, treatmentProfile, type ProfileDocument } from "./index.ts";

// tests/profile.test.js complexProfileData (its zone is the test machine's; here UTC).
const store = {
  dia: 3,
  carbs_hr: 30,
  sens: [{ time: "00:00", value: 10 }, { time: "02:00", value: 10 }, { time: "07:00", value: 9 }],
  carbratio: [{ time: "00:00", value: 16 }, { time: "06:00", value: 15 }, { time: "14:00", value: 16 }],
  basal: [{ time: "00:00", value: 0.175 }, { time: "02:30", value: 0.125 }, { time: "05:00", value: 0.075 }, { time: "08:00", value: 0.1 }, { time: "14:00", value: 0.125 }, { time: "20:00", value: 0.3 }, { time: "22:00", value: 0.225 }],
  target_low: 4.5,
  target_high: 8,
  units: "mmol",
  timezone: "UTC",
};
const doc = (startMills: number, over: Record<string, unknown> = {}): ProfileDocument => ({ defaultProfile: "Default", startMills, store: { Default: { ...store, ...over } } });
const utc = (h: number, m = 0) => Date.UTC(2015, 5, 22, h, m);

describe("treatmentProfile (tests/profile.test.js, lib/profilefunctions.js)", () => {
  const profile = treatmentProfile([doc(0)], "UTC");

  it("old style profiles: dia, carbs_hr, carbratio, sens, targets as plain values", () => {
    const old = treatmentProfile([{ defaultProfile: "Default", startMills: Date.parse("1980-01-01"), store: { Default: { dia: 3, carbs_hr: 30, carbratio: 7, sens: 35, target_low: 95, target_high: 120 } } }], "UTC");
    const now = Date.now();
    expect([old.getDIA(now), old.getCarbAbsorptionRate(now), old.getCarbRatio(now), old.getSensitivity(now), old.getLowBGTarget(now), old.getHighBGTarget(now)]).toEqual([3, 30, 7, 35, 95, 120]);
    expect(old.getUnits()).toBe("mg/dl");
  });
  it("should return profile units when configured", () => expect(profile.getUnits()).toBe("mmol"));
  it("should know what the basal rate is at 12:00 and 15:00 with complex style profiles", () => {
    expect(profile.getBasal(utc(12))).toBe(0.1);
    expect(profile.getBasal(utc(15))).toBe(0.125);
  });
  it("should know what the carbratio and sensitivity are at 12:00 with complex style profiles", () => {
    expect(profile.getCarbRatio(utc(12))).toBe(15);
    expect(profile.getSensitivity(utc(12))).toBe(9);
  });
  it("steps at their start: 02:30 and 23:59", () => {
    expect(profile.getBasal(utc(2, 29))).toBe(0.175);
    expect(profile.getBasal(utc(2, 30))).toBe(0.125);
    expect(profile.getBasal(utc(23, 59))).toBe(0.225);
  });
  it("an empty profile has no data and no values", () => {
    const empty = treatmentProfile([], "UTC");
    expect(empty.hasData()).toBe(false);
    expect(empty.getDIA(Date.now())).toBeUndefined();
  });
  it("reads schedules at the profile's local time of day (timezone)", () => {
    const ny = treatmentProfile([doc(0, { timezone: "America/New_York" })], "UTC");
    // 10:00 UTC is 06:00 in New York in June (EDT, UTC−4)
    expect(ny.getCarbRatio(utc(10))).toBe(15);
    expect(ny.getCarbRatio(utc(9, 59))).toBe(16);
  });
  it("falls back to the given zone when the profile has none", () => {
    const p = treatmentProfile([doc(0, { timezone: undefined })], "Asia/Kolkata");
    // 00:30 UTC is 06:00 in Kolkata (UTC+5:30)
    expect(p.getCarbRatio(utc(0, 30))).toBe(15);
  });
  it("picks the document in force by startDate, the newest when none had started (profileFromTime)", () => {
    const p = treatmentProfile([doc(utc(0), { dia: 3 }), doc(utc(12), { dia: 5 })], "UTC");
    expect(p.getDIA(utc(11))).toBe(3);
    expect(p.getDIA(utc(13))).toBe(5);
    expect(p.getDIA(utc(0) - 1)).toBe(5);
  });
  it("parses numeric strings and HH:MM times; a bad step time is skipped", () => {
    expect(timeStringToSeconds("02:30")).toBe(9000);
    expect(scheduleValueAt([{ time: "00:00", value: "1.5" }, { time: "xx", value: 9 }], 3600)).toBe(1.5);
    expect(scheduleValueAt([{ timeAsSeconds: 0, value: 2 }], 0)).toBe(2);
    expect(scheduleValueAt(undefined, 0)).toBeUndefined();
  });
});
