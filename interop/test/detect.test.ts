/**
 * detect.ts and the auto-detecting parseAll/createParser entry points: each real file is
 * recognised from its first 4 KB, non-exports are refused with a clear error.
 */
import { describe, expect, it } from "vitest";
import { detectFormat } from "../detect.ts";
import { InteropError } from "../errors.ts";
import { createParser, parseAll } from "../index.ts";
import { FILES, readText } from "./helpers.ts";

describe("detectFormat", () => {
  it.each([
    [FILES.clarity, "dexcom-clarity"],
    [FILES.libre2, "libreview"],
    [FILES.libre3, "libreview"],
    [FILES.nightscout, "nightscout"],
    [FILES.apple, "apple-health"],
    [FILES.iglu5, "csv"],
    [FILES.hall, "csv"],
    [FILES.hallMeals, "csv"],
  ])("%s → %s", (path, format) => {
    expect(detectFormat(readText(path).slice(0, 4096))?.format).toBe(format);
  });

  it("recognises a LibreView header without its title row, minified Nightscout JSON and an empty array", () => {
    expect(detectFormat("Device,Serial Number,Device Timestamp,Record Type,Historic Glucose mg/dL\n")?.format).toBe("libreview");
    expect(detectFormat('[{"_id":"x","sgv":120,"date":1}]')?.format).toBe("nightscout");
    expect(detectFormat("[]")?.format).toBe("nightscout");
    const german = "Glukosedaten,Erstellt am,14-02-2025 10:00 UTC,Erstellt von,X\nGerät,Seriennummer,Gerätezeitstempel,Aufzeichnungstyp,Glukosewert-Verlauf mmol/L,Glukose-Scan mmol/L,a,b,c,d,e,f,g,h,i,j,k,l,m\n";
    expect(detectFormat(german)?.format).toBe("libreview");
  });

  it("refuses what is not an export", () => {
    for (const head of ["", "   ", "%PDF-1.7\n%âãÏÓ", "PK\u0003\u0004\u0014\u0000\u0006\u0000", "{\"a\": 1}", "[1, 2, 3]", '<?xml version="1.0"?><svg/>', "hello world\nno columns here"]) {
      expect(detectFormat(head)).toBeNull();
    }
  });

  it("is what parseAll uses by default, with a clear error when nothing matches", () => {
    expect(parseAll(readText(FILES.nightscout)).format).toBe("nightscout");
    expect(parseAll(readText(FILES.clarity), { timeZone: "UTC" }).counts.glucose).toBe(2148);
    expect(() => parseAll("%PDF-1.7")).toThrow(InteropError);
    expect(() => parseAll("%PDF-1.7")).toThrow(/is not a Dexcom Clarity CSV, LibreView CSV, Nightscout entries.json, Apple Health export.xml/);
  });

  it("fails clearly when a file is parsed as the wrong format", () => {
    const libre = readText(FILES.libre2);
    expect(() => parseAll(libre, { format: "dexcom-clarity", timeZone: "UTC" })).toThrow(/dexcom-clarity: line 1 is not a Dexcom Clarity header/);
    expect(() => parseAll(libre, { format: "nightscout" })).toThrow(/nightscout: expected a JSON array/);
    expect(() => parseAll(libre, { format: "apple-health" })).toThrow(/apple-health: no <HealthData> element/);
    expect(() => parseAll(readText(FILES.clarity), { format: "libreview", timeZone: "UTC" })).toThrow(/libreview: line 1 is neither a LibreView title row/);
    expect(() => parseAll(readText(FILES.nightscout), { format: "libreview", timeZone: "UTC" })).toThrow(/libreview: line 2 is not a LibreView header/);
  });

  it("createParser needs the options each format needs", () => {
    expect(() => createParser("libreview")).toThrow(/options.timeZone is required/);
    expect(() => createParser("csv")).toThrow(/options.mapping is required/);
    expect(() => createParser("xlsx" as "csv")).toThrow(/unknown format "xlsx"/);
    const csv = createParser("csv", { timeZone: "EST", mapping: { time: "time", value: "gl", unit: "mg/dL", timeFormat: "YYYY-MM-DD HH:mm:ss" } });
    expect(csv.parseAll(readText(FILES.iglu1)).counts.glucose).toBe(2915);
  });

  it("refuses input after end()", () => {
    const p = createParser("nightscout");
    p.parseAll("[]");
    expect(() => p.push("[")).toThrow(/push\(\) after end\(\)/);
  });
});
