/**
 * / — the dashboard: the latest reading in large type with its trend and age, a 3/6/12/24-hour
 * selector, and the glucose trace with the target band and meal/insulin/activity/sleep
 * markers, all in the user's unit. The loader shapes everything (columns, markers, clock
 * strings) so the browser only draws.
 */
import {
  data,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/cloudflare";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect, useState } from "react";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { GlucoseChart, POINT_MARKER_STYLE, SPAN_MARKER_STYLE } from "#app/components/GlucoseChart.tsx";
import { uplotCssHref } from "#app/components/UPlotChart.tsx";
import { dataApi, rethrowAsResponse, type Reading, type TimeWindow } from "#app/lib/api.server.ts";
import { readingsToColumns, recordsToMarkers, summarizeReadings, type ReadingsSummary } from "#app/lib/chart-data.ts";
import type { ServerEnv } from "#app/lib/env.server.ts";
import { requireAuth, type Auth } from "#app/lib/session.server.ts";
import {
  formatAge,
  formatClock,
  minutesSince,
  parseRangeHours,
  pickLocale,
  RANGE_HOURS,
  STALE_AFTER_MINUTES,
} from "#app/lib/time.ts";
import { trendInfo } from "#app/lib/trend.ts";
import {
  classifyGlucose,
  formatGlucose,
  RANGE_LABEL,
  TARGET_HIGH_MGDL,
  TARGET_LOW_MGDL,
  type GlucoseRange,
  type GlucoseUnit,
} from "#app/lib/units.ts";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: uplotCssHref }];

export const meta: MetaFunction = () => [{ title: "Dashboard · GlucoLens" }];

const HOUR_S = 3600;
/** Sleep and activities can start well before the window and still overlap it. */
const SPAN_LOOKBACK_S = 24 * HOUR_S;
/** How far back the "latest reading" looks, whatever the chart shows. */
const LATEST_LOOKBACK_S = 24 * HOUR_S;

const iso = (sec: number) => new Date(sec * 1000).toISOString();

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
  const [readingsPage, meals, insulin, activities, sleep] = await Promise.all([
    auth
      .call((token, env) =>
        dataApi.readings(env, token, { start: iso(endSec - LATEST_LOOKBACK_S), end: iso(endSec) }),
      )
      .catch(rethrowAsResponse),
    optional(auth, "meals", (token, env) => dataApi.meals(env, token, pointWindow)),
    optional(auth, "insulin", (token, env) => dataApi.insulin(env, token, pointWindow)),
    optional(auth, "activities", (token, env) => dataApi.activities(env, token, spanWindow)),
    optional(auth, "sleep", (token, env) => dataApi.sleep(env, token, spanWindow)),
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
      startSec,
      endSec,
      latest: latestReading
        ? {
            time: latestReading.time,
            clock: formatClock(latestReading.time, timezone, locale),
            mgdl: latestReading.value,
            trend: latestReading.trend ?? null,
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

function latestOf(readings: readonly Reading[]): Reading | null {
  let best: Reading | null = null;
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

/** Reloads the data every few minutes while the tab is visible (until live updates arrive). */
function useAutoRevalidate(everyMs: number) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    const id = setInterval(() => {
      if (document.visibilityState === "visible" && state === "idle") revalidate();
    }, everyMs);
    return () => clearInterval(id);
  }, [everyMs, revalidate, state]);
}

const RANGE_ICON: Record<GlucoseRange, string> = { low: "▼", "in-range": "●", high: "▲" };

export default function Dashboard() {
  const d = useLoaderData<typeof loader>();
  const now = useNow(d.nowMs, 30_000);
  useAutoRevalidate(5 * 60_000);

  return (
    <div className="dashboard">
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

      {d.latest ? (
        <LatestReading latest={d.latest} unit={d.unit} now={now} />
      ) : (
        <EmptyState />
      )}

      {d.latest ? (
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
                ariaLabel={`Glucose trace for the last ${d.hours} hours. ${summaryText(d.summary, d.unit)}`}
              />
              <figcaption>
                <ChartKey unit={d.unit} />
                <p className="chart-summary">{summaryText(d.summary, d.unit)}</p>
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
    </div>
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

function LatestReading({
  latest,
  unit,
  now,
}: {
  latest: { time: string; clock: string; mgdl: number; trend: string | null };
  unit: GlucoseUnit;
  now: number;
}) {
  const range = classifyGlucose(latest.mgdl);
  const trend = trendInfo(latest.trend);
  const minutes = minutesSince(latest.time, now);
  const stale = minutes > STALE_AFTER_MINUTES;
  const value = formatGlucose(latest.mgdl, unit);

  return (
    <section className={`card latest latest--${range}`} aria-labelledby="latest-heading">
      <h2 id="latest-heading" className="card__title">
        Latest reading
      </h2>
      <p className="latest__value">
        <span className="latest__number">{value}</span>
        <span className="latest__unit">{unit}</span>
        {trend ? (
          <span className="latest__arrow" role="img" aria-label={trend.label} title={trend.label}>
            {trend.arrow}
          </span>
        ) : null}
      </p>
      <p className="latest__meta">
        <span className={`range-badge range-badge--${range}`}>
          <span aria-hidden="true">{RANGE_ICON[range]}</span>
          {RANGE_LABEL[range]}
        </span>
        {trend ? <span className="latest__trend">{trend.label}</span> : null}
        <span className={stale ? "latest__age latest__age--stale" : "latest__age"}>
          <time dateTime={latest.time}>{latest.clock}</time> · {formatAge(minutes)}
        </span>
      </p>
      {stale ? (
        <p className="notice notice--warning">
          <span aria-hidden="true">⚠ </span>
          No new reading for {formatAge(minutes).replace(" ago", "")}. Check that your CGM is connected.
        </p>
      ) : null}
    </section>
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
          <Link to="/settings" className="button button--secondary">
            Connect a CGM
          </Link>
          <span className="muted">Readings then arrive automatically every few minutes.</span>
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

function ChartKey({ unit }: { unit: GlucoseUnit }) {
  return (
    <ul className="chart-key" aria-label="Chart key">
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
