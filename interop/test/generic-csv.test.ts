/**
 * generic-csv.ts: mapped columns by name or index, time formats and zones, delimiters, errors,
 * and the header-guessing helper.
 */
import { describe, expect, it } from "vitest";
import { compileTimePattern } from "../datetime.ts";
import { GenericCsvParser, guessCsvMapping } from "../generic-csv.ts";
import { iso } from "./helpers.ts";

describe("GenericCsvParser", () => {
  it("maps columns by name, converts mmol/L and reads a 12-hour day-first pattern in a zone", () => {
    const text = 'Zeit;Glukose (mmol/L);Gerät\n25/12/2024 7:30 PM;"5,6";Meter A\n25/12/2024 7:35 PM;abc;Meter A\n31/02/2024 7:40 PM;5.0;\n';
    const r = new GenericCsvParser({
      delimiter: ";",
      mapping: { time: "zeit", value: "Glukose (mmol/L)", unit: "mmol/L", timeFormat: "DD/MM/YYYY h:mm A", timeZone: "Europe/Berlin", sourceColumn: "Gerät" },
    }).parseAll(text);
    expect(r.rows).toEqual([{ record: "glucose", row: 2, time: Date.UTC(2024, 11, 25, 18, 30), value: 100.9, unit: "mg/dL", source: "Meter A", trend: null, flags: 0, original_value: "5,6", original_unit: "mmol/L" }]);
    expect(r.rejected).toEqual([
      { row: 3, reason: 'non-numeric glucose value "abc"' },
      { row: 4, reason: 'time "31/02/2024 7:40 PM" does not match the format "DD/MM/YYYY h:mm A"' },
    ]);
    expect(r.time_zone).toEqual({ mode: "local", zone: "Europe/Berlin", ambiguous: 0, nonexistent: 0 });
  });

  it("maps columns by index without a header, with epoch times and a trend column", () => {
    const r = new GenericCsvParser({ header: false, mapping: { time: 0, value: 1, unit: "mg/dL", timeFormat: "epoch-s", trendColumn: 2, source: "pump" } }).parseAll("1700000000,120,Flat\n1700000300,125,SingleUp\n");
    expect(r.rows.map((x) => x.record === "glucose" && [x.time, x.value, x.trend, x.source])).toEqual([
      [1_700_000_000_000, 120, "Flat", "pump"],
      [1_700_000_300_000, 125, "SingleUp", "pump"],
    ]);
    expect(r.time_zone.mode).toBe("utc");
  });

  it("reads ISO times with their own offsets, and needs a zone only for those without", () => {
    const text = "time,value\n2024-05-01T07:30:00+02:00,100\n2024-05-01T08:30:00Z,101\n2024-05-01 09:30,102\n";
    const noZone = new GenericCsvParser({ mapping: { time: "time", value: "value", unit: "mg/dL", timeFormat: "iso" } }).parseAll(text);
    expect(noZone.rows.map((x) => x.record === "glucose" && iso(x.time))).toEqual(["2024-05-01T05:30:00.000Z", "2024-05-01T08:30:00.000Z"]);
    expect(noZone.rejected).toEqual([{ row: 4, reason: 'time "2024-05-01 09:30" does not match the format "iso"' }]);
    const zoned = new GenericCsvParser({ mapping: { time: "time", value: "value", unit: "mg/dL", timeFormat: "iso", timeZone: "Asia/Tokyo" } }).parseAll(text);
    expect(zoned.rows.map((x) => x.record === "glucose" && iso(x.time))).toEqual(["2024-05-01T05:30:00.000Z", "2024-05-01T08:30:00.000Z", "2024-05-01T00:30:00.000Z"]);
  });

  it("skips preamble records before the header", () => {
    const r = new GenericCsvParser({ skipRecords: 2, mapping: { time: "t", value: "v", unit: "mg/dL", timeFormat: "YYYY-MM-DD HH:mm", timeZone: "UTC" } }).parseAll("Export of X\nPatient,Y\nt,v\n2024-01-01 10:00,99\n");
    expect([r.counts.glucose, r.skipped]).toEqual([1, { "preamble record": 2 }]);
  });

  it("fails clearly on a bad mapping", () => {
    const base = { time: "t", value: "v", unit: "mg/dL", timeFormat: "YYYY-MM-DD HH:mm", timeZone: "UTC" } as const;
    expect(() => new GenericCsvParser({ mapping: { ...base, timeZone: undefined } })).toThrow(/has no offset, so mapping.timeZone is required/);
    expect(() => new GenericCsvParser({ mapping: { ...base, timeFormat: "HH:mm" } })).toThrow(/needs a year/);
    expect(() => new GenericCsvParser({ mapping: { ...base, unit: "mg" as "mg/dL" } })).toThrow(/mapping.unit must be/);
    expect(() => new GenericCsvParser({ mapping: { ...base, timeZone: "Nowhere/Land" } })).toThrow(/unknown time zone/);
    expect(() => new GenericCsvParser({ mapping: base }).parseAll("time,value\n")).toThrow(/mapping.time names the column "t", which is not in the header/);
    expect(() => new GenericCsvParser({ header: false, mapping: base })).toThrow(/has no header/);
    expect(() => new GenericCsvParser({ mapping: base }).parseAll("")).toThrow(/ends before its header/);
  });
});

describe("guessCsvMapping", () => {
  it("finds a semicolon delimiter, a day-first time and mmol/L from the values", () => {
    const g = guessCsvMapping("Datum;Wert;Trend\n13.02.2025 08:00;5,6;Flat\n13.02.2025 08:05;5,9;Flat\n13.02.2025 08:1");
    expect(g.delimiter).toBe(";");
    expect(g.header).toEqual(["Datum", "Wert", "Trend"]);
    expect(g.mapping).toEqual({ time: "Datum", timeFormat: "DD.MM.YYYY HH:mm", value: "Wert", unit: "mmol/L", trendColumn: "Trend" });
    expect(g.notes).toContain("unit mmol/L guessed from the values (median 5.9)");
    expect(g.preview.length).toBe(2); // the cut last line is dropped
  });

  it("notes an ambiguous day/month order and never guesses the zone", () => {
    const g = guessCsvMapping("time,glucose mg/dL\n01/02/2025 08:00,100\n03/02/2025 08:00,110\n");
    expect(g.mapping).toEqual({ time: "time", timeFormat: "DD/MM/YYYY HH:mm", value: "glucose mg/dL", unit: "mg/dL" });
    expect(g.notes).toEqual([
      "the day/month order is ambiguous in the sample (no day above 12): assumed DD/MM/YYYY HH:mm; MM/DD/YYYY HH:mm fits too",
      "the times have no zone: choose the zone the device clock was set to",
    ]);
  });

  it("works without a header and with epoch milliseconds", () => {
    const g = guessCsvMapping("1700000000000,120\n1700000300000,118\n");
    expect([g.header, g.mapping]).toEqual([null, { time: 0, timeFormat: "epoch-ms", value: 1, unit: "mg/dL" }]);
  });

  it("says so when it finds nothing", () => {
    expect(guessCsvMapping("just some text").notes).toEqual(["no delimited columns found"]);
  });
});

describe("compileTimePattern", () => {
  it("reads 12-hour clocks, two-digit years, fractions and offsets", () => {
    expect(compileTimePattern("M/D/YY h:mm:ss A").parse("12/31/24 12:00:01 AM")).toMatchObject({ year: 2024, month: 12, day: 31, hour: 0, second: 1 });
    expect(compileTimePattern("YYYY-MM-DDTHH:mm:ss.SSSZ").parse("2024-01-01T10:00:00.250+0530")).toMatchObject({ millisecond: 250, offset: 330 });
    expect(compileTimePattern("DD/MM/YYYY HH:mm").parse("30/02/2024 10:00")).toBeNull();
    expect(() => compileTimePattern("DD/MM/YYYY hh:mm")).toThrow(/without AM\/PM/);
  });
});
