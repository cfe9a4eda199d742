/**
 * dexcom-clarity.ts on a synthetic export with what the real sample lacks: the newer 14-column
 * header, mmol/L, Low/High strings, calibrations, insulin, carbs, exercise and health events,
 * a spring-forward time, and bad rows.
 */
import { describe, expect, it } from "vitest";
import { DexcomClarityParser } from "../dexcom-clarity.ts";
import { InteropError } from "../errors.ts";
import { createParser } from "../index.ts";
import { iso } from "./helpers.ts";

const HEADER =
  "Index,Timestamp (YYYY-MM-DDThh:mm:ss),Event Type,Event Subtype,Patient Info,Device Info,Source Device ID,Glucose Value (mmol/L),Insulin Value (u),Carb Value (grams),Duration (hh:mm:ss),Glucose Rate of Change (mmol/L/min),Transmitter Time (Long Integer),Transmitter ID";
const ROWS = [
  "1,,FirstName,,Ann,,,,,,,,,",
  '2,,Device,,,"Dexcom G7 Mobile App, v2",Android G7,,,,,,,',
  "3,,Alert,High,,,Android G7,10.0,,,,,,",
  "4,2024-03-31T00:55:00,EGV,,,,Android G7,5.6,,,,0.1,1000,ABC", // rate 0.1 mmol/L/min = 1.8 mg/dL/min
  "5,2024-03-31T01:30:00,EGV,,,,Android G7,Low,,,,,1001,ABC", // London skips 01:00–02:00 this day
  "6,2024-03-31 9:05:00,EGV,,,,Android G7,High,,,,-0.2,1002,ABC", // newer exports: space, one-digit hour
  "7,2024-03-31T09:10:00,Calibration,,,,Android G7,6.1,,,,,,",
  "8,2024-03-31T09:15:00,Insulin,Fast-Acting,,,Android G7,,4.5,,,,,",
  "9,2024-03-31T21:00:00,Insulin,Long-Acting,,,Android G7,,18,,,,,",
  "10,2024-03-31T12:00:00,Carbs,,,,Android G7,,,45,,,,",
  "11,2024-03-31T17:00:00,Exercise,Medium,,,Android G7,,,,00:30:00,,,",
  "12,2024-03-31T18:00:00,Health,Illness,,,Android G7,,,,,,,",
  "13,2024-03-31T18:05:00,Notes,,,,Android G7,,,,,,,",
  "14,31/03/2024 18:10,EGV,,,,Android G7,5.0,,,,,,",
  "15,2024-03-31T18:15:00,EGV,,,,Android G7,abc,,,,,,",
  "16,2024-03-31T18:20:00,Insulin,Fast-Acting,,,Android G7,,,,,,,",
  "17,2024-03-31T18:25:00,Exercise,Light,,,Android G7,,,,,,,",
  "18,,EGV,,,,Android G7,5.5,,,,,,",
];

describe("DexcomClarityParser", () => {
  const r = new DexcomClarityParser({ timeZone: "Europe/London" }).parseAll(`\uFEFF${HEADER}\n${ROWS.join("\n")}\n`);

  it("reads the unit from the header and converts mmol/L", () => {
    expect(r.unit).toBe("mmol/L");
    const first = r.rows[0];
    expect(first).toEqual({ record: "glucose", row: 5, time: Date.UTC(2024, 2, 31, 0, 55), value: 100.9, unit: "mg/dL", source: "Android G7", trend: "FortyFiveUp", flags: 0, original_value: "5.6", original_unit: "mmol/L" });
  });

  it("stores Low as 39 and High as 401, flagged out of range", () => {
    const g = r.rows.filter((x) => x.record === "glucose");
    expect(g.map((x) => x.record === "glucose" && [x.row, x.value, x.flags, x.original_value, x.trend])).toEqual([
      [5, 100.9, 0, "5.6", "FortyFiveUp"],
      [6, 39, 1, "Low", null],
      [7, 401, 2, "High", "DoubleDown"], // −0.2 mmol/L/min = −3.6 mg/dL/min: 3 or more is a double arrow
      [8, 109.9, 0, "6.1", null],
    ]);
  });

  it("shifts a time in the spring-forward gap forward and reports it", () => {
    const low = r.rows.find((x) => x.row === 6);
    expect(low?.record === "glucose" && iso(low.time)).toBe("2024-03-31T01:30:00.000Z"); // = 02:30 BST
    expect(r.time_zone).toEqual({ mode: "local", zone: "Europe/London", ambiguous: 0, nonexistent: 1 });
  });

  it("tags calibrations as meter readings", () => {
    expect(r.rows.find((x) => x.row === 8)?.source).toBe("Android G7 (meter)");
  });

  it("reads insulin, carbs, exercise and health events", () => {
    const other = r.rows.filter((x) => x.record !== "glucose");
    expect(other).toEqual([
      { record: "insulin", row: 9, time: Date.UTC(2024, 2, 31, 8, 15), units: 4.5, kind: "rapid", insulin: null, source: "Android G7" },
      { record: "insulin", row: 10, time: Date.UTC(2024, 2, 31, 20, 0), units: 18, kind: "long", insulin: null, source: "Android G7" },
      { record: "meal", row: 11, time: Date.UTC(2024, 2, 31, 11, 0), carbs: 45, protein: null, fat: null, fibre: null, calories: null, description: null, source: "Android G7" },
      { record: "activity", row: 12, start: Date.UTC(2024, 2, 31, 16, 0), end: Date.UTC(2024, 2, 31, 16, 30), type: "exercise", intensity: "moderate", steps: null, calories: null, avg_heart_rate: null, source: "Android G7" },
      { record: "note", row: 13, time: Date.UTC(2024, 2, 31, 17, 0), text: "Illness", source: "Android G7" },
    ]);
  });

  it("skips metadata and unknown events, rejects bad rows with reasons", () => {
    expect(r.skipped).toEqual({ "metadata row (FirstName)": 1, "metadata row (Device)": 1, "metadata row (Alert)": 1, "unsupported event type (Notes)": 1 });
    expect(r.rejected).toEqual([
      { row: 15, reason: 'invalid timestamp "31/03/2024 18:10" (expected YYYY-MM-DDThh:mm:ss)' },
      { row: 16, reason: 'non-numeric glucose value "abc"' },
      { row: 17, reason: 'insulin without a numeric dose ("")' },
      { row: 18, reason: 'exercise without a duration ("", expected hh:mm:ss)' },
      { row: 19, reason: "EGV event without a timestamp" },
    ]);
  });

  it("uses the Device row for the source when a row has no Source Device ID", () => {
    const text = `${HEADER}\n2,,Device,,,G6 Receiver,,,,,,,,\n3,2024-01-01T00:00:00,EGV,,,,,120,,,,,,`;
    const rows = new DexcomClarityParser({ timeZone: "UTC" }).parseAll(text).rows;
    expect(rows.map((x) => x.source)).toEqual(["G6 Receiver"]);
  });

  it("fails clearly on a file that is not a Clarity export, or is empty", () => {
    expect(() => new DexcomClarityParser({ timeZone: "UTC" }).parseAll("Date,Glucose\n2024-01-01,100\n")).toThrow(/line 1 is not a Dexcom Clarity header/);
    expect(() => new DexcomClarityParser({ timeZone: "UTC" }).parseAll("")).toThrow(/empty/);
    expect(() => new DexcomClarityParser({ timeZone: "UTC" }).parseAll("Index,Timestamp (YYYY-MM-DDThh:mm:ss),Event Type,Glucose Value\n")).toThrow(/names no unit/);
  });

  it("needs a time zone, and says so", () => {
    expect(() => createParser("dexcom-clarity")).toThrow(InteropError);
    expect(() => createParser("dexcom-clarity")).toThrow(/options.timeZone is required/);
  });
});
