/**
 * /insights — what the latest analysis found, in sentences with their strength and evidence:
 * correlations (lags 0–7 days), likely causes (PCMCI, or lagged correlations when the data are
 * too short, with the API's reason) drawn as a graph, IF-THEN rules, recurring shapes and
 * anomalies (each with a detail page) and similar days, and day clusters once the API has them.
 * "Analyse my data" starts a job (POST → redirect to `?job=<id>`); JobProgress polls it and
 * reloads the results when it is done.
 */
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CausalGraph } from "#app/components/CausalGraph.tsx";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { JobProgress } from "#app/components/JobProgress.tsx";
import { ApiError, ApiUnavailableError, insightsApi, rethrowAsResponse } from "#app/lib/api.server.ts";
import { validateCsrf } from "#app/lib/csrf.server.ts";
import { EVIDENCE_LABEL, evidenceOf, isJobActive, patternId, strengthPercent, strengthWord, type Evidence } from "#app/lib/insights-data.ts";
import { formatP } from "#app/lib/insights-graph.ts";
import { requireAuth } from "#app/lib/session.server.ts";

export const meta: MetaFunction = () => [{ title: "Insights · GlucoLens" }];

/** Days below which the page says results are tentative (the API's PCMCI threshold). */
const SHORT_DATA_DAYS = 30;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const auth = await requireAuth(request, context);
  const jobId = new URL(request.url).searchParams.get("job");
  const [correlations, causal, patterns, rules, clusters, job] = await Promise.all([
    auth.call((token, env) => insightsApi.correlations(env, token)),
    auth.call((token, env) => insightsApi.causal(env, token)),
    auth.call((token, env) => insightsApi.patterns(env, token)),
    auth.call((token, env) => insightsApi.rules(env, token)),
    auth.call((token, env) => insightsApi.dayClusters(env, token)),
    jobId && /^[A-Za-z0-9_.:-]{1,100}$/.test(jobId)
      ? auth.call((token, env) => insightsApi.job(env, token, jobId)).catch((err: unknown) => {
          if (err instanceof ApiError && err.status === 404) return null;
          throw err;
        })
      : Promise.resolve(null),
  ]).catch(rethrowAsResponse);
  return data(
    { unit: auth.user.unit, correlations, causal, patterns, rules, clusters: clusters?.clusters.length ? clusters : null, job, jobMissing: jobId !== null && job === null },
    { headers: await auth.headers() },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const auth = await requireAuth(request, context);
  validateCsrf(await request.formData(), auth.session);
  try {
    const started = await auth.call((token, env) => insightsApi.trigger(env, token));
    return redirect(`/insights?job=${encodeURIComponent(started.job_id)}`, { headers: await auth.headers() });
  } catch (err) {
    if (err instanceof ApiUnavailableError) return data({ error: "GlucoLens is temporarily unavailable, so no analysis was started. Try again in a minute." }, { status: 503 });
    if (err instanceof ApiError) return data({ error: err.message }, { status: err.status });
    throw err;
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

const EVIDENCE_DOTS: Record<Evidence, string> = { strong: "●●●", moderate: "●●○", weak: "●○○", none: "○○○" };

function EvidenceBadge({ evidence }: { evidence: Evidence }) {
  return (
    <span className={`evidence evidence--${evidence}`}>
      <span aria-hidden="true">{EVIDENCE_DOTS[evidence]} </span>
      {EVIDENCE_LABEL[evidence]}
    </span>
  );
}

function StrengthMeter({ value, label }: { value: number; label: string }) {
  return (
    <span className="strength">
      <span className="strength__bar" aria-hidden="true">
        <span style={{ width: `${strengthPercent(value)}%` }} />
      </span>
      <span>{label}</span>
    </span>
  );
}

function Notes({ notes }: { notes: readonly string[] }) {
  if (!notes.length) return null;
  return (
    <ul className="notes">
      {notes.map((n) => (
        <li key={n}>
          <span aria-hidden="true">ℹ </span>
          {n}
        </li>
      ))}
    </ul>
  );
}

const dateOnly = (iso: string) => iso.slice(0, 10);

function Source({ job }: { job: LoaderData["correlations"]["job"] }) {
  if (!job) return null;
  return (
    <p className="muted source-line">
      From the analysis of {job.period.days} days ({dateOnly(job.period.start)} to {dateOnly(job.period.end)}), finished {job.finished_at.slice(0, 16).replace("T", " ")} UTC.
    </p>
  );
}

function Correlations({ c }: { c: LoaderData["correlations"] }) {
  const significant = c.items.filter((i) => i.significant);
  const others = c.items.filter((i) => !i.significant);
  return (
    <section className="card" aria-labelledby="corr-heading">
      <h2 id="corr-heading">How your habits go with your glucose</h2>
      {c.job && c.n_days < SHORT_DATA_DAYS ? (
        <p className="notice notice--warning">
          <span aria-hidden="true">⚠ </span>Based on {c.n_days} days only: with under {SHORT_DATA_DAYS} days, links are tentative and may change as more days arrive.
        </p>
      ) : null}
      <Notes notes={c.notes} />
      {c.job && !significant.length ? <p>No clear link yet between your recorded habits and your glucose. Keep logging sleep, meals and activity; links show up here once the data support them.</p> : null}
      {significant.length ? (
        <ul className="insight-list">
          {significant.map((i) => (
            <li key={`${i.factor}-${i.target}-${i.lag_days}`} className="insight">
              <p className="insight__sentence">{i.sentence}</p>
              <p className="insight__meta">
                <EvidenceBadge evidence={evidenceOf({ q: i.q, p: i.p, n: i.n, significant: i.significant })} />
                <StrengthMeter value={i.r} label={`${strengthWord(i.r)} link (r = ${i.r.toFixed(2)})`} />
                <span>
                  {i.n} days · q = {Number(i.q.toPrecision(2))}
                </span>
              </p>
            </li>
          ))}
        </ul>
      ) : null}
      {others.length ? (
        <details>
          <summary>Tested without a clear link ({others.length})</summary>
          <ul className="plain-list">
            {others.slice(0, 40).map((i) => (
              <li key={`${i.factor}-${i.target}-${i.lag_days}`}>{i.sentence}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

function Causal({ c }: { c: LoaderData["causal"] }) {
  return (
    <section className="card" aria-labelledby="causal-heading">
      <h2 id="causal-heading">Likely causes</h2>
      {c.job ? (
        <p className="muted">
          {c.method === "pcmci"
            ? "Found with PCMCI, which tests each link after accounting for your other habits and the previous days' glucose. Still an observation of your data, not an experiment."
            : "Found with lagged correlations: these say what tends to follow what, not what causes it."}
        </p>
      ) : null}
      {c.reason ? (
        <p className="notice notice--warning">
          <span aria-hidden="true">⚠ </span>Why not a causal test: {c.reason}.
        </p>
      ) : null}
      <Notes notes={c.notes.filter((n) => !c.reason || !n.startsWith(c.reason))} />
      {c.graph.edges.length ? <CausalGraph graph={c.graph} title="Links between your habits and your glucose, with lag in days and strength" /> : null}
      {c.links.length ? (
        <ul className="insight-list">
          {c.links.map((l) => (
            <li key={`${l.source}-${l.target}-${l.lag_days}`} className="insight">
              <p className="insight__sentence">{l.sentence}</p>
              <p className="insight__meta">
                <EvidenceBadge evidence={evidenceOf({ p: l.p })} />
                <StrengthMeter value={l.strength} label={`${strengthWord(l.strength)} (${l.strength >= 0 ? "+" : "−"}${Math.abs(l.strength).toFixed(2)}, ${formatP(l.p)})`} />
              </p>
            </li>
          ))}
        </ul>
      ) : c.job ? (
        <p>No link from a habit to your glucose passed the test.</p>
      ) : null}
    </section>
  );
}

function Rules({ r }: { r: LoaderData["rules"] }) {
  return (
    <section className="card" aria-labelledby="rules-heading">
      <h2 id="rules-heading">IF-THEN rules from your days</h2>
      <Notes notes={r.notes} />
      {r.items.length ? (
        <ul className="insight-list">
          {r.items.map((i) => (
            <li key={`${i.if.join("+")}=>${i.then.join("+")}`} className="insight">
              <p className="insight__rule">
                <strong>IF</strong> {i.if.join(" and ")} <strong>THEN</strong> {i.then.join(" and ")}
              </p>
              <p className="insight__sentence">{i.sentence}</p>
              <p className="insight__meta">
                <span>
                  {Math.round(i.confidence * 100)} % of {i.antecedent_days} days · {i.lift.toFixed(1)}× as often as usual
                </span>
                {i.antecedent_days < 10 ? <EvidenceBadge evidence="weak" /> : null}
              </p>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function Patterns({ p }: { p: LoaderData["patterns"] }) {
  return (
    <section className="card" aria-labelledby="patterns-heading">
      <h2 id="patterns-heading">Recurring shapes and unusual stretches</h2>
      <Notes notes={p.notes} />
      {p.motifs.length ? (
        <>
          <h3>Recurring {p.window_minutes / 60}-hour shapes</h3>
          <ul className="insight-list">
            {p.motifs.map((m, i) => (
              <li key={patternId("motif", i)} className="insight">
                <p className="insight__sentence">{m.sentence}</p>
                <p className="insight__meta">
                  <Link to={`/insights/patterns/${patternId("motif", i)}`}>
                    See the {m.occurrences.length} times overlaid<span className="visually-hidden"> (shape {i + 1})</span>
                  </Link>
                </p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {p.anomalies.length ? (
        <>
          <h3>Unusual stretches</h3>
          <ul className="insight-list">
            {p.anomalies.map((a, i) => (
              <li key={patternId("anomaly", i)} className="insight">
                <p className="insight__sentence">{a.sentence}</p>
                <p className="insight__meta">
                  <Link to={`/insights/patterns/${patternId("anomaly", i)}`}>
                    See it in context<span className="visually-hidden"> ({a.local_time})</span>
                  </Link>
                </p>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {p.similar_days.length ? (
        <>
          <h3>Days alike in shape</h3>
          <ul className="plain-list">
            {p.similar_days.map((d) => (
              <li key={d.date}>
                {d.sentence}{" "}
                <Link to={`/history?from=${d.date}&to=${d.date}`}>
                  Open {d.date}
                  <span className="visually-hidden"> in History</span>
                </Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {p.job && !p.motifs.length && !p.anomalies.length && !p.similar_days.length && !p.notes.length ? <p>No recurring shapes found in this period.</p> : null}
    </section>
  );
}

function DayClusters({ d, unit }: { d: NonNullable<LoaderData["clusters"]>; unit: string }) {
  return (
    <section className="card" aria-labelledby="clusters-heading">
      <h2 id="clusters-heading">Kinds of days</h2>
      <p className="muted">
        Your days grouped by the shape of their glucose{d.k ? ` into ${d.k} kinds` : ""}
        {d.criterion ? ` (${d.criterion})` : ""}. Differences marked “significant” held up in a test; the others may be chance.
      </p>
      <ul className="insight-list">
        {d.clusters.map((c) => (
          <li key={c.id} className="insight">
            <h3 className="insight__title">
              {c.name} <span className="muted">· {c.days} days</span>
            </h3>
            {c.description ? <p className="insight__sentence">{c.description}</p> : null}
            {c.representative_dates.length ? <p className="muted">For example {c.representative_dates.slice(0, 3).join(", ")}.</p> : null}
            {c.features.length ? (
              <div className="table-scroll">
                <table className="data-table">
                  <caption className="visually-hidden">How {c.name} days differ from the others</caption>
                  <thead>
                    <tr>
                      <th scope="col">Feature</th>
                      <th scope="col" className="num">
                        These days
                      </th>
                      <th scope="col" className="num">
                        Other days
                      </th>
                      <th scope="col">Difference</th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.features.map((f) => (
                      <tr key={f.name}>
                        <th scope="row">{f.name.replaceAll("_", " ")}</th>
                        <td className="num">{f.cluster_mean === null ? "–" : Number(f.cluster_mean.toPrecision(3))}</td>
                        <td className="num">{f.other_mean === null ? "–" : Number(f.other_mean.toPrecision(3))}</td>
                        <td>{f.significant ? `significant (${formatP(f.p_value)})` : "may be chance"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      <p className="muted">Glucose values in {unit}.</p>
    </section>
  );
}

export default function InsightsRoute() {
  const d = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const starting = navigation.state === "submitting" && navigation.formMethod?.toLowerCase() === "post";
  const hasAnalysis = [d.correlations.job, d.causal.job, d.patterns.job, d.rules.job].some((j) => j !== null);
  const active = isJobActive(d.job);
  return (
    <div className="insights">
      <div className="insights__head">
        <div>
          <h1>Insights</h1>
          <Source job={d.correlations.job ?? d.causal.job ?? d.patterns.job} />
        </div>
        <Form method="post" className="insights__analyse">
          <CsrfInput />
          <button type="submit" className="button button--primary" disabled={starting || active}>
            {starting ? "Starting…" : active ? "Analysing…" : "Analyse my data"}
          </button>
        </Form>
      </div>
      {actionData?.error ? (
        <p className="form-errors" role="alert">
          {actionData.error}
        </p>
      ) : null}
      {d.jobMissing ? <p className="notice notice--warning">That analysis was not found. Press “Analyse my data” to start a new one.</p> : null}
      {d.job ? <JobProgress initial={d.job} /> : null}
      {!hasAnalysis ? (
        <section className="card card--center empty" aria-labelledby="empty-heading">
          <h2 id="empty-heading">No analysis yet</h2>
          <p>Upload at least 14 days, then press Analyse. The more sleep, meals and activity you log, the more GlucoLens can relate to your glucose.</p>
          <p>
            <Link to="/upload" className="button button--secondary">
              Upload data
            </Link>{" "}
            <Link to="/log" className="button button--ghost">
              Log a record
            </Link>
          </p>
        </section>
      ) : (
        <>
          <Correlations c={d.correlations} />
          <Causal c={d.causal} />
          <Rules r={d.rules} />
          <Patterns p={d.patterns} />
        </>
      )}
      {d.clusters ? <DayClusters d={d.clusters} unit={d.unit} /> : null}
    </div>
  );
}

export function ErrorBoundary() {
  return (
    <GeneralErrorBoundary
      statusHandlers={{
        503: () => (
          <>
            <h1>Insights are temporarily unavailable</h1>
            <p>We couldn't reach the analysis service. Your data and earlier results are safe; try again in a minute.</p>
          </>
        ),
      }}
      unexpectedErrorHandler={() => (
        <>
          <h1>The insights page failed</h1>
          <p>Reload the page. If an analysis was running it continues on the server; its results appear here when it is done.</p>
        </>
      )}
    />
  );
}
