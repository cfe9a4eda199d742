/**
 * @module following.server
 * The people the signed-in user follows as a caregiver (`GET /api/v1/following`), for the
 * switcher in the app shell. A failure (API down) gives an empty list: the shell must render
 * anyway. A session the API has ended (logout, password change, account deletion elsewhere)
 * sends the visitor to /login: this call is the app shell's check that the cookie still counts.
 */
import type { AppLoadContext } from "@remix-run/cloudflare";
import { apiRequest } from "./api.server.ts";
import type { FollowedListAnswer } from "./api-types.ts";
import { requireAuth } from "./session.server.ts";

export async function followedPeople(request: Request, context: AppLoadContext): Promise<{ user_id: string; name: string }[]> {
  try {
    const auth = await requireAuth(request, context);
    const list = await auth.call((token, env) => apiRequest<FollowedListAnswer>(env, "/api/v1/following", { token }));
    return list.items.map((p) => ({ user_id: p.user_id, name: p.name }));
  } catch (err) {
    // requireAuth throws the /login redirect (clearing the cookie) when the session has ended.
    if (err instanceof Response && err.status >= 300 && err.status < 400) throw err;
    return [];
  }
}
