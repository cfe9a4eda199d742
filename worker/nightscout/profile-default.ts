/**
 * @module worker/nightscout/profile-default
 * The profile a user has before any Nightscout app posts one: made from GlucoLens's own settings
 * (unit, time zone, the low and high alert thresholds as targets) and, for what GlucoLens does not
 * know (DIA, carb ratio, sensitivity, basal, carbs per hour), the defaults of Nightscout's own
 * profile editor (lib/profile/profileeditor.js `defaultprofile`: DIA 3 h, 30 g/U, 100 mg/dL/U,
 * 0.1 U/h, 20 g/h, delay 20 min). `enteredBy` says where it came from.
 *
 * A posted profile never changes the user's GlucoLens settings (display unit, time zone, alert
 * thresholds): it is used for IOB/COB and served back to Nightscout clients, nothing else.
 */
import { mgdlIn, roundTo, type GlucoseUnit } from "../../vocabulary/units.ts";
import type { MonitorConfig } from "../repositories/alerts.ts";

export const DEFAULT_PROFILE_NAME = "Default";
export const DEFAULT_PROFILE_ENTERED_BY = "GlucoLens (from the account settings)";

/** Nightscout's unit name for a GlucoLens unit. */
export const nightscoutUnits = (unit: GlucoseUnit) => (unit === "mmol/L" ? "mmol" : "mg/dl");

/** A stable 24-hex `_id` for the user's default profile (from the user's public id). */
export const defaultProfileId = (publicId: string) => publicId.replace(/-/g, "").slice(0, 24).toLowerCase().padEnd(24, "0");

/** The default profile document in Nightscout's shape, in the user's unit and time zone. */
export function defaultProfileDocument(publicId: string, config: Pick<MonitorConfig, "unit" | "rules"> & { timezone: string }): Record<string, unknown> {
  const units = nightscoutUnits(config.unit);
  const step = (value: number) => [{ time: "00:00", value, timeAsSeconds: 0 }];
  const glucose = (mgdl: number) => (config.unit === "mmol/L" ? roundTo(mgdlIn(mgdl, config.unit), 1) : mgdl);
  const epoch = new Date(0).toISOString();
  return {
    _id: defaultProfileId(publicId),
    defaultProfile: DEFAULT_PROFILE_NAME,
    startDate: epoch,
    created_at: epoch,
    units,
    enteredBy: DEFAULT_PROFILE_ENTERED_BY,
    store: {
      [DEFAULT_PROFILE_NAME]: {
        dia: 3,
        carbratio: step(30),
        carbs_hr: 20,
        delay: 20,
        sens: step(glucose(100)),
        timezone: config.timezone,
        basal: step(0.1),
        target_low: step(glucose(config.rules.low.value)),
        target_high: step(glucose(config.rules.high.value)),
        units,
      },
    },
  };
}
