import type { TreatmentProfile } from "./treatment-profile.ts";

/** Minutes of the (DIA-scaled) insulin curve at which activity peaks. */
export const IOB_PEAK_MINUTES = 75;
/** DIA in hours when the profile has none (Nightscout's default). */
export const DEFAULT_DIA_HOURS = 3;

/** Insulin still active from one dose, and its effect on glucose per minute. */
export interface IobContribution {
  /** Units of insulin still on board. */
  iobContrib: number;
  /** Glucose lowering per minute (the profile's unit per minute): sensitivity × insulin × activity. */
  activityContrib: number;
}

/**
 * Insulin on board from one bolus at `time`, as Nightscout's `iob.calcTreatment`
 * (lib/plugins/iob.js): the time since the dose is scaled to a 3-hour curve (× 3 / DIA); before
 * the 75-minute peak the remaining fraction is 1 − 0.001852·x² + 0.001852·x with x = min/5 + 1,
 * after it 0.001323·y² − 0.054233·y + 0.55556 with y = (min − 75)/5, and nothing from 180
 * scaled minutes. Activity rises linearly to the peak and falls linearly to zero at 180. This is
 * Nightscout's bilinear curve (the one its IOB pill shows), not oref0's exponential curves.
 * DIA and sensitivity are read at `time`, as Nightscout does. This runs in `O(1)`.
 *
 * @example
 * calcTreatmentIob({ mills: 0, insulin: 1 }, undefined, 0).iobContrib; // => 1
 */
export function calcTreatmentIob(treatment: { mills: number; insulin?: number | string | null }, profile: TreatmentProfile | undefined, time: number): IobContribution {
  const dia = profile?.getDIA(time) || DEFAULT_DIA_HOURS;
  const sens = profile?.getSensitivity(time) ?? 0;
  const insulin = Number(treatment.insulin);
  const result = { iobContrib: 0, activityContrib: 0 };
  if (!insulin) return result;
  const scaleFactor = 3.0 / dia;
  const peak = IOB_PEAK_MINUTES;
  const minAgo = (scaleFactor * (time - treatment.mills)) / 1000 / 60;
  if (minAgo < peak) {
    const x1 = minAgo / 5 + 1;
    result.iobContrib = insulin * (1 - 0.001852 * x1 * x1 + 0.001852 * x1);
    result.activityContrib = sens * insulin * (2 / dia / 60 / peak) * minAgo;
  } else if (minAgo < 180) {
    const x2 = (minAgo - 75) / 5;
    result.iobContrib = insulin * (0.001323 * x2 * x2 - 0.054233 * x2 + 0.55556);
    result.activityContrib = sens * insulin * (2 / dia / 60 - ((minAgo - peak) * 2) / dia / 60 / (60 * 3 - peak));
  }
  return result;
}
