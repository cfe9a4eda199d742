/**
 * The output model maps onto the API's wire shapes: every row of every real file, through
 * toWire, is accepted by the Worker's own input schemas (except the values the API is meant to
 * refuse), and the trend enum and mmol factor are the shared ones of vocabulary/.
 */
import { describe, expect, it } from "vitest";
import { TREND_DIRECTIONS as SHARED_TRENDS } from "../../vocabulary/trend.ts";
import { MGDL_PER_MMOL as SHARED_MGDL_PER_MMOL } from "../../vocabulary/units.ts";
import { activityKind } from "../../worker/records/activities.ts";
import { insulinKind } from "../../worker/records/insulin.ts";
import { mealKind } from "../../worker/records/meals.ts";
import { sleepKind } from "../../worker/records/sleep.ts";
import { ReadingInput } from "../../worker/schemas/glucose.ts";
import { MGDL_PER_MMOL, toMgdl } from "../glucose.ts";
import { AppleHealthParser } from "../apple-health.ts";
import { DexcomClarityParser } from "../dexcom-clarity.ts";
import { LibreViewParser } from "../libreview.ts";
import { NightscoutParser } from "../nightscout.ts";
import { TREND_DIRECTIONS, type ParsedRow } from "../types.ts";
import { toWire } from "../wire.ts";
import { FILES, readText } from "./helpers.ts";

const SCHEMA = {
  glucose: ReadingInput,
  meal: mealKind.input,
  insulin: insulinKind.input,
  activity: activityKind.input,
  sleep: sleepKind.input,
} as const;

/** Validates each row's wire body; returns the issues as "row: path message". */
function validate(rows: ParsedRow[]): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    const w = toWire(row);
    if (w.record === "note") continue; // no notes endpoint yet
    const result = SCHEMA[w.record].safeParse(w.body);
    if (!result.success) for (const issue of result.error.issues) problems.push(`${row.row}: ${issue.path.join(".")} ${issue.message}`);
  }
  return problems;
}

describe("wire compatibility with the Worker's schemas", () => {
  it("uses the shared trend enum and mmol/L factor", () => {
    expect(TREND_DIRECTIONS).toBe(SHARED_TRENDS);
    expect(MGDL_PER_MMOL).toBe(SHARED_MGDL_PER_MMOL);
    expect(toMgdl(5.6, "mmol/L")).toBe(100.9); // 100.90192
    expect(toMgdl(10, "mmol/L")).toBe(180.2); // 180.182
  });

  it("every row of the Clarity, LibreView and Nightscout files is a valid API body", () => {
    expect(validate(new DexcomClarityParser({ timeZone: "America/New_York" }).parseAll(readText(FILES.clarity)).rows)).toEqual([]);
    expect(validate(new LibreViewParser({ timeZone: "Europe/London" }).parseAll(readText(FILES.libre2)).rows)).toEqual([]);
    expect(validate(new LibreViewParser({ timeZone: "America/New_York" }).parseAll(readText(FILES.libre3)).rows)).toEqual([]);
    expect(validate(new NightscoutParser().parseAll(readText(FILES.nightscout)).rows)).toEqual([]);
  });

  it("every Apple Health row is valid except the two 666 mg/dL test entries (lines 95, 126), which the API refuses", () => {
    const rows = new AppleHealthParser().parseAll(readText(FILES.apple)).rows;
    const problems = validate(rows);
    expect(problems).toEqual(["95: value must be between 20–600 mg/dL", "126: value must be between 20–600 mg/dL"]);
  });

  it("toWire drops only the parser's bookkeeping", () => {
    const row: ParsedRow = { record: "glucose", row: 7, time: 1, value: 100, unit: "mg/dL", source: "s", trend: "Flat", flags: 1, original_value: "Low", original_unit: "mmol/L" };
    expect(toWire(row)).toEqual({ record: "glucose", body: { time: 1, value: 100, unit: "mg/dL", source: "s", trend: "Flat" } });
  });
});
