/**
 * timezone.ts: local wall-clock → UTC in an IANA zone, DST-correct, with the documented rules
 * for the repeated fall-back hour (first occurrence) and the skipped spring-forward hour
 * (shift forward).
 */
import { describe, expect, it } from "vitest";
import { InteropError } from "../errors.ts";
import { ZoneResolver } from "../timezone.ts";
import { iso, prng } from "./helpers.ts";

describe("ZoneResolver", () => {
  it("reads ordinary times with the offset in force (America/New_York: EST in winter, EDT in summer)", () => {
    const z = new ZoneResolver("America/New_York");
    expect(iso(z.toUtc(2024, 1, 15, 8, 30, 0))).toBe("2024-01-15T13:30:00.000Z");
    expect(iso(z.toUtc(2024, 7, 1, 12, 0, 0))).toBe("2024-07-01T16:00:00.000Z");
    expect([z.ambiguous, z.nonexistent]).toEqual([0, 0]);
  });

  it("resolves the repeated fall-back hour to its first occurrence (still on summer time) and counts it", () => {
    const z = new ZoneResolver("America/New_York");
    // 2024-11-03 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    expect(iso(z.toUtc(2024, 11, 3, 1, 30, 0))).toBe("2024-11-03T05:30:00.000Z");
    expect(iso(z.toUtc(2024, 11, 3, 0, 59, 59))).toBe("2024-11-03T04:59:59.000Z");
    expect(iso(z.toUtc(2024, 11, 3, 2, 0, 0))).toBe("2024-11-03T07:00:00.000Z");
    expect(z.ambiguous).toBe(1);
    const london = new ZoneResolver("Europe/London");
    expect(iso(london.toUtc(2025, 10, 26, 1, 15, 0))).toBe("2025-10-26T00:15:00.000Z"); // BST, not GMT
    expect(london.ambiguous).toBe(1);
  });

  it("shifts a time in the spring-forward gap forward by the gap and counts it", () => {
    const z = new ZoneResolver("America/New_York");
    // 2024-03-10 02:30 does not exist (02:00 → 03:00); read as 03:30 EDT.
    expect(iso(z.toUtc(2024, 3, 10, 2, 30, 0))).toBe("2024-03-10T07:30:00.000Z");
    expect(iso(z.toUtc(2024, 3, 10, 3, 30, 0))).toBe("2024-03-10T07:30:00.000Z");
    expect(iso(z.toUtc(2024, 3, 10, 1, 59, 0))).toBe("2024-03-10T06:59:00.000Z");
    expect(z.nonexistent).toBe(1);
    // Lord Howe Island moves by 30 minutes: 02:15 on 2024-10-06 does not exist.
    const lh = new ZoneResolver("Australia/Lord_Howe");
    expect(iso(lh.toUtc(2024, 10, 6, 2, 15, 0))).toBe(iso(lh.toUtc(2024, 10, 6, 2, 45, 0)));
    expect(lh.nonexistent).toBe(1);
  });

  it("round-trips random local times: the instant shows the same wall clock, except in gaps", () => {
    const rnd = prng(42);
    for (const name of ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "America/Santiago"]) {
      const z = new ZoneResolver(name);
      const fmt = new Intl.DateTimeFormat("en-CA", { timeZone: name, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
      for (let k = 0; k < 400; k++) {
        const wall = Date.UTC(2015, 0, 1) + Math.floor(rnd() * 10 * 365) * 86_400_000 + Math.floor(rnd() * 86_400) * 1000;
        const d = new Date(wall);
        const before = z.nonexistent;
        const t = z.toUtc(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds());
        if (z.nonexistent > before) continue;
        const shown = fmt.format(t).replace(", ", "T");
        expect(shown).toBe(d.toISOString().slice(0, 19));
      }
    }
  });

  it("takes UTC, fixed offsets and R's fixed EST (no daylight saving, as iglu's data)", () => {
    expect(iso(new ZoneResolver("UTC").toUtc(2024, 7, 1, 0, 0, 0))).toBe("2024-07-01T00:00:00.000Z");
    expect(iso(new ZoneResolver("+05:30").toUtc(2024, 7, 1, 0, 0, 0))).toBe("2024-06-30T18:30:00.000Z");
    expect(iso(new ZoneResolver("-0500").toUtc(2024, 7, 1, 0, 0, 0))).toBe("2024-07-01T05:00:00.000Z");
    const est = new ZoneResolver("EST");
    expect([est.name, est.fixed]).toEqual(["EST", true]);
    expect(iso(est.toUtc(2015, 6, 6, 16, 50, 27))).toBe("2015-06-06T21:50:27.000Z");
  });

  it("rejects unknown and empty zones with a clear error", () => {
    expect(() => new ZoneResolver("Mars/Olympus")).toThrow(InteropError);
    expect(() => new ZoneResolver("Mars/Olympus")).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(() => new ZoneResolver(" ")).toThrow(/empty/);
  });
});
