import { describe, expect, it } from "vitest";
import { createParser, guessCsvMapping, type ParsedRow } from "../../../interop/index.ts";
import { describeCounts, describeSkipped, describeTimes, describeUnit, needsTimeZone, previewRow, previewTime, UPLOAD_SOURCES, uploadSource } from "./upload-preview.ts";
import { columnChoices, mappingDefaults, parseMappingForm } from "./upload-mapping.ts";

describe("preview rows", () => {
  it("shows the wall-clock time in the confirmed zone with its offset", () => {
    const ms = Date.parse("2016-10-24T15:24:17Z");
    expect(previewTime(ms, "America/New_York")).toBe("2016-10-24 11:24 (−04:00)");
    expect(previewTime(ms, "Europe/Berlin")).toBe("2016-10-24 17:24 (+02:00)");
  });

  it("a Clarity row read in two zones: same wall clock, different instants", () => {
    const csv = "Index,Timestamp (YYYY-MM-DDThh:mm:ss),Event Type,Event Subtype,Patient Info,Device Info,Source Device ID,Glucose Value (mg/dL),Insulin Value (u),Carb Value (grams),Duration (hh:mm:ss),Glucose Rate of Change (mg/dL/min)\n1,2016-10-24T11:24:17,EGV,,,,iPhone G6,162,,,,\n";
    const ny = createParser("dexcom-clarity", { timeZone: "America/New_York" }).parseAll(csv).rows[0]!;
    const be = createParser("dexcom-clarity", { timeZone: "Europe/Berlin" }).parseAll(csv).rows[0]!;
    expect(previewRow(ny, "America/New_York")).toEqual({ row: 2, kind: "Glucose", time: "2016-10-24 11:24 (−04:00)", value: "162 mg/dL", source: "iPhone G6" });
    expect(previewRow(be, "Europe/Berlin").time).toBe("2016-10-24 11:24 (+02:00)");
  });

  it("describes every record kind, flags and mmol/L conversion", () => {
    const t = Date.parse("2024-05-01T06:00:00Z");
    const rows: ParsedRow[] = [
      { record: "glucose", row: 1, source: "libre", time: t, value: 100.9, unit: "mg/dL", trend: null, flags: 0, original_value: "5.6", original_unit: "mmol/L" },
      { record: "glucose", row: 2, source: "libre", time: t, value: 40, unit: "mg/dL", trend: null, flags: 1, original_value: "LO", original_unit: "mg/dL" },
      { record: "meal", row: 3, source: "app", time: t, carbs: 45, protein: null, fat: null, fibre: null, calories: 320, description: "porridge" },
      { record: "insulin", row: 4, source: "pen", time: t, units: 4.5, kind: "rapid", insulin: null },
      { record: "activity", row: 5, source: "watch", start: t, end: t + 95 * 60_000, type: "functional_strength_training", intensity: null, steps: null, calories: null, avg_heart_rate: null },
      { record: "sleep", row: 6, source: "watch", start: t, end: t + 7.5 * 3_600_000, quality: null },
    ];
    expect(rows.map((r) => previewRow(r, "UTC").value)).toEqual([
      "5.6 mmol/L = 101 mg/dL",
      "LO mg/dL (below the sensor's range)",
      "45 g carbohydrates, 320 kcal, porridge",
      "4.5 U rapid",
      "functional strength training, 1 h 35 min",
      "7 h 30 min asleep",
    ]);
  });

  it("puts the report in words", () => {
    expect(describeCounts({ glucose: 2148, meal: 0, note: 3 })).toBe("2,148 glucose readings, 3 notes");
    expect(describeCounts({})).toBe("nothing to import");
    expect(describeTimes({ time_zone: { mode: "local", zone: "Europe/London", ambiguous: 2, nonexistent: 0 } })).toBe(
      "The file's times are the device's clock, read as Europe/London time; 2 fell in a repeated autumn hour (read as the first one).",
    );
    expect(describeTimes({ time_zone: { mode: "utc", zone: null, ambiguous: 0, nonexistent: 0 } })).toMatch(/no time zone to choose/);
    expect(describeUnit("mmol/L")).toMatch(/18\.0182/);
    expect(describeSkipped({ "metadata row (FirstName)": 1, "metadata row (Alert)": 7, "empty notes": 3, "notes (no record type yet)": 0 })).toEqual(["8 metadata rows (FirstName, Alert)", "3 empty notes"]);
    expect(describeSkipped({ "metadata row (Device)": 1 })).toEqual(["1 metadata row (Device)"]);
  });

  it("knows which sources need a zone", () => {
    expect(UPLOAD_SOURCES.map((s) => s.format)).toEqual(["dexcom-clarity", "libreview", "nightscout", "apple-health", "csv"]);
    expect(uploadSource("nope")).toBeUndefined();
    expect([needsTimeZone("dexcom-clarity"), needsTimeZone("libreview"), needsTimeZone("nightscout"), needsTimeZone("apple-health"), needsTimeZone("csv"), needsTimeZone("csv", true)]).toEqual([true, true, false, false, true, false]);
  });
});

describe("column mapping", () => {
  const sample = '"id","time","gl"\n"Subject 1","2015-06-06 16:50:27",153\n"Subject 1","2015-06-06 16:55:27",148\n';

  it("offers the header's columns with sample values and starts from the guess", () => {
    const guess = guessCsvMapping(sample);
    const choices = columnChoices(guess);
    expect(choices.map((c) => [c.value, c.sample])).toEqual([
      ["id", "Subject 1, Subject 1"],
      ["time", "2015-06-06 16:50:27, 2015-06-06 16:55:27"],
      ["gl", "153, 148"],
    ]);
    const form = mappingDefaults(guess);
    expect(form).toEqual({ time: "time", value: "gl", unit: "mg/dL", timeFormat: "YYYY-MM-DD HH:mm:ss", source: "id" });
    expect(parseMappingForm(form, choices)).toEqual({ ok: true, mapping: { time: "time", value: "gl", unit: "mg/dL", timeFormat: "YYYY-MM-DD HH:mm:ss", sourceColumn: "id" } });
  });

  it("headerless files map by index", () => {
    const choices = columnChoices({ header: null, preview: [["2024-05-01 07:30", "5.6"]] });
    expect(choices.map((c) => c.label)).toEqual(["Column 1", "Column 2"]);
    const r = parseMappingForm({ time: "0", value: "1", unit: "mmol/L", timeFormat: "YYYY-MM-DD HH:mm", source: "" }, choices);
    expect(r).toEqual({ ok: true, mapping: { time: 0, value: 1, unit: "mmol/L", timeFormat: "YYYY-MM-DD HH:mm" } });
  });

  it("names each missing or wrong field", () => {
    const choices = columnChoices(guessCsvMapping(sample));
    const r = parseMappingForm({ time: "", value: "nope", unit: "mg", timeFormat: "HH:mm", source: "zzz" }, choices);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(["source", "time", "timeFormat", "unit", "value"]);
    expect(r.errors.timeFormat).toMatch(/needs a year/);
    const same = parseMappingForm({ time: "gl", value: "gl", unit: "mg/dL", timeFormat: "iso", source: "" }, choices);
    expect(same.ok ? null : same.errors.value).toMatch(/must differ/);
  });
});
