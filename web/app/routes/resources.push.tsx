/**
 * POST /resources/push — Web Push for the browser (JSON in, JSON out; the browser never holds
 * the API's bearer token):
 *
 * - `intent: "key"`: the VAPID public key for `pushManager.subscribe`.
 * - `intent: "subscribe"`, `subscription`: stores `PushSubscription.toJSON()` for the user.
 * - `intent: "unsubscribe"`, `endpoint`: removes the user's subscription with that endpoint.
 * - `intent: "test"`: sends a test notification to the user's devices.
 * - `intent: "action"`: a notification button pressed in the service worker (web/public/sw.js).
 *   No session and no CSRF token: the action token from the push payload is the authority,
 *   checked by the API (`POST /api/v1/push/actions`).
 *
 * All but `action` need the session and the page's CSRF token in the X-CSRF-Token header.
 */
import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { apiRequest } from "#app/lib/api.server.ts";
import type { PushSubscriptionListAnswer } from "#app/lib/api-types.ts";
import { getServerEnv } from "#app/lib/env.server.ts";
import { apiErrorResponse, jsonError, requireAuthJson, validateCsrfHeader } from "#app/lib/resource.server.ts";

export async function action({ request, context }: ActionFunctionArgs) {
  let body: Record<string, unknown>;
  try {
    body = (await request.json()) as Record<string, unknown>;
  } catch {
    return jsonError(400, "bad_request", "Request body is not valid JSON", [{ path: "body", message: "is not JSON" }]);
  }
  if (!body || typeof body !== "object") return jsonError(400, "bad_request", "Expected a JSON object", [{ path: "body", message: "must be an object" }]);
  const intent = body.intent;
  try {
    if (intent === "action") {
      const { intent: _intent, ...rest } = body;
      const res = await apiRequest(getServerEnv(context), "/api/v1/push/actions", { method: "POST", body: rest });
      return Response.json(res);
    }
    const auth = await requireAuthJson(request, context);
    validateCsrfHeader(request, auth);
    const ok = async (value: unknown) => Response.json(value, { headers: await auth.headers() });
    if (intent === "key") return await ok(await apiRequest(auth.env, "/api/v1/push/vapid-public-key"));
    if (intent === "subscribe") return await ok(await auth.call((token, env) => apiRequest(env, "/api/v1/push/subscriptions", { method: "POST", token, body: body.subscription })));
    if (intent === "test") return await ok(await auth.call((token, env) => apiRequest(env, "/api/v1/push/test", { method: "POST", token, body: {} })));
    if (intent === "unsubscribe") {
      const endpoint = typeof body.endpoint === "string" ? body.endpoint : "";
      const list = await auth.call((token, env) => apiRequest<PushSubscriptionListAnswer>(env, "/api/v1/push/subscriptions", { token }));
      const mine = list.items.find((s) => s.endpoint === endpoint);
      if (mine) await auth.call((token, env) => apiRequest(env, `/api/v1/push/subscriptions/${encodeURIComponent(mine.id)}`, { method: "DELETE", token }));
      return await ok({ removed: Boolean(mine) });
    }
  } catch (err) {
    if (err instanceof Response) return err;
    return apiErrorResponse(err);
  }
  return jsonError(400, "invalid_request", "Unknown action.", [{ path: "intent", message: 'must be "key", "subscribe", "unsubscribe", "test" or "action"' }]);
}
