/**
 * The app's own route list for the fuzzer and the isolation test: every operation of
 * GET /openapi.json (the createRoute routes and the interop routes registered in
 * worker/routes/interop-docs.ts), plus /health, and the contract every error response keeps.
 */
import { api } from "./helpers.ts";
import type { JsonSchema, Operation } from "./fuzz-requests.ts";

/** The operations of /openapi.json, plus /health. */
export async function operations(): Promise<{ ops: Operation[]; resolve: (s: JsonSchema) => JsonSchema; doc: JsonSchema }> {
  const doc = (await api("/openapi.json")).json;
  const resolve = (s: JsonSchema): JsonSchema => {
    let out = s;
    for (let i = 0; out?.$ref && i < 10; i++) out = out.$ref.replace(/^#\//, "").split("/").reduce((o: any, k: string) => o?.[k], doc) ?? {};
    return out ?? {};
  };
  const ops: Operation[] = [];
  if (!doc.paths["/health"]) ops.push({ method: "GET", path: "/health", pathParams: [], query: [], body: null, security: [], responses: { 200: {} }, bodyTypes: [] });
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      const params = (op.parameters ?? []).map(resolve);
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
        query: params.filter((p: any) => p.in === "query").map((p: any) => ({ name: p.name, schema: p.schema ?? {} })),
        body: op.requestBody?.content?.["application/json"]?.schema ?? null,
        security: (op.security ?? []).flatMap((s: Record<string, unknown>) => Object.keys(s)),
        responses: op.responses ?? {},
        bodyTypes: Object.keys(op.requestBody?.content ?? {}),
      });
    }
  }
  return { ops, resolve, doc };
}

/** Why a response breaks the contract, or null. */
export function violation(status: number, contentType: string, text: string): string | null {
  if (status >= 500) return `status ${status}: ${text.slice(0, 300)}`;
  if (status < 400) return null;
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return `${status} is not JSON (${contentType}): ${text.slice(0, 200)}`;
  }
  const e = body?.error;
  if (!e || typeof e.code !== "string" || !e.code || typeof e.message !== "string" || !Array.isArray(e.fields)) return `${status} is not the error envelope: ${text.slice(0, 300)}`;
  // Nightscout's routes answer in its sendJSONStatus shape ({status, message, description}) beside the envelope (docs/nightscout.md).
  const beside = Object.keys(body).filter((k) => k !== "error");
  const nightscoutStatus = body.status === status && beside.every((k) => ["status", "message", "description"].includes(k));
  if (beside.length && !nightscoutStatus) return `${status} has keys beside error: ${text.slice(0, 200)}`;
  for (const f of e.fields) if (typeof f?.path !== "string" || !f.path || typeof f.message !== "string") return `${status} has a malformed field entry: ${text.slice(0, 300)}`;
  if ((status === 400 || status === 422) && e.fields.length === 0) return `${status} names no field: ${text.slice(0, 300)}`;
  if (!/application\/json/.test(contentType)) return `${status} content-type ${contentType}`;
  return null;
}
