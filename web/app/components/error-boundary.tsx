/**
 * The shared route ErrorBoundary (Epic Stack's GeneralErrorBoundary): thrown responses are
 * rendered by a per-status handler, anything else as an unexpected error. Routes export
 *
 *   export function ErrorBoundary() { return <GeneralErrorBoundary statusHandlers={{ 404: … }} /> }
 */
import { isRouteErrorResponse, Link, useLocation, useParams, useRouteError } from "@remix-run/react";
import type { ErrorResponse } from "@remix-run/react";
import { useEffect, type ReactElement } from "react";

type StatusHandler = (info: {
  error: ErrorResponse;
  params: Record<string, string | undefined>;
}) => ReactElement | null;

const DEFAULT_MESSAGES: Record<number, { title: string; body: string }> = {
  400: { title: "That request didn't work", body: "Check what you entered and try again." },
  401: { title: "Please sign in again", body: "Your session has ended." },
  403: { title: "Not allowed", body: "You don't have access to this page." },
  404: { title: "Page not found", body: "We couldn't find the page you asked for." },
  503: {
    title: "GlucoLens is temporarily unavailable",
    body: "We couldn't reach the GlucoLens service. Your data is safe; try again in a minute.",
  },
};

function errorText(data: unknown): string | null {
  if (typeof data === "string" && data.trim()) return data;
  if (data && typeof data === "object" && "message" in data && typeof data.message === "string") {
    return data.message;
  }
  return null;
}

const defaultStatusHandler: StatusHandler = ({ error }) => {
  const known = DEFAULT_MESSAGES[error.status];
  // For an outage our own wording is kinder than whatever the API said.
  const body = error.status === 503 ? known?.body : (errorText(error.data) ?? known?.body);
  return (
    <>
      <h1>{known?.title ?? `Error ${error.status}`}</h1>
      <p>{body ?? error.statusText}</p>
    </>
  );
};

export function GeneralErrorBoundary({
  defaultStatusHandler: renderStatus = defaultStatusHandler,
  statusHandlers,
  unexpectedErrorHandler = () => (
    <>
      <h1>Something went wrong</h1>
      <p>An unexpected error occurred. Reload the page; if it keeps happening, let us know.</p>
    </>
  ),
}: {
  defaultStatusHandler?: StatusHandler;
  statusHandlers?: Record<number, StatusHandler>;
  unexpectedErrorHandler?: (error: unknown) => ReactElement | null;
}) {
  const error = useRouteError();
  const params = useParams();
  const location = useLocation();
  useEffect(() => {
    // Thrown responses (404, 403…) are expected outcomes; only real failures are logged.
    if (!isRouteErrorResponse(error)) console.error(error);
  }, [error]);

  return (
    <section className="error-panel" role="alert" aria-live="assertive">
      {isRouteErrorResponse(error)
        ? (statusHandlers?.[error.status] ?? renderStatus)({ error, params })
        : unexpectedErrorHandler(error)}
      <p className="error-panel__actions">
        {location.pathname === "/" ? (
          // Already on the dashboard: offer a retry rather than a link to the same page.
          <a href={`${location.pathname}${location.search}`} className="button button--secondary">
            Try again
          </a>
        ) : (
          <Link to="/" className="button button--secondary">
            Go to the dashboard
          </Link>
        )}
      </p>
    </section>
  );
}
