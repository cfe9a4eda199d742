import { describe, expect, it } from "vitest";
import { parseRecordForm } from "./records.server.ts";
import {
  addDays,
  describeRecord,
  formatCell,
  isoToZonedLocal,
  parseDateRange,
  recordKind,
  recordToFormValues,
  zonedLocalToIso,
  zoneOffsetMinutes,
} from "./records.ts";

const form = (entries: Record<string, string>) => {
  const fd = new FormData();
  for (const [k, v] of Object.entries(entries)) fd.set(k, v);
  return fd;
};

describe("time zones", () => {
  it("reads a wall-clock time in the zone and writes ISO with its offset", () => {
    expect(zonedLocalToIso("2026-07-01T09:15", "Europe/Berlin")).toBe("2026-07-01T09:15:00+02:00");
    expect(zonedLocalToIso("2026-01-15T09:15", "Europe/Berlin")).toBe("2026-01-15T09:15:00+01:00");
    expect(zonedLocalToIso("2026-01-15T09:15", "America/New_York")).toBe("2026-01-15T09:15:00-05:00");
    expect(zonedLocalToIso("2026-01-15T09:15", "Asia/Kolkata")).toBe("2026-01-15T09:15:00+05:30");
    expect(zonedLocalToIso("2026-01-15T09:15", "UTC")).toBe("2026-01-15T09:15:00+00:00");
  });

  it("moves a time skipped by spring-forward past the gap, and takes the earlier of an ambiguous one", () => {
    // Berlin 2026-03-29: 02:00 → 03:00.
    expect(Date.parse(zonedLocalToIso("2026-03-29T02:30", "Europe/Berlin")!)).toBe(Date.parse("2026-03-29T01:30:00Z"));
    // Berlin 2026-10-25: 03:00 → 02:00; 02:30 happens twice.
    expect(zonedLocalToIso("2026-10-25T02:30", "Europe/Berlin")).toBe("2026-10-25T02:30:00+02:00");
  });

  it("refuses malformed or impossible input", () => {
    expect(zonedLocalToIso("", "UTC")).toBeNull();
    expect(zonedLocalToIso("2026-02-30T10:00", "UTC")).toBeNull();
    expect(zonedLocalToIso("yesterday", "UTC")).toBeNull();
  });

  it("round-trips through the datetime-local value", () => {
    const iso = "2026-07-01T07:15:00Z";
    expect(isoToZonedLocal(iso, "Europe/Berlin")).toBe("2026-07-01T09:15");
    expect(Date.parse(zonedLocalToIso(isoToZonedLocal(iso, "Europe/Berlin"), "Europe/Berlin")!)).toBe(Date.parse(iso));
    expect(isoToZonedLocal("nonsense", "UTC")).toBe("");
  });

  it("knows zone offsets", () => {
    expect(zoneOffsetMinutes(Date.parse("2026-07-01T00:00:00Z"), "Europe/Berlin")).toBe(120);
    expect(zoneOffsetMinutes(Date.parse("2026-07-01T00:00:00Z"), "America/Los_Angeles")).toBe(-420);
  });
});

describe("parseDateRange", () => {
  const now = Date.parse("2026-07-10T10:00:00Z");
  const p = (q: string) => parseDateRange(new URLSearchParams(q), "Europe/Berlin", now);

  it("defaults to the last 7 days ending now", () => {
    const r = p("");
    expect(r).toMatchObject({ from: "2026-07-04", to: "2026-07-10", days: 7, preset: 7, adjusted: null });
    expect(r.startMs).toBe(Date.parse("2026-07-03T22:00:00Z"));
    expect(r.endMs).toBe(now);
  });

  it("takes presets and explicit days", () => {
    expect(p("days=90")).toMatchObject({ days: 90, preset: 90, from: addDays("2026-07-10", -89) });
    expect(p("days=1")).toMatchObject({ from: "2026-07-10", to: "2026-07-10", preset: 1 });
    expect(p("from=2026-06-01&to=2026-06-03")).toMatchObject({ days: 3, preset: null });
    expect(p("from=2026-06-01&to=2026-06-03").endMs).toBe(Date.parse("2026-06-03T22:00:00Z"));
  });

  it("repairs bad input and says so", () => {
    expect(p("days=abc")).toMatchObject({ days: 7, adjusted: "Showing the last 7 days." });
    expect(p("from=2026-06-03&to=2026-06-01")).toMatchObject({ from: "2026-06-01", to: "2026-06-03" });
    expect(p("from=2026-06-03&to=2026-06-01").adjusted).toMatch(/swapped/);
    expect(p("from=2020-01-01&to=2026-07-10")).toMatchObject({ days: 400 });
    expect(p("from=2026-07-01&to=2027-01-01")).toMatchObject({ to: "2026-07-10" });
  });
});

describe("record forms", () => {
  const meals = recordKind("meals")!;

  it("builds the API body: time with offset, numbers, empty optional fields left out", () => {
    const r = parseRecordForm(meals, form({ time: "2026-07-01T12:30", carbs: "45", description: " Pasta ", protein: "" }), "Europe/Berlin", "create");
    expect(r).toEqual({
      success: true,
      data: { time: "2026-07-01T12:30:00+02:00", carbs: 45, description: "Pasta", source: "manual" },
    });
  });

  it("sends cleared optional fields as null when editing", () => {
    const r = parseRecordForm(meals, form({ time: "2026-07-01T12:30", carbs: "" }), "UTC", "update");
    expect(r.success && r.data).toMatchObject({ carbs: null, time: "2026-07-01T12:30:00+00:00" });
  });

  it("reports field errors in words", () => {
    const r = parseRecordForm(meals, form({ time: "", carbs: "lots" }), "UTC", "create");
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(r.fieldErrors.time).toEqual(["Enter the time"]);
    expect(r.fieldErrors.carbs).toEqual(["Enter the carbohydrates as a number"]);
  });

  it("checks cross-field rules", () => {
    const sleep = parseRecordForm(recordKind("sleep")!, form({ start: "2026-07-01T23:00", end: "2026-07-01T22:00" }), "UTC", "create");
    expect(!sleep.success && sleep.fieldErrors.end).toEqual(["The end must be after the start"]);
    const bp = parseRecordForm(recordKind("blood-pressure")!, form({ time: "2026-07-01T08:00", systolic: "80", diastolic: "90" }), "UTC", "create");
    expect(!bp.success && bp.fieldErrors.diastolic).toEqual(["Diastolic must be below systolic"]);
    const a1c = parseRecordForm(recordKind("hba1c")!, form({ date: "2026-07-01" }), "UTC", "create");
    expect(!a1c.success && a1c.fieldErrors.percent).toBeTruthy();
  });

  it("sends only the HbA1c value that was entered", () => {
    const r = parseRecordForm(recordKind("hba1c")!, form({ date: "2026-07-01", mmol_mol: "48", percent: "" }), "UTC", "update");
    expect(r).toEqual({ success: true, data: { date: "2026-07-01", mmol_mol: 48 } });
  });

  it("rejects numbers out of range and non-integers where whole numbers are required", () => {
    const r = parseRecordForm(recordKind("sleep")!, form({ start: "2026-07-01T23:00", end: "2026-07-02T07:00", quality: "7", awakenings: "1.5" }), "UTC", "create");
    expect(!r.success && r.fieldErrors.quality).toEqual(["Enter a value from 1 to 5"]);
    expect(!r.success && r.fieldErrors.awakenings).toEqual(["Enter a whole number"]);
  });
});

describe("table cells and descriptions", () => {
  const ctx = { timeZone: "Europe/Berlin", locale: "en-GB" };
  const meals = recordKind("meals")!;
  const meal = { id: "7", time: "2026-07-01T10:30:00.000Z", carbs: 45, description: "Pasta", calories: null };

  it("formats cells in the user's zone and units", () => {
    expect(formatCell(meals.fields[0]!, meal.time, ctx)).toBe("Wed 1 Jul, 12:30");
    expect(formatCell(meals.fields[2]!, 45, ctx)).toBe("45 g");
    expect(formatCell(meals.fields[5]!, null, ctx)).toBe("—");
    expect(formatCell(recordKind("insulin")!.fields[2]!, "basal", ctx)).toBe("Basal");
  });

  it("describes a record in one line", () => {
    expect(describeRecord(meals, meal, ctx)).toBe("Meal · Wed 1 Jul, 12:30 · Pasta, 45 g carbohydrates");
    expect(describeRecord(meals, meal, ctx, { withKind: false })).toBe("Wed 1 Jul, 12:30 · Pasta, 45 g carbohydrates");
  });

  it("fills edit inputs with local times and empty strings for missing values", () => {
    expect(recordToFormValues(meals, meal, "Europe/Berlin")).toMatchObject({
      time: "2026-07-01T12:30",
      carbs: "45",
      calories: "",
      protein: "",
    });
  });
});
