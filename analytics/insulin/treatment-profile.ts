import { timeZoneMinuteOfDay } from "../forecast/live.ts";

/** One step of a Nightscout profile schedule: from `time` ("HH:MM", local) the value holds until the next step. */
export interface ScheduleStep {
  time?: string;
  timeAsSeconds?: number;
  value: number | string;
}

/** A schedule as Nightscout stores it: a list of steps, or one value for the whole day. */
export type Schedule = ScheduleStep[] | number | string;

/** One named profile of a Nightscout profile document (`store[name]`). */
export interface NamedProfile {
  dia?: number | string;
  carbratio?: Schedule;
  sens?: Schedule;
  basal?: Schedule;
  target_low?: Schedule;
  target_high?: Schedule;
  carbs_hr?: number | string;
  delay?: number | string;
  units?: string;
  timezone?: string;
  [extra: string]: unknown;
}

/** A Nightscout profile document: named profiles, the one in use, and when it starts. */
export interface ProfileDocument {
  defaultProfile: string;
  store: Record<string, NamedProfile>;
  /** Epoch ms from which this document applies (its `startDate`). */
  startMills: number;
}

/** The profile values IOB and COB read at a time (Nightscout's `profilefunctions` getters). */
export interface TreatmentProfile {
  hasData(): boolean;
  getDIA(time: number): number | undefined;
  getSensitivity(time: number): number | undefined;
  getCarbRatio(time: number): number | undefined;
  getCarbAbsorptionRate(time: number): number | undefined;
  getLowBGTarget(time: number): number | undefined;
  getHighBGTarget(time: number): number | undefined;
  getBasal(time: number): number | undefined;
  /** "mmol" or "mg/dl", as Nightscout's `getUnits`. */
  getUnits(): "mmol" | "mg/dl";
  getTimezone(): string | undefined;
}

type ValueKey = "dia" | "sens" | "carbratio" | "carbs_hr" | "target_low" | "target_high" | "basal";

/** Seconds from midnight of an "HH:MM" string, or NaN (Nightscout's `timeStringToSeconds`). */
export function timeStringToSeconds(time: string): number {
  const [h, m] = time.split(":");
  return parseInt(h ?? "", 10) * 3600 + parseInt(m ?? "", 10) * 60;
}

/**
 * The value of a schedule at a local time of day, as Nightscout's `getValueByTime`: the last step
 * whose start is at or before `secondsFromMidnight`; a plain value holds all day; numeric strings
 * are parsed (`parseFloat`). A step's "HH:MM" `time` wins over its `timeAsSeconds`, as Nightscout
 * recomputes it on load. This runs in `O(steps)`.
 *
 * @example
 * scheduleValueAt([{ time: "00:00", value: 1 }, { time: "06:00", value: 2 }], 7 * 3600); // => 2
 */
export function scheduleValueAt(schedule: Schedule | undefined, secondsFromMidnight: number): number | undefined {
  let value: unknown = schedule;
  if (Array.isArray(schedule)) {
    value = undefined;
    for (const step of schedule) {
      const fromTime = step.time === undefined ? NaN : timeStringToSeconds(step.time);
      const start = Number.isNaN(fromTime) ? step.timeAsSeconds : fromTime;
      if (start !== undefined && secondsFromMidnight >= start) value = step.value;
    }
  }
  if (value === undefined || value === null || value === "") return undefined;
  const n = parseFloat(String(value));
  return Number.isNaN(n) ? undefined : n;
}

/**
 * Nightscout's `profilefunctions` over stored profile documents: the document in force at a time
 * is the newest whose `startMills` is at or before it (else the newest of all, as Nightscout's
 * `profileFromTime`), its `defaultProfile` is
 * the named profile used, and schedules are read at the local time of day in the profile's
 * `timezone` (else `fallbackTimezone`, where Nightscout would use the server's zone). Profile
 * Switch treatments and circadian percentage profiles are not applied. Time is rounded to the
 * minute, as Nightscout does.
 *
 * @throws {AnalyticsInputError} (field `tz`) when a profile's time zone is unknown (validate it on input).
 * @example
 * const p = treatmentProfile([{ defaultProfile: "A", startMills: 0, store: { A: { dia: 4 } } }], "UTC");
 * p.getDIA(Date.now()); // => 4
 */
export function treatmentProfile(documents: readonly ProfileDocument[], fallbackTimezone: string): TreatmentProfile {
  const docs = [...documents].sort((a, b) => b.startMills - a.startMills);
  const zones = new Map<string, (ms: number) => number>();
  const minuteOfDayIn = (tz: string) => {
    let f = zones.get(tz);
    if (!f) zones.set(tz, (f = timeZoneMinuteOfDay(tz)));
    return f;
  };
  const current = (time: number): NamedProfile => {
    const doc = docs.find((d) => time >= d.startMills) ?? docs[0];
    return doc?.store[doc.defaultProfile] ?? {};
  };
  const valueAt = (time: number, key: ValueKey) => {
    const t = Number.isFinite(time) && time !== 0 ? time : Date.now();
    const minuteTime = Math.round(t / 60_000) * 60_000;
    const profile = current(t);
    const seconds = minuteOfDayIn(profile.timezone || fallbackTimezone)(minuteTime) * 60;
    return scheduleValueAt(profile[key] as Schedule | undefined, seconds);
  };
  return {
    hasData: () => docs.length > 0,
    getDIA: (t) => valueAt(t, "dia"),
    getSensitivity: (t) => valueAt(t, "sens"),
    getCarbRatio: (t) => valueAt(t, "carbratio"),
    getCarbAbsorptionRate: (t) => valueAt(t, "carbs_hr"),
    getLowBGTarget: (t) => valueAt(t, "target_low"),
    getHighBGTarget: (t) => valueAt(t, "target_high"),
    getBasal: (t) => valueAt(t, "basal"),
    getUnits: () => (String(current(Date.now()).units ?? "").toLowerCase().includes("mmol") ? "mmol" : "mg/dl"),
    getTimezone: () => current(Date.now()).timezone,
  };
}
