/**
 * @module settings/delete-account.server
 * Delete account: `DELETE /api/v1/auth/me` with the password, then sign out here.
 */
import { redirect } from "@remix-run/cloudflare";
import { apiRequest } from "#app/lib/api.server.ts";
import { parseForm } from "#app/lib/forms.server.ts";
import { deleteAccountSchema } from "#app/lib/settings.server.ts";
import { destroySession } from "#app/lib/session.server.ts";
import { failure, fromApiError, type SettingsIntentArgs } from "./result.server.ts";

/** Deletes the account and ends the session (redirect to /login?deleted=1). */
export async function deleteAccount({ auth, formData, context }: SettingsIntentArgs) {
  const parsed = parseForm(deleteAccountSchema, formData);
  if (!parsed.success) return failure("delete", parsed.fieldErrors, parsed.formErrors, 400);
  try {
    await auth.call((token, env) =>
      apiRequest(env, "/api/v1/auth/me", { method: "DELETE", token, body: { password: parsed.data.password } }),
    );
  } catch (err) {
    return fromApiError("delete", err, ["password"]);
  }
  return redirect("/login?deleted=1", { headers: { "Set-Cookie": await destroySession(auth.session, context) } });
}
