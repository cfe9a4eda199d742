/**
 * @module analytics/insulin
 * Insulin and carbs on board, as Nightscout computes them (nightscout/cgm-remote-monitor
 * `lib/plugins/iob.js`, `lib/plugins/cob.js`, `lib/profilefunctions.js`), from treatments
 * (`{ mills, insulin?, carbs? }`), device status reports of loops and pumps, and a treatment
 * profile (DIA, sensitivity, carb ratio, carbs per hour by time of day). Pure TypeScript: no
 * runtime imports. Times are epoch ms; results keep Nightscout's field names so that the Worker
 * can answer Nightscout clients with them unchanged.
 */

// Profile schedules
export { treatmentProfile, scheduleValueAt, timeStringToSeconds, type TreatmentProfile, type ProfileDocument, type NamedProfile, type Schedule, type ScheduleStep } from "./treatment-profile.ts";

// Insulin on board
export { calcTreatmentIob, IOB_PEAK_MINUTES, DEFAULT_DIA_HOURS, type IobContribution } from "./iob-curve.ts";
export { iobFromTreatments, type Treatment, type TreatmentIob } from "./iob-from-treatments.ts";
export { iobTotal, insulinDisplay, type IobTotal } from "./iob-total.ts";

// Carbs on board
export { cobCalc, carbsPerHour, CARB_DELAY_MINUTES, DEFAULT_CARBS_HR, type CarbDecay } from "./cob-decay.ts";
export { cobFromTreatments, LIVER_SENS_RATIO, type TreatmentCob } from "./cob-from-treatments.ts";
export { cobTotal, DEVICE_COB_MAX_AGE_MS, type CobTotal } from "./cob-total.ts";

// Loop and pump reports
export {
  iobFromDeviceStatus,
  lastIobDeviceStatus,
  cobFromDeviceStatus,
  lastCobDeviceStatus,
  timestampMills,
  DEVICE_STATUS_RECENCY_MS,
  DEVICE_STATUS_FUTURE_MS,
  type DeviceStatus,
  type DeviceIob,
  type DeviceCob,
} from "./device-status.ts";

export { roundDecimal } from "./round.ts";
