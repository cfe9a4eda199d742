/**
 * /resources/report-shares — the clinician report links of the Settings section
 * (components/ReportShares.tsx), JSON in and out; the browser never holds the API's token.
 *
 * - GET: the user's links (`GET /api/v1/reports/shares`).
 * - POST `intent: "create"`, `days`, `expires_in_days`: a new link; its URL and token are in
 *   this one answer only.
 * - POST `intent: "revoke"`, `id`: ends a link at once.
 *
 * POSTs need the page's CSRF token in the X-CSRF-Token header.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";
import { apiRequest, createdShareSchema, reportSharesSchema } from "#app/lib/api.server.ts";
import { apiErrorResponse, jsonError, requireAuthJson, validateCsrfHeader } from "#app/lib/resource.server.ts";

export async function loader({ request, context }: LoaderFunctionArgs) {
  try {
    const auth = await requireAuthJson(request, context);
    const list = await auth.call((token, env) => apiRequest(env, "/api/v1/reports/shares", { token, schema: reportSharesSchema }));
    return Response.json(list, { headers: await auth.headers() });
  } catch (err) {
    if (err instanceof Response) return err;
    return apiErrorResponse(err);
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  let body: Record<string, unknown>;
  try {
    body = (await request.json()) as Record<string, unknown>;
  } catch {
    return jsonError(400, "bad_request", "Request body is not valid JSON", [{ path: "body", message: "is not JSON" }]);
  }
  try {
    const auth = await requireAuthJson(request, context);
    validateCsrfHeader(request, auth);
    const ok = async (value: unknown, status = 200) => Response.json(value, { status, headers: await auth.headers() });
    if (body.intent === "create") {
      const created = await auth.call((token, env) =>
        apiRequest(env, "/api/v1/reports/shares", { method: "POST", token, body: { days: Number(body.days), expires_in_days: Number(body.expires_in_days) }, schema: createdShareSchema }),
      );
      return await ok(created, 201);
    }
    if (body.intent === "revoke") {
      const id = typeof body.id === "string" ? body.id : "";
      await auth.call((token, env) => apiRequest(env, `/api/v1/reports/shares/${encodeURIComponent(id)}`, { method: "DELETE", token }));
      return await ok({ revoked: id });
    }
  } catch (err) {
    if (err instanceof Response) return err;
    return apiErrorResponse(err);
  }
  return jsonError(400, "invalid_request", "Unknown action.", [{ path: "intent", message: 'must be "create" or "revoke"' }]);
}
