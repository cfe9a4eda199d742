/**
 * @module interop/nightscout
 * Nightscout `entries.json` exports (`GET /api/v1/entries.json?count=…`): a JSON array of
 * entries, scanned one element at a time so that a huge export never sits in memory whole.
 *
 * | `type` | becomes |
 * | ------ | ------- |
 * | `sgv`  | glucose from `sgv` (mg/dL), trend from `direction` (or the numeric `trend`), source `device` (missing → `"nightscout"`) |
 * | `mbg`  | glucose from `mbg`, source `"<device> (meter)"`, no trend |
 * | `cal`, others | skipped |
 *
 * Time: `date` (epoch ms), else `dateString`/`sysTime` (ISO with offset). Nightscout always
 * stores mg/dL, whatever the display unit.
 *
 * **Low values.** Dexcom reports "LOW" (below 40 mg/dL) as `sgv` 39, and uploaders pass lower
 * numbers through for readings below the sensor's range; every `sgv` from 13 to 39 is stored as
 * 39 flagged below range (the reading said "below range", not a precise value). `sgv` 0–12 are
 * Dexcom's error codes (1 = sensor not active, 5 = no antenna, 9 = "???"…, shown as `?NC`-style
 * codes by Nightscout), not glucose: those entries are rejected with the code in the reason.
 */
import { parseIsoLike, partsToEpoch } from "./datetime.ts";
import { parseDecimal, round1, trendFromNightscout } from "./glucose.ts";
import { JsonArrayScanner } from "./json-array.ts";
import { BaseParser, sourceName } from "./parser.ts";
import { FLAG_BELOW_RANGE, type BaseOptions } from "./types.ts";

/** Stored value of an sgv at or below Dexcom's "LOW" code, flagged below range. */
export const NIGHTSCOUT_LOW_MGDL = 39;
/** `sgv` values up to this are Dexcom error codes, not glucose. */
export const DEXCOM_MAX_ERROR_CODE = 12;

export type NightscoutOptions = BaseOptions;

const num = (v: unknown): number => (typeof v === "number" ? v : typeof v === "string" ? parseDecimal(v) : Number.NaN);

/**
 * Streaming Nightscout `entries.json` parser. `row` is the 1-based position in the array.
 *
 * @throws {InteropError} (`malformed`) when the input is not a JSON array or ends inside it.
 * @example
 * const r = new NightscoutParser().parseAll(text);
 * r.rows[0]; // {record: "glucose", time: 1775421029000, value: 162, trend: "Flat", source: "nightscout", …}
 */
export class NightscoutParser extends BaseParser {
  readonly format = "nightscout" as const;
  private readonly scanner: JsonArrayScanner;

  constructor(options: NightscoutOptions = {}) {
    super("nightscout", options, { mode: "utc", zone: null, ambiguous: 0, nonexistent: 0 });
    this.report.unit = "mg/dL";
    this.scanner = new JsonArrayScanner((text, index) => this.onElement(text, index), "nightscout");
  }

  protected consume(chunk: string): void {
    this.scanner.push(chunk);
  }

  protected finish(): void {
    this.scanner.end();
  }

  private onElement(text: string, index: number): void {
    let entry: unknown;
    try {
      entry = JSON.parse(text);
    } catch (e) {
      this.reject(index, `invalid JSON (${e instanceof Error ? e.message : String(e)})`);
      return;
    }
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      this.reject(index, "entry is not a JSON object");
      return;
    }
    const e = entry as Record<string, unknown>;
    const type = typeof e.type === "string" ? e.type : "sgv" in e ? "sgv" : "mbg" in e ? "mbg" : "";
    if (type !== "sgv" && type !== "mbg") {
      this.skip(type === "cal" ? "calibration entry (cal)" : `unsupported entry type (${type === "" ? "none" : type.slice(0, 20)})`);
      return;
    }
    const time = this.entryTime(e);
    if (time === null) {
      this.reject(index, "entry without a valid date (epoch ms) or dateString");
      return;
    }
    const raw = type === "sgv" ? e.sgv : e.mbg;
    const v = num(raw);
    if (!Number.isFinite(v)) {
      this.reject(index, `${type} is missing or not a number (${JSON.stringify(raw ?? null)})`);
      return;
    }
    const device = sourceName(typeof e.device === "string" ? e.device : "", "nightscout");
    let value = round1(v);
    let flags = 0;
    if (type === "sgv") {
      if (v <= DEXCOM_MAX_ERROR_CODE) {
        this.reject(index, `sgv ${v} is a Dexcom error code (sensor or signal problem), not a glucose value`);
        return;
      }
      if (v <= NIGHTSCOUT_LOW_MGDL) {
        value = NIGHTSCOUT_LOW_MGDL;
        flags = FLAG_BELOW_RANGE;
      }
    } else if (!(v > 0)) {
      this.reject(index, `mbg ${v} is not a glucose value`);
      return;
    }
    this.emit({
      record: "glucose",
      row: index,
      time,
      value,
      unit: "mg/dL",
      source: type === "sgv" ? device : `${device.slice(0, 56)} (meter)`,
      trend: type === "sgv" ? (trendFromNightscout(e.direction) ?? trendFromNightscout(e.trend)) : null,
      flags,
      original_value: String(raw),
      original_unit: "mg/dL",
    });
  }

  private entryTime(e: Record<string, unknown>): number | null {
    const date = num(e.date);
    if (Number.isFinite(date) && date > 0) return Math.round(date);
    for (const key of ["dateString", "sysTime"]) {
      const v = e[key];
      if (typeof v !== "string") continue;
      const p = parseIsoLike(v);
      // Nightscout date strings always carry an offset; one without is not trusted to be UTC.
      if (p !== null && p.offset !== null) return partsToEpoch(p, null);
    }
    return null;
  }
}
