/**
 * @module interop/apple-health
 * Apple Health `export.xml` ("Export All Health Data"), streamed through a tag scanner: the
 * inline DTD is skipped, no DOM is built, and only the elements below are looked at.
 *
 * | Element | becomes |
 * | ------- | ------- |
 * | `Record` `HKQuantityTypeIdentifierBloodGlucose` | glucose (`mg/dL`, or `mmol<180.15588…>/L` converted with the molar mass the unit declares); source `sourceName` |
 * | `Record` `HKCategoryTypeIdentifierSleepAnalysis` | asleep segments merged into sleep sessions (below); in-bed and awake segments skipped |
 * | `Workout` | activity: type from `workoutActivityType` (`HKWorkoutActivityTypeRunning` → `running`), calories from `totalEnergyBurned` or the `ActiveEnergyBurned` statistic, steps and average heart rate from `WorkoutStatistics` when present |
 * | `Correlation` `HKCorrelationTypeIdentifierFood` | meal: carbohydrates, protein, fat, fibre and energy of its child records, description from `HKFoodType` |
 * | other records | skipped (counted) |
 *
 * Times carry their offset (`2017-03-30 09:12:00 +0200`); a glucose record's time is its `startDate`.
 *
 * **Duplicates across sources.** The same reading often reaches Health from two apps (a meter
 * app and a logbook app syncing each other). Every record is kept under its own source: the
 * API de-duplicates by (time, source), so re-importing stores nothing twice, and choosing
 * between apps is left to the user. Records equal in time and value to one from another source
 * are counted in `report.cross_source_duplicates`; to keep memory bounded this looks back two
 * days from the newest reading (HealthKit writes each type in time order).
 *
 * **Sleep.** Each app writes a night as several "asleep" segments separated by short awakenings,
 * and some write an overlapping whole-night segment as well. Per source, asleep segments
 * (`Asleep`, and iOS 16's `AsleepUnspecified`/`Core`/`Deep`/`REM`) that overlap or are at most
 * `sleepGapMinutes` (default 60) apart are merged into one session. Sessions of different apps
 * are not merged with each other (same rule as glucose). Sessions are emitted at `end()`,
 * since segments are not in time order in the file. A merged session longer than 24 h is
 * rejected (the API's limit).
 *
 * Records inside a `Correlation` also appear at the top level (the DTD says so), so only the
 * top-level ones are read, except for the food correlation's nutrients.
 */
import { parseAppleDate } from "./datetime.ts";
import { MGDL_PER_MMOL, parseDecimal, round1, toMgdl } from "./glucose.ts";
import { BaseParser, sourceName } from "./parser.ts";
import { XmlTagScanner, parseAttributes } from "./xml.ts";
import type { BaseOptions, GlucoseUnit } from "./types.ts";

export interface AppleHealthOptions extends BaseOptions {
  /** Asleep segments of one source at most this far apart form one session. Default 60. */
  sleepGapMinutes?: number;
}

const GLUCOSE = "HKQuantityTypeIdentifierBloodGlucose";
const SLEEP = "HKCategoryTypeIdentifierSleepAnalysis";
const FOOD = "HKCorrelationTypeIdentifierFood";
const ASLEEP = new Set([
  "HKCategoryValueSleepAnalysisAsleep",
  "HKCategoryValueSleepAnalysisAsleepUnspecified",
  "HKCategoryValueSleepAnalysisAsleepCore",
  "HKCategoryValueSleepAnalysisAsleepDeep",
  "HKCategoryValueSleepAnalysisAsleepREM",
]);
const NUTRIENT: Record<string, "carbs" | "protein" | "fat" | "fibre" | "calories"> = {
  HKQuantityTypeIdentifierDietaryCarbohydrates: "carbs",
  HKQuantityTypeIdentifierDietaryProtein: "protein",
  HKQuantityTypeIdentifierDietaryFatTotal: "fat",
  HKQuantityTypeIdentifierDietaryFiber: "fibre",
  HKQuantityTypeIdentifierDietaryEnergyConsumed: "calories",
};
const MAX_SESSION_MS = 24 * 3600_000;
const MAX_DUPLICATE_TIMES = 200_000;
const DUPLICATE_WINDOW_MS = 2 * 86_400_000;

interface Segment {
  start: number;
  end: number;
  line: number;
}

interface WorkoutAcc {
  line: number;
  attrs: Record<string, string>;
  heartRate: number | null;
  energy: number | null;
  steps: number | null;
}

interface MealAcc {
  line: number;
  time: number | null;
  source: string;
  description: string | null;
  carbs: number | null;
  protein: number | null;
  fat: number | null;
  fibre: number | null;
  calories: number | null;
}

/** kcal from an energy quantity (`kcal`, `Cal`, `kJ`), or null for another unit. */
function kcal(value: number, unit: string | undefined): number | null {
  if (unit === undefined || unit === "kcal" || unit === "Cal") return value;
  if (unit === "kJ") return value / 4.184;
  if (unit === "cal") return value / 1000;
  return null;
}

/** Grams from a mass quantity (`g`, `mg`, `kg`…), or null for another unit. */
function grams(value: number, unit: string | undefined): number | null {
  const f: Record<string, number> = { g: 1, mg: 1e-3, mcg: 1e-6, µg: 1e-6, kg: 1e3 };
  const k = unit === undefined ? 1 : f[unit];
  return k === undefined ? null : value * k;
}

/** A workout's `duration` attribute in milliseconds (`durationUnit` min, s or hr), or NaN. */
function durationMs(value: string | undefined, unit: string | undefined): number {
  const v = parseDecimal(value ?? "");
  const f: Record<string, number> = { min: 60_000, s: 1000, sec: 1000, hr: 3_600_000, h: 3_600_000 };
  const k = f[unit ?? "min"];
  return k === undefined ? Number.NaN : v * k;
}

/** `HKWorkoutActivityTypeFunctionalStrengthTraining` → `functional_strength_training`. */
export function workoutType(activityType: string): string {
  const bare = activityType.replace(/^HKWorkoutActivityType/, "");
  const snake = bare
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
  return (snake === "" ? "workout" : snake).slice(0, 64);
}

/**
 * Streaming Apple Health `export.xml` parser. `row` is the line of the element's start tag.
 *
 * @throws {InteropError} (`unrecognized-format`) when the root element is not `<HealthData>`; (`malformed`) for a truncated or mis-nested file.
 * @example
 * const r = new AppleHealthParser().parseAll(xml);
 * r.counts;                    // {glucose: 35, sleep: …, activity: 61, meal: 34, …}
 * r.cross_source_duplicates;   // readings another app had already written
 */
export class AppleHealthParser extends BaseParser {
  readonly format = "apple-health" as const;
  private readonly scanner: XmlTagScanner;
  private readonly sleepGapMs: number;
  private readonly stack: string[] = [];
  private sawRoot = false;
  private correlationDepth = 0;
  private meal: MealAcc | null = null;
  private workout: WorkoutAcc | null = null;
  private readonly sleep = new Map<string, Segment[]>();
  /** Glucose time → (source index × 100,000 + value × 10) of the sources seen at that time. */
  private readonly seenTimes = new Map<number, number | number[]>();
  private readonly sourceIndex = new Map<string, number>();
  private newestTime = -Infinity;

  constructor(options: AppleHealthOptions = {}) {
    super("apple-health", options, { mode: "offset", zone: null, ambiguous: 0, nonexistent: 0 });
    this.sleepGapMs = (options.sleepGapMinutes ?? 60) * 60_000;
    this.report.cross_source_duplicates = 0;
    this.scanner = new XmlTagScanner(
      {
        start: (name, attrs, selfClosing, line) => this.onStart(name, attrs, selfClosing, line),
        end: (name, line) => this.onEnd(name, line),
      },
      "apple-health",
    );
  }

  protected consume(chunk: string): void {
    this.scanner.push(chunk);
  }

  protected finish(): void {
    this.scanner.end();
    if (!this.sawRoot) throw this.error("unrecognized-format", "no <HealthData> element: not an Apple Health export.xml");
    if (this.stack.length > 0) throw this.error("malformed", `the input ends inside <${this.stack.at(-1)}> (truncated export?)`);
    this.emitSleep();
    this.seenTimes.clear();
  }

  private onStart(name: string, raw: string, selfClosing: boolean, line: number): void {
    if (!this.sawRoot) {
      if (name !== "HealthData") throw this.error("unrecognized-format", `the root element is <${name}>, not <HealthData>: not an Apple Health export.xml`, line);
      this.sawRoot = true;
    }
    const parent = this.stack.at(-1);
    if (!selfClosing) this.stack.push(name);
    switch (name) {
      case "Record":
        if (this.correlationDepth > 0) this.nutrient(raw);
        else if (parent === "HealthData") this.record(raw, line);
        return;
      case "Correlation":
        if (this.correlationDepth === 0) {
          if (raw.includes(FOOD) && parseAttributes(raw).type === FOOD) this.startMeal(raw, line);
          else this.skip("other correlation (not imported)");
        }
        if (!selfClosing) this.correlationDepth++;
        else if (this.correlationDepth === 0) this.endMeal();
        return;
      case "Workout":
        this.workout = { line, attrs: parseAttributes(raw), heartRate: null, energy: null, steps: null };
        if (selfClosing) this.endWorkout();
        return;
      case "WorkoutStatistics":
        if (this.workout !== null) this.workoutStatistic(raw);
        return;
      case "MetadataEntry":
        if (this.meal !== null && parent === "Correlation" && raw.includes("HKFoodType")) {
          const a = parseAttributes(raw);
          if (a.key === "HKFoodType" && a.value) this.meal.description = a.value.trim().slice(0, 500);
        }
        return;
      default:
        return;
    }
  }

  private onEnd(name: string, line: number): void {
    const top = this.stack.pop();
    if (top !== name) throw this.error("malformed", top === undefined ? `</${name}> on line ${line} closes nothing` : `</${name}> on line ${line} closes <${top}>`, line);
    if (name === "Workout") this.endWorkout();
    else if (name === "Correlation") {
      this.correlationDepth--;
      if (this.correlationDepth === 0) this.endMeal();
    }
  }

  private record(raw: string, line: number): void {
    // Most of an export is steps, heart rate, energy…: decide on the raw text before parsing attributes.
    const isGlucose = raw.includes(GLUCOSE);
    if (!isGlucose && !raw.includes(SLEEP)) {
      this.skip("other HealthKit record (not imported)");
      return;
    }
    const a = parseAttributes(raw);
    if (a.type === GLUCOSE) this.glucose(a, line);
    else if (a.type === SLEEP) this.sleepSegment(a, line);
    else this.skip("other HealthKit record (not imported)");
  }

  private glucose(a: Record<string, string>, line: number): void {
    const time = parseAppleDate(a.startDate ?? "");
    if (time === null) {
      this.reject(line, `blood glucose record with an invalid startDate ${JSON.stringify(a.startDate ?? null)}`);
      return;
    }
    const text = a.value ?? "";
    const v = parseDecimal(text);
    if (!(v > 0)) {
      this.reject(line, `blood glucose record with a non-numeric value ${JSON.stringify(text)}`);
      return;
    }
    const unitText = a.unit ?? "";
    let unit: GlucoseUnit;
    let factor = MGDL_PER_MMOL;
    const molar = /^mmol<([\d.]+)>\/L$/.exec(unitText);
    if (unitText === "mg/dL") unit = "mg/dL";
    else if (unitText === "mmol/L") unit = "mmol/L";
    else if (molar !== null && Number(molar[1]) > 0) {
      unit = "mmol/L";
      factor = Number(molar[1]) / 10;
    } else {
      this.reject(line, `blood glucose record with an unsupported unit ${JSON.stringify(unitText)}`);
      return;
    }
    if (this.report.unit === null) this.report.unit = unit;
    else if (this.report.unit !== unit && !this.report.warnings.some((w) => w.startsWith("mixed glucose units"))) this.report.warnings.push(`mixed glucose units: ${this.report.unit} and ${unit}; all values are converted to mg/dL`);
    const value = toMgdl(v, unit, factor);
    const source = sourceName(a.sourceName ?? "", "Apple Health");
    this.trackDuplicate(time, source, value);
    this.emit({ record: "glucose", row: line, time, value, unit: "mg/dL", source, trend: null, flags: 0, original_value: text, original_unit: unit });
  }

  /**
   * Counts a reading equal in time and value to one already seen from another source. Memory
   * stays bounded: HealthKit writes each type's records in startDate order, so times more than
   * two days older than the newest one seen are dropped (a backstop cap covers unsorted files).
   */
  private trackDuplicate(time: number, source: string, value: number): void {
    let sourceIndex = this.sourceIndex.get(source);
    if (sourceIndex === undefined) this.sourceIndex.set(source, (sourceIndex = this.sourceIndex.size));
    const code = sourceIndex * 100_000 + Math.round(value * 10);
    const seen = this.seenTimes.get(time);
    if (seen === undefined) {
      this.seenTimes.set(time, code);
      if (time > this.newestTime) this.newestTime = time;
      if (this.seenTimes.size % 4096 === 0) this.evictOldTimes();
      return;
    }
    const codes = typeof seen === "number" ? [seen] : seen;
    if (codes.includes(code)) return;
    if (codes.some((c) => c % 100_000 === code % 100_000)) this.report.cross_source_duplicates = (this.report.cross_source_duplicates ?? 0) + 1;
    this.seenTimes.set(time, [...codes, code]);
  }

  private evictOldTimes(): void {
    const horizon = this.newestTime - DUPLICATE_WINDOW_MS;
    for (const t of this.seenTimes.keys()) {
      if (t >= horizon) break; // insertion order is time order in a sorted export
      this.seenTimes.delete(t);
    }
    if (this.seenTimes.size >= MAX_DUPLICATE_TIMES) {
      this.seenTimes.clear();
      if (!this.report.warnings.some((w) => w.startsWith("cross-source duplicates"))) this.report.warnings.push("cross-source duplicates were not all counted: the glucose records are not in time order");
    }
  }

  private sleepSegment(a: Record<string, string>, line: number): void {
    const value = a.value ?? "";
    if (!ASLEEP.has(value)) {
      this.skip(`sleep segment not asleep (${value.replace("HKCategoryValueSleepAnalysis", "") || "no value"})`);
      return;
    }
    const start = parseAppleDate(a.startDate ?? "");
    const end = parseAppleDate(a.endDate ?? "");
    if (start === null || end === null || end < start) {
      this.reject(line, `sleep record with invalid dates (${JSON.stringify(a.startDate ?? null)} – ${JSON.stringify(a.endDate ?? null)})`);
      return;
    }
    if (end === start) {
      this.skip("zero-length sleep segment");
      return;
    }
    const source = sourceName(a.sourceName ?? "", "Apple Health");
    let list = this.sleep.get(source);
    if (list === undefined) this.sleep.set(source, (list = []));
    list.push({ start, end, line });
  }

  private emitSleep(): void {
    for (const [source, segments] of this.sleep) {
      segments.sort((x, y) => x.start - y.start || x.end - y.end);
      let cur: Segment | null = null;
      const flush = (s: Segment) => {
        if (s.end - s.start > MAX_SESSION_MS) this.reject(s.line, `sleep session of ${source} longer than 24 hours after merging its segments`);
        else this.emit({ record: "sleep", row: s.line, start: s.start, end: s.end, quality: null, source });
      };
      for (const seg of segments) {
        if (cur !== null && seg.start <= cur.end + this.sleepGapMs) {
          cur.end = Math.max(cur.end, seg.end);
          cur.line = Math.min(cur.line, seg.line);
          this.skip("asleep segment merged into a session");
          continue;
        }
        if (cur !== null) flush(cur);
        cur = { ...seg };
      }
      if (cur !== null) flush(cur);
    }
    this.sleep.clear();
  }

  private workoutStatistic(raw: string): void {
    const w = this.workout as WorkoutAcc;
    const a = parseAttributes(raw);
    if (a.type === "HKQuantityTypeIdentifierHeartRate") {
      const avg = parseDecimal(a.average ?? "");
      if (avg > 0) w.heartRate = round1(avg);
    } else if (a.type === "HKQuantityTypeIdentifierActiveEnergyBurned") {
      const sum = parseDecimal(a.sum ?? "");
      const k = sum >= 0 ? kcal(sum, a.unit) : null;
      if (k !== null) w.energy = k;
    } else if (a.type === "HKQuantityTypeIdentifierStepCount") {
      const sum = parseDecimal(a.sum ?? "");
      if (sum >= 0) w.steps = Math.round(sum);
    }
  }

  private endWorkout(): void {
    const w = this.workout;
    this.workout = null;
    if (w === null) return;
    const a = w.attrs;
    const start = parseAppleDate(a.startDate ?? "");
    let end = parseAppleDate(a.endDate ?? "");
    if (start === null || end === null) {
      this.reject(w.line, `workout with invalid dates (${JSON.stringify(a.startDate ?? null)} – ${JSON.stringify(a.endDate ?? null)})`);
      return;
    }
    if (end <= start) {
      // Some apps write endDate = startDate and put the length in `duration` only.
      const ms = durationMs(a.duration, a.durationUnit);
      if (end < start || !(ms > 0)) {
        this.reject(w.line, end < start ? "workout that ends before it starts" : "workout without a duration (endDate = startDate, duration 0)");
        return;
      }
      end = start + ms;
    }
    if (end - start > MAX_SESSION_MS) {
      this.reject(w.line, "workout longer than 24 hours");
      return;
    }
    const total = parseDecimal(a.totalEnergyBurned ?? "");
    const energy = total > 0 ? kcal(total, a.totalEnergyBurnedUnit) : null;
    const calories = energy ?? w.energy;
    this.emit({
      record: "activity",
      row: w.line,
      start,
      end,
      type: workoutType(a.workoutActivityType ?? ""),
      intensity: null,
      steps: w.steps,
      calories: calories === null ? null : round1(calories),
      avg_heart_rate: w.heartRate,
      source: sourceName(a.sourceName ?? "", "Apple Health"),
    });
  }

  private startMeal(raw: string, line: number): void {
    const a = parseAttributes(raw);
    this.meal = { line, time: parseAppleDate(a.startDate ?? ""), source: sourceName(a.sourceName ?? "", "Apple Health"), description: null, carbs: null, protein: null, fat: null, fibre: null, calories: null };
  }

  private nutrient(raw: string): void {
    const m = this.meal;
    if (m === null || !raw.includes("Dietary")) return;
    const a = parseAttributes(raw);
    const field = NUTRIENT[a.type ?? ""];
    if (field === undefined) return;
    const v = parseDecimal(a.value ?? "");
    if (!(v >= 0)) return;
    const amount = field === "calories" ? kcal(v, a.unit) : grams(v, a.unit);
    if (amount !== null) m[field] = round1((m[field] ?? 0) + amount);
  }

  private endMeal(): void {
    const m = this.meal;
    this.meal = null;
    if (m === null) return;
    if (m.time === null) {
      this.reject(m.line, "food correlation with an invalid startDate");
      return;
    }
    if (m.carbs === null && m.protein === null && m.fat === null && m.fibre === null && m.calories === null && m.description === null) {
      this.skip("empty food correlation");
      return;
    }
    this.emit({ record: "meal", row: m.line, time: m.time, carbs: m.carbs, protein: m.protein, fat: m.fat, fibre: m.fibre, calories: m.calories, description: m.description, source: m.source });
  }
}
