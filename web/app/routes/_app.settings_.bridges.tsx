/**
 * /settings/bridges — cloud follower bridges (`/api/v1/bridges`): connect Dexcom Share,
 * LibreLinkUp or a Nightscout site, see each bridge's status, last success and error, next
 * poll, readings imported and a Nightscout history's progress; poll now, pause, resume, change
 * credentials, remove. Every button is a plain `<Form method="post">` with an `intent`, so the
 * page works before (and without) hydration. The login-refused Web Push links here.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { Field, FormErrors, SelectField } from "#app/components/form-field.tsx";
import { ApiError, ApiUnavailableError } from "#app/lib/api.server.ts";
import type { BridgeAnswer } from "#app/lib/api-types.ts";
import { BRIDGE_KIND_LABEL, DEXCOM_REGION_LABEL, LLU_REGION_LABEL } from "#app/lib/bridges.ts";
import { bridgeCreateSchema, bridgeCredentialsSchema, bridgeIdSchema, bridgesApi, credentialsPatch } from "#app/lib/bridges.server.ts";
import { validateCsrf } from "#app/lib/csrf.server.ts";
import { parseForm, type FieldErrors } from "#app/lib/forms.server.ts";
import { requireAuth } from "#app/lib/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Bridges · Settings · GlucoLens" }];

type Intent = "create" | "credentials" | "poll" | "pause" | "resume" | "remove";
const INTENTS: readonly Intent[] = ["create", "credentials", "poll", "pause", "resume", "remove"];
/** The API's field names that have an input on these forms. */
const FORM_FIELDS = ["kind", "username", "password", "region", "server_url", "token"];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const auth = await requireAuth(request, context);
  const url = new URL(request.url);
  let bridges: BridgeAnswer[] | null = null;
  try {
    bridges = (await auth.call((token, env) => bridgesApi.list(env, token))).items;
  } catch (err) {
    if (err instanceof Response) throw err;
    console.warn("bridges: list unavailable:", err instanceof Error ? err.message : err);
  }
  return data({ bridges, done: url.searchParams.get("done"), timezone: auth.user.timezone }, { headers: await auth.headers() });
}

interface ActionResult {
  intent: Intent;
  /** The bridge a per-bridge form was about. */
  id: string | null;
  /** Which connect form (kind) was sent. */
  kind: string | null;
  fieldErrors: FieldErrors;
  formErrors: string[];
}

function failure(result: Omit<ActionResult, "fieldErrors" | "formErrors">, fieldErrors: FieldErrors, formErrors: string[], status: number) {
  return data<ActionResult>({ ...result, fieldErrors, formErrors }, { status });
}

function fromApiError(result: Omit<ActionResult, "fieldErrors" | "formErrors">, err: unknown) {
  if (err instanceof ApiUnavailableError) return failure(result, {}, ["GlucoLens is temporarily unavailable. Nothing was changed; try again in a minute."], 503);
  if (err instanceof ApiError) {
    const fieldErrors: FieldErrors = {};
    const formErrors: string[] = [];
    for (const [key, messages] of Object.entries(err.fieldErrors())) {
      if (FORM_FIELDS.includes(key)) fieldErrors[key] = messages;
      else formErrors.push(...messages);
    }
    if (err.status === 409 || (!Object.keys(fieldErrors).length && !formErrors.length)) formErrors.unshift(err.message);
    return failure(result, fieldErrors, [...new Set(formErrors)], err.status);
  }
  throw err;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const auth = await requireAuth(request, context);
  const formData = await request.formData();
  validateCsrf(formData, auth.session);
  const intent = formData.get("intent") as Intent;
  if (!INTENTS.includes(intent)) throw new Response("Unknown action.", { status: 400 });
  const kind = typeof formData.get("kind") === "string" ? String(formData.get("kind")) : null;
  const rawId = typeof formData.get("id") === "string" ? String(formData.get("id")) : null;
  const base = { intent, id: rawId, kind };
  const finish = async (what: string) => redirect(`/settings/bridges?done=${what}`, { headers: await auth.headers() });

  if (intent === "create") {
    const parsed = parseForm(bridgeCreateSchema, formData);
    if (!parsed.success) return failure(base, parsed.fieldErrors, parsed.formErrors, 400);
    try {
      await auth.call((token, env) => bridgesApi.create(env, token, parsed.data));
    } catch (err) {
      return fromApiError(base, err);
    }
    return finish("connected");
  }

  if (intent === "credentials") {
    const parsed = parseForm(bridgeCredentialsSchema, formData);
    if (!parsed.success) return failure(base, parsed.fieldErrors, parsed.formErrors, 400);
    const patch = credentialsPatch(parsed.data);
    if (!Object.keys(patch).length) return failure(base, {}, ["Enter the new credentials: blank fields keep the ones stored."], 400);
    try {
      await auth.call((token, env) => bridgesApi.update(env, token, parsed.data.id, patch));
    } catch (err) {
      return fromApiError(base, err);
    }
    return finish("updated");
  }

  const parsed = parseForm(bridgeIdSchema, formData);
  if (!parsed.success) return failure(base, parsed.fieldErrors, parsed.formErrors, 400);
  const { id } = parsed.data;
  try {
    if (intent === "poll") {
      const result = await auth.call((token, env) => bridgesApi.poll(env, token, id));
      return finish(`polled-${result.imported}`);
    }
    if (intent === "pause" || intent === "resume") {
      await auth.call((token, env) => bridgesApi.update(env, token, id, { paused: intent === "pause" }));
      return finish(intent === "pause" ? "paused" : "resumed");
    }
    await auth.call((token, env) => bridgesApi.remove(env, token, id));
    return finish("removed");
  } catch (err) {
    if (intent === "remove" && err instanceof ApiError && err.status === 404) return finish("removed");
    return fromApiError(base, err);
  }
}

function doneText(done: string | null): string | null {
  if (!done) return null;
  const polled = /^polled-(\d+)$/.exec(done);
  if (polled) return `Polled: ${polled[1]} new reading${polled[1] === "1" ? "" : "s"} imported.`;
  return (
    {
      connected: "Bridge connected. The first poll has started; its readings appear below and on your dashboard.",
      updated: "Credentials saved. The bridge polls again now.",
      paused: "Bridge paused. Nothing is fetched until you resume it.",
      resumed: "Bridge resumed.",
      removed: "Bridge removed. Its stored credentials are deleted; the readings it imported stay.",
    }[done] ?? null
  );
}

const STATUS_LABEL: Record<BridgeAnswer["status"], string> = {
  pending: "Connecting",
  ok: "Working",
  backoff: "Vendor unavailable, retrying",
  login_refused: "Login refused",
  paused: "Paused",
};

/** What each step of a Nightscout history backfill fetches. */
const BACKFILL_STEP: Record<NonNullable<BridgeAnswer["backfill"]>["phase"], string> = { entries: "readings", treatments: "treatments", devicestatus: "device statuses", profiles: "profiles" };

/**
 * A Nightscout history backfill in words: the readings first, then the treatments, device statuses
 * and profiles. Readings the first polls already took are in "Readings imported", not counted here again.
 */
function historyText(h: NonNullable<BridgeAnswer["backfill"]>, timezone: string): string {
  const back = h.oldest_at ? `, back to ${when(h.oldest_at, timezone)}` : "";
  const counts = `${h.imported} earlier readings, ${h.treatments_imported} treatments, ${h.devicestatus_imported} device statuses, ${h.profiles_imported} profiles`;
  if (h.status === "done") return h.imported || h.treatments_imported || h.devicestatus_imported || h.profiles_imported ? `Complete: ${counts}` : "Complete: nothing older than what the polls took";
  const step = BACKFILL_STEP[h.phase];
  if (h.status === "running") return `Fetching ${step}${back}: ${counts} so far`;
  return `Stopped while fetching ${step}${back}: ${counts}${h.error ? ` (${h.error})` : ""}`;
}

function when(isoTime: string | null, timezone: string): string {
  if (!isoTime) return "—";
  try {
    return new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: timezone }).format(new Date(isoTime));
  } catch {
    return isoTime.slice(0, 16).replace("T", " ") + " UTC";
  }
}

export default function BridgesRoute() {
  const { bridges, done, timezone } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const busyKey = navigation.state === "submitting" ? `${navigation.formData?.get("intent")}:${navigation.formData?.get("id") ?? navigation.formData?.get("kind")}` : null;
  const notice = actionData ? null : doneText(done);
  const createErrs = (kind: string) => (actionData?.intent === "create" && actionData.kind === kind ? actionData : undefined);
  const bridgeErrs = (id: string) => (actionData && actionData.intent !== "create" && actionData.id === id ? actionData : undefined);

  return (
    <div className="settings bridges">
      <p>
        <Link to="/settings">← Settings</Link>
      </p>
      <h1>Bridges</h1>
      <p>
        A bridge follows readings that another service already has, so you don't need an uploader app: GlucoLens logs in as a follower and
        fetches new readings about every five minutes. Readings an uploader already sent are not stored twice.
      </p>
      {notice ? (
        <p className="notice notice--success" role="status">
          <span aria-hidden="true">✓ </span>
          {notice}
        </p>
      ) : null}
      {actionData && actionData.intent !== "create" && !bridges?.some((b) => b.id === actionData.id) ? <FormErrors errors={actionData.formErrors} /> : null}

      <section className="card" aria-labelledby="bridges-list-heading" id="bridges">
        <h2 id="bridges-list-heading" className="card__title">
          Your bridges
        </h2>
        {bridges === null ? (
          <p className="notice notice--warning">
            <span aria-hidden="true">⚠ </span>Your bridges couldn't be loaded. Reload the page to try again.
          </p>
        ) : bridges.length === 0 ? (
          <p className="muted">No bridges yet. Connect one below.</p>
        ) : (
          <ul className="bridge-list">
            {bridges.map((b) => (
              <BridgeItem key={b.id} bridge={b} timezone={timezone} errors={bridgeErrs(b.id)} busyKey={busyKey} />
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="dexcom-heading" id="connect-dexcom">
        <h2 id="dexcom-heading" className="card__title">
          Connect Dexcom Share
        </h2>
        <p className="field__hint">
          In the Dexcom G6/G7 app, turn on Share and invite at least one follower (Share must be on, with a follower, for Dexcom to keep
          readings in its cloud). Then enter the Dexcom account you sign in to the app with: not the follower's.
        </p>
        <Form method="post" className="form" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="create" />
          <input type="hidden" name="kind" value="dexcom-share" />
          <FormErrors errors={createErrs("dexcom-share")?.formErrors} />
          <Field label="Dexcom username, email or phone" errors={createErrs("dexcom-share")?.fieldErrors.username} inputProps={{ name: "username", id: "dexcom-username", autoComplete: "off", required: true }} />
          <Field label="Dexcom password" errors={createErrs("dexcom-share")?.fieldErrors.password} inputProps={{ name: "password", id: "dexcom-password", type: "password", autoComplete: "off", required: true }} />
          <SelectField label="Region" errors={createErrs("dexcom-share")?.fieldErrors.region} selectProps={{ name: "region", id: "dexcom-region", defaultValue: "us" }}>
            {Object.entries(DEXCOM_REGION_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <button type="submit" className="button button--primary" disabled={busyKey === "create:dexcom-share"}>
            {busyKey === "create:dexcom-share" ? "Connecting…" : "Connect Dexcom Share"}
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="llu-heading" id="connect-librelinkup">
        <h2 id="llu-heading" className="card__title">
          Connect LibreLinkUp
        </h2>
        <p className="field__hint">
          In the FreeStyle Libre app, invite a follower (Connected Apps → LibreLinkUp), accept the invitation in the LibreLinkUp app, and
          enter that follower account here. Without an accepted invitation LibreLinkUp has no one to follow.
        </p>
        <Form method="post" className="form" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="create" />
          <input type="hidden" name="kind" value="librelinkup" />
          <FormErrors errors={createErrs("librelinkup")?.formErrors} />
          <Field label="LibreLinkUp email" errors={createErrs("librelinkup")?.fieldErrors.username} inputProps={{ name: "username", id: "llu-username", type: "email", autoComplete: "off", required: true }} />
          <Field label="LibreLinkUp password" errors={createErrs("librelinkup")?.fieldErrors.password} inputProps={{ name: "password", id: "llu-password", type: "password", autoComplete: "off", required: true }} />
          <SelectField label="Region" hint="Where the account was made; LibreLinkUp redirects to the right one." errors={createErrs("librelinkup")?.fieldErrors.region} selectProps={{ name: "region", id: "llu-region", defaultValue: "eu" }}>
            {Object.entries(LLU_REGION_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          <button type="submit" className="button button--primary" disabled={busyKey === "create:librelinkup"}>
            {busyKey === "create:librelinkup" ? "Connecting…" : "Connect LibreLinkUp"}
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="ns-heading" id="connect-nightscout">
        <h2 id="ns-heading" className="card__title">
          Connect a Nightscout site
        </h2>
        <p className="field__hint">
          Imports the site's readings, treatments, device status and profile, then its whole history in the background. Use an access token
          with the readable role (Admin Tools → Subjects) or the site's API secret.
        </p>
        <Form method="post" className="form" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="create" />
          <input type="hidden" name="kind" value="nightscout" />
          <FormErrors errors={createErrs("nightscout")?.formErrors} />
          <Field label="Site address" errors={createErrs("nightscout")?.fieldErrors.server_url} inputProps={{ name: "server_url", id: "ns-server-url", type: "url", placeholder: "https://my-site.example.com", required: true }} />
          <Field label="Access token or API secret" errors={createErrs("nightscout")?.fieldErrors.token} inputProps={{ name: "token", id: "ns-token", type: "password", autoComplete: "off", required: true }} />
          <button type="submit" className="button button--primary" disabled={busyKey === "create:nightscout"}>
            {busyKey === "create:nightscout" ? "Connecting…" : "Connect Nightscout"}
          </button>
        </Form>
      </section>
    </div>
  );
}

function BridgeItem({ bridge: b, timezone, errors, busyKey }: { bridge: BridgeAnswer; timezone: string; errors: ActionResult | undefined; busyKey: string | null }) {
  const busy = (intent: Intent) => busyKey === `${intent}:${b.id}`;
  const label = BRIDGE_KIND_LABEL[b.kind];
  // An error a later successful poll has put behind it is history, not something to act on.
  const recovered = b.status === "ok" && b.last_success_at !== null && b.last_error_at !== null && Date.parse(b.last_success_at) > Date.parse(b.last_error_at);
  const where = b.kind === "nightscout" ? b.server_url : b.region ? (b.kind === "dexcom-share" ? DEXCOM_REGION_LABEL[b.region as keyof typeof DEXCOM_REGION_LABEL] : LLU_REGION_LABEL[b.region as keyof typeof LLU_REGION_LABEL]) ?? b.region : null;
  const idField = (
    <>
      <CsrfInput />
      <input type="hidden" name="id" value={b.id} />
    </>
  );
  return (
    <li className="card bridge" data-testid={`bridge-${b.kind}`} aria-labelledby={`bridge-${b.id}-title`}>
      <h3 id={`bridge-${b.id}-title`}>
        {label}
        {where ? <span className="muted"> · {where}</span> : null}
      </h3>
      {b.status === "login_refused" ? (
        <p className="notice notice--warning" role="alert">
          <span aria-hidden="true">⚠ </span>
          {label} refused the login{b.last_error ? `: ${b.last_error}` : ""}. Enter the credentials again below; polling stays stopped until
          then.
        </p>
      ) : null}
      <dl className="bridge__facts">
        <dt>Status</dt>
        <dd data-testid="bridge-status">{STATUS_LABEL[b.status]}</dd>
        <dt>Readings imported</dt>
        <dd data-testid="bridge-imported">{b.readings_imported}</dd>
        <dt>Last success</dt>
        <dd>{when(b.last_success_at, timezone)}</dd>
        <dt>Newest reading</dt>
        <dd>{when(b.last_reading_at, timezone)}</dd>
        <dt>Next poll</dt>
        <dd>{b.next_poll_at ? when(b.next_poll_at, timezone) : "—"}</dd>
        {b.last_error && b.status !== "login_refused" && !recovered ? (
          <>
            <dt>Last error</dt>
            <dd>
              {b.last_error} <span className="muted">({when(b.last_error_at, timezone)})</span>
            </dd>
          </>
        ) : null}
        {b.backfill ? (
          <>
            <dt>History</dt>
            <dd data-testid="bridge-backfill">{historyText(b.backfill, timezone)}</dd>
          </>
        ) : null}
      </dl>
      <FormErrors errors={errors?.formErrors} />
      <div className="button-row">
        <Form method="post">
          {idField}
          <input type="hidden" name="intent" value="poll" />
          <button type="submit" className="button button--secondary button--small" disabled={b.paused || b.status === "login_refused" || busy("poll")}>
            {busy("poll") ? "Polling…" : "Poll now"}
          </button>
        </Form>
        <Form method="post">
          {idField}
          <input type="hidden" name="intent" value={b.paused ? "resume" : "pause"} />
          <button type="submit" className="button button--secondary button--small">
            {b.paused ? "Resume" : "Pause"}
          </button>
        </Form>
        <Form method="post">
          {idField}
          <input type="hidden" name="intent" value="remove" />
          <button type="submit" className="button button--ghost button--small" aria-label={`Remove ${label}`}>
            Remove
          </button>
        </Form>
      </div>
      <details open={Boolean(errors && errors.intent === "credentials") || b.status === "login_refused"}>
        <summary>Update credentials</summary>
        <Form method="post" className="form" noValidate>
          {idField}
          <input type="hidden" name="intent" value="credentials" />
          {b.kind === "nightscout" ? (
            <>
              <Field label="Site address" hint="Blank keeps the current one." errors={errors?.fieldErrors.server_url} inputProps={{ name: "server_url", id: `cred-${b.id}-server-url`, type: "url" }} />
              <Field label="Access token or API secret" errors={errors?.fieldErrors.token} inputProps={{ name: "token", id: `cred-${b.id}-token`, type: "password", autoComplete: "off" }} />
            </>
          ) : (
            <>
              <Field label={b.kind === "librelinkup" ? "Email" : "Username"} hint="Blank keeps the current one." errors={errors?.fieldErrors.username} inputProps={{ name: "username", id: `cred-${b.id}-username`, autoComplete: "off" }} />
              <Field label="Password" errors={errors?.fieldErrors.password} inputProps={{ name: "password", id: `cred-${b.id}-password`, type: "password", autoComplete: "off" }} />
            </>
          )}
          <button type="submit" className="button button--primary button--small" disabled={busy("credentials")}>
            {busy("credentials") ? "Saving…" : "Save credentials"}
          </button>
        </Form>
      </details>
    </li>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
