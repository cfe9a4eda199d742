/**
 * Every real export in ../shared/data, parsed whole, with the exact counts its README states
 * (../shared/data/README.md) and spot checks of first/last rows in UTC.
 */
import { describe, expect, it } from "vitest";
import { AppleHealthParser } from "../apple-health.ts";
import { DexcomClarityParser } from "../dexcom-clarity.ts";
import { GenericCsvParser, guessCsvMapping, type CsvColumnMapping } from "../generic-csv.ts";
import { LibreViewParser } from "../libreview.ts";
import { NightscoutParser } from "../nightscout.ts";
import type { GlucoseRow, ParsedRow, ParseResult } from "../types.ts";
import { FILES, iso, readText } from "./helpers.ts";

const glucose = (r: ParseResult) => r.rows.filter((x): x is GlucoseRow => x.record === "glucose");
const bySource = (rows: ParsedRow[]) => {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.source] = (out[r.source] ?? 0) + 1;
  return out;
};
const range = (xs: number[]) => [Math.min(...xs), Math.max(...xs)];
const times = (rows: ParsedRow[]) => rows.map((r) => ("time" in r ? r.time : r.start));

describe("dexcom-clarity/cgmquantify-sample.csv", () => {
  // README: 2,159 data rows = 11 untimed preamble rows + 2,148 EGV readings, mg/dL 49–261,
  // 2016-10-24 11:24:17 → 2016-11-01 09:19:02 local, source device "iPhone G6", no Low/High.
  const r = new DexcomClarityParser({ timeZone: "America/New_York" }).parseAll(readText(FILES.clarity));
  const g = glucose(r);

  it("has exactly 2,148 EGV readings and nothing else", () => {
    expect(r.counts).toEqual({ glucose: 2148, meal: 0, insulin: 0, activity: 0, sleep: 0, note: 0 });
    expect(r.rejected_total).toBe(0);
    expect(r.unit).toBe("mg/dL");
  });

  it("skips the 11 preamble rows as metadata", () => {
    expect(r.skipped).toEqual({
      "metadata row (FirstName)": 1,
      "metadata row (LastName)": 1,
      "metadata row (DateOfBirth)": 1,
      "metadata row (Device)": 1,
      "metadata row (Alert)": 7,
    });
    expect(Object.values(r.skipped).reduce((a, b) => a + b, 0) + r.counts.glucose).toBe(2159);
  });

  it("reads local times in the chosen zone (EDT, −04:00, before the 2016-11-06 change)", () => {
    expect(r.time_zone).toEqual({ mode: "local", zone: "America/New_York", ambiguous: 0, nonexistent: 0 });
    expect([iso(g[0].time), g[0].value, g[0].row]).toEqual(["2016-10-24T15:24:17.000Z", 103, 13]);
    expect([iso(g.at(-1)?.time ?? 0), g.at(-1)?.value, g.at(-1)?.row]).toEqual(["2016-11-01T13:19:02.000Z", 108, 2160]);
  });

  it("keeps values, source and flags as written", () => {
    expect(range(g.map((x) => x.value))).toEqual([49, 261]);
    expect(bySource(g)).toEqual({ "iPhone G6": 2148 });
    expect(g.every((x) => x.flags === 0 && x.trend === null && x.original_unit === "mg/dL")).toBe(true);
  });
});

describe("libreview/cgm-data-processor-libre2-mmol.csv", () => {
  // README: 3,615 data rows: 2,349 historic + 760 scans, 148 insulin rows (95 rapid, 52 long,
  // 1 non-numeric rapid), 88 carbohydrate rows (grams), 270 empty type-6 rows; mmol/L;
  // DD-MM-YYYY 24-hour; 82 readings at exactly 2.2 mmol/L.
  const r = new LibreViewParser({ timeZone: "Europe/London" }).parseAll(readText(FILES.libre2));
  const g = glucose(r);
  const historic = g.filter((x) => x.source === "FreeStyle LibreLink");
  const scans = g.filter((x) => x.source === "FreeStyle LibreLink (scan)");

  it("has 2,349 historic readings and 760 scans under different sources", () => {
    expect(r.counts.glucose).toBe(2349 + 760);
    expect(bySource(g)).toEqual({ "FreeStyle LibreLink": 2349, "FreeStyle LibreLink (scan)": 760 });
  });

  it("has 147 insulin doses (95 rapid, 52 long) and rejects the 1 non-numeric one", () => {
    const ins = r.rows.filter((x) => x.record === "insulin");
    expect(ins.length).toBe(147);
    expect(ins.filter((x) => x.kind === "rapid").length).toBe(95);
    expect(ins.filter((x) => x.kind === "long").length).toBe(52);
    expect(r.rejected).toEqual([{ row: 3242, reason: "non-numeric rapid-acting insulin (logged without units)" }]);
    expect(r.rejected_total).toBe(1);
  });

  it("has 88 meals in grams, skips the 270 empty notes, and accounts for every data row", () => {
    expect(r.counts.meal).toBe(88);
    expect(r.rows.filter((x) => x.record === "meal").every((x) => x.carbs !== null && x.carbs > 0)).toBe(true);
    expect(r.counts.note).toBe(0);
    expect(r.skipped).toEqual({ "empty note (type 6)": 270 });
    expect(r.counts.glucose + r.counts.insulin + r.counts.meal + r.rejected_total + 270).toBe(3615);
  });

  it("detects mmol/L and the day-first order from the data", () => {
    expect(r.unit).toBe("mmol/L");
    // Line 541 is the first row dated the 13th (13-09-2025).
    expect(r.date_order).toEqual({ order: "dmy", decided_by: "data", line: 541 });
  });

  it("converts mmol/L ×18.0182 to one decimal and keeps the 2.2 floor as a value", () => {
    expect(range(historic.map((x) => x.value))).toEqual([39.6, 398.2]); // 2.2 and 22.1 mmol/L
    expect(range(scans.map((x) => x.value))).toEqual([39.6, 353.2]); // 2.2 and 19.6 mmol/L
    expect(g.filter((x) => x.original_value === "2.2").length).toBe(82);
    expect(g.every((x) => x.flags === 0)).toBe(true);
    expect(r.warnings).toEqual(['82 glucose readings sit at the Libre floor (2.2 mmol/L): the sensor read "LO" but the file writes a number; kept as values, not flagged']);
  });

  it("reads BST local times (+01:00) and spot-checks first and last readings", () => {
    expect([iso(historic[0].time), historic[0].value, historic[0].original_value]).toEqual(["2025-09-01T20:58:00.000Z", 77.5, "4.3"]);
    const last = historic.at(-1) as GlucoseRow;
    expect([iso(last.time), last.value, last.row]).toEqual(["2025-10-11T16:06:00.000Z", 398.2, 2351]);
    expect([iso(scans[0].time), scans[0].value, scans[0].row]).toEqual(["2025-09-01T21:01:00.000Z", 79.3, 2352]);
    // README: all rows from 2025-09-01 20:57 to 2025-10-11 18:20 local, but the rows at both ends
    // are empty notes (lines 3348–3349 and 3616–3617), so the emitted rows span 20:58 → 17:06 local.
    expect(range(times(r.rows)).map(iso)).toEqual(["2025-09-01T20:58:00.000Z", "2025-10-11T16:06:00.000Z"]);
  });
});

describe("libreview/cgm-food-response-libre3plus-mgdl.csv", () => {
  // README: 993 data rows: 735 historic (73–132 mg/dL), 252 scans (73–134), 6 empty type-6 rows;
  // US MM-DD-YYYY hh:mm AM/PM; CRLF; historic 2026-01-02 11:40 PM → 2026-01-05 12:49 PM.
  const r = new LibreViewParser({ timeZone: "America/New_York" }).parseAll(readText(FILES.libre3));
  const g = glucose(r);
  const historic = g.filter((x) => x.source === "Libre app");
  const scans = g.filter((x) => x.source === "Libre app (scan)");

  it("has 735 historic readings, 252 scans and 6 skipped empty notes", () => {
    expect(r.counts).toEqual({ glucose: 987, meal: 0, insulin: 0, activity: 0, sleep: 0, note: 0 });
    expect([historic.length, scans.length]).toEqual([735, 252]);
    expect(r.skipped).toEqual({ "empty note (type 6)": 6 });
    expect(r.rejected_total).toBe(0);
  });

  it("falls back to the US order from the 12-hour clock (no day above 12 in the file)", () => {
    expect(r.date_order).toEqual({ order: "mdy", decided_by: "clock", line: null });
    expect(r.unit).toBe("mg/dL");
  });

  it("spot-checks values and times (EST, −05:00)", () => {
    expect(range(historic.map((x) => x.value))).toEqual([73, 132]);
    expect(range(scans.map((x) => x.value))).toEqual([73, 134]);
    expect([iso(historic[0].time), historic[0].value]).toEqual(["2026-01-03T04:40:00.000Z", 91]);
    const last = historic.at(-1) as GlucoseRow;
    expect([iso(last.time), last.value, last.row]).toEqual(["2026-01-05T17:49:00.000Z", 93, 737]);
    const lastScan = scans.at(-1) as GlucoseRow;
    expect([iso(lastScan.time), lastScan.value, lastScan.row]).toEqual(["2026-01-05T18:05:00.000Z", 93, 989]);
  });

  it("is not in time order (grouped by record type) and the parser keeps file order", () => {
    const t = g.map((x) => x.time);
    expect(t.some((x, i) => i > 0 && x < t[i - 1])).toBe(true);
    expect(g.map((x) => x.row)).toEqual([...g.map((x) => x.row)].sort((a, b) => a - b));
  });
});

describe("nightscout/cgm-format-entries.json", () => {
  // README: 1,000 sgv entries, newest first, 2026-03-31T10:27:20Z → 2026-04-05T20:30:29Z, sgv 32–285,
  // six ≤ 39, no device field, directions Flat/FortyFive*/Single*/DoubleDown and one NONE.
  const r = new NightscoutParser().parseAll(readText(FILES.nightscout));
  const g = glucose(r);

  it("has exactly 1,000 sgv readings, all under the default source", () => {
    expect(r.counts).toEqual({ glucose: 1000, meal: 0, insulin: 0, activity: 0, sleep: 0, note: 0 });
    expect(r.rejected_total).toBe(0);
    expect(bySource(g)).toEqual({ nightscout: 1000 });
    expect(r.time_zone.mode).toBe("utc");
  });

  it("spot-checks the first (newest) and last entries", () => {
    expect([iso(g[0].time), g[0].value, g[0].trend, g[0].row]).toEqual(["2026-04-05T20:30:29.000Z", 162, "Flat", 1]);
    const last = g.at(-1) as GlucoseRow;
    expect([iso(last.time), last.value, last.trend, last.row]).toEqual(["2026-03-31T10:27:20.000Z", 224, "FortyFiveUp", 1000]);
  });

  it("stores the six sgv ≤ 39 as 39 flagged below range", () => {
    const low = g.filter((x) => x.flags === 1);
    expect(low.map((x) => [x.row, x.value, x.original_value])).toEqual([
      [246, 39, "34"],
      [247, 39, "32"],
      [248, 39, "34"],
      [249, 39, "38"],
      [345, 39, "39"],
      [346, 39, "39"],
    ]);
    expect(range(g.map((x) => x.value))).toEqual([39, 285]);
  });

  it("maps every direction onto the API's trend enum", () => {
    const counts: Record<string, number> = {};
    for (const x of g) counts[String(x.trend)] = (counts[String(x.trend)] ?? 0) + 1;
    expect(counts).toEqual({ Flat: 678, FortyFiveUp: 133, FortyFiveDown: 108, SingleDown: 43, SingleUp: 33, DoubleDown: 4, NONE: 1 });
    expect(g[892].trend).toBe("NONE");
  });
});

describe("apple-health/hkimport-export.xml", () => {
  // README: 35 HKQuantityTypeIdentifierBloodGlucose records (One Drop 14, Health 11, mySugr 5,
  // iGluco 3, ACCU-CHEK 2), all mg/dL with +0200, 2017-03-30 → 2017-10-30, including the
  // mySugr/One Drop 166 duplicate; values 666 (twice) and 22 are test entries.
  const r = new AppleHealthParser().parseAll(readText(FILES.apple));
  const g = glucose(r);

  it("has exactly 35 blood glucose records, one per record and source", () => {
    expect(r.counts.glucose).toBe(35);
    expect(bySource(g)).toEqual({ "One Drop": 14, Health: 11, mySugr: 5, iGluco: 3, "ACCU-CHEK": 2 });
    expect(r.unit).toBe("mg/dL");
    expect(r.time_zone.mode).toBe("offset");
  });

  it("keeps readings duplicated across sources and counts them", () => {
    const at = Date.UTC(2017, 4, 24, 11, 56, 15); // 2017-05-24 13:56:15 +0200
    expect(g.filter((x) => x.time === at).map((x) => [x.source, x.value])).toEqual([
      ["mySugr", 166],
      ["One Drop", 166],
    ]);
    // 5 Health/One Drop pairs (manual entries synced both ways) and 2 mySugr/One Drop pairs.
    expect(r.cross_source_duplicates).toBe(7);
  });

  it("spot-checks first and last readings and keeps implausible test values for the API to judge", () => {
    expect([iso(g[0].time), g[0].value, g[0].source, g[0].row]).toEqual(["2017-03-30T07:29:00.000Z", 81, "Health", 83]);
    const last = g.at(-1) as GlucoseRow;
    expect([iso(last.time), last.value, last.source]).toEqual(["2017-10-30T15:14:00.000Z", 66, "Health"]);
    expect(g.filter((x) => x.value === 666).length).toBe(2);
    expect(g.filter((x) => x.value === 22).length).toBe(1);
  });

  it("merges asleep segments into 87 sessions and accounts for all 121 sleep records", () => {
    expect(r.counts.sleep).toBe(87);
    expect(r.skipped["asleep segment merged into a session"]).toBe(18);
    expect(r.skipped["sleep segment not asleep (InBed)"]).toBe(12);
    expect(r.skipped["sleep segment not asleep (Awake)"]).toBe(2);
    expect(r.skipped["zero-length sleep segment"]).toBe(2);
    expect(87 + 18 + 12 + 2 + 2).toBe(121);
    // Pillow's night of 2017-06-19/20: segments 21:41–06:27 (whole night) and 22:16–03:26, 03:31–05:46, 05:56–06:26.
    const pillow = r.rows.filter((x) => x.record === "sleep" && x.source === "Pillow");
    expect(pillow.map((x) => (x.record === "sleep" ? `${iso(x.start)} ${iso(x.end)}` : ""))).toContain("2017-06-19T19:41:16.000Z 2017-06-20T04:27:51.000Z");
  });

  it("turns 60 of the 61 workouts into activities and rejects the zero-length one", () => {
    expect(r.counts.activity).toBe(60);
    expect(r.rejected).toEqual([{ row: 14028, reason: "workout without a duration (endDate = startDate, duration 0)" }]);
    const acts = r.rows.filter((x) => x.record === "activity");
    const types: Record<string, number> = {};
    for (const a of acts) if (a.record === "activity") types[a.type] = (types[a.type] ?? 0) + 1;
    expect(types).toEqual({ walking: 28, running: 20, mixed_metabolic_cardio_training: 5, cycling: 2, functional_strength_training: 2, dance: 1, traditional_strength_training: 1, yoga: 1 });
    // LFconnect writes endDate = startDate and the length in `duration` (60 min).
    const lf = acts.find((a) => a.row === 14120);
    expect(lf?.record === "activity" && [iso(lf.start), iso(lf.end), lf.calories]).toEqual(["2017-07-25T15:10:28.000Z", "2017-07-25T16:10:28.000Z", 555]);
  });

  it("accounts for all 11,101 <Record> elements", () => {
    // 35 glucose + 121 sleep + 10,783 other top-level records + 162 nested in the 34 food correlations
    // (which also appear at the top level, so they are not read twice).
    expect(r.skipped["other HealthKit record (not imported)"]).toBe(10783);
    expect(35 + 121 + 10783 + 162).toBe(11101);
  });

  it("turns the 34 food correlations into meals", () => {
    const meals = r.rows.filter((x) => x.record === "meal");
    expect(meals.length).toBe(34);
    const pizza = meals[0];
    expect(pizza.record === "meal" && [iso(pizza.time), pizza.description, pizza.source]).toEqual(["2017-07-17T05:00:00.000Z", 'Fast food pizza chain 14" cheese topping regular crust', "MyNetDiary"]);
  });
});

describe("iglu CSVs through the generic CSV mapping", () => {
  // README: 13,866 rows, 5 subjects (2,915, 2,829, 1,533, 3,664, 2,925); 1-subject file 2,915 rows
  // from 2015-06-06 16:50:27; Hall 34,890 rows, 19 subjects. Times are R's EST (fixed −05:00).
  const mapping = (text: string): CsvColumnMapping => {
    const guess = guessCsvMapping(text.slice(0, 4096));
    return { ...(guess.mapping as CsvColumnMapping), timeZone: "EST" };
  };

  it("guesses the mapping of id,time,gl", () => {
    const guess = guessCsvMapping(readText(FILES.iglu5).slice(0, 4096));
    expect(guess.delimiter).toBe(",");
    expect(guess.header).toEqual(["id", "time", "gl"]);
    expect(guess.mapping).toEqual({ time: "time", value: "gl", unit: "mg/dL", timeFormat: "YYYY-MM-DD HH:mm:ss", sourceColumn: "id" });
  });

  it("example_data_5_subject.csv: 13,866 readings, per subject as the README says", () => {
    const text = readText(FILES.iglu5);
    const r = new GenericCsvParser({ mapping: mapping(text) }).parseAll(text);
    expect(r.counts.glucose).toBe(13866);
    expect(r.rejected_total).toBe(0);
    expect(bySource(r.rows)).toEqual({ "Subject 1": 2915, "Subject 2": 2829, "Subject 3": 1533, "Subject 4": 3664, "Subject 5": 2925 });
    expect(range(glucose(r).map((x) => x.value))).toEqual([50, 400]);
  });

  it("example_data_1_subject.csv: 2,915 readings, first one at 21:50:27Z (EST + 5 h)", () => {
    const text = readText(FILES.iglu1);
    const r = new GenericCsvParser({ mapping: mapping(text) }).parseAll(text);
    expect(r.counts.glucose).toBe(2915);
    const g = glucose(r);
    expect(iso(g[0].time)).toBe("2015-06-06T21:50:27.000Z");
    expect(iso(g.at(-1)?.time ?? 0)).toBe("2015-06-19T13:59:36.000Z");
    expect(range(g.map((x) => x.value))).toEqual([66, 276]);
  });

  it("example_data_hall.csv: 34,890 readings from 19 subjects, 41–303 mg/dL", () => {
    const text = readText(FILES.hall);
    const r = new GenericCsvParser({ mapping: mapping(text) }).parseAll(text);
    expect(r.counts.glucose).toBe(34890);
    expect(Object.keys(bySource(r.rows)).length).toBe(19);
    expect(range(glucose(r).map((x) => x.value))).toEqual([41, 303]);
  });
});
