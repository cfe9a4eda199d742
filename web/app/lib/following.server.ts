/**
 * @module following.server
 * The people the signed-in user follows as a caregiver (`GET /api/v1/following`), for the
 * switcher in the app shell. A failure (API down, session expiring) gives an empty list: the
 * shell must render anyway.
 */
import type { AppLoadContext } from "@remix-run/cloudflare";
import { z } from "zod";
import { apiRequest } from "./api.server.ts";
import { requireAuth } from "./session.server.ts";

const followedSchema = z.looseObject({ items: z.array(z.looseObject({ user_id: z.string(), name: z.string() })) });

export async function followedPeople(request: Request, context: AppLoadContext): Promise<{ user_id: string; name: string }[]> {
  try {
    const auth = await requireAuth(request, context);
    const list = await auth.call((token, env) => apiRequest(env, "/api/v1/following", { token, schema: followedSchema }));
    return list.items.map((p) => ({ user_id: p.user_id, name: p.name }));
  } catch {
    return [];
  }
}
