/**
 * @module worker/nightscout/live-data
 * What `/api/v2/properties` and `/pebble` read, as Nightscout's sandbox holds it: the user's
 * newest CGM values (meter readings left out) as ddata `sgvs`, ascending, with IOB/COB and the
 * device status reports of the last 6 hours (the loop plugin's window).
 */
import type { Db } from "../db/client.ts";
import type { Bindings } from "../env.ts";
import { trendFromCode } from "../../vocabulary/trend.ts";
import type { Sgv } from "./bgnow.ts";
import { iobCobNow, type IobCobNow } from "./iob-cob.ts";

/** Enough values for bgnow's 20 minutes at one a minute from a few sources. */
const MIN_SGVS = 60;
const STATUS_WINDOW_MS = 6 * 3600_000;

/** The user's newest `count` CGM values at or before `now` (at least 60), ascending. */
export async function recentSgvs(d1: Bindings["DB"], userId: number, now: number, count: number): Promise<Sgv[]> {
  const rows = await d1
    .prepare(
      `SELECT r.time, r.source_id, r.value_tenths, r.trend, s.name
         FROM glucose_readings r JOIN glucose_sources s ON s.id = r.source_id
        WHERE r.user_id = ?1 AND r.time <= ?2 AND s.name NOT LIKE '% (meter)'
        ORDER BY r.time DESC, r.source_id
        LIMIT ?3`,
    )
    .bind(userId, now, Math.max(count, MIN_SGVS))
    .all<{ time: number; source_id: number; value_tenths: number; trend: number | null; name: string }>();
  return rows.results
    .map((r) => ({ _id: `${r.time}-${r.source_id}`, mgdl: Math.round(r.value_tenths / 10), mills: r.time, device: r.name, direction: trendFromCode(r.trend) ?? "NONE", type: "sgv" as const }))
    .reverse();
}

export interface LiveData extends IobCobNow {
  sgvs: Sgv[];
}

/** SGVs, IOB/COB, profile and device status of the user at `now`; null when the account is gone. */
export async function liveData(db: Db, d1: Bindings["DB"], user: { id: number; publicId: string }, now: number, count = 1): Promise<LiveData | null> {
  const [sgvs, state] = await Promise.all([recentSgvs(d1, user.id, now, count), iobCobNow(db, user, now, STATUS_WINDOW_MS)]);
  return state ? { ...state, sgvs } : null;
}
