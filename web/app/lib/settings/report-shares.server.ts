/**
 * @module settings/report-shares.server
 * Read-only AGP report links for a clinician: `POST /api/v1/reports/shares` (the link is shown
 * once, in this answer only) and `DELETE /api/v1/reports/shares/{id}`.
 */
import { data, redirect } from "@remix-run/cloudflare";
import { ApiError, apiRequest } from "#app/lib/api.server.ts";
import type { CreatedShareAnswer } from "#app/lib/api-types.ts";
import { parseForm, type FieldErrors } from "#app/lib/forms.server.ts";
import { shareCreateSchema, shareIdSchema } from "#app/lib/settings.server.ts";
import { failure, fromApiError, type SettingsIntentArgs } from "./result.server.ts";

/** Creates a report link and answers it once. */
export async function createReportShare({ auth, formData }: SettingsIntentArgs) {
  const parsed = parseForm(shareCreateSchema, formData);
  if (!parsed.success) return failure("share-create", parsed.fieldErrors, parsed.formErrors, 400);
  try {
    const share = await auth.call((token, env) => apiRequest<CreatedShareAnswer>(env, "/api/v1/reports/shares", { method: "POST", token, body: parsed.data }));
    // The link is shown once, in this answer only: the API keeps its hash.
    return data({ intent: "share-create" as const, fieldErrors: {} as FieldErrors, formErrors: [] as string[], created: null, share }, { headers: await auth.headers() });
  } catch (err) {
    return fromApiError("share-create", err, ["days", "expires_in_days"]);
  }
}

/** Revokes a report link; one already revoked counts as done. */
export async function revokeReportShare({ auth, formData }: SettingsIntentArgs) {
  const parsed = parseForm(shareIdSchema, formData);
  if (!parsed.success) return failure("share-revoke", parsed.fieldErrors, parsed.formErrors, 400);
  try {
    await auth.call((token, env) => apiRequest(env, `/api/v1/reports/shares/${encodeURIComponent(parsed.data.id)}`, { method: "DELETE", token }));
  } catch (err) {
    // Already revoked (e.g. in another tab): the list below is what counts.
    if (!(err instanceof ApiError && err.status === 404)) return fromApiError("share-revoke", err, []);
  }
  return redirect("/settings?done=share-revoked#report-shares", { headers: await auth.headers() });
}
