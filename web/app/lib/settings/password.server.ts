/**
 * @module settings/password.server
 * Change password: `POST /api/v1/auth/change-password`; the answer's new tokens replace the
 * session's, since every other session was just signed out.
 */
import { redirect } from "@remix-run/cloudflare";
import { apiRequest } from "#app/lib/api.server.ts";
import type { TokenPairAnswer } from "#app/lib/api-types.ts";
import { parseForm } from "#app/lib/forms.server.ts";
import { changePasswordSchema } from "#app/lib/settings.server.ts";
import { commitSession, storeAuth } from "#app/lib/session.server.ts";
import { failure, fromApiError, type SettingsIntentArgs } from "./result.server.ts";

/** Changes the password and keeps this browser signed in. */
export async function changePassword({ auth, formData, context }: SettingsIntentArgs) {
  const parsed = parseForm(changePasswordSchema, formData);
  if (!parsed.success) return failure("password", parsed.fieldErrors, parsed.formErrors, 400);
  try {
    const tokens = await auth.call((token, env) =>
      apiRequest<TokenPairAnswer>(env, "/api/v1/auth/change-password", {
        method: "POST",
        token,
        body: { current_password: parsed.data.current_password, new_password: parsed.data.new_password },
      }),
    );
    // The old refresh token was revoked with all others: keep this browser signed in.
    storeAuth(auth.session, tokens);
  } catch (err) {
    // 403 wrong_password names current_password.
    return fromApiError("password", err, ["current_password", "new_password"]);
  }
  return redirect("/settings?done=password", { headers: { "Set-Cookie": await commitSession(auth.session, context) } });
}
