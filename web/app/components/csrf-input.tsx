import { useRouteLoaderData } from "@remix-run/react";
import type { loader as rootLoader } from "#app/root.tsx";

/** Name of the hidden field; must match CSRF_FIELD in lib/csrf.server.ts. */
const CSRF_FIELD = "csrf";

/**
 * The session's CSRF token as a hidden field. Put it in every `<Form method="post">`; the
 * action checks it with `validateCsrf`. The token comes from the root loader.
 */
export function CsrfInput() {
  const root = useRouteLoaderData<typeof rootLoader>("root");
  return <input type="hidden" name={CSRF_FIELD} value={root?.csrfToken ?? ""} />;
}
