/**
 * @module interop/dexcom-clarity
 * Dexcom Clarity CSV export ("Export" on clarity.dexcom.com): one header row, then untimed
 * metadata rows (`FirstName`, `LastName`, `DateOfBirth`, `Device`, `Alert`), then timed events.
 *
 * | Event Type    | becomes |
 * | ------------- | ------- |
 * | `EGV`         | glucose; `Low`/`High` → 39/401 mg/dL flagged below/above range; trend from the rate-of-change column (Dexcom's arrow bands) |
 * | `Calibration` | glucose from a meter, source `"<device> (meter)"` |
 * | `Insulin`     | insulin: `Fast-Acting` → rapid, `Long-Acting` → long |
 * | `Carbs`       | meal with `carbs` in grams |
 * | `Exercise`    | activity `exercise`, `Light`/`Medium`/`Heavy` → low/moderate/high, end = start + duration |
 * | `Health`      | note with the subtype (`Illness`, `Stress`, …) |
 * | metadata      | skipped (`Device` names the default source) |
 *
 * Columns are found by header name, so both the older 12-column export and the newer one with
 * `Transmitter Time`/`Transmitter ID` work; the glucose unit comes from `Glucose Value (mg/dL)`
 * or `(mmol/L)`. Timestamps are device-local without a zone (`2019-05-01T08:30:00`, or newer
 * `2025-05-01 0:01:47`) and are read in `options.timeZone`.
 */
import { parseIsoLike, partsToEpoch } from "./datetime.ts";
import { CsvTokenizer } from "./csv.ts";
import { FLAG_ABOVE_RANGE, FLAG_BELOW_RANGE, type GlucoseUnit, type Intensity, type LocalTimeOptions, type TrendDirection } from "./types.ts";
import { MGDL_PER_MMOL, parseDecimal, toMgdl, trendFromRate, unitFromHeader } from "./glucose.ts";
import { BaseParser, localZoneHandling, sourceName } from "./parser.ts";
import { ZoneResolver } from "./timezone.ts";

/** Stored value of a Clarity `Low` (below the sensor's 40 mg/dL floor), flagged below range. */
export const CLARITY_LOW_MGDL = 39;
/** Stored value of a Clarity `High` (above the sensor's 400 mg/dL ceiling), flagged above range. */
export const CLARITY_HIGH_MGDL = 401;

export type DexcomClarityOptions = LocalTimeOptions;

interface Columns {
  timestamp: number;
  eventType: number;
  subtype: number;
  deviceInfo: number;
  sourceDevice: number;
  glucose: number;
  insulin: number;
  carbs: number;
  duration: number;
  rate: number;
  rateUnit: GlucoseUnit;
}

const METADATA_EVENTS = new Set(["FirstName", "LastName", "DateOfBirth", "Device", "Alert"]);
const INTENSITY: Record<string, Intensity> = { light: "low", medium: "moderate", heavy: "high" };

/** Trimmed cell `i` of a record, "" when the column is absent or the row is short. */
const cell = (f: string[], i: number) => (i >= 0 && i < f.length ? f[i].trim() : "");

function findColumn(header: string[], prefix: string): number {
  const p = prefix.toLowerCase();
  return header.findIndex((h) => h.trim().toLowerCase().startsWith(p));
}

/** `hh:mm:ss` (hours may exceed 23, or have one digit) → milliseconds, or NaN. */
function parseDuration(text: string): number {
  const m = /^(\d{1,3}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return Number.NaN;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000;
}

/**
 * Streaming Dexcom Clarity CSV parser.
 *
 * @throws {InteropError} (`bad-header`) when the first row is not a Clarity header; (`bad-option`) for an unknown zone.
 * @example
 * const result = new DexcomClarityParser({ timeZone: "America/Los_Angeles" }).parseAll(text);
 * result.counts.glucose; // EGV + calibration readings
 */
export class DexcomClarityParser extends BaseParser {
  readonly format = "dexcom-clarity" as const;
  private readonly csv: CsvTokenizer;
  private cols: Columns | null = null;
  private unit: GlucoseUnit = "mg/dL";
  private device = "Dexcom";
  private readonly resolver: ZoneResolver;

  constructor(options: DexcomClarityOptions) {
    const zone = new ZoneResolver(options.timeZone);
    super("dexcom-clarity", options, localZoneHandling(zone));
    this.resolver = zone;
    this.zone = zone;
    this.csv = new CsvTokenizer((fields, line) => this.onRecord(fields, line));
  }

  protected consume(chunk: string): void {
    this.csv.push(chunk);
  }

  protected finish(): void {
    this.csv.end();
    if (this.cols === null) throw this.error("bad-header", "the file is empty (no header row)", 1);
  }

  private readHeader(fields: string[], line: number): void {
    const col = (p: string) => findColumn(fields, p);
    const glucose = col("Glucose Value");
    const c: Columns = {
      timestamp: col("Timestamp"),
      eventType: col("Event Type"),
      subtype: col("Event Subtype"),
      deviceInfo: col("Device Info"),
      sourceDevice: col("Source Device ID"),
      glucose,
      insulin: col("Insulin Value"),
      carbs: col("Carb Value"),
      duration: col("Duration"),
      rate: col("Glucose Rate of Change"),
      rateUnit: "mg/dL",
    };
    if (c.timestamp < 0 || c.eventType < 0 || glucose < 0) {
      throw this.error("bad-header", `line ${line} is not a Dexcom Clarity header: expected the columns "Timestamp (YYYY-MM-DDThh:mm:ss)", "Event Type" and "Glucose Value (mg/dL)" or "(mmol/L)"`, line);
    }
    const unit = unitFromHeader(fields[glucose]);
    if (unit === null) throw this.error("bad-header", `the glucose column ${JSON.stringify(fields[glucose])} names no unit (mg/dL or mmol/L)`, line);
    this.unit = unit;
    this.report.unit = unit;
    if (c.rate >= 0) c.rateUnit = unitFromHeader(fields[c.rate]) ?? unit;
    this.cols = c;
  }

  private onRecord(f: string[], line: number): void {
    const c = this.cols;
    if (c === null) {
      this.readHeader(f, line);
      return;
    }
    const event = cell(f, c.eventType);
    if (METADATA_EVENTS.has(event)) {
      if (event === "Device") this.device = sourceName(cell(f, c.sourceDevice) || cell(f, c.deviceInfo), this.device);
      this.skip(`metadata row (${event})`);
      return;
    }
    if (event === "") {
      this.reject(line, "no Event Type");
      return;
    }
    const stamp = cell(f, c.timestamp);
    if (stamp === "") {
      this.reject(line, `${event} event without a timestamp`);
      return;
    }
    const parts = parseIsoLike(stamp);
    const time = parts === null ? null : partsToEpoch(parts, this.resolver);
    if (time === null) {
      this.reject(line, `invalid timestamp ${JSON.stringify(stamp)} (expected YYYY-MM-DDThh:mm:ss)`);
      return;
    }
    const source = sourceName(cell(f, c.sourceDevice), this.device);
    const subtype = cell(f, c.subtype);
    switch (event) {
      case "EGV":
      case "Calibration": {
        const text = cell(f, c.glucose);
        let value: number;
        let flags = 0;
        if (/^low$/i.test(text)) {
          value = CLARITY_LOW_MGDL;
          flags = FLAG_BELOW_RANGE;
        } else if (/^high$/i.test(text)) {
          value = CLARITY_HIGH_MGDL;
          flags = FLAG_ABOVE_RANGE;
        } else {
          const v = parseDecimal(text);
          if (!(v > 0)) {
            this.reject(line, text === "" ? `${event} without a glucose value` : `non-numeric glucose value ${JSON.stringify(text)}`);
            return;
          }
          value = toMgdl(v, this.unit);
        }
        let trend: TrendDirection | null = null;
        const rate = parseDecimal(cell(f, c.rate));
        if (event === "EGV" && Number.isFinite(rate)) trend = trendFromRate(c.rateUnit === "mmol/L" ? rate * MGDL_PER_MMOL : rate);
        this.emit({
          record: "glucose",
          row: line,
          time,
          value,
          unit: "mg/dL",
          source: event === "EGV" ? source : `${source.slice(0, 56)} (meter)`,
          trend,
          flags,
          original_value: text,
          original_unit: this.unit,
        });
        return;
      }
      case "Insulin": {
        const units = parseDecimal(cell(f, c.insulin));
        const kind = /long/i.test(subtype) ? "long" : /fast|rapid|short/i.test(subtype) ? "rapid" : null;
        if (!(units > 0)) this.reject(line, `insulin without a numeric dose (${JSON.stringify(cell(f, c.insulin))})`);
        else if (kind === null) this.reject(line, `unknown insulin subtype ${JSON.stringify(subtype)} (expected Fast-Acting or Long-Acting)`);
        else this.emit({ record: "insulin", row: line, time, units, kind, insulin: null, source });
        return;
      }
      case "Carbs": {
        const carbs = parseDecimal(cell(f, c.carbs));
        if (!(carbs >= 0)) this.reject(line, `carbs without a numeric amount (${JSON.stringify(cell(f, c.carbs))})`);
        else this.emit({ record: "meal", row: line, time, carbs, protein: null, fat: null, fibre: null, calories: null, description: null, source });
        return;
      }
      case "Exercise": {
        const ms = parseDuration(cell(f, c.duration));
        if (!(ms > 0)) {
          this.reject(line, `exercise without a duration (${JSON.stringify(cell(f, c.duration))}, expected hh:mm:ss)`);
          return;
        }
        const intensity = INTENSITY[subtype.toLowerCase()] ?? null;
        this.emit({ record: "activity", row: line, start: time, end: time + ms, type: "exercise", intensity, steps: null, calories: null, avg_heart_rate: null, source });
        return;
      }
      case "Health": {
        this.emit({ record: "note", row: line, time, text: subtype === "" ? "Health event" : subtype, source });
        return;
      }
      default:
        this.skip(`unsupported event type (${event.slice(0, 40)})`);
    }
  }
}
