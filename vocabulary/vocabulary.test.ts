/**
 * The shared vocabulary: each item against the definition it names (Node's Buffer/btoa for base64,
 * Nightscout's lib/plugins/direction.js for arrows and codes, iglu's gmi/below/above_percent for
 * the ranges), and the values every part relied on before it moved here.
 */
import { describe, expect, it } from "vitest";
import { base64ToBytes, bytesToBase64, bytesToBase64Url } from "./bytes.ts";
import { errorChainMentions } from "./errors.ts";
import { consensusBands, gmiFromMean, RANGE_MGDL } from "./ranges.ts";
import { formatOffset, isValidTimeZone, localMinutesOfDay, parseOffsetMinutes, zoneOffsetMs } from "./timezone.ts";
import { movementArrow, nightscoutTrendCode, NIGHTSCOUT_TREND_CODES, TREND_ARROWS, TREND_DIRECTIONS, trendArrow, trendFromCode, trendToCode } from "./trend.ts";
import { GLUCOSE_UNITS, hba1cPercentFromMmolMol, isGlucoseUnit, MGDL_PER_MMOL, mgdlFrom, mgdlIn, mmolText } from "./units.ts";

describe("units", () => {
  it("converts with 18.0182 mg/dL per mmol/L both ways", () => {
    expect(MGDL_PER_MMOL).toBe(18.0182);
    expect(GLUCOSE_UNITS).toEqual(["mg/dL", "mmol/L"]);
    expect(mgdlFrom(5.6, "mmol/L")).toBeCloseTo(100.90192, 10);
    expect(mgdlFrom(112, "mg/dL")).toBe(112);
    expect(mgdlIn(180.182, "mmol/L")).toBeCloseTo(10, 12);
    expect(mmolText(90)).toBe("5.0");
    expect(isGlucoseUnit("mmol/L")).toBe(true);
    expect(isGlucoseUnit("mg/dl")).toBe(false);
    expect(hba1cPercentFromMmolMol(48)).toBe(6.54);
  });
});

describe("trend", () => {
  it("keeps the stored codes (index + 1) of every direction", () => {
    expect(TREND_DIRECTIONS.map((d) => trendToCode(d))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(trendFromCode(10)).toBe("NONE");
    expect(trendFromCode(null)).toBeNull();
    expect(trendFromCode(99)).toBeNull();
  });

  it("numbers directions as Nightscout does (lib/plugins/direction.js, lib/server/pebble.js) and draws its arrows", () => {
    expect(Object.keys(TREND_ARROWS).sort()).toEqual([...TREND_DIRECTIONS].sort());
    expect(NIGHTSCOUT_TREND_CODES[1]).toBe("DoubleUp");
    expect(nightscoutTrendCode("Flat")).toBe(4);
    expect(nightscoutTrendCode("TripleUp")).toBeUndefined();
    expect(trendArrow("RATE OUT OF RANGE")).toBe("⇕");
    expect(trendArrow("sideways")).toBeUndefined();
    expect(movementArrow("SingleDown")).toBe("↓");
    expect(movementArrow("NONE")).toBeUndefined();
    expect(movementArrow("NOT COMPUTABLE")).toBeUndefined();
  });
});

describe("ranges", () => {
  it("counts the consensus bands with inclusive 70 and 180", () => {
    expect(RANGE_MGDL).toEqual({ veryLow: 54, low: 70, tightHigh: 140, high: 180, veryHigh: 250 });
    expect(consensusBands([53.9, 54, 69.9, 70, 180, 180.1, 250, 250.1])).toEqual({ below_54: 12.5, below_70: 37.5, in_range_70_180: 25, above_180: 37.5, above_250: 12.5 });
  });

  it("computes GMI as 3.31 + 0.02392 × mean (iglu gmi)", () => {
    expect(gmiFromMean(150)).toBeCloseTo(6.898, 12);
  });
});

describe("time zones", () => {
  it("parses and formats fixed offsets", () => {
    expect(parseOffsetMinutes("+05:30")).toBe(330);
    expect(parseOffsetMinutes("-0500")).toBe(-300);
    expect(parseOffsetMinutes("+19")).toBeUndefined();
    expect(formatOffset(-300)).toBe("-05:00");
  });

  it("knows valid zones, offsets and local minutes", () => {
    expect(isValidTimeZone("Europe/Berlin")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    expect(isValidTimeZone("")).toBe(false);
    expect(zoneOffsetMs("America/New_York", Date.UTC(2024, 6, 1))).toBe(-4 * 3600_000);
    expect(zoneOffsetMs("America/New_York", Date.UTC(2024, 0, 1))).toBe(-5 * 3600_000);
    expect(localMinutesOfDay(Date.UTC(2024, 0, 1, 22, 30), "Europe/Berlin")).toBe(23 * 60 + 30);
  });
});

describe("base64", () => {
  it("writes what Node's Buffer writes, for every length and byte", () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 31) % 256);
      expect(bytesToBase64(bytes)).toBe(Buffer.from(bytes).toString("base64"));
      expect(bytesToBase64Url(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
      expect([...base64ToBytes(bytesToBase64(bytes))]).toEqual([...bytes]);
      expect([...base64ToBytes(bytesToBase64Url(bytes))]).toEqual([...bytes]);
    }
    const large = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7) % 256);
    expect(bytesToBase64(large)).toBe(Buffer.from(large).toString("base64"));
  });

  it("refuses what atob refuses", () => {
    expect(() => base64ToBytes("a")).toThrow(SyntaxError);
    expect(() => base64ToBytes("ab$c")).toThrow(SyntaxError);
    expect(() => atob("ab$c")).toThrow(/invalid/i);
  });
});

describe("error cause chain", () => {
  it("finds a message up to five links deep", () => {
    const deep = new Error("a", { cause: new Error("b", { cause: new Error("SQLITE_BUSY") }) });
    expect(errorChainMentions(deep, "SQLITE_BUSY")).toBe(true);
    expect(errorChainMentions(deep, "nope", "b")).toBe(true);
    expect(errorChainMentions(new Error("x"), "y")).toBe(false);
    let six: Error = new Error("needle");
    for (let i = 0; i < 5; i++) six = new Error(`level ${i}`, { cause: six });
    expect(errorChainMentions(six, "needle")).toBe(false);
  });
});
