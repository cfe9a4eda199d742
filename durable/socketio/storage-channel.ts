/**
 * @module durable/socketio/storage-channel
 * API v3's storage socket (the `/storage` namespace, lib/api3/storageSocket.js): a client
 * `subscribe`s with an access token and the collections it wants; afterwards every stored
 * document of those collections reaches it as `create` or `update` (`{colName, doc}`, the
 * document as API v3 reads it) and every v3 deletion as `delete` (`{colName, identifier}`).
 *
 * AndroidAPS's NSClientV3 relies on it: with its default "use websockets" it stops polling once
 * the first load is done (NSClientV3Plugin.kt executeLoop) and takes new data only from these
 * events (NSClientV3Service.kt onDataCreateUpdate reads `doc.srvModified`). Nightscout emits
 * them for API v3 writes only; here every write is emitted, whichever route stored it (API v1,
 * socket.io `dbAdd`, GlucoLens's own routes, bridges), so a v3 client also follows an xDrip+
 * uploading over v1.
 */
import { STORAGE_COLLECTIONS, type StorageCollection } from "../../vocabulary/socketio.ts";
import type { MonitorChange, NightscoutDoc } from "./nightscout-shapes.ts";

/** lib/api3/const.json MSG.SOCKET_UNAUTHORIZED_TO_ANY */
export const UNAUTHORIZED_TO_ANY = "Unauthorized to receive any collection";

/**
 * subscribeAuthorized: the asked collections that exist (all of them when none are asked), in the
 * order asked. Every GlucoLens credential holds Nightscout's admin role, so each one is granted.
 */
export function subscribedCollections(asked: unknown): StorageCollection[] {
  const wanted = Array.isArray(asked) ? asked : [...STORAGE_COLLECTIONS];
  const out: StorageCollection[] = [];
  for (const c of wanted) if ((STORAGE_COLLECTIONS as readonly unknown[]).includes(c) && !out.includes(c)) out.push(c);
  return out;
}

export type StorageEvent = { event: "create" | "update"; data: { colName: StorageCollection; doc: NightscoutDoc } } | { event: "delete"; data: { colName: StorageCollection; identifier: string } };

/** What a change asks the session to look up through API v3 before it can emit. */
export interface StorageLookup {
  /** Readings by time: one v3 search over their time span, kept where the time is one of theirs. */
  entries: { times: Set<number>; from: number; to: number } | null;
  /** Documents by their v1 `_id` or their identifier (API v3 reads by either), per collection. */
  documents: { colName: StorageCollection; id: string }[];
  /** Deletions, emitted as they are. */
  deleted: StorageEvent[];
}

/** The v3 lookups behind one batch of monitor changes, for the subscribed collections. */
export function storageLookup(changes: readonly MonitorChange[], subscribed: readonly StorageCollection[]): StorageLookup {
  const wants = (c: StorageCollection) => subscribed.includes(c);
  const out: StorageLookup = { entries: null, documents: [], deleted: [] };
  for (const c of changes) {
    if (c.kind === "readings" && wants("entries") && c.readings.length) {
      const times = out.entries?.times ?? new Set<number>();
      for (const r of c.readings) times.add(r.time);
      out.entries = { times, from: Math.min(...times), to: Math.max(...times) };
    } else if (c.kind === "delta") {
      const docs: [StorageCollection, NightscoutDoc[] | undefined][] = [
        ["treatments", c.delta.treatments],
        ["devicestatus", c.delta.devicestatus],
        ["profile", c.delta.profiles],
      ];
      for (const [colName, list] of docs) {
        if (!wants(colName)) continue;
        // A document's v3 identifier is its `identifier`, else its `_id` (mongoCollection/utils.js normalizeDoc).
        for (const d of list ?? []) {
          const id = typeof d["identifier"] === "string" && d["identifier"] ? d["identifier"] : d["_id"];
          if (typeof id === "string") out.documents.push({ colName, id });
        }
      }
    } else if (c.kind === "stored" && wants(c.colName)) {
      for (const id of c.identifiers) out.documents.push({ colName: c.colName, id });
    } else if (c.kind === "deleted" && wants(c.colName)) {
      for (const identifier of c.identifiers) out.deleted.push({ event: "delete", data: { colName: c.colName, identifier } });
    }
  }
  return out;
}

/** `create` for a document stored for the first time (srvCreated = srvModified), else `update` (insert.js / replace.js). */
export function storedEvent(colName: StorageCollection, doc: NightscoutDoc): StorageEvent {
  const created = doc.srvCreated === undefined || doc.srvCreated === doc.srvModified;
  return { event: created ? "create" : "update", data: { colName, doc } };
}
