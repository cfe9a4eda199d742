/**
 * / — the dashboard: the current glucose in large type with its trend and age, updated live
 * over the alert WebSocket (see use-live-feed.ts), the alert banner (snooze / acknowledge), a
 * 3/6/12/24-hour trace with the target band, meal/insulin/activity/sleep markers and the
 * forecast cone (when `GET /glucose/forecast` has one), and the last 14 days against the
 * consensus targets (time-in-range bar, mean, GMI, CV, change from the 14 days before) with the
 * top insights, all in the user's unit. The loader shapes everything so the browser only draws.
 */
import {
  data,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Link, useLoaderData, useRevalidator, useRouteLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { AlertBanner } from "#app/components/AlertBanner.tsx";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { GlucoseChart, POINT_MARKER_STYLE, SPAN_MARKER_STYLE } from "#app/components/GlucoseChart.tsx";
import { LiveGlucose } from "#app/components/LiveGlucose.tsx";
import { TimeInRangeBar } from "#app/components/TimeInRangeBar.tsx";
import { RiskSummary } from "#app/components/RiskSummary.tsx";
import { uplotCssHref } from "#app/components/UPlotChart.tsx";
import {
  ApiError,
  apiRequest,
  dataApi,
  rethrowAsResponse,
  type TimeWindow,
} from "#app/lib/api.server.ts";
import type { DashboardAnswer, ForecastAnswer, IobCobAnswer, ReadingAnswer } from "#app/lib/api-types.ts";
import { BRIDGE_KIND_LABEL } from "#app/lib/bridges.ts";
import { bridgesApi } from "#app/lib/bridges.server.ts";
import { forecastOverlay } from "#app/lib/forecast-data.ts";
import { onBoard } from "#app/lib/iob-cob.ts";
import { visibleAlerts, type LiveLatest } from "#app/lib/live-state.ts";
import { headlines, tirSegments, type ConsensusMetrics } from "#app/lib/metrics.ts";
import { useLiveFeed } from "#app/lib/use-live-feed.ts";
import type { loader as rootLoader } from "#app/root.tsx";
import { readingsToColumns, recordsToMarkers, summarizeReadings, type ReadingsSummary } from "#app/lib/chart-data.ts";
import type { ServerEnv } from "#app/lib/env.server.ts";
import { requireAuth, type Auth } from "#app/lib/session.server.ts";
import { formatClock, parseRangeHours, pickLocale, RANGE_HOURS } from "#app/lib/time.ts";
import { formatGlucose, TARGET_HIGH_MGDL, TARGET_LOW_MGDL, type GlucoseUnit } from "#app/lib/units.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: uplotCssHref }];

export const meta: MetaFunction = () => [{ title: "Dashboard · GlucoLens" }];

const HOUR_S = 3600;
/** Sleep and activities can start well before the window and still overlap it. */
const SPAN_LOOKBACK_S = 24 * HOUR_S;
/** How far back the "latest reading" looks, whatever the chart shows. */
const LATEST_LOOKBACK_S = 24 * HOUR_S;

const iso = (sec: number) => new Date(sec * 1000).toISOString();
/** The summary period: the consensus asks for at least 14 days. */
const SUMMARY_DAYS = 14;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const auth = await requireAuth(request, context);
  const hours = parseRangeHours(new URL(request.url).searchParams.get("hours"));
  const locale = pickLocale(request.headers.get("Accept-Language"));
  const { unit, timezone } = auth.user;

  const nowMs = Date.now();
  const endSec = Math.ceil(nowMs / 1000);
  const startSec = endSec - hours * HOUR_S;
  const pointWindow: TimeWindow = { start: iso(startSec), end: iso(endSec) };
  const spanWindow: TimeWindow = { start: iso(startSec - SPAN_LOOKBACK_S), end: iso(endSec) };

  // One readings call covers both the latest value and the chart (hours ≤ 24).
  const [readingsPage, meals, insulin, activities, sleep, summary, forecast, iobCob, bridges] = await Promise.all([
    auth
      .call((token, env) =>
        dataApi.readings(env, token, { start: iso(endSec - LATEST_LOOKBACK_S), end: iso(endSec) }),
      )
      .catch(rethrowAsResponse),
    optional(auth, "meals", (token, env) => dataApi.meals(env, token, pointWindow)),
    optional(auth, "insulin", (token, env) => dataApi.insulin(env, token, pointWindow)),
    optional(auth, "activities", (token, env) => dataApi.activities(env, token, spanWindow)),
    optional(auth, "sleep", (token, env) => dataApi.sleep(env, token, spanWindow)),
    optional(auth, "summary", (token, env) =>
      apiRequest<DashboardAnswer>(env, "/api/v1/insights/dashboard", { token, query: { period_days: SUMMARY_DAYS } }),
    ),
    // The forecast is an extra: no route yet (404) or no model means no cone, without a word.
    auth
      .call((token, env) => apiRequest<ForecastAnswer>(env, "/api/v1/glucose/forecast", { token, query: { horizon: 60 } }))
      .catch((err: unknown) => {
        if (err instanceof Response) throw err;
        if (!(err instanceof ApiError && err.status === 404)) console.warn("dashboard: forecast unavailable:", err instanceof Error ? err.message : err);
        return null;
      }),
    // IOB/COB is an extra too: without it the card shows no IOB/COB line.
    auth
      .call((token, env) => apiRequest<IobCobAnswer>(env, "/api/v1/glucose/iob-cob", { token }))
      .catch((err: unknown) => {
        if (err instanceof Response) throw err;
        console.warn("dashboard: IOB/COB unavailable:", err instanceof Error ? err.message : err);
        return null;
      }),
    // Bridges whose vendor refused the login: a notice linking to /settings/bridges.
    optional(auth, "bridges", (token, env) => bridgesApi.list(env, token)),
  ]);

  const all = readingsPage.items;
  const latestReading = latestOf(all);
  const inWindow = all.filter((r) => Date.parse(r.time) >= startSec * 1000);
  const markers = recordsToMarkers(
    { meals: meals?.items, insulin: insulin?.items, activities: activities?.items, sleep: sleep?.items },
    startSec,
    endSec,
  );

  return data(
    {
      hours,
      locale,
      unit,
      timezone,
      nowMs,
      refusedBridges: (bridges?.items ?? []).filter((b) => b.status === "login_refused").map((b) => BRIDGE_KIND_LABEL[b.kind]),
      startSec,
      endSec,
      latest: latestReading
        ? {
            time: latestReading.time,
            clock: formatClock(latestReading.time, timezone, locale),
            mgdl: latestReading.value,
            trend: latestReading.trend,
          }
        : null,
      columns: readingsToColumns(inWindow, unit),
      summary: summarizeReadings(inWindow),
      markers,
      events: [
        ...markers.points.map((m) => ({ ...m, when: formatClock(m.x, timezone, locale) })),
        ...markers.spans.map((s) => ({
          ...s,
          x: s.start,
          when: `${formatClock(s.start, timezone, locale)}–${formatClock(s.end, timezone, locale)}`,
        })),
      ].sort((a, b) => a.x - b.x),
      markersIncomplete: [meals, insulin, activities, sleep].some((r) => r === null),
      forecast: forecastOverlay(forecast, unit),
      onBoard: onBoard(iobCob),
      summary14: summary?.current.metrics
        ? {
            segments: tirSegments(summary.current.metrics, unit),
            headlines: headlines(summary.current.metrics, summary.previous.metrics ? summary.changes : {}, unit),
            readings: summary.current.metrics.readings,
            metrics: summary.current.metrics,
            insights: summary.insights,
          }
        : null,
      summaryUnavailable: summary === null,
    },
    { headers: await auth.headers() },
  );
}

/**
 * Markers are secondary: if one record type fails (or its endpoint does not exist yet) the
 * dashboard still shows glucose. Redirects (session ended) still propagate.
 */
async function optional<T>(
  auth: Auth,
  what: string,
  fn: (token: string, env: ServerEnv) => Promise<T>,
): Promise<T | null> {
  try {
    return await auth.call(fn);
  } catch (err) {
    if (err instanceof Response) throw err;
    console.warn(`dashboard: ${what} unavailable:`, err instanceof Error ? err.message : err);
    return null;
  }
}

function latestOf(readings: readonly ReadingAnswer[]): ReadingAnswer | null {
  let best: ReadingAnswer | null = null;
  let bestMs = -Infinity;
  for (const r of readings) {
    const ms = Date.parse(r.time);
    if (ms > bestMs) {
      best = r;
      bestMs = ms;
    }
  }
  return best;
}

/** Current time, starting from the server's so the first client render matches the HTML. */
function useNow(initialMs: number, everyMs: number): number {
  const [now, setNow] = useState(initialMs);
  useEffect(() => {
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}

/**
 * Reloads the chart's data shortly after live readings arrive (batched: an uploader sending a
 * backlog gives one reload, not hundreds), and every few minutes as a safety net.
 */
function useChartRefresh(freshReadings: number, everyMs: number) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    if (freshReadings === 0) return;
    const id = setTimeout(() => revalidate(), 1500);
    return () => clearTimeout(id);
  }, [freshReadings, revalidate]);
  useEffect(() => {
    const id = setInterval(() => {
      if (document.visibilityState === "visible" && state === "idle") revalidate();
    }, everyMs);
    return () => clearInterval(id);
  }, [everyMs, revalidate, state]);
}

export default function Dashboard() {
  const d = useLoaderData<typeof loader>();
  const root = useRouteLoaderData<typeof rootLoader>("root");
  const now = useNow(d.nowMs, 15_000);
  const initialLatest: LiveLatest | null = d.latest ? { time: d.latest.time, mgdl: d.latest.mgdl, trend: d.latest.trend } : null;
  const live = useLiveFeed(initialLatest, root?.csrfToken ?? "");
  useChartRefresh(live.state.freshReadings, 5 * 60_000);
  // The newer of the socket's reading and the loader's (a reload can be ahead of a dropped socket).
  const latest = newerOf(live.state.latest, initialLatest);
  const alerts = visibleAlerts(live.state, now);

  return (
    <div className="dashboard">
      <AlertBanner alerts={alerts} onAcknowledge={(a) => void live.acknowledge(a)} onSnooze={(k, m) => void live.snooze(k, m)} />
      {live.state.error ? (
        <p className="notice notice--warning" role="status">
          <span aria-hidden="true">⚠ </span>
          {live.state.error}{" "}
          <button type="button" className="button button--ghost button--small" onClick={live.dismissError}>
            Dismiss
          </button>
        </p>
      ) : null}
      {d.refusedBridges.length ? (
        <p className="notice notice--warning" role="alert" data-testid="bridge-login-refused">
          <span aria-hidden="true">⚠ </span>
          {d.refusedBridges.join(", ")} refused the login, so no new readings are coming from {d.refusedBridges.length === 1 ? "it" : "them"}.{" "}
          <Link to="/settings/bridges">Update the credentials</Link>
        </p>
      ) : null}
      <div className="dashboard__head">
        <h1>Dashboard</h1>
        <RangeSelector hours={d.hours} />
      </div>
      <nav aria-label="Quick add" className="quick-add">
        <span className="quick-add__label">Quick add:</span>
        <ul>
          <li>
            <Link to="/log?kind=meals" className="button button--secondary button--small">
              <span aria-hidden="true">+ </span>Meal
            </Link>
          </li>
          <li>
            <Link to="/log?kind=insulin" className="button button--secondary button--small">
              <span aria-hidden="true">+ </span>Insulin
            </Link>
          </li>
          <li>
            <Link to="/log?kind=activities" className="button button--secondary button--small">
              <span aria-hidden="true">+ </span>Activity
            </Link>
          </li>
          <li>
            <Link to="/log" className="button button--ghost button--small">
              More…
            </Link>
          </li>
        </ul>
      </nav>

      {latest ? (
        <LiveGlucose
          latest={latest}
          unit={d.unit}
          now={now}
          clock={formatClock(latest.time, d.timezone, d.locale)}
          connection={live.state.connection}
          onBoard={d.onBoard}
        />
      ) : (
        <EmptyState />
      )}

      {latest ? (
        <section className="card" aria-labelledby="trace-heading">
          <h2 id="trace-heading" className="card__title">
            Last {d.hours} hours
          </h2>
          {d.summary.count > 0 ? (
            <figure className="chart-figure">
              <GlucoseChart
                columns={d.columns}
                markers={d.markers}
                unit={d.unit}
                timezone={d.timezone}
                locale={d.locale}
                startSec={d.startSec}
                endSec={d.endSec}
                forecast={d.forecast}
                ariaLabel={`Glucose trace for the last ${d.hours} hours. ${summaryText(d.summary, d.unit)}${d.forecast ? ` ${d.forecast.summary}` : ""}`}
              />
              <figcaption>
                <ChartKey unit={d.unit} forecast={d.forecast !== null} />
                <p className="chart-summary">{summaryText(d.summary, d.unit)}</p>
                {d.forecast ? <p className="chart-summary">{d.forecast.summary}</p> : null}
              </figcaption>
            </figure>
          ) : (
            <p className="muted">
              No readings in the last {d.hours} hours. Choose a longer range to see your most recent data.
            </p>
          )}
          {d.markersIncomplete ? (
            <p className="notice notice--warning" role="status">
              <span aria-hidden="true">⚠ </span>Some meals, insulin, activity or sleep records couldn't be loaded.
            </p>
          ) : null}
          {d.events.length > 0 ? (
            <details className="events">
              <summary>
                Events in this period ({d.events.length})
              </summary>
              <ul>
                {d.events.map((e) => (
                  <li key={`${e.kind}-${e.id}`}>
                    <span className="events__time">{e.when}</span> <EventGlyph kind={e.kind} /> {e.label}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </section>
      ) : null}

      {latest || d.summary14 ? <SummaryCard s={d.summary14} unavailable={d.summaryUnavailable} unit={d.unit} /> : null}
    </div>
  );
}

function newerOf(a: LiveLatest | null, b: LiveLatest | null): LiveLatest | null {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a.time) >= Date.parse(b.time) ? a : b;
}

function SummaryCard({
  s,
  unavailable,
  unit,
}: {
  s: {
    segments: ReturnType<typeof tirSegments>;
    headlines: ReturnType<typeof headlines>;
    readings: number;
    metrics: ConsensusMetrics;
    insights: { kind: string; sentence: string }[];
  } | null;
  unavailable: boolean;
  unit: GlucoseUnit;
}) {
  return (
    <section className="card" aria-labelledby="summary-heading">
      <h2 id="summary-heading" className="card__title">
        Last {SUMMARY_DAYS} days
      </h2>
      {s ? (
        <div className="summary">
          <TimeInRangeBar segments={s.segments} caption={`Time in ranges, ${s.readings} readings`} />
          <div className="summary__side">
            <dl className="headlines">
              {s.headlines.map((h) => (
                <div key={h.key} className="headline">
                  <dt>{h.label}</dt>
                  <dd>
                    <span className="headline__value">{h.value}</span> <span className="headline__unit">{h.unit}</span>
                    {h.change ? (
                      <span className="headline__change">
                        {h.change} vs. the {SUMMARY_DAYS} days before
                        {h.better === null ? "" : h.better ? " (lower, better)" : " (higher)"}
                      </span>
                    ) : (
                      <span className="headline__change muted">No earlier period to compare</span>
                    )}
                    {h.note ? <span className="headline__note muted">{h.note}</span> : null}
                  </dd>
                </div>
              ))}
            </dl>
            <RiskSummary m={s.metrics} unit={unit} />
            <h3 className="summary__subtitle">Top insights</h3>
            {s.insights.length ? (
              <ul className="top-insights">
                {s.insights.map((i) => (
                  <li key={i.sentence}>{i.sentence}</li>
                ))}
              </ul>
            ) : (
              <p className="muted">
                No insights yet: they appear after an analysis of a few weeks of data. See <Link to="/insights">Insights</Link>.
              </p>
            )}
            <p>
              <Link to="/agp">Open the full AGP report</Link>
            </p>
          </div>
        </div>
      ) : unavailable ? (
        <p className="notice notice--warning" role="status">
          <span aria-hidden="true">⚠ </span>The {SUMMARY_DAYS}-day summary couldn't be loaded. Reload the page to try again.
        </p>
      ) : (
        <p className="muted">
          Not enough readings in the last {SUMMARY_DAYS} days for a summary yet ({unit}). <Link to="/upload">Upload a CGM export</Link> or{" "}
          <Link to="/settings#uploaders">connect an uploader</Link>.
        </p>
      )}
    </section>
  );
}

function RangeSelector({ hours }: { hours: number }) {
  return (
    <nav aria-label="Time range" className="segmented">
      <ul>
        {RANGE_HOURS.map((h) => (
          <li key={h}>
            <Link
              to={`?hours=${h}`}
              aria-current={h === hours ? "page" : undefined}
              preventScrollReset
              aria-label={`${h} hours`}
            >
              {h}h
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function EmptyState() {
  return (
    <section className="card empty" aria-labelledby="empty-heading">
      <h2 id="empty-heading">No glucose readings in the last 24 hours</h2>
      <p>To see your glucose here, add some data:</p>
      <ul className="empty__actions">
        <li>
          <Link to="/upload" className="button button--primary">
            Upload a CGM export
          </Link>
          <span className="muted">Dexcom Clarity, LibreView and other CSV exports.</span>
        </li>
        <li>
          <Link to="/settings#uploaders" className="button button--secondary">
            Connect xDrip+ or another uploader
          </Link>
          <span className="muted">Create an uploader secret in Settings; readings then arrive live every few minutes.</span>
        </li>
      </ul>
      <p className="muted">
        Older data? Browse it in <Link to="/history">History</Link>.
      </p>
    </section>
  );
}

function EventGlyph({ kind }: { kind: "meal" | "insulin" | "activity" | "sleep" }) {
  if (kind === "meal" || kind === "insulin") {
    const s = POINT_MARKER_STYLE[kind];
    return (
      <span className="glyph" style={{ color: s.color }} aria-hidden="true">
        {s.glyph}
      </span>
    );
  }
  return <span className={`swatch swatch--${kind}`} aria-hidden="true" />;
}

function ChartKey({ unit, forecast }: { unit: GlucoseUnit; forecast: boolean }) {
  return (
    <ul className="chart-key" aria-label="Chart key">
      {forecast ? (
        <li>
          <span className="swatch swatch--forecast" aria-hidden="true" /> Forecast (dashed) and its likely range
        </li>
      ) : null}
      <li>
        <span className="swatch swatch--band" aria-hidden="true" /> Target {formatGlucose(TARGET_LOW_MGDL, unit)}–
        {formatGlucose(TARGET_HIGH_MGDL, unit)} {unit}
      </li>
      <li>
        <EventGlyph kind="meal" /> {POINT_MARKER_STYLE.meal.name}
      </li>
      <li>
        <EventGlyph kind="insulin" /> {POINT_MARKER_STYLE.insulin.name}
      </li>
      <li>
        <EventGlyph kind="activity" /> {SPAN_MARKER_STYLE.activity.name}
      </li>
      <li>
        <EventGlyph kind="sleep" /> {SPAN_MARKER_STYLE.sleep.name}
      </li>
    </ul>
  );
}

function summaryText(s: ReadingsSummary, unit: GlucoseUnit): string {
  if (s.count === 0 || s.minMgdl === null || s.maxMgdl === null) return "No readings.";
  return (
    `${s.count} readings: ${s.inRangePct}% in range, ${s.lowPct}% low, ${s.highPct}% high. ` +
    `Lowest ${formatGlucose(s.minMgdl, unit)}, highest ${formatGlucose(s.maxMgdl, unit)} ${unit}.`
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
