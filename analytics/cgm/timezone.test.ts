/**
 * Time-zone conversions. Expected offsets and transition instants are from the IANA tz database
 * (US rules since 2007: second Sunday of March 02:00 → 03:00, first Sunday of November 02:00 →
 * 01:00; Lord Howe Island shifts by 30 minutes at 02:00 local on the first Sunday of October).
 */
import { describe, expect, it } from "vitest";
import { AnalyticsInputError } from "../errors.ts";
import {
  dayNumberToIsoDate,
  formatLocalDateTime,
  fromLocalMs,
  fromLocalParts,
  localDayNumber,
  parseIsoDateTime,
  resolveTimeZone,
  startOfLocalDay,
  toLocalParts,
} from "./timezone.ts";

const H = 3_600_000;

describe("resolveTimeZone", () => {
  it("treats EST as R does: a fixed UTC−05:00 offset, also in summer", () => {
    const est = resolveTimeZone("EST");
    expect(est.offsetMinutes(Date.UTC(2015, 0, 15))).toBe(-300);
    expect(est.offsetMinutes(Date.UTC(2015, 6, 15))).toBe(-300);
    expect(est.fixed).toBe(true);
  });

  it("follows daylight saving time for IANA zones", () => {
    const ny = resolveTimeZone("America/New_York");
    expect(ny.offsetMinutes(Date.UTC(2024, 0, 15))).toBe(-300);
    expect(ny.offsetMinutes(Date.UTC(2024, 6, 15))).toBe(-240);
    // 2024-03-10 07:00Z is 02:00 EST = 03:00 EDT
    expect(ny.offsetMinutes(Date.UTC(2024, 2, 10, 6, 59, 59))).toBe(-300);
    expect(ny.offsetMinutes(Date.UTC(2024, 2, 10, 7))).toBe(-240);
    expect(resolveTimeZone("Europe/Berlin").offsetMinutes(Date.UTC(2024, 6, 1))).toBe(120);
  });

  it("handles a 30-minute DST shift in the middle of a UTC hour (Australia/Lord_Howe)", () => {
    const lh = resolveTimeZone("Australia/Lord_Howe");
    // 2024-10-06 02:00 local (+10:30) = 2024-10-05T15:30Z
    expect(lh.offsetMinutes(Date.UTC(2024, 9, 5, 15, 29))).toBe(630);
    expect(lh.offsetMinutes(Date.UTC(2024, 9, 5, 15, 31))).toBe(660);
  });

  it("accepts UTC and fixed offsets", () => {
    expect(resolveTimeZone("UTC").offsetMinutes(0)).toBe(0);
    expect(resolveTimeZone("Z").offsetMinutes(0)).toBe(0);
    expect(resolveTimeZone("+05:30").offsetMinutes(0)).toBe(330);
    expect(resolveTimeZone("-0500").offsetMinutes(0)).toBe(-300);
    expect(resolveTimeZone("+09").offsetMinutes(0)).toBe(540);
  });

  it("rejects unknown zones naming the field", () => {
    expect(() => resolveTimeZone("Mars/Olympus_Mons")).toThrow(AnalyticsInputError);
    let field = "";
    try {
      resolveTimeZone("");
    } catch (err) {
      field = err instanceof AnalyticsInputError ? err.field : "";
    }
    expect(field).toBe("tz");
  });
});

describe("local parts", () => {
  it("converts instants to local clock parts", () => {
    expect(toLocalParts(Date.UTC(2015, 5, 6, 21, 50, 27), "EST")).toEqual({ year: 2015, month: 6, day: 6, hour: 16, minute: 50, second: 27, millisecond: 0 });
    expect(toLocalParts(Date.UTC(2024, 6, 1, 3, 30), "America/New_York")).toMatchObject({ month: 6, day: 30, hour: 23, minute: 30 });
  });

  it("round-trips local parts", () => {
    const p = { year: 2024, month: 7, day: 1, hour: 8, minute: 15, second: 0, millisecond: 250 };
    expect(toLocalParts(fromLocalParts(p, "America/New_York"), "America/New_York")).toEqual(p);
  });

  it("resolves a skipped local time to the instant after the transition", () => {
    // 2024-03-10 02:30 does not exist in New York; 03:30 EDT = 07:30Z
    expect(fromLocalMs(Date.UTC(2024, 2, 10, 2, 30), "America/New_York")).toBe(Date.UTC(2024, 2, 10, 7, 30));
  });

  it("resolves a repeated local time to the earlier instant", () => {
    // 2024-11-03 01:30 happens twice; the first is 01:30 EDT = 05:30Z
    expect(fromLocalMs(Date.UTC(2024, 10, 3, 1, 30), "America/New_York")).toBe(Date.UTC(2024, 10, 3, 5, 30));
  });

  it("has 23- and 25-hour local days around DST changes", () => {
    const tz = "America/New_York";
    const spring = localDayNumber(Date.UTC(2024, 2, 10, 12), tz);
    const fall = localDayNumber(Date.UTC(2024, 10, 3, 12), tz);
    expect(dayNumberToIsoDate(spring)).toBe("2024-03-10");
    expect(startOfLocalDay(spring, tz)).toBe(Date.UTC(2024, 2, 10, 5));
    expect((startOfLocalDay(spring + 1, tz) - startOfLocalDay(spring, tz)) / H).toBe(23);
    expect((startOfLocalDay(fall + 1, tz) - startOfLocalDay(fall, tz)) / H).toBe(25);
    expect((startOfLocalDay(spring + 1, "EST") - startOfLocalDay(spring, "EST")) / H).toBe(24);
  });

  it("formats local clock time like R prints POSIXct", () => {
    expect(formatLocalDateTime(Date.UTC(2015, 5, 6, 21, 50, 27, 900), "EST")).toBe("2015-06-06 16:50:27");
  });
});

describe("parseIsoDateTime", () => {
  it("reads times without an offset as local clock time in tz", () => {
    expect(parseIsoDateTime("2015-06-06 16:50:27", "EST")).toBe(Date.UTC(2015, 5, 6, 21, 50, 27));
    expect(parseIsoDateTime("2024-07-01T08:00", "America/New_York")).toBe(Date.UTC(2024, 6, 1, 12));
    expect(parseIsoDateTime("2024-01-01", "UTC")).toBe(Date.UTC(2024, 0, 1));
  });

  it("honours an explicit offset or Z whatever tz is", () => {
    expect(parseIsoDateTime("2015-06-06T21:50:27Z", "America/New_York")).toBe(Date.UTC(2015, 5, 6, 21, 50, 27));
    expect(parseIsoDateTime("2015-06-06T16:50:27.5-05:00", "Asia/Tokyo")).toBe(Date.UTC(2015, 5, 6, 21, 50, 27, 500));
    expect(parseIsoDateTime("2015-06-06T23:50:27+0200", "UTC")).toBe(Date.UTC(2015, 5, 6, 21, 50, 27));
  });

  it("returns NaN for text that is not a valid date-time", () => {
    expect(parseIsoDateTime("yesterday", "UTC")).toBeNaN();
    expect(parseIsoDateTime("2024-02-30T00:00:00", "UTC")).toBeNaN();
    expect(parseIsoDateTime("2024-13-01T00:00:00", "UTC")).toBeNaN();
  });
});
