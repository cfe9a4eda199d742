/**
 * @module worker/nightscout/iob-cob
 * A user's insulin and carbs on board now, as Nightscout's iob and cob plugins compute them
 * (analytics/insulin), from GlucoLens's own records (insulin doses and meals: typed in GlucoLens,
 * imported, or posted as Nightscout treatments, which map to them), the loop's and pump's device
 * status reports, and the active profile (profile-active.ts).
 *
 * Insulin doses of kind "long" or "basal" (long-acting injections, pump basal bookkeeping) are
 * left out: Nightscout counts only boluses (treatments with `insulin`) on its bolus curve.
 */
import { and, desc, eq, gt, gte, inArray, lte } from "drizzle-orm";
import { cobTotal, iobTotal, treatmentProfile, type CobTotal, type DeviceStatus, type IobTotal, type TreatmentProfile } from "../../analytics/insulin/index.ts";
import type { Db } from "../db/client.ts";
import { insulinDoses, meals } from "../db/schema.ts";
import { deviceStatuses } from "../db/schema-interop.ts";
import { activeProfiles, type ActiveProfiles } from "./profile-active.ts";

/** Treatments older than this cannot hold insulin or carbs on board (DIA ≤ 24 h, carbs ≤ 500 g at ≥ 1 g/h is bounded by the reset at the end of each decay). */
const TREATMENT_WINDOW_MS = 24 * 3600_000;
/** Device status reports are looked at 30 minutes back (and 5 ahead); 35 covers the clock slack. */
const STATUS_WINDOW_MS = 35 * 60_000;
const MAX_STATUSES = 200;

export interface Treatment {
  mills: number;
  insulin?: number;
  carbs?: number;
}

export interface IobCobNow {
  time: number;
  iob: IobTotal<Treatment>;
  cob: CobTotal<Treatment>;
  profile: TreatmentProfile;
  active: ActiveProfiles;
  statuses: DeviceStatus[];
}

/** Bolus insulin and meals with carbs of the user in (now − 24 h, now], ascending in time. */
export async function recentTreatments(db: Db, userId: number, now: number): Promise<Treatment[]> {
  const since = now - TREATMENT_WINDOW_MS;
  const [doses, carbs] = await db.batch([
    db
      .select({ time: insulinDoses.time, units: insulinDoses.units })
      .from(insulinDoses)
      .where(and(eq(insulinDoses.userId, userId), gt(insulinDoses.time, since), lte(insulinDoses.time, now), inArray(insulinDoses.kind, ["rapid", "bolus"]))),
    db
      .select({ time: meals.time, carbs: meals.carbs })
      .from(meals)
      .where(and(eq(meals.userId, userId), gt(meals.time, since), lte(meals.time, now), gt(meals.carbs, 0))),
  ]);
  const out: Treatment[] = [...doses.map((d) => ({ mills: d.time, insulin: d.units })), ...carbs.map((m) => ({ mills: m.time, carbs: m.carbs ?? 0 }))];
  return out.sort((a, b) => a.mills - b.mills);
}

/** The user's device status reports around `now`, as Nightscout's plugins read them. */
export async function recentDeviceStatuses(db: Db, userId: number, now: number, windowMs = STATUS_WINDOW_MS): Promise<DeviceStatus[]> {
  const rows = await db
    .select({ nsId: deviceStatuses.nsId, time: deviceStatuses.time, doc: deviceStatuses.doc })
    .from(deviceStatuses)
    .where(and(eq(deviceStatuses.userId, userId), eq(deviceStatuses.isValid, true), gte(deviceStatuses.time, now - windowMs), lte(deviceStatuses.time, now + 5 * 60_000)))
    .orderBy(desc(deviceStatuses.time))
    .limit(MAX_STATUSES);
  return rows
    .map((r) => ({ ...(JSON.parse(r.doc) as Record<string, unknown>), _id: r.nsId, mills: r.time, created_at: new Date(r.time).toISOString() }) as DeviceStatus)
    .sort((a, b) => a.mills - b.mills);
}

/** IOB and COB of the user at `now`; null when the account is gone. */
export async function iobCobNow(db: Db, user: { id: number; publicId: string }, now = Date.now(), statusWindowMs?: number): Promise<IobCobNow | null> {
  const [active, treatments, statuses] = await Promise.all([activeProfiles(db, user), recentTreatments(db, user.id, now), recentDeviceStatuses(db, user.id, now, statusWindowMs)]);
  if (!active) return null;
  const profile = treatmentProfile(active.documents, active.config.forecast.timezone);
  return { time: now, iob: iobTotal(treatments, statuses, profile, now), cob: cobTotal(treatments, statuses, profile, now), profile, active, statuses };
}

