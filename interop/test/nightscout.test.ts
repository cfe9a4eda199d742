/**
 * nightscout.ts and json-array.ts: entry types, devices, low values and error codes, trend
 * spellings, date fallbacks, and the incremental array scanner on awkward JSON.
 */
import { describe, expect, it } from "vitest";
import { JsonArrayScanner } from "../json-array.ts";
import { NightscoutParser } from "../nightscout.ts";
import { iso } from "./helpers.ts";

const T = 1_700_000_000_000;

describe("NightscoutParser", () => {
  const entries = [
    { type: "sgv", sgv: 120, date: T, direction: "Flat", device: "xDrip-DexcomG6" },
    { type: "mbg", mbg: 131, date: T + 1000, device: "Contour" },
    { type: "sgv", sgv: "39", date: T + 2000, direction: "NOT COMPUTABLE" },
    { type: "sgv", sgv: 5, date: T + 3000, direction: "NOT COMPUTABLE" },
    { type: "cal", slope: 900, intercept: 30000, date: T + 4000 },
    { type: "sgv", sgv: 140, dateString: "2023-11-14T22:13:20.000+01:00", trend: 3 },
    { type: "sgv", sgv: 141, date: T + 6000, direction: "NOT_COMPUTABLE" },
    { type: "sgv", sgv: 142, date: T + 7000, direction: "RATE OUT OF RANGE" },
    { type: "sgv", sgv: 143, date: T + 8000, direction: "sideways" },
    { type: "sgv", sgv: null, date: T + 9000 },
    { type: "sgv", sgv: 144 },
    { sgv: 145, date: T + 11000, device: 'quote " and } in a name' },
    { type: "treatment", date: T },
    [1, 2],
  ];
  const r = new NightscoutParser().parseAll(JSON.stringify(entries, null, 2));

  it("reads sgv and mbg entries with their devices (meter entries tagged)", () => {
    expect(r.rows.map((x) => x.record === "glucose" && [x.row, x.source, x.value, x.trend, x.flags])).toEqual([
      [1, "xDrip-DexcomG6", 120, "Flat", 0],
      [2, "Contour (meter)", 131, null, 0],
      [3, "nightscout", 39, "NOT COMPUTABLE", 1],
      [6, "nightscout", 140, "FortyFiveUp", 0],
      [7, "nightscout", 141, "NOT COMPUTABLE", 0],
      [8, "nightscout", 142, "RATE OUT OF RANGE", 0],
      [9, "nightscout", 143, null, 0],
      [12, 'quote " and } in a name', 145, null, 0],
    ]);
  });

  it("takes the time from date, else from dateString with its offset", () => {
    expect(r.rows[0].record === "glucose" && r.rows[0].time).toBe(T);
    expect(r.rows[3].record === "glucose" && iso(r.rows[3].time)).toBe("2023-11-14T21:13:20.000Z");
  });

  it("rejects Dexcom error codes, missing values and dates, and non-objects; skips other types", () => {
    expect(r.rejected).toEqual([
      { row: 4, reason: "sgv 5 is a Dexcom error code (sensor or signal problem), not a glucose value" },
      { row: 10, reason: "sgv is missing or not a number (null)" },
      { row: 11, reason: "entry without a valid date (epoch ms) or dateString" },
      { row: 14, reason: "entry is not a JSON object" },
    ]);
    expect(r.skipped).toEqual({ "calibration entry (cal)": 1, "unsupported entry type (treatment)": 1 });
  });

  it("reads an empty array, and fails clearly on what is not an array or is cut short", () => {
    expect(new NightscoutParser().parseAll(" [ ] ").counts.glucose).toBe(0);
    expect(() => new NightscoutParser().parseAll('{"sgv": 1}')).toThrow(/expected a JSON array/);
    expect(() => new NightscoutParser().parseAll('[{"sgv": 100, "date": 1}, {"sgv": 1')).toThrow(/unexpected end of input inside the array, after 1 complete element/);
    expect(() => new NightscoutParser().parseAll("")).toThrow(/empty/);
    expect(() => new NightscoutParser().parseAll('[{"sgv":1}] x')).toThrow(/after the end of the array/);
  });

  it("rejects an element that is balanced but not JSON, and carries on", () => {
    const got = new NightscoutParser().parseAll('[{sgv: 100}, {"sgv": 101, "date": 1700000000000}]');
    expect(got.rejected.map((x) => x.row)).toEqual([1]);
    expect(got.rejected[0].reason).toMatch(/^invalid JSON/);
    expect(got.counts.glucose).toBe(1);
  });
});

describe("JsonArrayScanner", () => {
  const scan = (chunks: string[]) => {
    const out: unknown[] = [];
    const s = new JsonArrayScanner((text) => out.push(JSON.parse(text)));
    for (const c of chunks) s.push(c);
    s.end();
    return out;
  };

  it("handles strings with brackets, escaped quotes and backslashes, nested values and scalars", () => {
    const value = [{ a: 'x,]}"\\', b: [1, { c: "\\\\" }] }, "str]ing", 12.5e3, true, null, [[]], {}];
    const text = JSON.stringify(value);
    expect(scan([text])).toEqual(value);
    for (let cut = 1; cut < text.length; cut++) expect(scan([text.slice(0, cut), text.slice(cut)])).toEqual(value);
  });

  it("rejects structural errors with the element number", () => {
    expect(() => scan(["[1,,2]"])).toThrow(/unexpected "," where element 2 should start/);
    expect(() => scan(["[1 2]"])).toThrow(/expected "," or "]" after element 1/);
    expect(() => scan(["[1,]"])).toThrow(/unexpected "]" where element 2 should start/);
  });
});
