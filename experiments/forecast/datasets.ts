/**
 * @module experiments/forecast/datasets
 * Loads the real CGM series in `../shared/data/` that the forecast is evaluated and the population
 * model is trained on: every subject of iglu's Hall and 5-subject sets, and the Dexcom Clarity
 * sample. Node-only (reads files), so it lives with the experiments, not in the library.
 *
 * - iglu CSVs (`"id",time,gl[,…]`): times are local clock times in R's `EST`, a fixed UTC−05:00
 *   offset (see `shared/data/README.md`), so `2015-06-06 16:50:27` is `2015-06-06T21:50:27Z`.
 * - Dexcom Clarity CSV: only `EGV` rows are read; `Timestamp (YYYY-MM-DDThh:mm:ss)` is local wall
 *   time with no zone (read as UTC, so minute of day = local minute of day), column 8 is mg/dL.
 *   `Low`/`High` strings, if any, are skipped (this sample has none).
 */
import { readFileSync } from "node:fs";
import type { Reading } from "../../analytics/forecast/index.ts";

/** One subject's readings, with how to turn its instants into local minutes of day. */
export interface Subject {
  readonly dataset: string;
  readonly id: string;
  readonly readings: Reading[];
  /** Minutes east of UTC of the subject's local clock (fixed). */
  readonly utcOffsetMinutes: number;
}

/** Default location of the shared data, relative to the repository root. */
export const SHARED_DATA = new URL("../../../shared/data/", import.meta.url);

function parseLocal(text: string, offsetMinutes: number): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return Number.NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) - offsetMinutes * 60_000;
}

/** Reads an iglu CSV (`id,time,gl,…`) into one {@link Subject} per id, in file order. */
export function loadIglu(file: URL, dataset: string): Subject[] {
  const lines = readFileSync(file, "utf8").split(/\r?\n/);
  const byId = new Map<string, Reading[]>();
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const f = line.split(",");
    const id = f[0].replace(/^"|"$/g, "");
    const time = parseLocal(f[1], -300);
    const value = Number(f[2]);
    if (!Number.isFinite(time) || !(value > 0)) continue;
    let list = byId.get(id);
    if (!list) byId.set(id, (list = []));
    list.push({ time, value });
  }
  return [...byId].map(([id, readings]) => ({ dataset, id, readings, utcOffsetMinutes: -300 }));
}

/** Reads the `EGV` rows of a Dexcom Clarity CSV export as one {@link Subject}. */
export function loadClarity(file: URL, dataset: string, id: string): Subject {
  const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  const readings: Reading[] = [];
  for (const line of text.split(/\r?\n/).slice(1)) {
    const f = line.split(",");
    if (f[2] !== "EGV") continue;
    const time = parseLocal(f[1], 0);
    const value = Number(f[7]);
    if (Number.isFinite(time) && value > 0) readings.push({ time, value });
  }
  return { dataset, id, readings, utcOffsetMinutes: 0 };
}

/** Every evaluation subject: 19 Hall, 5 iglu 5-subject and the Clarity sample (25 in all). */
export function loadEvaluationSubjects(root: URL = SHARED_DATA): Subject[] {
  return [
    ...loadIglu(new URL("iglu/example_data_hall.csv", root), "iglu Hall"),
    ...loadIglu(new URL("iglu/example_data_5_subject.csv", root), "iglu 5-subject"),
    loadClarity(new URL("dexcom-clarity/cgmquantify-sample.csv", root), "Dexcom Clarity", "cgmquantify sample"),
  ];
}
