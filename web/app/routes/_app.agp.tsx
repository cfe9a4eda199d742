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
import { AgpStatistics, GriSection } from "#app/components/AgpSections.tsx";
import { agpPaths, dailyTraces, dayTraceFrame } from "#app/lib/agp-data.ts";
import { apiRequest, rethrowAsResponse } from "#app/lib/api.server.ts";
import type { AgpAnswer, DashboardAnswer } from "#app/lib/api-types.ts";
import { agpMetricRows, tirSegments, type ConsensusMetrics } from "#app/lib/metrics.ts";
import { addDays, zonedDate, zonedMidnight } from "#app/lib/records.ts";
import { glucoseSeries } from "#app/lib/records.server.ts";
import { requireAuth } from "#app/lib/session.server.ts";
import { pickLocale } from "#app/lib/time.ts";

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
    auth.call((token, env) => apiRequest<AgpAnswer>(env, "/api/v1/insights/agp", { token, query: { days } })).catch(rethrowAsResponse),
    auth
      .call((token, env) => apiRequest<DashboardAnswer>(env, "/api/v1/insights/dashboard", { token, query: { period_days: days } }))
      .catch(rethrowAsResponse),
    auth.call((token, env) => glucoseSeries(env, token, window)).catch(rethrowAsResponse),
  ]);

  // The AGP answer's own metrics are of exactly the report's days; the dashboard's are a fallback.
  const metrics: ConsensusMetrics | null = agp.metrics ?? summary.current.metrics;
  const { frame: dayFrame, target: dayTarget } = dayTraceFrame(unit, DAY_PLOT);
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
      dayTarget,
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
              <AgpStatistics rows={d.rows} segments={d.segments} metrics={d.metrics} unit={d.unit} />
            ) : (
              <p className="muted">Too few readings for the statistics.</p>
            )}
          </section>

          <GriSection metrics={d.metrics} />

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
