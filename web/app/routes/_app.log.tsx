/**
 * /log — forms for the eight record kinds (meal, insulin, activity, sleep, medication, HbA1c,
 * blood pressure, body metrics), one at a time (`?kind=`), each with the most recent entries of
 * that kind under it. Times are typed in the user's time zone and sent as ISO 8601 with offset.
 * A saved entry redirects back (POST/redirect/GET) with `?saved=` so reloading does not repeat it.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { FormErrors } from "#app/components/form-field.tsx";
import { RecordFields } from "#app/components/record-form.tsx";
import { ApiError, ApiUnavailableError, rethrowAsResponse } from "#app/lib/api.server.ts";
import type { RecordAnswer } from "#app/lib/api-types.ts";
import { validateCsrf } from "#app/lib/csrf.server.ts";
import type { FieldErrors } from "#app/lib/forms.server.ts";
import { apiErrorsForForm, parseRecordForm, recordsApi, requireKind } from "#app/lib/records.server.ts";
import {
  describeRecord,
  isoToZonedLocal,
  RECORD_KINDS,
  recordKind,
} from "#app/lib/records.ts";
import { requireAuth } from "#app/lib/session.server.ts";
import { pickLocale } from "#app/lib/time.ts";

export const meta: MetaFunction = () => [{ title: "Log · GlucoLens" }];

const RECENT_DAYS = 90;
const RECENT_COUNT = 10;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const auth = await requireAuth(request, context);
  const url = new URL(request.url);
  const kind = recordKind(url.searchParams.get("kind")) ?? RECORD_KINDS[0]!;
  const { timezone, unit } = auth.user;
  const nowMs = Date.now();
  const page = await auth
    .call((token, env) =>
      recordsApi.list(env, token, kind, {
        start: new Date(nowMs - RECENT_DAYS * 86_400_000).toISOString(),
        end: new Date(nowMs + 86_400_000).toISOString(),
      }),
    )
    .catch(rethrowAsResponse);
  const locale = pickLocale(request.headers.get("Accept-Language"));
  const recent = page.items
    .slice(-RECENT_COUNT)
    .reverse()
    .map((r: RecordAnswer) => ({ id: r.id, text: describeRecord(kind, r, { timeZone: timezone, locale }, { withKind: false }) }));
  return data(
    {
      kind: kind.key,
      timezone,
      unit,
      nowLocal: isoToZonedLocal(nowMs, timezone),
      today: isoToZonedLocal(nowMs, timezone).slice(0, 10),
      recent,
      saved: url.searchParams.get("saved"),
    },
    { headers: await auth.headers() },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const auth = await requireAuth(request, context);
  const formData = await request.formData();
  validateCsrf(formData, auth.session);
  const kind = requireKind(formData.get("record_kind"));
  const values = Object.fromEntries(kind.fields.map((f) => [f.name, String(formData.get(f.name) ?? "")]));
  const parsed = parseRecordForm(kind, formData, auth.user.timezone, "create");
  if (!parsed.success) {
    return data({ kind: kind.key, values, fieldErrors: parsed.fieldErrors, formErrors: parsed.formErrors }, { status: 400 });
  }
  try {
    const created = await auth.call((token, env) => recordsApi.create(env, token, kind, parsed.data));
    const headers = await auth.headers();
    return redirect(`/log?kind=${kind.key}&saved=${encodeURIComponent(created.id)}`, { headers });
  } catch (err) {
    if (err instanceof ApiUnavailableError) {
      return data(
        { kind: kind.key, values, fieldErrors: {} as FieldErrors, formErrors: ["GlucoLens is temporarily unavailable. Your entry was not saved; try again in a minute."] },
        { status: 503 },
      );
    }
    if (err instanceof ApiError) {
      const { fieldErrors, formErrors } = apiErrorsForForm(err, kind);
      return data({ kind: kind.key, values, fieldErrors, formErrors }, { status: err.status });
    }
    throw err;
  }
}

export default function LogRoute() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const kind = recordKind(d.kind) ?? RECORD_KINDS[0]!;
  const submitting = navigation.state === "submitting" && navigation.formData?.get("record_kind") === kind.key;
  const switching = navigation.state === "loading" && navigation.location.pathname === "/log";
  const own = actionData && actionData.kind === kind.key ? actionData : undefined;
  const defaults: Record<string, string> = {};
  for (const f of kind.fields) {
    if (f.type === "datetime") defaults[f.name] = f.name === "start" || f.name === "end" ? "" : d.nowLocal;
    if (f.type === "date") defaults[f.name] = d.today;
    if (f.type === "select" && f.required) defaults[f.name] = f.options?.[0]?.value ?? "";
  }
  if (kind.key === "sleep" || kind.key === "activities") defaults.end = d.nowLocal;
  const values = own?.values ?? defaults;

  return (
    <div className="log">
      <h1>Log</h1>
      <p className="muted">
        Record what affects your glucose. Times are in your time zone, {d.timezone.replace(/_/g, " ")} (
        <Link to="/settings">change</Link>).
      </p>
      <nav aria-label="Record type" className="tabs">
        <ul>
          {RECORD_KINDS.map((k) => (
            <li key={k.key}>
              <Link to={`?kind=${k.key}`} aria-current={k.key === kind.key ? "page" : undefined} preventScrollReset>
                {k.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <div className="log__grid">
        <section className="card" aria-labelledby="log-form-heading">
          <h2 id="log-form-heading" className="card__title">
            New {kind.noun}
          </h2>
          {d.saved && !own ? (
            <p className="notice notice--success" role="status">
              <span aria-hidden="true">✓ </span>Saved. It is listed under “Recent” and in{" "}
              <Link to="/history">History</Link>.
            </p>
          ) : null}
          <Form method="post" className="form" noValidate key={`${kind.key}-${d.saved ?? ""}`}>
            <CsrfInput />
            <input type="hidden" name="record_kind" value={kind.key} />
            <FormErrors errors={own?.formErrors} />
            <RecordFields kind={kind} idPrefix={`log-${kind.key}`} values={values} errors={own?.fieldErrors} unit={d.unit} />
            <button type="submit" className="button button--primary" disabled={submitting}>
              {submitting ? "Saving…" : `Save ${kind.noun}`}
            </button>
          </Form>
        </section>

        <section className="card" aria-labelledby="recent-heading" aria-busy={switching || undefined}>
          <h2 id="recent-heading" className="card__title">
            Recent {kind.nounPlural}
          </h2>
          {d.recent.length === 0 ? (
            <p className="muted">
              Nothing logged in the last {RECENT_DAYS} days. Fill in the form to add your first{" "}
              {kind.noun}.
            </p>
          ) : (
            <ul className="recent-list">
              {d.recent.map((r) => (
                <li key={r.id} className={r.id === d.saved ? "recent-list__new" : undefined}>
                  {r.text}
                  {r.id === d.saved ? <span className="tag">New</span> : null}
                </li>
              ))}
            </ul>
          )}
          <p>
            <Link to={`/history?days=30#${kind.key}`}>Edit or delete in History</Link>
          </p>
        </section>
      </div>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
