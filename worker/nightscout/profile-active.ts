/**
 * @module worker/nightscout/profile-active
 * The profile documents that IOB and COB use for a user: the stored ones, or the default made
 * from the user's settings when none is stored.
 */
import type { ProfileDocument } from "../../analytics/insulin/index.ts";
import type { Db } from "../db/client.ts";
import { getMonitorConfig, type MonitorConfig } from "../repositories/alerts.ts";
import { defaultProfileDocument } from "./profile-default.ts";
import { listProfiles, type StoredProfile } from "./profile-repository.ts";

/** At most this many documents are read to find the one in force (Nightscout keeps them all). */
const MAX_PROFILES = 50;

export interface ActiveProfiles {
  documents: ProfileDocument[];
  stored: StoredProfile[];
  config: MonitorConfig;
}

/** A stored document as the analytics reads it. */
export const asProfileDocument = (doc: Record<string, unknown>, startMills: number): ProfileDocument => ({
  defaultProfile: String(doc["defaultProfile"]),
  store: doc["store"] as ProfileDocument["store"],
  startMills,
});

/** The user's profiles and settings; null when the account is gone. */
export async function activeProfiles(db: Db, user: { id: number; publicId: string }): Promise<ActiveProfiles | null> {
  const [config, stored] = await Promise.all([getMonitorConfig(db, user.id), listProfiles(db, user.id, MAX_PROFILES)]);
  if (!config) return null;
  const documents = stored.length
    ? stored.map((p) => asProfileDocument(p.doc, p.startDate))
    : [asProfileDocument(defaultProfileDocument(user.publicId, { ...config, timezone: config.forecast.timezone }), 0)];
  return { documents, stored, config };
}
