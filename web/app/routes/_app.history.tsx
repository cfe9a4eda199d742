/**
 * /history — any date range (`?days=1|7|14|30|90` presets ending today, or `?from=&to=` days in
 * the user's zone, up to 400 days): the glucose trace from `GET /api/v1/glucose/series` with
 * zoom and pan, target band and record markers, or every day overlaid over 00:00–24:00
 * (`?view=overlay`); then a table per record kind with edit (`?edit=kind:id`, PATCH) and delete
 * (`?delete=kind:id` asks first, DELETE). Edit and delete are Remix actions with CSRF, so they
 * work without JavaScript.
 */
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { POINT_MARKER_STYLE, SPAN_MARKER_STYLE } from "#app/components/GlucoseChart.tsx";
import { HistoryOverlayChart, HistoryTraceChart } from "#app/components/HistoryChart.tsx";
import { FormErrors } from "#app/components/form-field.tsx";
import { RecordFields } from "#app/components/record-form.tsx";
import { uplotCssHref } from "#app/components/UPlotChart.tsx";
import { ApiError, ApiUnavailableError, rethrowAsResponse } from "#app/lib/api.server.ts";
import type { RecordAnswer } from "#app/lib/api-types.ts";
import {
  recordsToMarkers,
  type ActivityRecord,
  type InsulinRecord,
  type MealRecord,
  type SleepRecord,
} from "#app/lib/chart-data.ts";
import { validateCsrf } from "#app/lib/csrf.server.ts";
import type { FieldErrors } from "#app/lib/forms.server.ts";
import { seriesToColumns, seriesToDayOverlay, OVERLAY_COLORS } from "#app/lib/history-data.ts";
import {
  apiErrorsForForm,
  glucoseSeries,
  parseRecordForm,
  recordsApi,
  requireKind,
} from "#app/lib/records.server.ts";
import {
  describeRecord,
  formatCell,
  LIST_LIMIT,
  parseDateRange,
  RANGE_PRESETS,
  RECORD_KINDS,
  recordKind,
  recordToFormValues,
  type RecordKindSpec,
} from "#app/lib/records.ts";
import { requireAuth } from "#app/lib/session.server.ts";
import { pickLocale } from "#app/lib/time.ts";
import { formatGlucose, TARGET_HIGH_MGDL, TARGET_LOW_MGDL, type GlucoseUnit } from "#app/lib/units.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: uplotCssHref }];
export const meta: MetaFunction = () => [{ title: "History · GlucoLens" }];

/** Rows a table shows until "Show all" is chosen (`?all=<kind>`). */
const TABLE_ROWS = 20;

/** Overlay mode draws one line per day; beyond this it is a tangle. */
const MAX_OVERLAY_DAYS = 31;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const auth = await requireAuth(request, context);
  const url = new URL(request.url);
  const { timezone, unit } = auth.user;
  const locale = pickLocale(request.headers.get("Accept-Language"));
  const nowMs = Date.now();
  const range = parseDateRange(url.searchParams, timezone, nowMs);
  const window = { start: new Date(range.startMs).toISOString(), end: new Date(range.endMs).toISOString() };
  // Sleep and activities that began the evening before still belong to the first day.
  const spanWindow = { start: new Date(range.startMs - 86_400_000).toISOString(), end: window.end };
  const overlayWanted = url.searchParams.get("view") === "overlay";
  const overlay = overlayWanted && range.days <= MAX_OVERLAY_DAYS;

  const [series, ...lists] = await Promise.all([
    auth.call((token, env) => glucoseSeries(env, token, window)).catch(rethrowAsResponse),
    ...RECORD_KINDS.map((kind) =>
      auth
        .call((token, env) =>
          recordsApi.list(env, token, kind, kind.timeField === "start" ? spanWindow : window),
        )
        .then((page) => ({ items: page.items, more: Boolean(page.next_cursor), failed: false }))
        .catch((err: unknown) => {
          if (err instanceof Response) throw err;
          console.warn(`history: ${kind.key} unavailable:`, err instanceof Error ? err.message : err);
          return { items: [] as RecordAnswer[], more: false, failed: true };
        }),
    ),
  ]);
  const byKind = Object.fromEntries(RECORD_KINDS.map((k, i) => [k.key, lists[i]!])) as Record<
    string,
    { items: RecordAnswer[]; more: boolean; failed: boolean }
  >;

  const startSec = Math.floor(range.startMs / 1000);
  const endSec = Math.ceil(range.endMs / 1000);
  const markers = recordsToMarkers(
    {
      meals: byKind.meals!.items as unknown as MealRecord[],
      insulin: byKind.insulin!.items as unknown as InsulinRecord[],
      activities: byKind.activities!.items.map((a) => ({ ...a, intensity: a.intensity as string | null })) as unknown as ActivityRecord[],
      sleep: byKind.sleep!.items as unknown as SleepRecord[],
    },
    startSec,
    endSec,
  );

  const ctx = { timeZone: timezone, locale };
  const showAll = new Set(url.searchParams.getAll("all"));
  const tables = RECORD_KINDS.map((kind) => {
    const list = byKind[kind.key]!;
    const columns = kind.fields.filter((f) => !f.hideInTable);
    const newestFirst = list.items.slice().reverse();
    return {
      key: kind.key,
      more: list.more,
      failed: list.failed,
      total: newestFirst.length,
      rows: (showAll.has(kind.key) ? newestFirst : newestFirst.slice(0, TABLE_ROWS))
        .map((r) => ({
          id: r.id,
          cells: columns.map((f) => formatCell(f, r[f.name], ctx)),
          description: describeRecord(kind, r, ctx),
          values: recordToFormValues(kind, r, timezone),
        })),
    };
  });

  let mean = 0;
  let inRange = 0;
  for (const v of series.v) {
    mean += v;
    if (v >= TARGET_LOW_MGDL && v <= TARGET_HIGH_MGDL) inRange++;
  }
  const count = series.v.length;

  return data(
    {
      range,
      unit,
      timezone,
      locale,
      startSec,
      endSec,
      view: overlay ? ("overlay" as const) : ("trace" as const),
      overlayRefused: overlayWanted && !overlay,
      columns: overlay ? null : seriesToColumns(series, unit),
      overlay: overlay ? seriesToDayOverlay(series, unit, timezone) : null,
      markers,
      summary: {
        count,
        meanMgdl: count ? mean / count : null,
        inRangePct: count ? Math.round((inRange / count) * 100) : null,
      },
      tables,
      edit: url.searchParams.get("edit"),
      confirmDelete: url.searchParams.get("delete"),
      done: url.searchParams.get("done"),
    },
    { headers: await auth.headers() },
  );
}

/** The current URL's search without the one-off parameters (edit, delete, done). */
function cleanSearch(search: URLSearchParams): string {
  const out = new URLSearchParams(search);
  for (const k of ["edit", "delete", "done"]) out.delete(k);
  const s = out.toString();
  return s ? `?${s}` : "";
}

function withParam(search: string, key: string, value: string): string {
  const out = new URLSearchParams(search);
  for (const k of ["edit", "delete", "done"]) out.delete(k);
  out.set(key, value);
  return `?${out.toString()}`;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const auth = await requireAuth(request, context);
  const formData = await request.formData();
  validateCsrf(formData, auth.session);
  const kind = requireKind(formData.get("record_kind"));
  const id = String(formData.get("id") ?? "");
  if (!/^[\w-]{1,40}$/.test(id)) throw new Response("Unknown record.", { status: 400 });
  const intent = formData.get("intent");
  const url = new URL(request.url);
  const back = (done: string) => `/history${withParam(cleanSearch(url.searchParams), "done", done)}#${kind.key}`;

  if (intent === "delete") {
    try {
      await auth.call((token, env) => recordsApi.remove(env, token, kind, id));
    } catch (err) {
      // Already gone (another tab): the result the person wanted.
      if (!(err instanceof ApiError && err.status === 404)) {
        if (err instanceof ApiError) {
          return data(
            { id, fieldErrors: {} as FieldErrors, formErrors: [err instanceof ApiUnavailableError ? "GlucoLens is temporarily unavailable. Nothing was deleted; try again in a minute." : err.message] },
            { status: err instanceof ApiUnavailableError ? 503 : err.status },
          );
        }
        throw err;
      }
    }
    return redirect(back(`deleted-${kind.key}`), { headers: await auth.headers() });
  }

  if (intent === "update") {
    const parsed = parseRecordForm(kind, formData, auth.user.timezone, "update");
    if (!parsed.success) {
      return data({ id, fieldErrors: parsed.fieldErrors, formErrors: parsed.formErrors }, { status: 400 });
    }
    try {
      await auth.call((token, env) => recordsApi.update(env, token, kind, id, parsed.data));
    } catch (err) {
      if (err instanceof ApiUnavailableError) {
        return data(
          { id, fieldErrors: {} as FieldErrors, formErrors: ["GlucoLens is temporarily unavailable. Your change was not saved; try again in a minute."] },
          { status: 503 },
        );
      }
      if (err instanceof ApiError) {
        const { fieldErrors, formErrors } = apiErrorsForForm(err, kind);
        return data({ id, fieldErrors, formErrors }, { status: err.status });
      }
      throw err;
    }
    return redirect(back(`updated-${kind.key}`), { headers: await auth.headers() });
  }
  throw new Response("Unknown action.", { status: 400 });
}

export default function HistoryRoute() {
  const d = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const location = useLocation();
  const loading = navigation.state === "loading" && navigation.location.pathname === "/history";
  const search = location.search;
  const rangeLabel = d.range.preset ? `${d.range.preset === 1 ? "Today" : `Last ${d.range.preset} days`}` : `${d.range.from} to ${d.range.to}`;
  const viewParam = d.view === "overlay" ? "&view=overlay" : "";
  const summary =
    d.summary.count > 0 && d.summary.meanMgdl !== null
      ? `${d.summary.count.toLocaleString("en-US")} readings, mean ${formatGlucose(d.summary.meanMgdl, d.unit)} ${d.unit}, ${d.summary.inRangePct}% in range (${formatGlucose(TARGET_LOW_MGDL, d.unit)}–${formatGlucose(TARGET_HIGH_MGDL, d.unit)} ${d.unit}).`
      : "No readings in this range.";
  const doneText = doneMessage(d.done);

  return (
    <div className="history" aria-busy={loading || undefined}>
      <div className="dashboard__head">
        <h1>History</h1>
        <nav aria-label="Date range presets" className="segmented">
          <ul>
            {RANGE_PRESETS.map((n) => (
              <li key={n}>
                <Link
                  to={`?days=${n}${viewParam}`}
                  aria-current={d.range.preset === n ? "page" : undefined}
                  aria-label={n === 1 ? "Today" : `Last ${n} days`}
                  preventScrollReset
                >
                  {n === 1 ? "1d" : `${n}d`}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </div>

      <Form method="get" className="range-form" key={`${d.range.from}-${d.range.to}`}>
        <div className="field">
          <label htmlFor="history-from">From</label>
          <input id="history-from" type="date" name="from" defaultValue={d.range.from} max={d.range.to} />
        </div>
        <div className="field">
          <label htmlFor="history-to">To</label>
          <input id="history-to" type="date" name="to" defaultValue={d.range.to} />
        </div>
        {d.view === "overlay" ? <input type="hidden" name="view" value="overlay" /> : null}
        <button type="submit" className="button button--secondary">
          Show range
        </button>
      </Form>
      {d.range.adjusted ? (
        <p className="notice notice--warning" role="status">
          <span aria-hidden="true">⚠ </span>
          {d.range.adjusted}
        </p>
      ) : null}
      {doneText ? (
        <p className="notice notice--success" role="status">
          <span aria-hidden="true">✓ </span>
          {doneText}
        </p>
      ) : null}

      <section className="card" aria-labelledby="history-chart-heading">
        <div className="card__head">
          <h2 id="history-chart-heading" className="card__title">
            {rangeLabel}
            {loading ? <span className="muted"> · loading…</span> : null}
          </h2>
          <nav aria-label="Chart view" className="segmented segmented--small">
            <ul>
              <li>
                <Link to={withParamKeep(search, "view", null)} aria-current={d.view === "trace" ? "page" : undefined} preventScrollReset>
                  Timeline
                </Link>
              </li>
              <li>
                <Link to={withParamKeep(search, "view", "overlay")} aria-current={d.view === "overlay" ? "page" : undefined} preventScrollReset>
                  Overlay days
                </Link>
              </li>
            </ul>
          </nav>
        </div>
        {d.overlayRefused ? (
          <p className="notice notice--warning" role="status">
            Overlaying works for up to {MAX_OVERLAY_DAYS} days; this range has {d.range.days}. Choose a shorter range to
            compare days.
          </p>
        ) : null}
        {d.summary.count === 0 ? (
          <div className="empty">
            <p>
              <strong>No glucose readings between {d.range.from} and {d.range.to}.</strong>
            </p>
            <p className="muted">
              Pick a longer range above, or <Link to="/upload">upload a CGM export</Link> to fill in the past.
            </p>
          </div>
        ) : d.view === "overlay" && d.overlay ? (
          <figure className="chart-figure">
            <HistoryOverlayChart
              overlay={d.overlay}
              unit={d.unit}
              ariaLabel={`Each of ${d.overlay.days.length} days drawn over 00:00 to 24:00. ${summary}`}
            />
            <figcaption>
              <p className="chart-summary">
                {d.overlay.days.length} days, one line each; the newest is the thickest line (
                <span style={{ color: OVERLAY_COLORS[0] }}>blue</span>). Drag across the chart to zoom into hours;
                double-click to zoom out. {summary}
              </p>
            </figcaption>
          </figure>
        ) : d.columns ? (
          <figure className="chart-figure">
            <HistoryTraceChart
              columns={d.columns}
              markers={d.markers}
              unit={d.unit}
              timezone={d.timezone}
              locale={d.locale}
              startSec={d.startSec}
              endSec={d.endSec}
              ariaLabel={`Glucose from ${d.range.from} to ${d.range.to}. ${summary}`}
            />
            <figcaption>
              <HistoryKey unit={d.unit} />
              <p className="chart-summary">
                {summary} Drag across the chart to zoom in; use the buttons to move or show the whole range again.
                {d.range.days > 3 ? " Meal and insulin marks appear at 3 days or less, activity and sleep at 14 days or less." : ""}
              </p>
            </figcaption>
          </figure>
        ) : null}
      </section>

      <h2 className="section-title">Records</h2>
      <nav aria-label="Record tables" className="jump-links">
        <ul>
          {RECORD_KINDS.map((k, i) => (
            <li key={k.key}>
              <a href={`#${k.key}`}>
                {k.plural} ({d.tables[i]!.total})
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {RECORD_KINDS.map((kind, i) => (
        <RecordTable key={kind.key} kind={kind} table={d.tables[i]!} edit={d.edit} confirmDelete={d.confirmDelete} search={search} unit={d.unit} />
      ))}
    </div>
  );
}

function withParamKeep(search: string, key: string, value: string | null): string {
  const out = new URLSearchParams(search);
  for (const k of ["edit", "delete", "done"]) out.delete(k);
  if (value === null) out.delete(key);
  else out.set(key, value);
  const s = out.toString();
  return s ? `?${s}` : "?";
}

function doneMessage(done: string | null): string | null {
  const m = /^(updated|deleted)-(.+)$/.exec(done ?? "");
  const kind = m ? recordKind(m[2]) : undefined;
  if (!m || !kind) return null;
  return m[1] === "updated" ? `${kind.label} updated.` : `${kind.label} deleted.`;
}

type TableData = ReturnType<typeof useLoaderData<typeof loader>>["tables"][number];

function RecordTable({
  kind,
  table,
  edit,
  confirmDelete,
  search,
  unit,
}: {
  kind: RecordKindSpec;
  table: TableData;
  edit: string | null;
  confirmDelete: string | null;
  search: string;
  unit: GlucoseUnit;
}) {
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("record_kind") === kind.key;
  const columns = kind.fields.filter((f) => !f.hideInTable);
  const headingId = `${kind.key}-heading`;
  const cancel = `${cleanSearch(new URLSearchParams(search)) || "?"}#${kind.key}`;

  return (
    <section className="card record-table" id={kind.key} aria-labelledby={headingId}>
      <div className="card__head">
        <h3 id={headingId} className="card__title">
          {kind.plural}
        </h3>
        <Link to={`/log?kind=${kind.key}`} className="button button--secondary button--small">
          Add {kind.noun}
        </Link>
      </div>
      {table.failed ? (
        <p className="notice notice--warning" role="status">
          <span aria-hidden="true">⚠ </span>These records couldn't be loaded. Reload the page to try again.
        </p>
      ) : table.rows.length === 0 ? (
        <p className="muted">
          No {kind.nounPlural} in this range. <Link to={`/log?kind=${kind.key}`}>Log one</Link> or choose a
          longer range.
        </p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-labelledby={headingId}>
          <table>
            <thead>
              <tr>
                {columns.map((f) => (
                  <th key={f.name} scope="col">
                    {f.label}
                  </th>
                ))}
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row) => {
                const ref = `${kind.key}:${row.id}`;
                const errors = actionData && "id" in actionData && actionData.id === row.id ? actionData : undefined;
                if (edit === ref) {
                  return (
                    <tr key={row.id} className="record-table__edit">
                      <td colSpan={columns.length + 1}>
                        <Form method="post" className="form form--inline" noValidate preventScrollReset>
                          <CsrfInput />
                          <input type="hidden" name="record_kind" value={kind.key} />
                          <input type="hidden" name="id" value={row.id} />
                          <p className="record-table__what">Editing: {row.description}</p>
                          <FormErrors errors={errors?.formErrors} />
                          <RecordFields
                            kind={kind}
                            idPrefix={`edit-${kind.key}-${row.id}`}
                            values={row.values}
                            errors={errors?.fieldErrors}
                            unit={unit}
                          />
                          <div className="button-row">
                            <button type="submit" name="intent" value="update" className="button button--primary" disabled={busy}>
                              {busy ? "Saving…" : "Save changes"}
                            </button>
                            <Link to={cancel} className="button button--ghost" preventScrollReset>
                              Cancel
                            </Link>
                          </div>
                        </Form>
                      </td>
                    </tr>
                  );
                }
                if (confirmDelete === ref) {
                  return (
                    <tr key={row.id} className="record-table__confirm">
                      <td colSpan={columns.length + 1}>
                        <Form method="post" className="confirm" preventScrollReset>
                          <CsrfInput />
                          <input type="hidden" name="record_kind" value={kind.key} />
                          <input type="hidden" name="id" value={row.id} />
                          <p id={`confirm-${row.id}`}>
                            <strong>Delete this {kind.noun}?</strong> {row.description}. This can't be undone.
                          </p>
                          <FormErrors errors={errors?.formErrors} />
                          <div className="button-row">
                            <button
                              type="submit"
                              name="intent"
                              value="delete"
                              className="button button--danger"
                              aria-describedby={`confirm-${row.id}`}
                              disabled={busy}
                              // The confirmation is this row; focus its button so keyboard users land here.
                              autoFocus
                            >
                              {busy ? "Deleting…" : "Delete"}
                            </button>
                            <Link to={cancel} className="button button--ghost" preventScrollReset>
                              Keep it
                            </Link>
                          </div>
                        </Form>
                      </td>
                    </tr>
                  );
                }
                return (
                  <tr key={row.id}>
                    {row.cells.map((c, i) => (
                      <td key={columns[i]!.name} data-label={columns[i]!.label}>
                        {c}
                      </td>
                    ))}
                    <td className="record-table__actions">
                      <Link to={`${withParam(search, "edit", ref)}#${kind.key}`} preventScrollReset aria-label={`Edit ${row.description}`}>
                        Edit
                      </Link>
                      <Link
                        to={`${withParam(search, "delete", ref)}#${kind.key}`}
                        preventScrollReset
                        className="link--danger"
                        aria-label={`Delete ${row.description}`}
                      >
                        Delete
                      </Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {table.total > table.rows.length ? (
        <p>
          <Link to={`${withParamKeep(search, "all", kind.key)}#${kind.key}`} preventScrollReset>
            Show all {table.total} {kind.nounPlural}
          </Link>{" "}
          <span className="muted">(showing the newest {table.rows.length})</span>
        </p>
      ) : null}
      {table.more ? (
        <p className="muted">Showing the first {LIST_LIMIT.toLocaleString("en-US")}; choose a shorter range to see the rest.</p>
      ) : null}
    </section>
  );
}

function HistoryKey({ unit }: { unit: GlucoseUnit }) {
  return (
    <ul className="chart-key" aria-label="Chart key">
      <li>
        <span className="swatch swatch--band" aria-hidden="true" /> Target {formatGlucose(TARGET_LOW_MGDL, unit)}–
        {formatGlucose(TARGET_HIGH_MGDL, unit)} {unit}
      </li>
      {(["meal", "insulin"] as const).map((k) => (
        <li key={k}>
          <span className="glyph" style={{ color: POINT_MARKER_STYLE[k].color }} aria-hidden="true">
            {POINT_MARKER_STYLE[k].glyph}
          </span>{" "}
          {POINT_MARKER_STYLE[k].name}
        </li>
      ))}
      {(["activity", "sleep"] as const).map((k) => (
        <li key={k}>
          <span className={`swatch swatch--${k}`} aria-hidden="true" /> {SPAN_MARKER_STYLE[k].name}
        </li>
      ))}
    </ul>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
