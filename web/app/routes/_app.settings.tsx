/**
 * /settings — profile (name, time zone, glucose unit: `PATCH /api/v1/auth/me`), alert
 * thresholds in the user's unit (`GET/PUT /api/v1/alerts/settings`), uploader secrets for
 * Nightscout-compatible apps (`POST/GET/DELETE /api/v1/uploaders`; the secret is shown once),
 * data export (links to /export, which streams `GET /api/v1/export`), change password
 * (`POST /api/v1/auth/change-password`; the answer's new tokens replace the session's, since
 * every other session was just signed out) and delete account (`DELETE /api/v1/auth/me` with
 * the password, then sign out here), and read-only AGP report links for a clinician
 * (`POST/GET/DELETE /api/v1/reports/shares`; the link is shown once). One action; the form's
 * `intent` says which, and each intent is a module of lib/settings/. Every form is a plain POST, so each works before hydration or without
 * JavaScript, and a refused one comes back with its messages.
 */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { PushSettings } from "#app/components/PushSettings.tsx";
import { ReportShares } from "#app/components/ReportShares.tsx";
import { Field, FieldErrorList, FormErrors, SelectField } from "#app/components/form-field.tsx";
import { apiRequest } from "#app/lib/api.server.ts";
import type { AlertSettingsAnswer, CsvExportListAnswer, ShareListAnswer, UploaderListAnswer } from "#app/lib/api-types.ts";
import { validateCsrf } from "#app/lib/csrf.server.ts";
import type { FieldErrors } from "#app/lib/forms.server.ts";
import { saveAlertSettings } from "#app/lib/settings/alerts.server.ts";
import { deleteAccount } from "#app/lib/settings/delete-account.server.ts";
import { changePassword } from "#app/lib/settings/password.server.ts";
import { saveProfile } from "#app/lib/settings/profile.server.ts";
import { createReportShare, revokeReportShare } from "#app/lib/settings/report-shares.server.ts";
import type { Intent } from "#app/lib/settings/result.server.ts";
import { createUploader, revokeUploader } from "#app/lib/settings/uploaders.server.ts";
import { requireAuth } from "#app/lib/session.server.ts";
import { listTimeZones, PASSWORD_MIN } from "#app/lib/validation.ts";

export const meta: MetaFunction = () => [{ title: "Settings · GlucoLens" }];

/** Secondary sections: if one API call fails the rest of the page still works. */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof Response) throw err;
    console.warn("settings: section unavailable:", err instanceof Error ? err.message : err);
    return null;
  }
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const auth = await requireAuth(request, context);
  const { name, email, timezone, unit } = auth.user;
  const url = new URL(request.url);
  const [alerts, uploaders, csv, shares] = await Promise.all([
    orNull(auth.call((token, env) => apiRequest<AlertSettingsAnswer>(env, "/api/v1/alerts/settings", { token }))),
    orNull(auth.call((token, env) => apiRequest<UploaderListAnswer>(env, "/api/v1/uploaders", { token }))),
    orNull(auth.call((token, env) => apiRequest<CsvExportListAnswer>(env, "/api/v1/export", { token, query: { format: "csv" } }))),
    orNull(auth.call((token, env) => apiRequest<ShareListAnswer>(env, "/api/v1/reports/shares", { token }))),
  ]);
  return data(
    {
      user: { name, email, timezone, unit },
      timeZones: listTimeZones(),
      done: url.searchParams.get("done"),
      alerts,
      uploaders: uploaders?.items ?? null,
      csvTypes: csv?.files.map((f) => f.type) ?? null,
      shares: shares?.items ?? null,
    },
    { headers: await auth.headers() },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const auth = await requireAuth(request, context);
  const formData = await request.formData();
  validateCsrf(formData, auth.session);
  const args = { auth, formData, context };
  switch (formData.get("intent")) {
    case "profile":
      return saveProfile(args);
    case "password":
      return changePassword(args);
    case "alerts":
      return saveAlertSettings(args);
    case "uploader-create":
      return createUploader(args);
    case "uploader-revoke":
      return revokeUploader(args);
    case "share-create":
      return createReportShare(args);
    case "share-revoke":
      return revokeReportShare(args);
    case "delete":
      return deleteAccount(args);
  }
  throw new Response("Unknown action.", { status: 400 });
}

const DONE_TEXT: Record<string, string> = {
  profile: "Profile saved. Charts and forms now use these settings.",
  password: "Password changed. Other devices have been signed out.",
  alerts: "Alert settings saved. Your live monitor uses them from now on.",
  "uploader-revoked": "Uploader secret revoked. Apps using it can no longer send data.",
  "share-revoked": "Report link revoked. It no longer opens the report.",
};

export default function SettingsRoute() {
  const { user, timeZones, done, alerts, uploaders, csvTypes, shares } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = (intent: Intent) => navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
  const errs = (intent: Intent) => (actionData?.intent === intent ? actionData : undefined);
  const profile = errs("profile");
  const password = errs("password");
  const del = errs("delete");
  const alertErrs = errs("alerts");
  const upload = errs("uploader-create");
  const revoke = errs("uploader-revoke");
  const shareCreate = errs("share-create");
  const shareRevoke = errs("share-revoke");
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

      <AlertSettingsSection settings={alerts} unit={user.unit} errors={alertErrs} busy={busy("alerts")} />

      <PushSettings />

      <section className="card" aria-labelledby="bridges-heading" id="bridges">
        <h2 id="bridges-heading" className="card__title">
          Bridges (Dexcom Share, LibreLinkUp, Nightscout)
        </h2>
        <p>Follow readings another service already has, without an uploader app.</p>
        <a href="/settings/bridges" className="button button--secondary">
          Manage bridges
        </a>
      </section>

      <section className="card" aria-labelledby="uploaders-heading" id="uploaders">
        <h2 id="uploaders-heading" className="card__title">
          Uploaders (xDrip+, Loop, AAPS, Nightscout apps)
        </h2>
        <p>
          Apps that upload to Nightscout can send your readings here. Create a secret for each app, then paste the URL into it (in
          xDrip+: Settings → Cloud Upload → Nightscout Sync → Base URL). Apps that only show your data (Nightguard, LoopFollow,
          GlucoDataHandler, a watch face) need no more than a read-only secret.
        </p>
        {upload?.created ? (
          <div className="secret-once" role="status">
            <p>
              <strong>
                {upload.created.role === "readable" ? "Read-only secret" : "Secret"} for “{upload.created.name}” created.
              </strong>{" "}
              Copy it now: it is shown only once.
            </p>
            {upload.created.role === "readable" ? (
              <>
                <p className="field__hint">URL for follower apps (Nightguard, Nightscout Reporter):</p>
                <p>
                  <code className="secret-once__value" data-testid="nightscout-url">
                    {followerUrl(upload.created.nightscout_url, upload.created.secret)}
                  </code>
                </p>
              </>
            ) : (
              <>
                <p className="field__hint">URL to paste into xDrip+:</p>
                <p>
                  <code className="secret-once__value" data-testid="nightscout-url">
                    {upload.created.nightscout_url}
                  </code>
                </p>
              </>
            )}
            <p className="field__hint">The secret alone (API secret or token field of other apps):</p>
            <p>
              <code className="secret-once__value">{upload.created.secret}</code>
            </p>
          </div>
        ) : null}
        {/* Keyed by the new secret's id: the name field empties after each creation. */}
        <Form method="post" className="form form--inline" noValidate key={upload?.created?.id ?? "new"}>
          <CsrfInput />
          <input type="hidden" name="intent" value="uploader-create" />
          <FormErrors errors={upload?.formErrors} />
          <Field
            label="App or phone"
            hint="For your own reference, e.g. “xDrip+ on my phone”."
            errors={upload?.fieldErrors.name}
            inputProps={{ name: "name", id: "uploader-name", maxLength: 64, required: true, defaultValue: "" }}
          />
          <SelectField
            label="The app may"
            hint="Read only: the app sees your data and cannot change it."
            errors={upload?.fieldErrors.role}
            selectProps={{ name: "role", id: "uploader-role", defaultValue: "admin" }}
          >
            <option value="admin">Upload and read</option>
            <option value="readable">Read only (follower apps)</option>
          </SelectField>
          <button type="submit" className="button button--primary" disabled={busy("uploader-create")}>
            {busy("uploader-create") ? "Creating…" : "Create uploader secret"}
          </button>
        </Form>
        <FormErrors errors={revoke?.formErrors} />
        {uploaders === null ? (
          <p className="notice notice--warning">
            <span aria-hidden="true">⚠ </span>Your uploaders couldn't be loaded. Reload the page to try again.
          </p>
        ) : uploaders.length === 0 ? (
          <p className="muted">No uploader secrets yet.</p>
        ) : (
          <table className="table uploader-table">
            <caption className="visually-hidden">Uploader secrets</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Access</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {uploaders.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>{u.role === "readable" ? "read only" : "upload and read"}</td>
                  <td>{u.created_at.slice(0, 10)}</td>
                  <td>{u.last_used_at ? u.last_used_at.slice(0, 16).replace("T", " ") + " UTC" : "never"}</td>
                  <td>
                    <Form method="post">
                      <CsrfInput />
                      <input type="hidden" name="intent" value="uploader-revoke" />
                      <input type="hidden" name="id" value={u.id} />
                      <button type="submit" className="button button--ghost button--small" aria-label={`Revoke ${u.name}`}>
                        Revoke
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card" aria-labelledby="export-heading" id="export">
        <h2 id="export-heading" className="card__title">
          Export your data
        </h2>
        <p>Everything in your account: readings, meals, insulin and every other record. Glucose is exported in mg/dL.</p>
        <ul className="export-list">
          <li>
            <a href="/export?format=json" className="button button--secondary" download>
              GlucoLens JSON
            </a>
            <span className="muted">Complete; can be imported into another GlucoLens account.</span>
          </li>
          <li>
            <a href="/export?format=fhir" className="button button--secondary" download>
              FHIR bundle
            </a>
            <span className="muted">HL7 FHIR R4 observations, for health records.</span>
          </li>
        </ul>
        {csvTypes?.length ? (
          <>
            <p>CSV, one file per kind (for spreadsheets):</p>
            <ul className="export-csv">
              {csvTypes.map((t) => (
                <li key={t}>
                  <a href={`/export?file=${encodeURIComponent(t)}.csv`} download>
                    {t.replace(/-/g, " ")}.csv
                  </a>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <ReportShares
        shares={shares}
        created={shareCreate?.share ?? null}
        fieldErrors={shareCreate?.fieldErrors}
        formErrors={[...(shareCreate?.formErrors ?? []), ...(shareRevoke?.formErrors ?? [])]}
        busy={busy("share-create")}
      />

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

type AlertErrors = { fieldErrors: FieldErrors; formErrors: string[] } | undefined;

function AlertSettingsSection({ settings, unit, errors, busy }: { settings: AlertSettingsAnswer | null; unit: "mg/dL" | "mmol/L"; errors: AlertErrors; busy: boolean }) {
  if (!settings) {
    return (
      <section className="card" aria-labelledby="alerts-heading" id="alerts">
        <h2 id="alerts-heading" className="card__title">
          Alerts
        </h2>
        <p className="notice notice--warning">
          <span aria-hidden="true">⚠ </span>Your alert settings couldn't be loaded. Reload the page to try again.
        </p>
      </section>
    );
  }
  const fe = errors?.fieldErrors ?? {};
  const step = unit === "mmol/L" ? "0.1" : "1";
  const rateUnit = `${unit}/min`;
  // The key re-mounts the inputs after a save so their defaults show the stored values.
  return (
    <section className="card" aria-labelledby="alerts-heading" id="alerts">
      <h2 id="alerts-heading" className="card__title">
        Alerts and thresholds
      </h2>
      <p className="muted">
        In {unit}. The dashboard shows alerts live; the time-in-range target stays the consensus{" "}
        {unit === "mmol/L" ? "3.9–10.0 mmol/L" : "70–180 mg/dL"}. Urgent low can't be switched off.
      </p>
      <Form method="post" className="form alert-form" noValidate key={JSON.stringify(settings)}>
        <CsrfInput />
        <input type="hidden" name="intent" value="alerts" />
        <FormErrors errors={errors?.formErrors} />
        <fieldset className="rule-list">
          <legend>Glucose thresholds</legend>
          <RuleRow label="Urgent low" name="urgent_low" alwaysOn value={settings.urgent_low.value} suffix={unit} step={step} errors={fe.urgent_low_value} valueField="value" />
          <RuleRow label="Low" name="low" enabled={settings.low.enabled} value={settings.low.value} suffix={unit} step={step} errors={fe.low_value} valueField="value" />
          <RuleRow label="High" name="high" enabled={settings.high.enabled} value={settings.high.value} suffix={unit} step={step} errors={fe.high_value} valueField="value" />
          <RuleRow label="Urgent high" name="urgent_high" enabled={settings.urgent_high.enabled} value={settings.urgent_high.value} suffix={unit} step={step} errors={fe.urgent_high_value} valueField="value" />
        </fieldset>
        <fieldset className="rule-list">
          <legend>Rate of change and forecast</legend>
          <RuleRow label="Falling fast" name="falling_fast" enabled={settings.falling_fast.enabled} value={settings.falling_fast.rate} suffix={rateUnit} step={unit === "mmol/L" ? "0.01" : "0.1"} errors={fe.falling_fast_rate} valueField="rate" />
          <RuleRow label="Rising fast" name="rising_fast" enabled={settings.rising_fast.enabled} value={settings.rising_fast.rate} suffix={rateUnit} step={unit === "mmol/L" ? "0.01" : "0.1"} errors={fe.rising_fast_rate} valueField="rate" />
          <RuleRow label="Low soon (forecast)" name="predicted_low" enabled={settings.predicted_low.enabled} value={settings.predicted_low.minutes} suffix="minutes ahead" step="1" errors={fe.predicted_low_minutes} valueField="minutes" />
        </fieldset>
        <fieldset className="rule-list">
          <legend>No data</legend>
          <div className="rule">
            <label className="check rule__toggle">
              <input type="checkbox" name="stale_enabled" defaultChecked={settings.stale.enabled} />
              <span>No-data alerts</span>
            </label>
            <NumberInput id="stale_warning_minutes" label="Warning after" value={settings.stale.warning_minutes} suffix="minutes" step="1" errors={fe.stale_warning_minutes} />
            <NumberInput id="stale_urgent_minutes" label="Urgent after" value={settings.stale.urgent_minutes} suffix="minutes" step="1" errors={fe.stale_urgent_minutes} />
          </div>
        </fieldset>
        <fieldset className="rule-list">
          <legend>Repeat an unacknowledged alert every</legend>
          <div className="rule">
            <NumberInput id="repeat_minutes_default" label="Alerts" value={settings.repeat_minutes.default} suffix="minutes" step="1" errors={fe.repeat_minutes_default} />
            <NumberInput id="repeat_minutes_urgent_low" label="Urgent low" value={settings.repeat_minutes.urgent_low} suffix="minutes" step="1" errors={fe.repeat_minutes_urgent_low} />
          </div>
        </fieldset>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? "Saving…" : "Save alert settings"}
        </button>
      </Form>
    </section>
  );
}

function RuleRow({
  label,
  name,
  enabled = true,
  alwaysOn = false,
  value,
  suffix,
  step,
  errors,
  valueField,
}: {
  label: string;
  name: string;
  enabled?: boolean;
  alwaysOn?: boolean;
  value: number;
  suffix: string;
  step: string;
  errors?: readonly string[];
  valueField: "value" | "rate" | "minutes";
}) {
  return (
    <div className="rule">
      {alwaysOn ? (
        <span className="rule__toggle rule__always">
          <span aria-hidden="true">✓ </span>
          {label} <span className="muted">(always on)</span>
        </span>
      ) : (
        <label className="check rule__toggle">
          <input type="checkbox" name={`${name}_enabled`} defaultChecked={enabled} />
          <span>{label}</span>
        </label>
      )}
      <NumberInput id={`${name}_${valueField}`} label={`${label} ${valueField === "value" ? "threshold" : valueField === "rate" ? "rate" : "lead time"}`} value={value} suffix={suffix} step={step} errors={errors} />
    </div>
  );
}

function NumberInput({ id, label, value, suffix, step, errors }: { id: string; label: string; value: number; suffix: string; step: string; errors?: readonly string[] }) {
  const errorId = `alert-${id}-error`;
  return (
    <div className="rule__value">
      <label htmlFor={`alert-${id}`} className="rule__label">
        {label}
      </label>
      <span className="rule__input">
        <input
          id={`alert-${id}`}
          name={id}
          type="text"
          inputMode={step === "1" ? "numeric" : "decimal"}
          defaultValue={String(value)}
          size={6}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={errors?.length ? errorId : undefined}
        />
        <span className="rule__suffix">{suffix}</span>
      </span>
      <FieldErrorList id={errorId} errors={errors} />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

/** The Nightscout site URL with the secret as `?token=`, as follower apps take it (docs/nightscout.md). */
function followerUrl(nightscoutUrl: string, secret: string): string {
  const url = new URL(nightscoutUrl);
  return `${url.protocol}//${url.host}/?token=${secret}`;
}
