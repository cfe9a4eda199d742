/**
 * One valid body per record kind, an update for it, and invalid bodies with the field each must name.
 */
const t0 = Date.UTC(2024, 4, 1, 7, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const H = 3600_000;

export interface Sample {
  path: string;
  valid: Record<string, unknown>;
  update: Record<string, unknown>;
  invalid: [Record<string, unknown>, string][];
  /** The time field lists filter on. */
  timeField: string;
}

export const samples: Sample[] = [
  {
    path: "sleep",
    timeField: "start",
    valid: { start: iso(t0 - 8 * H), end: iso(t0), quality: 4, awakenings: 2, deep_minutes: 80 },
    update: { quality: 2 },
    invalid: [
      [{ quality: 7 }, "quality"],
      [{ end: iso(t0 - 9 * H) }, "end"],
      [{ start: "last night" }, "start"],
      [{ colour: "blue" }, ""],
    ],
  },
  {
    path: "meals",
    timeField: "time",
    valid: { time: iso(t0), carbs: 45, protein: 20, fat: 12, fibre: 6, calories: 420, description: "Porridge", tags: ["breakfast"] },
    update: { carbs: 50, description: null },
    invalid: [
      [{ carbs: -5 }, "carbs"],
      [{ carbs: "lots" }, "carbs"],
      [{ time: null }, "time"],
      [{ tags: "breakfast" }, "tags"],
    ],
  },
  {
    path: "activities",
    timeField: "start",
    valid: { start: iso(t0), end: iso(t0 + H), type: "running", intensity: "high", steps: 9000, calories: 600, avg_heart_rate: 150 },
    update: { intensity: "moderate" },
    invalid: [
      [{ intensity: "extreme" }, "intensity"],
      [{ type: "" }, "type"],
      [{ end: iso(t0 - H) }, "end"],
      [{ steps: 1.5 }, "steps"],
    ],
  },
  {
    path: "insulin",
    timeField: "time",
    valid: { time: iso(t0), units: 4.5, kind: "bolus", insulin: "Fiasp" },
    update: { units: 5 },
    invalid: [
      [{ units: 0 }, "units"],
      [{ kind: "fast" }, "kind"],
      [{ units: 1000 }, "units"],
    ],
  },
  {
    path: "medications",
    timeField: "time",
    valid: { time: iso(t0), name: "Metformin", dose: 500, unit: "mg" },
    update: { dose: 1000 },
    invalid: [
      [{ name: "" }, "name"],
      [{ dose: -1 }, "dose"],
    ],
  },
  {
    path: "hba1c",
    timeField: "date",
    valid: { date: "2024-04-18", percent: 6.8 },
    update: { mmol_mol: 48 },
    invalid: [
      [{ date: "2024-02-30" }, "date"],
      [{ date: "18.04.2024" }, "date"],
      [{ percent: 42 }, "percent"],
      [{ percent: null }, "percent"],
    ],
  },
  {
    path: "blood-pressure",
    timeField: "time",
    valid: { time: iso(t0), systolic: 124, diastolic: 79, pulse: 66 },
    update: { pulse: 70 },
    invalid: [
      [{ systolic: 500 }, "systolic"],
      [{ diastolic: 130 }, "diastolic"],
      [{ pulse: "fast" }, "pulse"],
    ],
  },
  {
    path: "body-metrics",
    timeField: "time",
    valid: { time: iso(t0), weight_kg: 78.4, body_fat_percent: 24.5, waist_cm: 88 },
    update: { weight_kg: 77.9 },
    invalid: [
      [{ weight_kg: 0 }, "weight_kg"],
      [{ body_fat_percent: 95 }, "body_fat_percent"],
      [{ weight_kg: null, body_fat_percent: null, waist_cm: null }, "weight_kg"],
    ],
  },
];

/** The sample moved by `i` hours (its time fields shifted), for filling lists. */
export function shifted(sample: Sample, i: number): Record<string, unknown> {
  const out: Record<string, unknown> = { ...sample.valid };
  for (const key of ["time", "start", "end"]) {
    if (typeof out[key] === "string") out[key] = iso(Date.parse(out[key] as string) + i * H);
  }
  if (typeof out.date === "string") out.date = iso(Date.parse(`${out.date}T00:00:00Z`) - i * 24 * H).slice(0, 10);
  return out;
}
