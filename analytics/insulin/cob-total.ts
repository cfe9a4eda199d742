import { cobFromTreatments, type TreatmentCob } from "./cob-from-treatments.ts";
import { lastCobDeviceStatus, type DeviceCob, type DeviceStatus } from "./device-status.ts";
import type { Treatment } from "./iob-from-treatments.ts";
import type { TreatmentProfile } from "./treatment-profile.ts";

/** A loop's COB older than this gives way to the treatments' COB. */
export const DEVICE_COB_MAX_AGE_MS = 10 * 60_000;

/** Carbs on board as Nightscout's `cob` property shows it. */
export type CobTotal<T extends Treatment = Treatment> = ((DeviceCob | (Omit<TreatmentCob<T>, "cob"> & { cob: number; source: "Care Portal"; treatmentCOB: TreatmentCob<T> })) & {
  /** Grams to one decimal. */
  display: number;
  displayLine: string;
}) | Record<string, never>;

/**
 * Carbs on board at `time`, as Nightscout's `cob.cobTotal` (lib/plugins/cob.js): nothing without
 * a profile that has sensitivity and carb ratio; a loop's report from the last 10 minutes
 * (reports up to 30 minutes old are looked at) wins, else the treatments' COB
 * ({@link cobFromTreatments}) as "Care Portal"; `display` (one decimal) and `displayLine`
 * ("COB: 12.5g") added. An empty object when there is neither. Nightscout measures the report's
 * age from the wall clock; here from `time`. This runs in `O(n² + m log m)`.
 *
 * @example
 * cobTotal([{ mills: 0, carbs: 8 }], [], profile, 60_000).display; // => 8
 */
export function cobTotal<T extends Treatment>(treatments: readonly T[], statuses: readonly DeviceStatus[], profile: TreatmentProfile | undefined, time: number): CobTotal<T> {
  if (!profile?.hasData() || !profile.getSensitivity(time) || !profile.getCarbRatio(time)) return {};
  let result: Record<string, unknown> & { cob?: number } = { ...lastCobDeviceStatus(statuses, time) };
  const device = result as Partial<DeviceCob>;
  if (device.cob === undefined || device.cob === null || time - (device.mills ?? 0) > DEVICE_COB_MAX_AGE_MS) {
    const fromTreatments = treatments.length ? cobFromTreatments(treatments, profile, time) : null;
    result = { ...(fromTreatments ?? {}), source: "Care Portal", treatmentCOB: fromTreatments ? { ...fromTreatments } : {} };
  }
  if (result.cob === undefined) return {};
  const display = Math.round(result.cob * 10) / 10;
  return { ...result, display, displayLine: `COB: ${display}g` } as CobTotal<T>;
}
