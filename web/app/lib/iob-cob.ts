/**
 * Insulin and carbs on board for the current-glucose card: `GET /api/v1/glucose/iob-cob`
 * (`IobCobAnswer`, api-types.ts) shaped into short texts ("1.25 U", "22 g") with where they came
 * from when a loop or pump reported them.
 */
import type { IobCobAnswer } from "./api-types.ts";

export interface OnBoard {
  /** "1.25 U", or null when there is nothing to show. */
  iob: string | null;
  /** "22 g", or null. */
  cob: string | null;
  /** "from Loop" when a device reported them, else null (computed from your records). */
  source: string | null;
  /** True while no Nightscout profile is stored and the defaults from the settings are used. */
  defaults: boolean;
}

/** The card's IOB/COB texts; null when neither has a value (no bolus, no carbs, no loop). */
export function onBoard(r: IobCobAnswer | null): OnBoard | null {
  if (!r || (r.iob.units === null && r.cob.grams === null)) return null;
  const devices = [r.iob.source, r.cob.source].filter((s): s is string => s !== null && s !== "Care Portal");
  return {
    iob: r.iob.display === null ? null : `${r.iob.display} U`,
    cob: r.cob.display === null ? null : `${r.cob.display} g`,
    source: devices.length ? `from ${[...new Set(devices)].join(" and ")}` : null,
    defaults: r.profile.from_settings,
  };
}
