import { lastIobDeviceStatus, type DeviceIob, type DeviceStatus } from "./device-status.ts";
import { iobFromTreatments, type Treatment } from "./iob-from-treatments.ts";
import { roundDecimal } from "./round.ts";
import type { TreatmentProfile } from "./treatment-profile.ts";

/** Insulin on board as Nightscout's `iob` property shows it. */
export type IobTotal<T extends Treatment = Treatment> = (Partial<DeviceIob> & {
  iob: number;
  activity?: number;
  lastBolus?: T | null;
  /** IOB from treatments when a device's report was used instead. */
  treatmentIob?: number;
  /** Two decimals, "0" for none (Nightscout's `utils.toFixed`). */
  display: string;
  displayLine: string;
}) | Record<string, never>;

/** Nightscout's `utils.toFixed`: "0" for 0, else two decimals without "-0.00". */
export function insulinDisplay(value: number | undefined): string {
  if (!value) return "0";
  const fixed = value.toFixed(2);
  return fixed === "-0.00" ? "0.00" : fixed;
}

/**
 * Insulin on board at `time`, as Nightscout's `iob.calcTotal` (lib/plugins/iob.js): a loop's or
 * pump's report from the last 30 minutes wins (with the treatments' IOB beside it as
 * `treatmentIob`), else the treatments' IOB; `display` and `displayLine` ("IOB: 1.25U") added.
 * An empty object when there is neither a report nor a treatment. This runs in `O(n + m log m)`.
 *
 * @example
 * iobTotal([{ mills: 0, insulin: 1 }], [], undefined, 0).displayLine; // => "IOB: 1.00U"
 */
export function iobTotal<T extends Treatment>(treatments: readonly T[], statuses: readonly DeviceStatus[], profile: TreatmentProfile | undefined, time: number): IobTotal<T> {
  const device = lastIobDeviceStatus(statuses, time);
  const fromTreatments = treatments.length ? iobFromTreatments(treatments, profile, time) : null;
  let result: Record<string, unknown> & { iob?: number };
  if (!device) result = fromTreatments ? { ...fromTreatments } : {};
  else {
    result = { ...device };
    if (fromTreatments?.iob) result.treatmentIob = roundDecimal(fromTreatments.iob, 3);
  }
  if (result.iob) result.iob = roundDecimal(result.iob, 3);
  if (result.iob === undefined) return {};
  const display = insulinDisplay(result.iob);
  return { ...result, display, displayLine: `IOB: ${display}U` } as IobTotal<T>;
}
