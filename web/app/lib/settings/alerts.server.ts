/**
 * @module settings/alerts.server
 * Alert thresholds in the user's unit: `PUT /api/v1/alerts/settings`. The API names fields
 * `low.value`; the form's inputs are `low_value`, and messages start with the input's label.
 */
import { redirect } from "@remix-run/cloudflare";
import { ApiError, ApiUnavailableError, apiRequest } from "#app/lib/api.server.ts";
import type { AlertSettingsAnswer } from "#app/lib/api-types.ts";
import { parseForm, type FieldErrors } from "#app/lib/forms.server.ts";
import { ALERT_FIELDS, alertFieldKey, alertSettingsFormSchema } from "#app/lib/settings.server.ts";
import { failure, fromApiError, type SettingsIntentArgs } from "./result.server.ts";

const ALERT_FIELD_LABEL: Record<string, string> = {
  urgent_low_value: "Urgent low",
  low_value: "Low",
  high_value: "High",
  urgent_high_value: "Urgent high",
  falling_fast_rate: "Falling rate",
  rising_fast_rate: "Rising rate",
  predicted_low_minutes: "Minutes ahead",
  stale_warning_minutes: "No-data warning",
  stale_urgent_minutes: "Urgent no-data",
  repeat_minutes_default: "Repeat interval",
  repeat_minutes_urgent_low: "Urgent low repeat",
};

/** Saves the alert settings and redirects to /settings?done=alerts#alerts. */
export async function saveAlertSettings({ auth, formData }: SettingsIntentArgs) {
  const parsed = parseForm(alertSettingsFormSchema(auth.user.unit), formData);
  if (!parsed.success) return failure("alerts", parsed.fieldErrors, parsed.formErrors, 400);
  try {
    await auth.call((token, env) => apiRequest<AlertSettingsAnswer>(env, "/api/v1/alerts/settings", { method: "PUT", token, body: parsed.data }));
  } catch (err) {
    if (err instanceof ApiError && !(err instanceof ApiUnavailableError)) {
      // The API names "low.value"; the form's inputs are "low_value".
      const fieldErrors: FieldErrors = {};
      const formErrors: string[] = [];
      for (const f of err.fields) {
        const key = alertFieldKey(f.path);
        const text = /^[a-z]/.test(f.message) ? `${ALERT_FIELD_LABEL[key] ?? "This value"} ${f.message}` : f.message;
        if ((ALERT_FIELDS as readonly string[]).includes(key)) (fieldErrors[key] ??= []).push(text);
        else formErrors.push(text);
      }
      if (!Object.keys(fieldErrors).length && !formErrors.length) formErrors.push(err.message);
      return failure("alerts", fieldErrors, formErrors, err.status);
    }
    return fromApiError("alerts", err, []);
  }
  return redirect("/settings?done=alerts#alerts", { headers: await auth.headers() });
}
