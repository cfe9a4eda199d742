/**
 * @module durable/push-recipients
 * Who the user's alerts are pushed to (worker/push/repository.ts `pushRecipients`: the user's
 * own subscriptions, each active follower's with their preferences), as the live monitor last
 * read it from the directory. Every raised alert needs it, and it changes far less often than
 * alerts are raised, so the object keeps its copy for RECIPIENTS_TTL_MS instead of reading D1
 * for each alert.
 *
 * The Worker drops the copy at once whenever it changes who gets what: a push subscription
 * stored, refreshed or removed (the user's own object and those of everyone they follow), a
 * sharing accepted, changed or ended (the person's object); so does a delivery that found a
 * subscription gone. The TTL bounds what those do not reach (the person's name in a title).
 */
import { directoryDb } from "../worker/db/shards.ts";
import { pushRecipients, type PushRecipients } from "../worker/push/repository.ts";

/** How long a copy is trusted without a word from the Worker. */
export const RECIPIENTS_TTL_MS = 60_000;

export class PushRecipientsCache {
  #copy: Promise<PushRecipients | null> | null = null;
  #readAt = 0;

  /** The recipients of `userId`'s alerts: the copy while it is fresh, else one directory read. */
  get(env: Env, userId: number, now = Date.now()): Promise<PushRecipients | null> {
    if (this.#copy && now - this.#readAt < RECIPIENTS_TTL_MS) return this.#copy;
    const read = pushRecipients(directoryDb(env), userId);
    this.#copy = read;
    this.#readAt = now;
    // A failed read is not kept: the next alert asks again.
    read.catch(() => {
      if (this.#copy === read) this.#copy = null;
    });
    return read;
  }

  /**
   * Forgets the copy: the next alert reads the directory. A read already under way when the change
   * happened is not kept either (its caller still gets it, as an alert raised just before the
   * change would have).
   */
  forget(): void {
    this.#copy = null;
  }
}
