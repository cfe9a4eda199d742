/**
 * The live alert banner: one `role="alert"` panel per active alert (announced as it appears),
 * urgent first. The level is written out ("Urgent" / "Warning") and has its own icon, so the
 * colour is never the only cue. Snooze offers 15/30/60 minutes (urgent low at most 30);
 * Acknowledge stops the repeats. Both are ordinary buttons, reachable by keyboard.
 */
import { ALERT_LEVEL_TEXT } from "#app/lib/alert-text.ts";
import { snoozeChoices, type Alert, type AlertKind } from "#app/lib/live-state.ts";

export function AlertBanner({
  alerts,
  onAcknowledge,
  onSnooze,
}: {
  alerts: readonly Alert[];
  onAcknowledge: (alert: Alert) => void;
  onSnooze: (kind: AlertKind, minutes: 15 | 30 | 60) => void;
}) {
  if (alerts.length === 0) return null;
  return (
    <div className="alert-stack">
      {alerts.map((a) => (
        <section key={a.id} className={`alert-banner alert-banner--${a.level}`} role="alert" aria-labelledby={`alert-${a.id}-title`}>
          <p className="alert-banner__text" id={`alert-${a.id}-title`}>
            <span className="alert-banner__icon" aria-hidden="true">
              {a.level === "urgent" ? "‼" : "⚠"}
            </span>
            {/* The level in words, unless the sentence already starts with it ("Urgent low: …"). */}
            {a.message.toLowerCase().startsWith(ALERT_LEVEL_TEXT[a.level].toLowerCase()) ? null : (
              <strong className="alert-banner__level">{ALERT_LEVEL_TEXT[a.level]}: </strong>
            )}
            {a.message}
          </p>
          <div className="alert-banner__actions">
            <button type="button" className="button button--small alert-banner__ack" onClick={() => onAcknowledge(a)}>
              Acknowledge
            </button>
            <span className="alert-banner__snooze" role="group" aria-label={`Snooze ${a.message.split(":")[0]}`}>
              <span className="alert-banner__snooze-label">Snooze</span>
              {snoozeChoices(a.kind).map((m) => (
                <button key={m} type="button" className="button button--small button--secondary" onClick={() => onSnooze(a.kind, m as 15 | 30 | 60)} aria-label={`Snooze for ${m} minutes`}>
                  {m} min
                </button>
              ))}
            </span>
          </div>
        </section>
      ))}
    </div>
  );
}
