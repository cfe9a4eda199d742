/**
 * @module worker/push/repository
 * Web Push subscriptions in D1. Every function takes the owner's user id first; the delivery
 * lookup ({@link pushRecipients}) gathers the owner's and the active followers' subscriptions
 * for one alert.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import * as t from "../db/schema.ts";
import { pushSubscriptions } from "../db/schema-sharing.ts";

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

/** A push_subscriptions row as a JSON object with the {@link StoredSubscription} field names. */
const SUBSCRIPTION_JSON = (alias: string) =>
  `json_object('id', ${alias}.id, 'userId', ${alias}.user_id, 'endpoint', ${alias}.endpoint, 'p256dh', ${alias}.p256dh, 'auth', ${alias}.auth,
    'userAgent', ${alias}.user_agent, 'lastSentAt', ${alias}.last_sent_at, 'createdAt', ${alias}.created_at)`;

/**
 * One statement for the whole delivery lookup: SQLite assembles the owner's subscriptions and each
 * active follower's preferences and subscriptions as JSON. The monitor runs it for every raised
 * alert, and a single prepared text (no query building, one statement in D1) is the cheap form of
 * the four reads it would otherwise be. Followers without a subscription are left out here.
 */
const PUSH_RECIPIENTS_SQL = `SELECT u.name AS owner_name,
  (SELECT json_group_array(json(${SUBSCRIPTION_JSON("p")})) FROM push_subscriptions p WHERE p.user_id = u.id) AS own,
  (SELECT json_group_array(json_object(
      'prefs', json_object('sharingId', s.id, 'followerId', s.follower_id, 'lowThreshold', s.low_threshold, 'highThreshold', s.high_threshold,
                           'quietStart', s.quiet_start, 'quietEnd', s.quiet_end, 'quietTimezone', s.quiet_timezone),
      'subscriptions', json((SELECT json_group_array(json(${SUBSCRIPTION_JSON("f")})) FROM push_subscriptions f WHERE f.user_id = s.follower_id))))
    FROM sharings s
    WHERE s.user_id = u.id AND s.status = 'active' AND s.follower_id IS NOT NULL
      AND EXISTS (SELECT 1 FROM push_subscriptions f WHERE f.user_id = s.follower_id)) AS followers
FROM users u WHERE u.id = ?1`;

/**
 * Everyone an alert of `userId` may be pushed to, in one D1 statement; null when the account is
 * gone. A follower with no subscription gets nothing; a follower with two active sharings of the
 * same person is counted once.
 */
export async function pushRecipients(db: Db, userId: number): Promise<PushRecipients | null> {
  const row = await db.$client.prepare(PUSH_RECIPIENTS_SQL).bind(userId).first<{ owner_name: string; own: string; followers: string }>();
  if (!row) return null;
  const byFollower = new Map<number, PushRecipients["followers"][number]>();
  for (const f of JSON.parse(row.followers) as PushRecipients["followers"]) if (!byFollower.has(f.prefs.followerId)) byFollower.set(f.prefs.followerId, f);
  return { ownerName: row.owner_name, own: JSON.parse(row.own) as StoredSubscription[], followers: [...byFollower.values()] };
}
