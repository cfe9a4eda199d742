import { describe, expect, it } from "vitest";
import { formatAge, formatClock, minutesSince, parseRangeHours, pickLocale } from "./time.ts";

describe("parseRangeHours", () => {
  it("accepts 3, 6, 12 and 24", () => {
    expect(["3", "6", "12", "24"].map(parseRangeHours)).toEqual([3, 6, 12, 24]);
  });
  it("falls back to 3 for anything else", () => {
    for (const v of [null, undefined, "", "5", "48", "abc", "3.0e0x"]) {
      expect(parseRangeHours(v)).toBe(3);
    }
  });
});

describe("minutesSince", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  it("counts whole minutes", () => {
    expect(minutesSince("2026-03-01T11:54:30Z", now)).toBe(5);
    expect(minutesSince("2026-03-01T12:00:00Z", now)).toBe(0);
  });
  it("never goes negative for readings slightly in the future", () => {
    expect(minutesSince("2026-03-01T12:01:00Z", now)).toBe(0);
  });
  it("throws on an invalid time, naming the function", () => {
    expect(() => minutesSince("yesterday", now)).toThrow(/minutesSince/);
  });
});

describe("formatAge", () => {
  it("formats minutes, hours and days", () => {
    expect(formatAge(0)).toBe("just now");
    expect(formatAge(7)).toBe("7 min ago");
    expect(formatAge(60)).toBe("1 h ago");
    expect(formatAge(125)).toBe("2 h 5 min ago");
    expect(formatAge(3 * 24 * 60 + 10)).toBe("3 days ago");
  });
});

describe("pickLocale", () => {
  it("takes the first supported tag", () => {
    expect(pickLocale("de-CH,de;q=0.9,en;q=0.8")).toBe("de-CH");
    expect(pickLocale("*, fr;q=0.5")).toBe("fr");
  });
  it("falls back to en-US", () => {
    expect(pickLocale(null)).toBe("en-US");
    expect(pickLocale("")).toBe("en-US");
    expect(pickLocale("!!,??")).toBe("en-US");
  });
});

describe("formatClock", () => {
  it("formats in the given zone", () => {
    expect(formatClock("2026-03-01T13:05:00Z", "Europe/Berlin", "de-DE")).toBe("14:05");
    expect(formatClock(Date.parse("2026-03-01T13:05:00Z") / 1000, "UTC", "en-GB")).toBe("13:05");
  });
});
