/**
 * @module seed/synthetic
 * Deterministic synthetic data for one person with type 1 diabetes: 5-minute CGM plus sleep,
 * meals, activities and insulin, in the API's wire shapes. Runtime-free, so the seed command,
 * the benchmarks and workerd tests all use it.
 *
 * The glucose model adds, on a per-day baseline:
 * - dawn phenomenon: a rise of ~20 mg/dL peaking around 06:30 local time;
 * - meal responses: a gamma-shaped excursion peaking ~50 min after eating, scaled by carbs and
 *   partly offset by the bolus (net ~1.6 mg/dL per gram, lasting ~3 h);
 * - exercise: a dip of ~30 mg/dL during and for ~2 h after moderate/high activity;
 * - sensor noise: AR(1) drift plus white measurement noise; occasional dropouts (30 min–3 h)
 *   and a 2-hour warm-up gap at every 10-day sensor change.
 *
 * Planted relationships (what the insights pipeline must find; see {@link PLANTED}):
 * - short sleep (< 6 h) → next day's mean glucose higher (+18 mg/dL baseline, meal responses ×1.25);
 * - a late meal (after 21:00) → higher overnight and next-morning glucose;
 * - exercise ≥ 30 min → lower mean glucose that day and the morning after;
 * and planted-absent: steps on rest days and medication timing have no effect.
 */
import { localDate, localToUtc } from "./local-time.ts";
import { Random } from "./random.ts";

export const PLANTED = {
  shortSleepHours: 6,
  shortSleepBaselineRise: 18,
  shortSleepMealFactor: 1.25,
  lateMealHour: 21,
  exerciseDip: 30,
} as const;

export interface SyntheticOptions {
  days: number;
  seed: number;
  /** IANA zone of the person's clock (meals and sleep follow local time). */
  timezone: string;
  /** End of the data (exclusive), epoch ms; the data covers the `days` local days before it. */
  end: number;
  source?: string;
}

export interface SyntheticData {
  readings: { time: number; value: number; source: string; trend: null }[];
  sleep: { start: string; end: string; quality: number; awakenings: number }[];
  meals: { time: string; carbs: number; protein: number; fat: number; description: string; tags: string[] }[];
  activities: { start: string; end: string; type: string; intensity: "low" | "moderate" | "high"; steps: number; calories: number }[];
  insulin: { time: string; units: number; kind: "bolus" | "basal"; insulin: string }[];
  medications: { time: string; name: string; dose: number; unit: string }[];
}

const MIN = 60_000;
const H = 60 * MIN;
const STEP = 5 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();

/** Gamma-like meal curve with its peak (value 1) at `peakMin` minutes. */
function mealCurve(minutes: number, peakMin: number): number {
  if (minutes <= 0) return 0;
  const k = 2.2;
  const x = minutes / peakMin;
  return Math.pow(x, k) * Math.exp(k * (1 - x));
}

interface DayPlan {
  dayStart: number;
  shortSleepBefore: boolean;
  lateMealBefore: boolean;
  exercisedBefore: boolean;
  meals: { time: number; carbs: number; factor: number }[];
  exercise: { start: number; end: number; intensity: "moderate" | "high" } | null;
}

export function generateSynthetic(opts: SyntheticOptions): SyntheticData {
  const rnd = new Random(opts.seed);
  const tz = opts.timezone;
  const source = opts.source ?? "synthetic-cgm";
  const out: SyntheticData = { readings: [], sleep: [], meals: [], activities: [], insulin: [], medications: [] };

  const last = localDate(tz, opts.end - 1);
  const lastDay = Date.UTC(last.year, last.month - 1, last.day);
  const plans: DayPlan[] = [];
  let prevShortSleep = false;
  let prevLateMeal = false;
  let prevExercised = false;

  for (let d = opts.days - 1; d >= 0; d--) {
    const date = new Date(lastDay - d * 24 * H);
    const [y, m, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const at = (hours: number) => localToUtc(tz, y, m, day, hours);

    // The night before this day: bedtime around 23:00 the previous evening.
    const short = rnd.chance(0.22);
    const sleepHours = short ? rnd.uniform(4.3, 5.9) : rnd.uniform(6.6, 8.6);
    const wake = at(rnd.normal(6.8, 0.4));
    const bed = wake - sleepHours * H;
    out.sleep.push({
      start: iso(bed),
      end: iso(wake),
      quality: Math.max(1, Math.min(5, Math.round(short ? rnd.normal(2.3, 0.7) : rnd.normal(3.9, 0.7)))),
      awakenings: Math.max(0, Math.round(rnd.normal(short ? 3 : 1.5, 1))),
    });
    const shortSleepBefore = short;

    const factor = shortSleepBefore ? PLANTED.shortSleepMealFactor : 1;
    const meals: DayPlan["meals"] = [];
    const addMeal = (hours: number, carbs: number, description: string, tag: string) => {
      const time = at(hours);
      const c = Math.round(carbs);
      meals.push({ time, carbs: c, factor });
      out.meals.push({ time: iso(time), carbs: c, protein: Math.round(c * rnd.uniform(0.3, 0.6)), fat: Math.round(c * rnd.uniform(0.2, 0.5)), description, tags: [tag] });
      out.insulin.push({ time: iso(time - 10 * MIN), units: Math.round((c / 10) * 2) / 2, kind: "bolus", insulin: "Fiasp" });
    };
    addMeal(rnd.normal(7.5, 0.4), rnd.uniform(30, 60), "Breakfast", "breakfast");
    addMeal(rnd.normal(12.6, 0.5), rnd.uniform(40, 80), "Lunch", "lunch");
    addMeal(rnd.normal(18.9, 0.5), rnd.uniform(50, 95), "Dinner", "dinner");
    const lateMeal = rnd.chance(0.18);
    if (lateMeal) addMeal(rnd.uniform(PLANTED.lateMealHour + 0.2, 23), rnd.uniform(35, 70), "Late snack", "snack");
    out.insulin.push({ time: iso(at(22)), units: 18, kind: "basal", insulin: "Tresiba" });
    // Planted-absent: a daily medication whose timing has no effect on glucose.
    out.medications.push({ time: iso(at(rnd.normal(8, 0.7))), name: "Vitamin D", dose: 1000, unit: "IU" });

    let exercise: DayPlan["exercise"] = null;
    if (rnd.chance(0.4)) {
      const start = at(rnd.uniform(16.5, 18));
      const minutes = Math.round(rnd.uniform(30, 70));
      const intensity = rnd.chance(0.4) ? "high" : "moderate";
      exercise = { start, end: start + minutes * MIN, intensity };
      out.activities.push({ start: iso(start), end: iso(start + minutes * MIN), type: rnd.chance(0.5) ? "running" : "cycling", intensity, steps: Math.round(minutes * rnd.uniform(90, 150)), calories: Math.round(minutes * (intensity === "high" ? 11 : 7)) });
    } else {
      // Planted-absent: a walk with steps but too light to matter.
      const start = at(rnd.uniform(12, 14));
      out.activities.push({ start: iso(start), end: iso(start + 20 * MIN), type: "walking", intensity: "low", steps: Math.round(rnd.uniform(1500, 3000)), calories: 60 });
    }

    plans.push({ dayStart: at(0), shortSleepBefore, lateMealBefore: prevLateMeal, exercisedBefore: prevExercised, meals, exercise });
    prevShortSleep = shortSleepBefore;
    prevLateMeal = lateMeal;
    prevExercised = exercise !== null;
  }
  void prevShortSleep;

  // Glucose, every 5 minutes across all days.
  const start = plans[0]!.dayStart;
  const allMeals = plans.flatMap((p) => p.meals);
  const sensorStart = start;
  let drift = 0;
  let dropoutUntil = 0;
  let planIndex = 0;
  for (let t = start - (start % STEP) + STEP; t < opts.end; t += STEP) {
    while (planIndex + 1 < plans.length && plans[planIndex + 1]!.dayStart <= t) planIndex++;
    const plan = plans[planIndex]!;
    const hourOfDay = (t - plan.dayStart) / H;

    let g = 112 + (plan.shortSleepBefore ? PLANTED.shortSleepBaselineRise : 0);
    g += 22 * Math.exp(-((hourOfDay - 6.5) ** 2) / (2 * 1.3 ** 2));
    // Late meal the evening before: slower overnight return, higher fasting glucose.
    if (plan.lateMealBefore && hourOfDay < 10) g += 20 * Math.exp(-((hourOfDay - 3) ** 2) / 18);
    if (plan.exercisedBefore && hourOfDay < 10) g -= 8;
    for (const meal of allMeals) {
      const minutes = (t - meal.time) / MIN;
      if (minutes > 0 && minutes < 300) g += 1.6 * meal.carbs * meal.factor * mealCurve(minutes, 50) * 0.9;
    }
    if (plan.exercise) {
      const { start: s, end: e, intensity } = plan.exercise;
      const depth = PLANTED.exerciseDip * (intensity === "high" ? 1.2 : 1);
      if (t >= s && t <= e) g -= depth * Math.min(1, (t - s) / (20 * MIN));
      else if (t > e && t < e + 3 * H) g -= depth * Math.exp(-(t - e) / (1.2 * H));
    }
    drift = 0.96 * drift + rnd.normal(0, 2.2);
    g += drift + rnd.normal(0, 3);

    // Sensor change every 10 days (2 h warm-up) and random dropouts.
    const sinceSensor = (t - sensorStart) % (10 * 24 * H);
    if (sinceSensor < 2 * H) continue;
    if (t < dropoutUntil) continue;
    if (rnd.chance(1 / 2200)) {
      dropoutUntil = t + rnd.uniform(30, 180) * MIN;
      continue;
    }
    out.readings.push({ time: t, value: Math.round(Math.max(40, Math.min(400, g))), source, trend: null });
  }
  return out;
}
