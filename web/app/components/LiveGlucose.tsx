/**
 * The current glucose in large type: value in the user's unit, trend arrow and words, range
 * badge (icon + word, not colour alone), the reading's clock time and its age, which ticks, and
 * the state of the live connection. Values come in mg/dL and are converted only for display.
 */
import type { OnBoard } from "#app/lib/iob-cob.ts";
import type { Connection, LiveLatest } from "#app/lib/live-state.ts";
import { formatAge, minutesSince, STALE_AFTER_MINUTES } from "#app/lib/time.ts";
import { trendInfo } from "#app/lib/trend.ts";
import { classifyGlucose, formatGlucose, RANGE_LABEL, type GlucoseRange, type GlucoseUnit } from "#app/lib/units.ts";

export const RANGE_ICON: Record<GlucoseRange, string> = { low: "▼", "in-range": "●", high: "▲" };

const CONNECTION_TEXT: Record<Connection, string> = {
  connecting: "Connecting to live updates…",
  open: "Live",
  reconnecting: "Reconnecting…",
  offline: "Live updates paused: reconnecting in the background",
};

export function LiveGlucose({
  latest,
  unit,
  now,
  clock,
  connection,
  onBoard,
}: {
  latest: LiveLatest;
  unit: GlucoseUnit;
  now: number;
  /** The reading's time on the user's clock. */
  clock: string;
  connection: Connection;
  /** Insulin and carbs on board (GET /glucose/iob-cob), when there are any. */
  onBoard?: OnBoard | null;
}) {
  const range = classifyGlucose(latest.mgdl);
  const trend = trendInfo(latest.trend);
  const minutes = minutesSince(latest.time, now);
  const stale = minutes > STALE_AFTER_MINUTES;
  const value = formatGlucose(latest.mgdl, unit);

  return (
    <section className={`card latest latest--${range}`} aria-labelledby="latest-heading">
      <div className="latest__head">
        <h2 id="latest-heading" className="card__title">
          Current glucose
        </h2>
        <span className={`live-status live-status--${connection}`} role="status">
          <span className="live-status__dot" aria-hidden="true" />
          {CONNECTION_TEXT[connection]}
        </span>
      </div>
      <p className="latest__value" data-testid="current-glucose" aria-live="polite" aria-atomic="true">
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
          <time dateTime={latest.time}>{clock}</time> · <span data-testid="reading-age">{formatAge(minutes)}</span>
        </span>
      </p>
      {onBoard ? (
        <p className="latest__onboard" data-testid="on-board">
          {onBoard.iob ? <span>IOB {onBoard.iob}</span> : null}
          {onBoard.iob && onBoard.cob ? " · " : null}
          {onBoard.cob ? <span>COB {onBoard.cob}</span> : null}
          {onBoard.source ? <span className="muted"> ({onBoard.source})</span> : null}
          {onBoard.defaults ? <span className="muted" title="No Nightscout profile yet: DIA 3 h and 20 g/h are assumed"> · default profile</span> : null}
        </p>
      ) : null}
      {stale ? (
        <p className="notice notice--warning">
          <span aria-hidden="true">⚠ </span>
          No new reading for {formatAge(minutes).replace(" ago", "")}. Check that your CGM or uploader is connected.
        </p>
      ) : null}
    </section>
  );
}
