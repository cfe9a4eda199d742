/**
 * GET /export — the data export, downloaded through the site because the API wants the
 * bearer token the browser never holds. `?format=json|fhir` streams `GET /api/v1/export`;
 * `?file=<type>.csv` streams `GET /api/v1/export/<type>.csv`. The API's body is passed on as
 * it arrives (no buffering: exports can be large), with its content type and file name.
 */
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { ApiError, apiStream } from "#app/lib/api.server.ts";
import { requireAuth } from "#app/lib/session.server.ts";

function problem(status: number, code: string, message: string, path: string) {
  return Response.json({ error: { code, message, fields: [{ path, message }] } }, { status });
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const auth = await requireAuth(request, context);
  const q = new URL(request.url).searchParams;
  const file = q.get("file");
  const format = q.get("format");
  let path: string;
  let query: Record<string, string | undefined> = {};
  if (file !== null) {
    if (!/^[a-z0-9-]{1,40}\.csv$/.test(file)) return problem(400, "invalid_request", "Choose one of the CSV files listed in Settings.", "file");
    path = `/api/v1/export/${file}`;
  } else if (format === "json" || format === "fhir" || format === null) {
    path = "/api/v1/export";
    query = { format: format ?? "json" };
  } else {
    return problem(400, "invalid_request", 'must be "json" or "fhir"', "format");
  }
  for (const k of ["start", "end"]) if (q.get(k)) query[k] = q.get(k)!;

  let res: Response;
  try {
    res = await auth.call((token, env) => apiStream(env, path, { token, query }));
  } catch (err) {
    if (err instanceof ApiError) {
      return Response.json({ error: { code: err.code, message: err.message, fields: err.fields } }, { status: err.status === 503 ? 503 : err.status });
    }
    throw err;
  }
  const headers = new Headers(await auth.headers());
  for (const h of ["content-type", "content-disposition"]) {
    const v = res.headers.get(h);
    if (v) headers.set(h, v);
  }
  headers.set("Cache-Control", "private, no-store");
  return new Response(res.body, { status: 200, headers });
}
