/**
 * @module settings/result.server
 * What every /settings form intent answers when it does not redirect: the intent, messages per
 * field and for the whole form, and what is shown once (a new uploader secret, a new report link).
 * The route (routes/_app.settings.tsx) dispatches on the form's `intent` to one module per intent
 * in this folder.
 */
import { data, type AppLoadContext } from "@remix-run/cloudflare";
import { ApiError, ApiUnavailableError } from "#app/lib/api.server.ts";
import type { FieldErrors } from "#app/lib/forms.server.ts";
import type { Auth } from "#app/lib/session.server.ts";

export type Intent = "profile" | "password" | "delete" | "alerts" | "uploader-create" | "uploader-revoke" | "share-create" | "share-revoke";

/** What the route hands each intent: the signed-in user, the posted form (CSRF checked), the load context. */
export interface SettingsIntentArgs {
  auth: Auth;
  formData: FormData;
  context: AppLoadContext;
}

export function failure(intent: Intent, fieldErrors: FieldErrors, formErrors: string[], status: number) {
  return data({ intent, fieldErrors, formErrors, created: null, share: null }, { status });
}

/** Turns an API failure into messages for the form `intent`; field names are the API's. */
export function fromApiError(intent: Intent, err: unknown, fields: readonly string[]) {
  if (err instanceof ApiUnavailableError) {
    return failure(intent, {}, ["GlucoLens is temporarily unavailable. Nothing was changed; try again in a minute."], 503);
  }
  if (err instanceof ApiError) {
    const fieldErrors: FieldErrors = {};
    const formErrors: string[] = [];
    for (const [key, messages] of Object.entries(err.fieldErrors())) {
      if (fields.includes(key)) fieldErrors[key] = messages;
      else formErrors.push(...messages);
    }
    if (!Object.keys(fieldErrors).length && !formErrors.length) formErrors.push(err.message);
    return failure(intent, fieldErrors, formErrors, err.status);
  }
  throw err;
}
