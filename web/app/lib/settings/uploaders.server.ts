/**
 * @module settings/uploaders.server
 * Uploader secrets for Nightscout-compatible apps: `POST /api/v1/uploaders` (the secret is
 * shown once, in this answer only) and `DELETE /api/v1/uploaders/{id}`.
 */
import { data, redirect } from "@remix-run/cloudflare";
import { ApiError, apiRequest } from "#app/lib/api.server.ts";
import type { CreatedUploaderAnswer } from "#app/lib/api-types.ts";
import { parseForm, type FieldErrors } from "#app/lib/forms.server.ts";
import { uploaderCreateSchema, uploaderIdSchema } from "#app/lib/settings.server.ts";
import { failure, fromApiError, type SettingsIntentArgs } from "./result.server.ts";

/** Creates an uploader secret and answers it once. */
export async function createUploader({ auth, formData }: SettingsIntentArgs) {
  const parsed = parseForm(uploaderCreateSchema, formData);
  if (!parsed.success) return failure("uploader-create", parsed.fieldErrors, parsed.formErrors, 400);
  try {
    const created = await auth.call((token, env) => apiRequest<CreatedUploaderAnswer>(env, "/api/v1/uploaders", { method: "POST", token, body: parsed.data }));
    // Shown once, in this answer only: the API keeps hashes.
    return data({ intent: "uploader-create" as const, fieldErrors: {} as FieldErrors, formErrors: [] as string[], created, share: null }, { headers: await auth.headers() });
  } catch (err) {
    return fromApiError("uploader-create", err, ["name", "role"]);
  }
}

/** Revokes an uploader secret; one already revoked counts as done. */
export async function revokeUploader({ auth, formData }: SettingsIntentArgs) {
  const parsed = parseForm(uploaderIdSchema, formData);
  if (!parsed.success) return failure("uploader-revoke", parsed.fieldErrors, parsed.formErrors, 400);
  try {
    await auth.call((token, env) => apiRequest(env, `/api/v1/uploaders/${parsed.data.id}`, { method: "DELETE", token }));
  } catch (err) {
    // Already revoked (e.g. in another tab): the list below is what counts.
    if (!(err instanceof ApiError && err.status === 404)) return fromApiError("uploader-revoke", err, []);
  }
  return redirect("/settings?done=uploader-revoked#uploaders", { headers: await auth.headers() });
}
