/**
 * @module worker/lib/live-sessions
 * Whether a sign-in session (a refresh-token family, the `sid` of its access tokens) is still
 * live, remembered in the isolate so the reading path does not wait for D1 on every request.
 *
 * Bound: a live answer is trusted for {@link LIVE_SESSION_TTL_MS}; after that the next request
 * asks D1 again. A session ended by logout, password change or account deletion is refused at
 * once by the isolate that ended it (it is told here), and by any other isolate within
 * LIVE_SESSION_TTL_MS. An ended session never comes back, so that answer is kept for good.
 */

/** How long a "live" answer from D1 is trusted by an isolate that did not end the session. */
export const LIVE_SESSION_TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

const sessions = new Map<string, { userId: number; live: boolean; checkedAt: number }>();

function remember(sid: string, userId: number, live: boolean): void {
  sessions.delete(sid);
  if (sessions.size >= MAX_ENTRIES) sessions.delete(sessions.keys().next().value!);
  sessions.set(sid, { userId, live, checkedAt: Date.now() });
}

/**
 * Whether the session `sid` (a random UUID, so it names one user's session) of user `userId` is live: from memory when known, else from `check`
 * (one D1 read), whose answer is then remembered.
 */
export async function sessionIsLive(sid: string, userId: number, check: () => Promise<boolean>): Promise<boolean> {
  const known = sessions.get(sid);
  if (known && (!known.live || Date.now() - known.checkedAt < LIVE_SESSION_TTL_MS)) return known.live;
  const live = await check();
  remember(sid, userId, live);
  return live;
}

/** The session was ended here (logout, reuse of a rotated refresh token). */
export function sessionEnded(sid: string): void {
  remember(sid, sessions.get(sid)?.userId ?? 0, false);
}

/** Every session of the user was ended here (password change, account deletion). */
export function sessionsOfUserEnded(userId: number): void {
  for (const entry of sessions.values()) if (entry.userId === userId) entry.live = false;
}
