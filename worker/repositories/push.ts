/**
 * @module worker/repositories/push
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

/** Everyone an alert of `userId` may be pushed to (two D1 round trips at once); null when the account is gone. */
export async function pushRecipients(db: Db, userId: number): Promise<PushRecipients | null> {
  // The join runs outside the batch: inside a D1 batch rows come back keyed by column name, so
  // the two tables' `id` and `user_id` collide and drizzle maps the values into the wrong fields.
  const [[owners, own], followerSubs] = await Promise.all([
    db.batch([db.select({ name: t.users.name }).from(t.users).where(eq(t.users.id, userId)).limit(1), db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId))]),
    db
      .select({
        subId: pushSubscriptions.id,
        subUserId: pushSubscriptions.userId,
        endpoint: pushSubscriptions.endpoint,
        p256dh: pushSubscriptions.p256dh,
        auth: pushSubscriptions.auth,
        userAgent: pushSubscriptions.userAgent,
        lastSentAt: pushSubscriptions.lastSentAt,
        subCreatedAt: pushSubscriptions.createdAt,
        sharingId: sharings.id,
        followerId: sharings.followerId,
        lowThreshold: sharings.lowThreshold,
        highThreshold: sharings.highThreshold,
        quietStart: sharings.quietStart,
        quietEnd: sharings.quietEnd,
        quietTimezone: sharings.quietTimezone,
      })
      .from(sharings)
      .innerJoin(pushSubscriptions, eq(pushSubscriptions.userId, sharings.followerId))
      .where(and(eq(sharings.userId, userId), eq(sharings.status, "active"))),
  ]);
  if (!owners[0]) return null;
  const byFollower = new Map<number, { prefs: FollowerPreferences; subscriptions: StoredSubscription[] }>();
  for (const r of followerSubs) {
    if (r.followerId === null) continue;
    let f = byFollower.get(r.followerId);
    if (!f) {
      const prefs = { sharingId: r.sharingId, followerId: r.followerId, lowThreshold: r.lowThreshold, highThreshold: r.highThreshold, quietStart: r.quietStart, quietEnd: r.quietEnd, quietTimezone: r.quietTimezone };
      f = { prefs, subscriptions: [] };
      byFollower.set(r.followerId, f);
    }
    f.subscriptions.push({ id: r.subId, userId: r.subUserId, endpoint: r.endpoint, p256dh: r.p256dh, auth: r.auth, userAgent: r.userAgent, lastSentAt: r.lastSentAt, createdAt: r.subCreatedAt });
  }
  return { ownerName: owners[0].name, own, followers: [...byFollower.values()] };
}
