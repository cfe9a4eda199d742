/**
 * POST /resources/live — the dashboard's live feed helpers, for `fetch` from the browser (the
 * browser never holds the API's bearer token):
 *
 * - `intent=ticket`: a single-use WebSocket ticket (`POST /api/v1/alerts/ticket`) and the full
 *   `ws(s)://…/api/v1/alerts/stream?ticket=…` URL on the API's origin (from the server env).
 * - `intent=ack&id=…`: `POST /api/v1/alerts/{id}/ack`, when the socket is down.
 * - `intent=snooze&kind=…&minutes=…`: `POST /api/v1/alerts/snooze`, when the socket is down.
 *
 * Every call carries the CSRF token (form field). Answers are JSON (plain `Response`s: with
 * single fetch, `data()` from a resource route would not keep its status): the API's result,
 * or `{"error":{"code","message","fields"}}` with the API's status; 401 when signed out, 403
 * for a missing or wrong CSRF token.
 */
import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { apiRequest, websocketOrigin } from "#app/lib/api.server.ts";
import type { TicketAnswer } from "#app/lib/api-types.ts";
import { validateCsrf } from "#app/lib/csrf.server.ts";
import { apiErrorResponse, jsonError, requireAuthJson } from "#app/lib/resource.server.ts";

const snoozeForm = z.object({
  kind: z.string().min(1).max(32),
  minutes: z.coerce.number().int(),
});

const errorJson = jsonError;

export async function action({ request, context }: ActionFunctionArgs) {
  const auth = await requireAuthJson(request, context);
  const form = await request.formData();
  try {
    validateCsrf(form, auth.session);
  } catch {
    return jsonError(403, "csrf", "This page has expired. Reload it and try again.", [{ path: "csrf", message: "is missing or does not match the session" }]);
  }
  const intent = form.get("intent");
  const ok = async (body: unknown) => Response.json(body, { headers: await auth.headers() });
  try {
    if (intent === "ticket") {
      const t = await auth.call((token, env) => apiRequest<TicketAnswer>(env, "/api/v1/alerts/ticket", { method: "POST", token }));
      return await ok({ url: `${websocketOrigin(auth.env)}${t.url}`, expires_at: t.expires_at });
    }
    if (intent === "ack") {
      const id = form.get("id");
      if (typeof id !== "string" || !id || id.length > 64) return errorJson(400, "invalid_request", "Which alert?", [{ path: "id", message: "is required" }]);
      const res = await auth.call((token, env) => apiRequest(env, `/api/v1/alerts/${encodeURIComponent(id)}/ack`, { method: "POST", token }));
      return await ok(res);
    }
    if (intent === "snooze") {
      const parsed = snoozeForm.safeParse({ kind: form.get("kind"), minutes: form.get("minutes") });
      if (!parsed.success) return errorJson(400, "invalid_request", "Choose a snooze length.", parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
      // The API checks the kind and the allowed lengths (urgent low at most 30 minutes).
      const res = await auth.call((token, env) => apiRequest(env, "/api/v1/alerts/snooze", { method: "POST", token, body: parsed.data }));
      return await ok(res);
    }
  } catch (err) {
    return apiErrorResponse(err);
  }
  return errorJson(400, "invalid_request", "Unknown action.", [{ path: "intent", message: 'must be "ticket", "ack" or "snooze"' }]);
}
