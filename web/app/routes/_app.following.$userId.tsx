/**
 * /following/:userId — a followed person's glucose, read-only: current value, trend
 * and age, active alerts and the last three hours of readings, read through
 * `/api/v1/following/{user_id}/…` with the caregiver's own session. Nothing here can change the
 * person's data; the API refuses every write on those routes anyway. Reached from the switcher
 * in the app shell (_app.tsx) and from caregivers' notifications.
 */
import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "#app/components/error-boundary.tsx";
import { apiRequest, rethrowAsResponse } from "#app/lib/api.server.ts";
import type { FollowedListAnswer, MonitorStateAnswer, ReadingListAnswer } from "#app/lib/api-types.ts";
import { requireAuth } from "#app/lib/session.server.ts";
import { movementArrow } from "../../../vocabulary/trend.ts";

export const meta: MetaFunction<typeof loader> = ({ data: page }) => [{ title: page ? `${page.name} — GlucoLens` : "Following — GlucoLens" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const auth = await requireAuth(request, context);
  const userId = params.userId ?? "";
  try {
    const [followed, state, readings] = await auth.call((token, env) => {
      const base = `/api/v1/following/${encodeURIComponent(userId)}`;
      return Promise.all([
        apiRequest<FollowedListAnswer>(env, "/api/v1/following", { token }),
        apiRequest<MonitorStateAnswer>(env, `${base}/alerts/state`, { token }),
        apiRequest<ReadingListAnswer>(env, `${base}/glucose/readings`, { token, query: { start: Date.now() - 3 * 3600_000, limit: 100 } }),
      ]);
    });
    const person = followed.items.find((p) => p.user_id === userId);
    return data({ userId, name: person?.name ?? "Followed person", state, readings: readings.items }, { headers: await auth.headers() });
  } catch (err) {
    rethrowAsResponse(err);
  }
}

export default function FollowingRoute() {
  const { name, state, readings } = useLoaderData<typeof loader>();
  const current = state.current;
  return (
    <div className="stack">
      <header className="page__header">
        <h1>{name}</h1>
        <p className="hint" data-testid="read-only">
          Read-only: you follow {name}. Alerts about them reach you by your own thresholds (set them in <Link to="/settings">Settings</Link>).
        </p>
      </header>
      <section className="card" aria-labelledby="now-heading">
        <h2 id="now-heading" className="card__title">
          Now
        </h2>
        {current ? (
          <p className="live-value" data-testid="followed-value">
            <strong>{current.value}</strong> {current.unit} {movementArrow(state.trend.direction) ?? ""}{" "}
            <span className="hint">{state.minutes_since_last === 0 ? "just now" : `${state.minutes_since_last} min ago`}</span>
          </p>
        ) : (
          <p>No reading in the last 24 hours.</p>
        )}
        {state.active_alerts.length ? (
          <ul>
            {state.active_alerts.map((a) => (
              <li key={a.id} className={a.level === "urgent" ? "alert alert--urgent" : "alert"}>
                {a.message}
                {a.acknowledged_at ? " (acknowledged)" : ""}
              </li>
            ))}
          </ul>
        ) : (
          <p className="hint">No active alerts.</p>
        )}
      </section>
      <section className="card" aria-labelledby="recent-heading">
        <h2 id="recent-heading" className="card__title">
          Last 3 hours
        </h2>
        {readings.length ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Glucose ({state.unit})</th>
              </tr>
            </thead>
            <tbody>
              {readings.slice(0, 36).map((r) => (
                <tr key={r.id}>
                  <td>{new Date(r.time).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}</td>
                  <td>{r.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>No readings.</p>
        )}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
