/**
 * GET /api/job-status?id=… — the status of one of the user's analysis jobs, for the progress bar
 * on /insights (the browser polls this; the route adds the session's token). Another user's job
 * id answers 404, as the API does. Errors come in the API's envelope.
 */
import type { LoaderFunctionArgs } from "@remix-run/cloudflare";
import { insightsApi } from "#app/lib/api.server.ts";
import { apiErrorResponse, jsonError, requireAuthJson } from "#app/lib/resource.server.ts";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const id = new URL(request.url).searchParams.get("id") ?? "";
  if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(id)) {
    return jsonError(422, "validation_failed", "The job id is not valid.", [{ path: "id", message: id ? "is not a job id" : "is required" }]);
  }
  const auth = await requireAuthJson(request, context);
  try {
    const job = await auth.call((token, env) => insightsApi.job(env, token, id));
    return Response.json(job, { headers: await auth.headers() });
  } catch (err) {
    return apiErrorResponse(err);
  }
}
