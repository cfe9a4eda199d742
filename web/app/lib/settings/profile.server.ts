/**
 * @module settings/profile.server
 * The profile form (name, time zone, glucose unit): `PATCH /api/v1/auth/me`, then the session
 * carries the new profile.
 */
import { redirect } from "@remix-run/cloudflare";
import { apiRequest } from "#app/lib/api.server.ts";
import type { UserAnswer } from "#app/lib/api-types.ts";
import { parseForm } from "#app/lib/forms.server.ts";
import { profileSchema } from "#app/lib/settings.server.ts";
import { commitSession } from "#app/lib/session.server.ts";
import { failure, fromApiError, type SettingsIntentArgs } from "./result.server.ts";

/** Saves the profile and redirects to /settings?done=profile. */
export async function saveProfile({ auth, formData, context }: SettingsIntentArgs) {
  const parsed = parseForm(profileSchema, formData);
  if (!parsed.success) return failure("profile", parsed.fieldErrors, parsed.formErrors, 400);
  try {
    const user = await auth.call((token, env) =>
      apiRequest<UserAnswer>(env, "/api/v1/auth/me", { method: "PATCH", token, body: parsed.data }),
    );
    const { id, email, name, timezone, unit, email_verified } = user;
    auth.session.set("user", { id, email, name, timezone, unit, emailVerified: email_verified });
  } catch (err) {
    return fromApiError("profile", err, ["name", "timezone", "unit"]);
  }
  return redirect("/settings?done=profile", { headers: { "Set-Cookie": await commitSession(auth.session, context) } });
}
