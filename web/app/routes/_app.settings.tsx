/**
 * /settings — profile (name, time zone, glucose unit: `PATCH /api/v1/auth/me`), change password
 * (`POST /api/v1/auth/change-password`; the answer's new tokens replace the session's, since
 * every other session was just signed out), delete account (`DELETE /api/v1/auth/me` with the
 * password, then sign out here), and what is still to come (alert thresholds, uploader
 * secrets, export). One action; the form's `intent` says which.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { Field, FieldErrorList, FormErrors, SelectField } from "#app/components/form-field.tsx";
import { ApiError, ApiUnavailableError, apiRequest, authResponseSchema, userSchema } from "#app/lib/api.server.ts";
import { validateCsrf } from "#app/lib/csrf.server.ts";
import { parseForm, type FieldErrors } from "#app/lib/forms.server.ts";
import { changePasswordSchema, deleteAccountSchema, profileSchema } from "#app/lib/settings.server.ts";
import { commitSession, destroySession, requireAuth, storeAuth } from "#app/lib/session.server.ts";
import { listTimeZones, PASSWORD_MIN } from "#app/lib/validation.ts";

export const meta: MetaFunction = () => [{ title: "Settings · GlucoLens" }];

type Intent = "profile" | "password" | "delete";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const auth = await requireAuth(request, context);
  const { name, email, timezone, unit } = auth.user;
  const url = new URL(request.url);
  return data(
    { user: { name, email, timezone, unit }, timeZones: listTimeZones(), done: url.searchParams.get("done") },
    { headers: await auth.headers() },
  );
}

function failure(intent: Intent, fieldErrors: FieldErrors, formErrors: string[], status: number) {
  return data({ intent, fieldErrors, formErrors }, { status });
}

/** Turns an API failure into messages for the form `intent`; field names are the API's. */
function fromApiError(intent: Intent, err: unknown, fields: readonly string[]) {
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

export async function action({ request, context }: ActionFunctionArgs) {
  const auth = await requireAuth(request, context);
  const formData = await request.formData();
  validateCsrf(formData, auth.session);
  const intent = formData.get("intent");

  if (intent === "profile") {
    const parsed = parseForm(profileSchema, formData);
    if (!parsed.success) return failure(intent, parsed.fieldErrors, parsed.formErrors, 400);
    try {
      const user = await auth.call((token, env) =>
        apiRequest(env, "/api/v1/auth/me", { method: "PATCH", token, body: parsed.data, schema: userSchema }),
      );
      const { id, email, name, timezone, unit } = user;
      auth.session.set("user", { id, email, name, timezone, unit });
    } catch (err) {
      return fromApiError(intent, err, ["name", "timezone", "unit"]);
    }
    return redirect("/settings?done=profile", { headers: { "Set-Cookie": await commitSession(auth.session, context) } });
  }

  if (intent === "password") {
    const parsed = parseForm(changePasswordSchema, formData);
    if (!parsed.success) return failure(intent, parsed.fieldErrors, parsed.formErrors, 400);
    try {
      const tokens = await auth.call((token, env) =>
        apiRequest(env, "/api/v1/auth/change-password", {
          method: "POST",
          token,
          body: { current_password: parsed.data.current_password, new_password: parsed.data.new_password },
          schema: authResponseSchema,
        }),
      );
      // The old refresh token was revoked with all others: keep this browser signed in.
      storeAuth(auth.session, tokens);
    } catch (err) {
      // 403 wrong_password names current_password.
      return fromApiError(intent, err, ["current_password", "new_password"]);
    }
    return redirect("/settings?done=password", { headers: { "Set-Cookie": await commitSession(auth.session, context) } });
  }

  if (intent === "delete") {
    const parsed = parseForm(deleteAccountSchema, formData);
    if (!parsed.success) return failure(intent, parsed.fieldErrors, parsed.formErrors, 400);
    try {
      await auth.call((token, env) =>
        apiRequest(env, "/api/v1/auth/me", { method: "DELETE", token, body: { password: parsed.data.password } }),
      );
    } catch (err) {
      return fromApiError(intent, err, ["password"]);
    }
    return redirect("/login?deleted=1", { headers: { "Set-Cookie": await destroySession(auth.session, context) } });
  }

  throw new Response("Unknown action.", { status: 400 });
}

const DONE_TEXT: Record<string, string> = {
  profile: "Profile saved. Charts and forms now use these settings.",
  password: "Password changed. Other devices have been signed out.",
};

export default function SettingsRoute() {
  const { user, timeZones, done } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = (intent: Intent) => navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
  const errs = (intent: Intent) => (actionData?.intent === intent ? actionData : undefined);
  const profile = errs("profile");
  const password = errs("password");
  const del = errs("delete");
  const doneText = done ? DONE_TEXT[done] : undefined;

  return (
    <div className="settings">
      <h1>Settings</h1>
      {doneText && !actionData ? (
        <p className="notice notice--success" role="status">
          <span aria-hidden="true">✓ </span>
          {doneText}
        </p>
      ) : null}

      <section className="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading" className="card__title">
          Profile
        </h2>
        <p className="muted">Signed in as {user.email}.</p>
        <Form method="post" className="form" noValidate key={`${user.name}-${user.timezone}-${user.unit}`}>
          <CsrfInput />
          <input type="hidden" name="intent" value="profile" />
          <FormErrors errors={profile?.formErrors} />
          <Field
            label="Name"
            errors={profile?.fieldErrors.name}
            inputProps={{ name: "name", id: "settings-name", autoComplete: "name", defaultValue: user.name, required: true }}
          />
          <SelectField
            label="Time zone"
            hint="Used for the times you log, daily reports and the times on your charts."
            errors={profile?.fieldErrors.timezone}
            selectProps={{ name: "timezone", id: "settings-timezone", defaultValue: user.timezone }}
          >
            {timeZones.map((tz) => (
              <option key={tz} value={tz}>
                {tz.replace(/_/g, " ")}
              </option>
            ))}
          </SelectField>
          <fieldset className="field" aria-describedby={profile?.fieldErrors.unit ? "settings-unit-error" : undefined}>
            <legend>Glucose unit</legend>
            <div className="choice-row">
              <label className="choice">
                <input type="radio" name="unit" value="mg/dL" defaultChecked={user.unit === "mg/dL"} />
                <span>
                  mg/dL <span className="muted">(e.g. 110)</span>
                </span>
              </label>
              <label className="choice">
                <input type="radio" name="unit" value="mmol/L" defaultChecked={user.unit === "mmol/L"} />
                <span>
                  mmol/L <span className="muted">(e.g. 6.1)</span>
                </span>
              </label>
            </div>
            <FieldErrorList id="settings-unit-error" errors={profile?.fieldErrors.unit} />
          </fieldset>
          <button type="submit" className="button button--primary" disabled={busy("profile")}>
            {busy("profile") ? "Saving…" : "Save profile"}
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="password-heading">
        <h2 id="password-heading" className="card__title">
          Change password
        </h2>
        <p className="muted">You stay signed in here; every other device is signed out.</p>
        <Form method="post" className="form" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="password" />
          <FormErrors errors={password?.formErrors} />
          <Field
            label="Current password"
            errors={password?.fieldErrors.current_password}
            inputProps={{ name: "current_password", id: "settings-current-password", type: "password", autoComplete: "current-password", required: true }}
          />
          <Field
            label="New password"
            hint={`At least ${PASSWORD_MIN} characters.`}
            errors={password?.fieldErrors.new_password}
            inputProps={{ name: "new_password", id: "settings-new-password", type: "password", autoComplete: "new-password", required: true, minLength: PASSWORD_MIN }}
          />
          <Field
            label="Repeat the new password"
            errors={password?.fieldErrors.confirm_password}
            inputProps={{ name: "confirm_password", id: "settings-confirm-password", type: "password", autoComplete: "new-password", required: true }}
          />
          <button type="submit" className="button button--primary" disabled={busy("password")}>
            {busy("password") ? "Changing…" : "Change password"}
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="soon-heading">
        <h2 id="soon-heading" className="card__title">
          Alerts, connected apps and export
        </h2>
        <p>Coming soon:</p>
        <ul>
          <li>Your own target range and low/high alert thresholds.</li>
          <li>Uploader secrets for Nightscout-compatible apps (xDrip+, Loop, AAPS).</li>
          <li>Exporting all your data.</li>
        </ul>
        <p className="muted">Until then the target range is the consensus 70–180 mg/dL (3.9–10.0 mmol/L).</p>
      </section>

      <section className="card card--danger" aria-labelledby="delete-heading">
        <h2 id="delete-heading" className="card__title">
          Delete account
        </h2>
        <p>
          This permanently deletes your account and every reading and record in it. It can't be undone.
        </p>
        <Form method="post" className="form" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="delete" />
          <FormErrors errors={del?.formErrors} />
          <Field
            label="Password"
            hint="Enter your password to confirm."
            errors={del?.fieldErrors.password}
            inputProps={{ name: "password", id: "settings-delete-password", type: "password", autoComplete: "current-password", required: true }}
          />
          <label className="check">
            <input type="checkbox" name="confirm" value="yes" required aria-describedby={del?.fieldErrors.confirm ? "settings-confirm-error" : undefined} />
            <span>I understand my data will be deleted for good.</span>
          </label>
          <FieldErrorList id="settings-confirm-error" errors={del?.fieldErrors.confirm} />
          <button type="submit" className="button button--danger" disabled={busy("delete")}>
            {busy("delete") ? "Deleting…" : "Delete my account"}
          </button>
        </Form>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
