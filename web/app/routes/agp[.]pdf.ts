/**
 * GET /agp.pdf?days=14|30|90 — the clinician AGP report (`GET /api/v1/reports/agp.pdf`),
 * downloaded through the site because the API wants the bearer token the browser never holds.
 */
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { ApiError, apiStream } from "#app/lib/api.server.ts";
import { requireAuth } from "#app/lib/session.server.ts";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const auth = await requireAuth(request, context);
  const days = new URL(request.url).searchParams.get("days") ?? "14";
  let res: Response;
  try {
    res = await auth.call((token, env) => apiStream(env, "/api/v1/reports/agp.pdf", { token, query: { days } }));
  } catch (err) {
    if (err instanceof ApiError) return Response.json({ error: { code: err.code, message: err.message, fields: err.fields } }, { status: err.status });
    throw err;
  }
  const headers = new Headers(await auth.headers());
  for (const h of ["content-type", "content-disposition", "content-length"]) {
    const v = res.headers.get(h);
    if (v) headers.set(h, v);
  }
  headers.set("Cache-Control", "private, no-store");
  return new Response(res.body, { status: 200, headers });
}
