/**
 * GET /share/{token}/report.pdf — the PDF of a clinician's share link
 * (`GET /api/v1/shared/{token}/agp.pdf`), passed through as it arrives. No session: the token in
 * the path is the credential; 404 and 410 come back as the API's error envelope.
 */
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { ApiError, apiStream } from "#app/lib/api.server.ts";
import { getServerEnv } from "#app/lib/env.server.ts";

export async function loader({ params, context }: LoaderFunctionArgs) {
  let res: Response;
  try {
    res = await apiStream(getServerEnv(context), `/api/v1/shared/${encodeURIComponent(params.token ?? "")}/agp.pdf`, {});
  } catch (err) {
    if (err instanceof ApiError) return Response.json({ error: { code: err.code, message: err.message, fields: err.fields } }, { status: err.status });
    throw err;
  }
  const headers = new Headers({ "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow" });
  for (const h of ["content-type", "content-disposition", "content-length"]) {
    const v = res.headers.get(h);
    if (v) headers.set(h, v);
  }
  return new Response(res.body, { status: 200, headers });
}
