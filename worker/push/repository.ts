/**
 * @module worker/push/repository
 * Web Push subscriptions in D1. Every function takes the owner's user id first; the delivery
 * lookup ({@link pushRecipients}) gathers the owner's and the active followers' subscriptions
 * for one alert.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import * as t from "../db/schema.ts";
import { pushSubscriptions, sharings } from "../db/schema-sharing.ts";

export type StoredSubscription = typeof pushSubscriptions.$inferSelect;

export interface NewSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
  userAgent: string | null;
}

/**
 * Stores a subscription, or refreshes the keys of the same endpoint already stored for the user
 * (a browser re-subscribing after a key rotation): one row per (user, endpoint), never two.
 */
export async function saveSubscription(db: Db, userId: number, s: NewSubscription): Promise<{ subscription: StoredSubscription; created: boolean }> {
  const existing = await db
    .select({ id: pushSubscriptions.id })
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, s.endpoint)))
    .get();
  const row = await db
    .insert(pushSubscriptions)
    .values({ userId, ...s })
    .onConflictDoUpdate({ target: [pushSubscriptions.userId, pushSubscriptions.endpoint], set: { p256dh: s.p256dh, auth: s.auth, userAgent: s.userAgent } })
    .returning()
    .get();
  return { subscription: row, created: !existing };
}

export function listSubscriptions(db: Db, userId: number): Promise<StoredSubscription[]> {
  return db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId)).orderBy(pushSubscriptions.id).all();
}

export async function getSubscription(db: Db, userId: number, id: number): Promise<StoredSubscription | null> {
  return (await db.select().from(pushSubscriptions).where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.id, id))).get()) ?? null;
}

/** A subscription by id alone, with its owner: for push actions, which a service worker sends with a scoped token instead of a session. */
export async function findSubscriptionOwner(db: Db, id: number): Promise<{ subscription: StoredSubscription; publicId: string } | null> {
  const subscription = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, id)).get();
  if (!subscription) return null;
  const owner = await db.select({ publicId: t.users.publicId }).from(t.users).where(eq(t.users.id, subscription.userId)).get();
  return owner ? { subscription, publicId: owner.publicId } : null;
}

/** Removes one of the user's subscriptions; false when the user has none with this id. */
export async function deleteSubscription(db: Db, userId: number, id: number): Promise<boolean> {
  const rows = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.id, id)))
    .returning({ id: pushSubscriptions.id });
  return rows.length > 0;
}

export async function markSent(db: Db, ids: readonly number[], at: number): Promise<void> {
  if (ids.length) await db.update(pushSubscriptions).set({ lastSentAt: at }).where(inArray(pushSubscriptions.id, [...ids]));
}

/** A follower's preferences for pushes about one followed person (see worker/db/schema-sharing.ts). */
export interface FollowerPreferences {
  sharingId: string;
  followerId: number;
  lowThreshold: number | null;
  highThreshold: number | null;
  quietStart: number | null;
  quietEnd: number | null;
  quietTimezone: string | null;
}

export interface PushRecipients {
  /** The followed person's name, for caregivers' notification titles. */
  ownerName: string;
  own: StoredSubscription[];
  followers: { prefs: FollowerPreferences; subscriptions: StoredSubscription[] }[];
}

/**
 * Everyone an alert of `userId` may be pushed to, in one D1 round trip (a batch of four reads);
 * null when the account is gone. The followers' subscriptions are read by a subquery rather than
 * a join: inside a D1 batch rows come back keyed by column name, and two tables' `id` and
 * `user_id` would collide. A follower with no subscription gets nothing.
 */
export async function pushRecipients(db: Db, userId: number): Promise<PushRecipients | null> {
  const activeSharing = and(eq(sharings.userId, userId), eq(sharings.status, "active"));
  const [owners, own, shares, followerSubs] = await db.batch([
    db.select({ name: t.users.name }).from(t.users).where(eq(t.users.id, userId)).limit(1),
    db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId)),
    db
      .select({
        sharingId: sharings.id,
        followerId: sharings.followerId,
        lowThreshold: sharings.lowThreshold,
        highThreshold: sharings.highThreshold,
        quietStart: sharings.quietStart,
        quietEnd: sharings.quietEnd,
        quietTimezone: sharings.quietTimezone,
      })
      .from(sharings)
      .where(activeSharing),
    db
      .select()
      .from(pushSubscriptions)
      .where(inArray(pushSubscriptions.userId, db.select({ id: sharings.followerId }).from(sharings).where(activeSharing))),
  ]);
  if (!owners[0]) return null;
  const subsOf = new Map<number, StoredSubscription[]>();
  for (const sub of followerSubs) {
    const list = subsOf.get(sub.userId);
    if (list) list.push(sub);
    else subsOf.set(sub.userId, [sub]);
  }
  const byFollower = new Map<number, { prefs: FollowerPreferences; subscriptions: StoredSubscription[] }>();
  for (const share of shares) {
    if (share.followerId === null || byFollower.has(share.followerId)) continue;
    const subscriptions = subsOf.get(share.followerId);
    if (subscriptions) byFollower.set(share.followerId, { prefs: { ...share, followerId: share.followerId }, subscriptions });
  }
  return { ownerName: owners[0].name, own, followers: [...byFollower.values()] };
}
