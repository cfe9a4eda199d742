/**
 * /share/{token} — the AGP report a clinician opens from a share link, without an account:
 * `GET /api/v1/shared/{token}/agp` (the token in the path is the only credential; it opens this
 * report and its PDF, nothing else). The consensus metrics with time in tight range, the
 * time-in-ranges bar, the percentile profile, the daily profiles of the most recent 14 days, the
 * GRI grid and the insulin and meal summary; the PDF through /share/{token}/report.pdf. An
 * unknown link is 404, an expired or revoked one 410 with the reason.
 */
import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { isRouteErrorResponse, useLoaderData, useRouteError } from "@remix-run/react";
import { AGP_PLOT, AgpChart, DAY_PLOT, DailyTraces } from "#app/components/AgpChart.tsx";
import { AgpStatistics, GriSection } from "#app/components/AgpSections.tsx";
import { agpPaths, dayTraceFrame } from "#app/lib/agp-data.ts";
import { ApiError, apiRequest } from "#app/lib/api.server.ts";
import type { SharedReportAnswer } from "#app/lib/api-types.ts";
import { getServerEnv } from "#app/lib/env.server.ts";
import { agpMetricRows, tirSegments, type ConsensusMetrics } from "#app/lib/metrics.ts";
import { sharedDayTraces } from "#app/lib/shared-report.ts";

// A report link must not be indexed, nor its address sent on to other sites.
export const meta: MetaFunction = () => [{ title: "Shared AGP report · GlucoLens" }, { name: "robots", content: "noindex, nofollow" }, { name: "referrer", content: "no-referrer" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  let report;
  try {
    report = await apiRequest<SharedReportAnswer>(getServerEnv(context), `/api/v1/shared/${encodeURIComponent(token)}/agp`);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 410)) {
      throw data({ message: err.status === 410 ? `This report link ${err.fields[0]?.message ?? "is no longer valid"}. Ask for a new one.` : "There is no report at this link." }, { status: err.status });
    }
    throw err;
  }
  const { unit } = report;
  const metrics: ConsensusMetrics | null = report.agp.metrics;
  const { frame: dayFrame, target: dayTarget } = dayTraceFrame(unit, DAY_PLOT);
  const fmt = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" });
  const range = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });
  return data(
    {
      token,
      name: report.patient.name,
      unit,
      timezone: report.timezone,
      days: report.days,
      period: `${range.format(new Date(`${report.first_date}T12:00:00Z`))} – ${range.format(new Date(`${report.last_date}T12:00:00Z`))}`,
      readings: report.agp.readings,
      paths: agpPaths(report.agp, unit, AGP_PLOT),
      metrics,
      rows: metrics ? agpMetricRows(metrics, unit, report.days, report.agp.readings, report.days_with_data) : null,
      segments: metrics ? tirSegments(metrics, unit) : null,
      traces: sharedDayTraces(report.daily, unit, dayFrame).map((t) => ({ ...t, label: fmt.format(new Date(`${t.date}T12:00:00Z`)) })),
      dayTarget,
      therapy: report.therapy,
    },
    { headers: { "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow" } },
  );
}

const fixed1 = (x: number | null, suffix: string) => (x === null ? "–" : `${x.toFixed(1)} ${suffix}`);

export default function SharedReport() {
  const d = useLoaderData<typeof loader>();
  const labels = new Map(d.traces.map((t) => [t.date, t.label]));
  const m = d.metrics;
  return (
    <main id="main" className="page agp shared-report">
      <div className="agp__head">
        <div>
          <h1>AGP report: {d.name}</h1>
          <p className="muted">
            {d.period} · {d.days} days · {d.readings} readings · {d.unit} · {d.timezone.replace(/_/g, " ")}
          </p>
          <p className="muted">Shared read-only through a link that expires. Layout after the international consensus AGP report.</p>
        </div>
        <div className="agp__tools no-print">
          <a className="button button--primary button--small" href={`/share/${d.token}/report.pdf`}>
            Open the PDF
          </a>
        </div>
      </div>
      {m && d.rows && d.segments ? (
        <section className="card agp__section" aria-labelledby="metrics-heading">
          <h2 id="metrics-heading" className="card__title">
            Glucose statistics and targets
          </h2>
          <AgpStatistics rows={d.rows} segments={d.segments} metrics={m} unit={d.unit} />
        </section>
      ) : (
        <section className="card">
          <p className="muted">Too few readings in this period for the statistics.</p>
        </section>
      )}
      {d.paths.hasData ? (
        <section className="card agp__section" aria-labelledby="profile-heading">
          <h2 id="profile-heading" className="card__title">
            Ambulatory glucose profile
          </h2>
          <AgpChart paths={d.paths} unit={d.unit} label={`Ambulatory glucose profile of ${d.days} days in ${d.unit}: median with 25–75 % and 5–95 % bands by time of day.`} />
        </section>
      ) : null}
      <section className="card agp__section agp__days" aria-labelledby="days-heading">
        <h2 id="days-heading" className="card__title">
          Daily glucose profiles
        </h2>
        <DailyTraces days={d.traces} target={d.dayTarget} weekday={(date) => labels.get(date) ?? date} />
      </section>
      <GriSection metrics={m} />
      <section className="card agp__section" aria-labelledby="therapy-heading">
        <h2 id="therapy-heading" className="card__title">
          Insulin and meals
        </h2>
        {d.therapy.days_with_meals === 0 && d.therapy.days_with_insulin === 0 ? (
          <p className="muted">No meal or insulin records in this period.</p>
        ) : (
          <table className="metrics-table">
            <tbody>
              <tr>
                <th scope="row">Carbohydrates</th>
                <td className="num">{fixed1(d.therapy.carbs_g_per_day, "g a day")}</td>
              </tr>
              <tr>
                <th scope="row">Bolus insulin</th>
                <td className="num">{fixed1(d.therapy.bolus_units_per_day, "units a day")}</td>
              </tr>
              <tr>
                <th scope="row">Basal insulin</th>
                <td className="num">{fixed1(d.therapy.basal_units_per_day, "units a day")}</td>
              </tr>
              <tr>
                <th scope="row">Total insulin</th>
                <td className="num">{fixed1(d.therapy.total_units_per_day, "units a day")}</td>
              </tr>
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error) ? ((error.data as { message?: string } | null)?.message ?? "This report could not be opened.") : "This report could not be opened.";
  return (
    <main id="main" className="page agp shared-report">
      <section className="card">
        <h1>{isRouteErrorResponse(error) && error.status === 410 ? "This link has ended" : "Report not found"}</h1>
        <p>{message}</p>
      </section>
    </main>
  );
}
