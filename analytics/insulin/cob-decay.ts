import type { TreatmentProfile } from "./treatment-profile.ts";

/** Minutes after a meal before its carbs start to decay (fixed in Nightscout's cob.js). */
export const CARB_DELAY_MINUTES = 20;
/** Carbs absorbed per hour when the profile has no `carbs_hr` (Nightscout's profile editor default). */
export const DEFAULT_CARBS_HR = 20;

const MINUTE = 60_000;

/** When one meal's carbs are gone, and whether they are being absorbed at `time`. */
export interface CarbDecay {
  /** Grams still to absorb when the decay starts (the meal plus what the previous meal had left). */
  initialCarbs: number;
  /** Epoch ms by which the carbs are absorbed (before the insulin-activity delay). */
  decayedBy: number;
  isDecaying: 0 | 1;
  carbTime: number;
}

/** The profile's carbs per hour at `time`, or {@link DEFAULT_CARBS_HR}. */
export const carbsPerHour = (profile: TreatmentProfile, time: number) => profile.getCarbAbsorptionRate(time) || DEFAULT_CARBS_HR;

/**
 * One meal's decay, as Nightscout's `cob.cobCalc` (lib/plugins/cob.js): the carbs decay at
 * `carbs_hr` grams per hour, starting 20 minutes after the meal or when the previous meal's carbs
 * are gone (`lastDecayedBy`), whichever is later. Minutes are whole, as `Date.setMinutes`
 * truncates them. This runs in `O(1)`.
 *
 * @example
 * // 30 g at 30 g/h: 20 minutes' delay plus 60 minutes of decay
 * cobCalc({ mills: 0, carbs: 30 }, profile, 0, 0).decayedBy; // => 80 * 60_000
 */
export function cobCalc(treatment: { mills: number; carbs?: number | string | null }, profile: TreatmentProfile, lastDecayedBy: number, time: number): CarbDecay | null {
  const carbs = Number(treatment.carbs);
  if (!carbs) return null;
  const carbTime = treatment.mills;
  const carbsMin = carbsPerHour(profile, treatment.mills) / 60;
  const minutesLeft = (lastDecayedBy - carbTime) / MINUTE;
  const decayedBy = carbTime + Math.trunc(Math.max(CARB_DELAY_MINUTES, minutesLeft) + carbs / carbsMin) * MINUTE;
  const initialCarbs = CARB_DELAY_MINUTES > minutesLeft ? Math.trunc(carbs) : Math.trunc(carbs) + minutesLeft * carbsMin;
  const startDecay = carbTime + CARB_DELAY_MINUTES * MINUTE;
  const isDecaying = time < lastDecayedBy || time > startDecay ? 1 : 0;
  return { initialCarbs, decayedBy, isDecaying, carbTime };
}
