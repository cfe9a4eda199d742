/**
 * @module durable/followers
 * Caregivers' sockets on a followed person's live monitor. The Worker checks the follower's
 * ticket and forwards the upgrade with the follower's id in a header; the object tags the socket
 * with it, so ending the sharing closes exactly that follower's sockets at once
 * (`getWebSockets(tag)` also finds hibernated ones), and refuses acks and snoozes sent on it:
 * a follower's feed is read-only.
 */
import { FOLLOWER_ID_HEADER } from "../vocabulary/monitor.ts";

export const followerTag = (followerId: number) => `follower:${followerId}`;

/** The follower id of an upgrade request forwarded by the Worker, or null for the owner's own socket. */
export function followerOf(request: Request): number | null {
  const raw = request.headers.get(FOLLOWER_ID_HEADER);
  const id = raw === null ? NaN : Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** Tags for `ctx.acceptWebSocket`: the follower's own tag next to the feed's. */
export const followerTags = (followerId: number | null): string[] => (followerId === null ? [] : [followerTag(followerId)]);

/** Closes every socket of one follower on this object; returns how many. */
export function disconnectFollowerSockets(ctx: DurableObjectState, followerId: number): number {
  const sockets = ctx.getWebSockets(followerTag(followerId));
  for (const ws of sockets) {
    try {
      ws.close(4403, "sharing ended");
    } catch {
      // already closing
    }
  }
  return sockets.length;
}

/** Whether this socket was opened by a follower (from its tags, which survive hibernation). */
export function isFollowerSocket(ctx: DurableObjectState, ws: WebSocket): boolean {
  return ctx.getTags(ws).some((t) => t.startsWith("follower:"));
}
