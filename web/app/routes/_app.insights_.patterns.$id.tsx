/**
 * /insights/patterns/{id} — one pattern of the latest analysis (`motif-N` or `anomaly-N`, their
 * positions in GET /api/v1/insights/patterns): a recurring shape with every occurrence overlaid
 * on one chart, or an unusual stretch shown in the hours around it and next to the most similar
 * other stretch; then the similar days of the dates involved. The trailing `_` in the file name
 * keeps this page out of /insights' layout (it is a page of its own).
 */
import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { AnomalyChart, CompareChart, MotifChart } from "#app/components/PatternCharts.tsx";
import { uplotCssHref } from "#app/components/UPlotChart.tsx";
import { insightsApi, rethrowAsResponse } from "#app/lib/api.server.ts";
import { anomalyContextColumns, motifColumns, motifMean, parsePatternId } from "#app/lib/insights-data.ts";
import { glucoseSeries } from "#app/lib/records.server.ts";
import { requireAuth } from "#app/lib/session.server.ts";
import { convertGlucoseExact } from "#app/lib/units.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: uplotCssHref }];
export const meta: MetaFunction<typeof loader> = ({ data: d }) => [{ title: `${d?.kind === "anomaly" ? "Unusual stretch" : "Recurring shape"} · Insights · GlucoLens` }];

/** Hours of context shown on each side of an anomaly. */
const CONTEXT_HOURS = 3;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const ref = parsePatternId(params.id);
  if (!ref) throw new Response("There is no pattern with that address. Patterns are listed on the Insights page.", { status: 404 });
  const auth = await requireAuth(request, context);
  const patterns = await auth.call((token, env) => insightsApi.patterns(env, token)).catch(rethrowAsResponse);
  const notFound = () => new Response("That pattern is not in your latest analysis: a newer analysis may have replaced it. Open Insights to see the current ones.", { status: 404 });
  const { unit, timezone } = patterns;
  const windowMinutes = patterns.window_minutes;
  const similarFor = (dates: string[]) => patterns.similar_days.filter((s) => dates.includes(s.date));
  if (ref.kind === "motif") {
    const motif = patterns.motifs[ref.index];
    if (!motif) throw notFound();
    const [minutes, ...occ] = motifColumns(motif);
    return data(
      {
        kind: "motif" as const,
        number: ref.index + 1,
        unit,
        timezone,
        windowMinutes,
        sentence: motif.sentence,
        columns: [minutes!, motifMean(motif), ...occ],
        occurrences: motif.occurrences.map((o) => ({ start: o.start, local_time: o.local_time, distance: o.distance, min: Math.min(...o.values), max: Math.max(...o.values) })),
        similar: similarFor(motif.occurrences.map((o) => o.local_time.slice(0, 10))),
        job: patterns.job,
      },
      { headers: await auth.headers() },
    );
  }
  const anomaly = patterns.anomalies[ref.index];
  if (!anomaly) throw notFound();
  const startMs = Date.parse(anomaly.start);
  const endMs = startMs + windowMinutes * 60_000;
  const series = await auth
    .call((token, env) =>
      glucoseSeries(env, token, { start: new Date(startMs - CONTEXT_HOURS * 3_600_000).toISOString(), end: new Date(endMs + CONTEXT_HOURS * 3_600_000).toISOString() }),
    )
    .catch(rethrowAsResponse);
  const context3h = anomalyContextColumns({ t: series.t, v: series.v.map((v) => convertGlucoseExact(v, unit)) }, startMs / 1000, endMs / 1000);
  const points = anomaly.values.length;
  const minutes = Array.from({ length: points }, (_, k) => Math.round((k * windowMinutes) / points));
  return data(
    {
      kind: "anomaly" as const,
      number: ref.index + 1,
      unit,
      timezone,
      windowMinutes,
      sentence: anomaly.sentence,
      local_time: anomaly.local_time,
      context: context3h,
      compare: {
        minutes,
        series: [
          { label: `Unusual: ${anomaly.local_time}`, values: anomaly.values },
          ...(anomaly.nearest ? [{ label: "Most similar other stretch", values: anomaly.nearest.values }] : []),
        ],
      },
      nearestStart: anomaly.nearest?.start ?? null,
      similar: similarFor([anomaly.local_time.slice(0, 10)]),
      job: patterns.job,
    },
    { headers: await auth.headers() },
  );
}

function Similar({ similar }: { similar: { date: string; sentence: string }[] }) {
  return (
    <section className="card" aria-labelledby="similar-heading">
      <h2 id="similar-heading">Similar days</h2>
      {similar.length ? (
        <ul className="plain-list">
          {similar.map((s) => (
            <li key={s.date}>
              {s.sentence}{" "}
              <Link to={`/history?from=${s.date}&to=${s.date}`}>
                Open {s.date}
                <span className="visually-hidden"> in History</span>
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">Similar days are computed for the last seven complete days of the analysis; none of them is involved here.</p>
      )}
    </section>
  );
}

export default function PatternRoute() {
  const d = useLoaderData<typeof loader>();
  const hours = d.windowMinutes / 60;
  return (
    <div className="pattern-page">
      <p>
        <Link to="/insights">← All insights</Link>
      </p>
      {d.kind === "motif" ? (
        <>
          <h1>Recurring shape {d.number}</h1>
          <p className="lead">{d.sentence}</p>
          <section className="card" aria-labelledby="overlay-heading">
            <h2 id="overlay-heading">
              All {d.occurrences.length} times, overlaid ({hours} hours each)
            </h2>
            <MotifChart
              columns={d.columns}
              labels={d.occurrences.map((o) => o.local_time)}
              unit={d.unit}
              ariaLabel={`${d.occurrences.length} occurrences of a ${hours}-hour glucose shape overlaid, with their average as a thick dark line; each is listed below`}
            />
            <p className="chart-key">
              <span>Thick dark line: the average shape.</span> <span>Shaded band: 70–180 mg/dL (3.9–10.0 mmol/L), the target range.</span>
            </p>
            <ol className="plain-list">
              {d.occurrences.map((o) => (
                <li key={o.start}>
                  {o.local_time} ({d.timezone.replaceAll("_", " ")}): {Math.round(o.min * 10) / 10}–{Math.round(o.max * 10) / 10} {d.unit}{" "}
                  <Link to={`/history?from=${o.local_time.slice(0, 10)}&to=${o.local_time.slice(0, 10)}`}>
                    Open the day<span className="visually-hidden"> {o.local_time.slice(0, 10)} in History</span>
                  </Link>
                </li>
              ))}
            </ol>
          </section>
        </>
      ) : (
        <>
          <h1>Unusual stretch {d.number}</h1>
          <p className="lead">{d.sentence}</p>
          <section className="card" aria-labelledby="context-heading">
            <h2 id="context-heading">
              In context: {CONTEXT_HOURS} hours before and after
            </h2>
            {d.context[0].length ? (
              <AnomalyChart
                columns={d.context}
                unit={d.unit}
                timezone={d.timezone}
                ariaLabel={`Glucose from ${CONTEXT_HOURS} hours before to ${CONTEXT_HOURS} hours after the unusual stretch starting ${d.local_time}; the stretch is the thick line`}
              />
            ) : (
              <p className="muted">The readings around this stretch are no longer stored.</p>
            )}
            <p className="chart-key">
              <span>Thick line: the unusual {hours} hours.</span> <span>Thin grey line: the hours around it.</span> <span>Shaded band: the target range.</span>
            </p>
          </section>
          <section className="card" aria-labelledby="compare-heading">
            <h2 id="compare-heading">Next to the most similar other stretch</h2>
            <CompareChart
              minutes={d.compare.minutes}
              series={d.compare.series}
              unit={d.unit}
              ariaLabel="The unusual stretch (solid) and the most similar other stretch of the period (dashed), minute by minute"
            />
            <p className="muted">
              Solid: the unusual stretch. Dashed: the closest match elsewhere in the period
              {d.nearestStart ? ` (starting ${d.nearestStart.slice(0, 16).replace("T", " ")} UTC)` : ""}. The further apart they are, the more unusual the stretch.
            </p>
          </section>
        </>
      )}
      <Similar similar={d.similar} />
    </div>
  );
}

export function ErrorBoundary() {
  return (
    <GeneralErrorBoundary
      statusHandlers={{
        404: ({ error }) => (
          <>
            <h1>Pattern not found</h1>
            <p>{typeof error.data === "string" && error.data ? error.data : "That pattern is not in your latest analysis."}</p>
            <p>
              <Link to="/insights">Back to Insights</Link>
            </p>
          </>
        ),
      }}
    />
  );
}
