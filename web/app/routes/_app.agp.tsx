/**
 * /agp — the Ambulatory Glucose Profile report for the last 7/14/30/90 complete local days
 * (`?days=`, default 14): percentile bands by time of day (`GET /api/v1/insights/agp`), the
 * consensus metrics table (`GET /api/v1/insights/dashboard?period_days=`), and one small trace
 * per day (`GET /api/v1/glucose/series`), time in tight range and the GRI grid (from the AGP
 * answer's metrics). Printable: A4 landscape without the navigation; "Download PDF" fetches the
 * clinician report (`/agp.pdf`, two A4 pages).
 */
import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { AGP_PLOT, AgpChart, DAY_PLOT, DailyTraces } from "#app/components/AgpChart.tsx";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { agpPaths, dailyTraces } from "#app/lib/agp-data.ts";
import { agpSchema, apiRequest, insightsDashboardSchema, rethrowAsResponse } from "#app/lib/api.server.ts";
import { agpMetricRows, tirSegments, type ConsensusMetrics } from "#app/lib/metrics.ts";
import { addDays, zonedDate, zonedMidnight } from "#app/lib/records.ts";
import { glucoseSeries } from "#app/lib/records.server.ts";
import { requireAuth } from "#app/lib/session.server.ts";
import { pickLocale } from "#app/lib/time.ts";
import { convertGlucoseExact, TARGET_HIGH_MGDL, TARGET_LOW_MGDL } from "#app/lib/units.ts";
import { TimeInRangeBar } from "#app/components/TimeInRangeBar.tsx";
import { GriChart, TightRange } from "#app/components/GriChart.tsx";

export const meta: MetaFunction = () => [{ title: "AGP report · GlucoLens" }];

const AGP_DAYS = [7, 14, 30, 90] as const;
const DEFAULT_DAYS = 14;

function parseDays(value: string | null): number {
  const n = Number(value);
  return (AGP_DAYS as readonly number[]).includes(n) ? n : DEFAULT_DAYS;
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const auth = await requireAuth(request, context);
  const days = parseDays(new URL(request.url).searchParams.get("days"));
  const { unit, timezone } = auth.user;
  const locale = pickLocale(request.headers.get("Accept-Language"));
  // The same complete local days the API's AGP uses: yesterday back `days` days.
  const today = zonedDate(Date.now(), timezone);
  const firstDate = addDays(today, -days);
  const window = { start: new Date(zonedMidnight(firstDate, timezone)).toISOString(), end: new Date(zonedMidnight(today, timezone)).toISOString() };

  const [agp, summary, series] = await Promise.all([
    auth.call((token, env) => apiRequest(env, "/api/v1/insights/agp", { token, query: { days }, schema: agpSchema })).catch(rethrowAsResponse),
    auth
      .call((token, env) => apiRequest(env, "/api/v1/insights/dashboard", { token, query: { period_days: days }, schema: insightsDashboardSchema }))
      .catch(rethrowAsResponse),
    auth.call((token, env) => glucoseSeries(env, token, window)).catch(rethrowAsResponse),
  ]);

  // The AGP answer's own metrics are of exactly the report's days; the dashboard's are a fallback.
  const metrics = (agp.metrics ?? summary.current.metrics) as ConsensusMetrics | null;
  const dayFrame = { ...DAY_PLOT, yMin: convertGlucoseExact(40, unit), yMax: convertGlucoseExact(300, unit) };
  const dayY = (mg: number) => Math.round((DAY_PLOT.height - ((convertGlucoseExact(mg, unit) - dayFrame.yMin) / (dayFrame.yMax - dayFrame.yMin)) * DAY_PLOT.height) * 10) / 10;
  const fmt = new Intl.DateTimeFormat(locale, { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" });
  const range = new Intl.DateTimeFormat(locale, { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });
  const traces = dailyTraces(series, firstDate, days, timezone, unit, dayFrame);

  return data(
    {
      days,
      unit,
      timezone,
      period: `${range.format(new Date(`${firstDate}T12:00:00Z`))} – ${range.format(new Date(`${addDays(today, -1)}T12:00:00Z`))}`,
      readings: agp.readings,
      paths: agpPaths(agp, unit, AGP_PLOT),
      rows: metrics ? agpMetricRows(metrics, unit, days, agp.readings, traces.filter((t) => t.readings > 0).length) : null,
      segments: metrics ? tirSegments(metrics, unit) : null,
      metrics,
      // The clinician PDF comes in the consensus periods: 14, 30 or 90 days.
      pdfDays: [14, 30, 90].includes(days) ? days : 14,
      traces: traces.map((t) => ({ ...t, label: fmt.format(new Date(`${t.date}T12:00:00Z`)) })),
      dayTarget: [dayY(TARGET_HIGH_MGDL), dayY(TARGET_LOW_MGDL)] as [number, number],
    },
    { headers: await auth.headers() },
  );
}

export default function AgpReport() {
  const d = useLoaderData<typeof loader>();
  const labels = new Map(d.traces.map((t) => [t.date, t.label]));
  return (
    <div className="agp">
      <div className="agp__head">
        <div>
          <h1>AGP report</h1>
          <p className="muted">
            {d.period} · {d.days} days · {d.readings} readings · {d.unit} · {d.timezone.replace(/_/g, " ")}
          </p>
        </div>
        <div className="agp__tools no-print">
          <nav aria-label="Report period" className="segmented">
            <ul>
              {[7, 14, 30, 90].map((n) => (
                <li key={n}>
                  <Link to={`?days=${n}`} aria-current={n === d.days ? "page" : undefined} aria-label={`${n} days`} preventScrollReset>
                    {n}d
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <button type="button" className="button button--secondary button--small" onClick={() => window.print()}>
            Print
          </button>
          <a className="button button--primary button--small" href={`/agp.pdf?days=${d.pdfDays}`} download>
            Download PDF ({d.pdfDays} days)
          </a>
        </div>
      </div>

      {!d.paths.hasData ? (
        <section className="card empty" aria-labelledby="agp-empty">
          <h2 id="agp-empty">No readings in these {d.days} days</h2>
          <p>The AGP needs CGM readings from complete days (today is not included).</p>
          <ul className="empty__actions">
            <li>
              <Link to="/upload" className="button button--primary">
                Upload a CGM export
              </Link>
            </li>
            <li>
              <Link to="/settings#uploaders" className="button button--secondary">
                Connect an uploader
              </Link>
            </li>
          </ul>
        </section>
      ) : (
        <>
          <section className="card agp__section" aria-labelledby="metrics-heading">
            <h2 id="metrics-heading" className="card__title">
              Glucose statistics and targets
            </h2>
            {d.rows && d.segments ? (
              <div className="agp__metrics">
                <table className="metrics-table">
                  <thead>
                    <tr>
                      <th scope="col">Metric</th>
                      <th scope="col">Value</th>
                      <th scope="col">Goal</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.rows.map((r) => (
                      <tr key={r.label}>
                        <th scope="row">{r.label}</th>
                        <td className="num">{r.value}</td>
                        <td>
                          {r.target}
                          {r.met === null ? null : (
                            <span className={r.met ? "goal goal--met" : "goal goal--missed"}>
                              {" "}
                              <span aria-hidden="true">{r.met ? "✓" : "✗"}</span> {r.met ? "met" : "not met"}
                            </span>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div>
                  <TimeInRangeBar segments={d.segments} caption="Time in ranges" />
                  {d.metrics?.tight_range_percent === undefined ? null : <TightRange percent={d.metrics.tight_range_percent} unit={d.unit} />}
                </div>
              </div>
            ) : (
              <p className="muted">Too few readings for the statistics.</p>
            )}
          </section>

          {d.metrics?.gri !== undefined && d.metrics.gri_zone && d.metrics.gri_hypo !== undefined && d.metrics.gri_hyper !== undefined ? (
            <section className="card agp__section" aria-labelledby="gri-heading">
              <h2 id="gri-heading" className="card__title">
                Glycemia risk index
              </h2>
              <GriChart m={{ gri: d.metrics.gri, gri_zone: d.metrics.gri_zone, gri_hypo: d.metrics.gri_hypo, gri_hyper: d.metrics.gri_hyper }} />
            </section>
          ) : null}

          <section className="card agp__section" aria-labelledby="profile-heading">
            <h2 id="profile-heading" className="card__title">
              Ambulatory glucose profile
            </h2>
            <p className="muted">Your {d.days} days laid over one day: the line is the median, the shaded bands show how much days vary.</p>
            <AgpChart paths={d.paths} unit={d.unit} label={`Ambulatory glucose profile of ${d.days} days in ${d.unit}: median with 25–75 % and 5–95 % bands by time of day.`} />
          </section>

          <section className="card agp__section agp__days" aria-labelledby="days-heading">
            <h2 id="days-heading" className="card__title">
              Daily glucose profiles
            </h2>
            <p className="muted">Each day from midnight to midnight; the green band is the target range.</p>
            <DailyTraces days={d.traces} target={d.dayTarget} weekday={(date) => labels.get(date) ?? date} />
          </section>
        </>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
