/**
 * @module worker/bridges/nightscout-documents
 * A Nightscout site's treatments, device statuses and profiles, stored through the platform's
 * own Nightscout v1 upserts (worker/nightscout/treatments.ts importTreatments, devicestatus.ts
 * importDeviceStatuses, profile-routes.ts importProfiles) exactly as if an uploader had POSTed
 * them: each keeps its source `_id`, so a document fetched again on the next poll updates the
 * stored one instead of adding a copy. Those upserts read the database and the user from a Hono
 * context; outside a request (the user's Durable Object) they get this minimal one, whose user
 * shard is read and written on the primary.
 */
import type { Context } from "hono";
import { usePrimaryShard } from "../db/shards.ts";
import type { AppEnv, Bindings } from "../env.ts";
import { importDeviceStatuses } from "../nightscout/devicestatus.ts";
import { importProfiles } from "../nightscout/profile-routes.ts";
import { importTreatments } from "../nightscout/treatments.ts";
import type { NightscoutDocuments } from "./vendors/types.ts";

export interface DocumentsOutcome {
  treatments: number;
  devicestatus: number;
  profiles: number;
}

export async function storeNightscoutDocuments(env: Bindings, user: { id: number; publicId: string }, docs: NightscoutDocuments): Promise<DocumentsOutcome> {
  const vars: Record<string, unknown> = { user };
  const req = { raw: new Request("https://bridge.internal/"), header: () => undefined };
  const c = { env, req, get: (key: string) => vars[key], set: (key: string, value: unknown) => (vars[key] = value) } as unknown as Context<AppEnv>;
  usePrimaryShard(c, user.id);
  return {
    treatments: docs.treatments.length ? await importTreatments(c, docs.treatments) : 0,
    devicestatus: docs.devicestatus.length ? await importDeviceStatuses(c, docs.devicestatus) : 0,
    profiles: docs.profiles.length ? await importProfiles(c, docs.profiles) : 0,
  };
}
