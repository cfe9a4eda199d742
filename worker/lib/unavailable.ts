/**
 * @module worker/lib/unavailable
 * Recognises the errors of a D1 database that is briefly unavailable, as opposed to a bug:
 * Cloudflare documents these D1_ERROR messages as transient and safe to retry
 * (https://developers.cloudflare.com/d1/observability/debug-d1/), and a local SQLite file that is
 * locked by another process answers SQLITE_BUSY ("database is locked"). app.onError answers them
 * with 503 and Retry-After, so clients retry instead of treating the request as failed for good.
 */
import { errorChainMentions } from "../../vocabulary/errors.ts";

const TRANSIENT = [
  "Network connection lost",
  "is overloaded",
  "storage operation exceeded timeout",
  "storage caused object to be reset",
  "Cannot resolve D1 DB due to transient issue",
  "D1 DB reset because its code was updated",
  "Internal error while starting up D1 DB storage",
  "internal error; reference =",
  "Durable Object reset because its code was updated",
  "database is locked",
  "SQLITE_BUSY",
  // A shard's write fence (worker/db/shard-d1.ts) still up after the writer's wait: a user move
  // that takes unusually long; the retry reaches the new shard.
  "user_moving",
];

/** Seconds a client should wait before retrying. */
export const RETRY_AFTER_S = 1;

/** Whether the error or any of its causes (drizzle wraps D1 errors) is a transient D1 failure. */
export function isD1Unavailable(err: unknown): boolean {
  return errorChainMentions(err, ...TRANSIENT);
}
