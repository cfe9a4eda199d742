/**
 * POST /api/upload-chunk — one chunk of the upload wizard: `{"kind":"glucose","items":[…]}` with
 * at most 5,000 parsed records, forwarded to the API's bulk endpoint of that kind with the
 * session's token (the browser never holds one). Answers the API's counts
 * `{inserted, duplicates, rejected[{index, fields}]}`; bad input answers 4xx in the API's error
 * envelope naming the field. CSRF: the page's token in the X-CSRF-Token header.
 */
import type { ActionFunctionArgs } from "@remix-run/cloudflare";
import { z } from "zod";
import { uploadApi } from "#app/lib/api.server.ts";
import { apiErrorResponse, jsonError, requireAuthJson, validateCsrfHeader } from "#app/lib/resource.server.ts";
import { bulkEndpoint, CHUNK_SIZE, UPLOAD_KINDS } from "#app/lib/upload-chunks.ts";

/** Twice what a chunk of 5,000 Apple Health workouts needs; stops a runaway body early. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

const ChunkBody = z.object({
  kind: z.enum(UPLOAD_KINDS, { error: `must be one of ${UPLOAD_KINDS.join(", ")}` }),
  items: z
    .array(z.unknown(), { error: "must be an array of records" })
    .min(1, "must hold at least one record")
    .max(CHUNK_SIZE, `at most ${CHUNK_SIZE.toLocaleString("en-US")} records per chunk`),
});

export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== "POST") return jsonError(405, "method_not_allowed", "Use POST.");
  const auth = await requireAuthJson(request, context);
  validateCsrfHeader(request, auth);
  const length = Number(request.headers.get("Content-Length") ?? 0);
  if (length > MAX_BODY_BYTES) return jsonError(413, "payload_too_large", `A chunk may be at most ${MAX_BODY_BYTES / 1024 / 1024} MiB.`, [{ path: "items", message: "is too large: send fewer records per chunk" }]);
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return jsonError(400, "malformed_json", "The body is not valid JSON.", [{ path: "body", message: "is not valid JSON" }]);
  }
  const parsed = ChunkBody.safeParse(body);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ path: i.path.join(".") || "body", message: i.message }));
    return jsonError(422, "validation_failed", "The chunk is not valid.", fields);
  }
  const { path, key } = bulkEndpoint(parsed.data.kind);
  try {
    const result = await auth.call((token, env) => uploadApi.bulk(env, token, path, key, parsed.data.items));
    return Response.json(result, { headers: await auth.headers() });
  } catch (err) {
    return apiErrorResponse(err);
  }
}

export function loader() {
  return jsonError(405, "method_not_allowed", "POST a chunk here; see the upload page.");
}
