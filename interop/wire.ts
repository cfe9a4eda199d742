/**
 * @module interop/wire
 * Parsed rows → the API's record wire shapes (what `POST /api/v1/glucose`, `/meals`, `/insulin`,
 * `/activities` and `/sleep` take): the same field names, minus the parser's bookkeeping.
 */
import type { ActivityRow, GlucoseRow, InsulinRow, MealRow, NoteRow, ParsedRow, SleepRow } from "./types.ts";

export interface ReadingWire {
  time: number;
  value: number;
  unit: "mg/dL";
  source: string;
  trend: GlucoseRow["trend"];
}
export type MealWire = Pick<MealRow, "time" | "carbs" | "protein" | "fat" | "fibre" | "calories" | "description" | "source">;
export type InsulinWire = Pick<InsulinRow, "time" | "units" | "kind" | "insulin" | "source">;
export type ActivityWire = Pick<ActivityRow, "start" | "end" | "type" | "intensity" | "steps" | "calories" | "avg_heart_rate" | "source">;
export type SleepWire = Pick<SleepRow, "start" | "end" | "quality" | "source">;
export type NoteWire = Pick<NoteRow, "time" | "text" | "source">;

export type WireRecord =
  | { record: "glucose"; body: ReadingWire }
  | { record: "meal"; body: MealWire }
  | { record: "insulin"; body: InsulinWire }
  | { record: "activity"; body: ActivityWire }
  | { record: "sleep"; body: SleepWire }
  | { record: "note"; body: NoteWire };

/**
 * The API body of a parsed row, tagged with its record kind.
 *
 * @example
 * toWire(row); // {record: "glucose", body: {time: 1775421029000, value: 162, unit: "mg/dL", source: "nightscout", trend: "Flat"}}
 */
export function toWire(row: ParsedRow): WireRecord {
  switch (row.record) {
    case "glucose":
      return { record: "glucose", body: { time: row.time, value: row.value, unit: row.unit, source: row.source, trend: row.trend } };
    case "meal":
      return { record: "meal", body: { time: row.time, carbs: row.carbs, protein: row.protein, fat: row.fat, fibre: row.fibre, calories: row.calories, description: row.description, source: row.source } };
    case "insulin":
      return { record: "insulin", body: { time: row.time, units: row.units, kind: row.kind, insulin: row.insulin, source: row.source } };
    case "activity":
      return {
        record: "activity",
        body: { start: row.start, end: row.end, type: row.type, intensity: row.intensity, steps: row.steps, calories: row.calories, avg_heart_rate: row.avg_heart_rate, source: row.source },
      };
    case "sleep":
      return { record: "sleep", body: { start: row.start, end: row.end, quality: row.quality, source: row.source } };
    case "note":
      return { record: "note", body: { time: row.time, text: row.text, source: row.source } };
  }
}
