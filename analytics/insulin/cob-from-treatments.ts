import { carbsPerHour, cobCalc } from "./cob-decay.ts";
import { iobFromTreatments, type Treatment } from "./iob-from-treatments.ts";
import type { TreatmentProfile } from "./treatment-profile.ts";

/** Nightscout's ratio of liver glucose release to insulin activity used to delay carb decay. */
export const LIVER_SENS_RATIO = 8;

/** Carbs on board from treatments. */
export interface TreatmentCob<T extends Treatment = Treatment> {
  /** Grams. */
  cob: number;
  /** Epoch ms by which the last meal's carbs are absorbed (0 when there was none). */
  decayedBy: number;
  isDecaying: 0 | 1;
  carbs_hr: number;
  /** Glucose rise per minute from the carbs being absorbed (profile unit per minute). */
  rawCarbImpact: number;
  lastCarbs: T | null;
}

/**
 * Carbs on board at `time`, as Nightscout's `cob.fromTreatments` (lib/plugins/cob.js): each meal
 * before `time`, in time order, decays after the previous one ({@link cobCalc}); its end is pushed
 * back by the carbs the insulin active meanwhile would have covered (mean activity at the start
 * and end × 8 / sensitivity × carb ratio, at `carbs_hr`); a meal whose decay ended resets the total.
 * Insulin activity comes from the treatments alone (Nightscout would take a loop's reported IOB
 * activity when one lies within 30 minutes of those times). `treatments` must be in ascending time.
 * This runs in `O(n²)` (activity is summed over all treatments for each meal).
 *
 * @example
 * cobFromTreatments([{ mills: 0, carbs: 8 }], profile, 60_000).cob; // => 8
 */
export function cobFromTreatments<T extends Treatment>(treatments: readonly T[], profile: TreatmentProfile, time: number): TreatmentCob<T> {
  let totalCob = 0;
  let lastCarbs: T | null = null;
  let isDecaying: 0 | 1 = 0;
  let lastDecayedBy = 0;
  const activityAt = (t: number) => iobFromTreatments(treatments, profile, t).activity;
  for (const treatment of treatments) {
    if (!Number(treatment.carbs) || treatment.mills >= time) continue;
    lastCarbs = treatment;
    const decay = cobCalc(treatment, profile, lastDecayedBy, time)!;
    let decaysInHr = (decay.decayedBy - time) / 3_600_000;
    if (decaysInHr > -10) {
      const avgActivity = (activityAt(lastDecayedBy) + activityAt(decay.decayedBy)) / 2;
      const sens = profile.getSensitivity(treatment.mills) ?? NaN;
      const ratio = profile.getCarbRatio(treatment.mills) ?? NaN;
      const delayedCarbs = ((avgActivity * LIVER_SENS_RATIO) / sens) * ratio;
      const delayMinutes = Math.round((delayedCarbs / carbsPerHour(profile, treatment.mills)) * 60);
      if (delayMinutes > 0) {
        decay.decayedBy += delayMinutes * 60_000;
        decaysInHr = (decay.decayedBy - time) / 3_600_000;
      }
    }
    lastDecayedBy = decay.decayedBy;
    if (decaysInHr > 0) {
      totalCob += Math.min(Number(treatment.carbs), decaysInHr * carbsPerHour(profile, treatment.mills));
      isDecaying = decay.isDecaying;
    } else totalCob = 0;
  }
  const sens = profile.getSensitivity(time) ?? 0;
  const ratio = profile.getCarbRatio(time) ?? 1;
  const carbsHr = carbsPerHour(profile, time);
  return { decayedBy: lastDecayedBy, isDecaying, carbs_hr: carbsHr, rawCarbImpact: (((isDecaying * sens) / ratio) * carbsHr) / 60, cob: totalCob, lastCarbs };
}
