/**
 * @module worker/bridges/nightscout-documents
 * A Nightscout site's treatments, device statuses and profiles, stored through the platform's
 * own Nightscout v1 upserts (worker/nightscout/treatments.ts importTreatments, devicestatus.ts
 * importDeviceStatuses, profile-routes.ts importProfiles) exactly as if an uploader had POSTed
 * them: each keeps its source `_id`, so a document fetched again on the next poll updates the
 * stored one instead of adding a copy. Those upserts read the database and the user from a Hono
 * context; outside a request (the user's Durable Object) they get this minimal one, whose user
 * shard is read and written on the primary. Documents the site deleted (its API v3 history) are
 * deleted here as a v1 DELETE by `_id` would, with the records they were mapped onto.
 */
import type { Context } from "hono";
import { usePrimaryShard } from "../db/shards.ts";
import type { AppEnv, Bindings } from "../env.ts";
import { invalidateDocuments } from "../nightscout/documents-store.ts";
import { deviceStatusSpec, importDeviceStatuses } from "../nightscout/devicestatus.ts";
import { importProfiles } from "../nightscout/profile-routes.ts";
import { MAX_IN } from "../nightscout/query.ts";
import { importTreatments, removeLinkedRecords, treatmentsSpec } from "../nightscout/treatments.ts";
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
  const outcome = {
    treatments: docs.treatments.length ? await importTreatments(c, docs.treatments) : 0,
    devicestatus: docs.devicestatus.length ? await importDeviceStatuses(c, docs.devicestatus) : 0,
    profiles: docs.profiles.length ? await importProfiles(c, docs.profiles) : 0,
  };
  await deleteDocuments(c, docs.deleted ?? { treatments: [], devicestatus: [] });
  return outcome;
}

async function deleteDocuments(c: Context<AppEnv>, deleted: NonNullable<NightscoutDocuments["deleted"]>): Promise<void> {
  const byId = (ids: string[]) => [{ field: "_id", op: "$in" as const, values: ids, key: "_id" }];
  for (let i = 0; i < deleted.treatments.length; i += MAX_IN) {
    const removed = await invalidateDocuments(c, "nightscout_treatments", treatmentsSpec, byId(deleted.treatments.slice(i, i + MAX_IN)));
    await removeLinkedRecords(c, removed.map((s) => s.recordLinks));
  }
  for (let i = 0; i < deleted.devicestatus.length; i += MAX_IN) {
    await invalidateDocuments(c, "device_statuses", deviceStatusSpec, byId(deleted.devicestatus.slice(i, i + MAX_IN)));
  }
}
