import { calcTreatmentIob } from "./iob-curve.ts";
import { roundDecimal } from "./round.ts";
import type { TreatmentProfile } from "./treatment-profile.ts";

/** A treatment as IOB and COB read it: its time, and insulin units and/or grams of carbs. */
export interface Treatment {
  mills: number;
  insulin?: number | string | null;
  carbs?: number | string | null;
}

/** Total insulin on board from treatments. */
export interface TreatmentIob<T extends Treatment = Treatment> {
  /** Units, rounded to 3 decimals. */
  iob: number;
  /** Sum of the doses' activity (profile unit per minute). */
  activity: number;
  /** The latest dose still on board, or null. */
  lastBolus: T | null;
  source: "Care Portal";
}

/**
 * Insulin on board at `time` from every treatment given at or before it, as Nightscout's
 * `iob.fromTreatments` (lib/plugins/iob.js): the sum of {@link calcTreatmentIob}, rounded to
 * 3 decimals. This runs in `O(n)`.
 *
 * @example
 * iobFromTreatments([{ mills: 0, insulin: 2 }], undefined, 0).iob; // => 2
 */
export function iobFromTreatments<T extends Treatment>(treatments: readonly T[], profile: TreatmentProfile | undefined, time: number): TreatmentIob<T> {
  let totalIob = 0;
  let totalActivity = 0;
  let lastBolus: T | null = null;
  for (const treatment of treatments) {
    if (treatment.mills > time) continue;
    const t = calcTreatmentIob(treatment, profile, time);
    if (t.iobContrib > 0) lastBolus = treatment;
    if (t.iobContrib) totalIob += t.iobContrib;
    if (t.activityContrib) totalActivity += t.activityContrib;
  }
  return { iob: roundDecimal(totalIob, 3), activity: totalActivity, lastBolus, source: "Care Portal" };
}
