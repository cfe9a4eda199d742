/**
 * @module worker/nightscout/ids
 * Nightscout's `_id`s are MongoDB ObjectIds: 24 hex digits, and clients rely on it (xDrip+ and
 * AndroidAPS refuse to delete or update by any other shape).
 *
 * - Documents (treatments, device status, food) get an ObjectId-like id when created: 8 hex digits
 *   of the creation second, then 16 random ones; a valid 24-hex `_id` sent by the client is kept.
 * - A reading has no id column (glucose_readings is keyed by (user, time, source)): its `_id` is
 *   derived from that key, 12 hex digits of the time in ms and 12 of the source id, so it is stable
 *   and costs no storage. A client-sent `_id` is kept in nightscout_entry_ids and served instead.
 */
import { ApiError } from "../lib/errors.ts";

export const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

export const isObjectId = (v: unknown): v is string => typeof v === "string" && OBJECT_ID.test(v);

/**
 * lib/api/{food,devicestatus}: objectIdValidation.findInvalidId before storing a batch, 400
 * "Invalid _id format" for the first document whose `_id` is present but not 24 hex digits.
 */
export function demandObjectIds(items: unknown[]): void {
  const at = items.findIndex((d) => {
    const id = d && typeof d === "object" ? (d as Record<string, unknown>)["_id"] : undefined;
    return id !== undefined && id !== null && !isObjectId(id);
  });
  if (at !== -1) throw new ApiError(400, "bad_request", "Invalid _id format: must be a 24-character hex string or omitted", [{ path: `${at}._id`, message: "must be a 24-character hex string" }]);
}

/** The `:id` of a DELETE: 24 hex digits (or `*` where `allowAll`), else 400 "Invalid _id format". */
export function demandObjectIdParam(id: string, allowAll = false): void {
  if (!(isObjectId(id) || (allowAll && id === "*"))) throw new ApiError(400, "bad_request", "Invalid _id format: must be a 24-character hex string", [{ path: "_id", message: "must be a 24-character hex string" }]);
}

/** An ObjectId's shape: 8 hex digits of the creation second, then 16 of `tail`. */
export const objectIdOf = (createdMs: number, tail: string): string => Math.floor(createdMs / 1000).toString(16).padStart(8, "0").slice(-8) + tail;

/** A new ObjectId-like id: the creation second, then 64 random bits. */
export function newObjectId(now = Date.now()): string {
  const random = crypto.getRandomValues(new Uint8Array(8));
  return objectIdOf(now, Array.from(random, (b) => b.toString(16).padStart(2, "0")).join(""));
}

/** The `_id` of a reading, derived from its key. */
export const readingObjectId = (time: number, sourceId: number): string => time.toString(16).padStart(12, "0") + sourceId.toString(16).padStart(12, "0");

/** The key a derived reading `_id` stands for, or null when `id` is not 24 hex digits. */
export function parseReadingObjectId(id: string): { time: number; sourceId: number } | null {
  if (!OBJECT_ID.test(id)) return null;
  return { time: parseInt(id.slice(0, 12), 16), sourceId: parseInt(id.slice(12), 16) };
}
