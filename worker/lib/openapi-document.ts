/**
 * @module worker/lib/openapi-document
 * The last step of /openapi.json: adds to every operation what the app's shared machinery can
 * answer, so that a route (also one added later) is described by what it declares itself plus
 * what every route of its kind inherits from worker/app.ts:
 *
 * - `security`: `[]` when the route declares none (a public route);
 * - path parameters named in the template but not declared (string, required);
 * - the error statuses of the global middleware and the one error handler, each in the error
 *   envelope, added only where the route has not described that status itself:
 *   500 everywhere (`onError`); under /api/: 429 (rate limits), 503 (D1 briefly unavailable),
 *   413 on every method that may carry a body (body limit); 401 when the operation needs a
 *   credential; 400 (malformed JSON) and 415 (not JSON) when it reads a JSON body; 422 when it
 *   validates anything (parameters or a body); 404 when its path has parameters;
 * - an `operationId` (method and path) where the route gave none;
 * - `allOf` of a single schema (how zod-to-openapi puts a description beside a `$ref`) replaced by
 *   that schema with its siblings: OpenAPI 3.1 allows keywords next to `$ref`.
 *
 * The route keeps the final word on everything it declares; this step only fills gaps.
 */

/** What this step reads of a document (the generator's own types are narrower than needed here). */
export interface OpenApiDocument {
  paths?: object;
  components?: object;
}

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  parameters?: ({ $ref: string } | { name: string; in: string; [k: string]: unknown })[];
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, unknown>;
  [k: string]: unknown;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

const RETRY_AFTER = { "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer", minimum: 1 } } };

/** The statuses the shared machinery adds, with the description each gets. */
export const SHARED_ERRORS = {
  400: "Malformed request: the body is not valid JSON",
  401: "Missing, invalid or expired credential",
  404: "No such resource for this user",
  413: "Request body too large (256 KiB; 8 MiB on bulk, Nightscout, webhook and import routes)",
  415: "The body is not sent as application/json",
  422: "Validation failed; `fields` names each invalid field",
  429: "Too many requests; `Retry-After` says when to retry",
  500: "Unexpected error on the server's side (logged)",
  503: "The database is briefly unavailable; retry after `Retry-After` seconds",
} as const;

type SharedStatus = keyof typeof SHARED_ERRORS;

function errorResponse(status: SharedStatus) {
  return {
    description: SHARED_ERRORS[status],
    ...(status === 429 || status === 503 ? { headers: RETRY_AFTER } : {}),
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  };
}

const isJson = (type: string) => /^application\/(.+\+)?json\b/.test(type);

/** The shared statuses one operation can answer besides its own. */
export function sharedStatuses(path: string, method: string, op: Operation): SharedStatus[] {
  const out: SharedStatus[] = [500];
  const api = path.startsWith("/api/");
  if (api) out.push(429, 503);
  if (api && method !== "get" && method !== "head") out.push(413);
  if ((op.security ?? []).some((s) => Object.keys(s).length > 0)) out.push(401);
  const bodyTypes = Object.keys(op.requestBody?.content ?? {});
  if (bodyTypes.some(isJson)) out.push(400, 422);
  if (bodyTypes.length > 0 && bodyTypes.every(isJson)) out.push(415);
  if ((op.parameters ?? []).length > 0) out.push(422);
  if (/\{[^}]+\}/.test(path)) out.push(404, 422);
  return [...new Set(out)];
}

function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/v1\//, "/")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return method + (words.join("") || "Root");
}

function unwrapSingleAllOf(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(unwrapSingleAllOf);
  if (!node || typeof node !== "object") return;
  const o = node as Record<string, unknown>;
  const only = Array.isArray(o.allOf) && o.allOf.length === 1 ? (o.allOf[0] as Record<string, unknown>) : null;
  if (only && typeof only === "object" && Object.keys(only).every((k) => !(k in o))) {
    delete o.allOf;
    Object.assign(o, only);
  }
  for (const v of Object.values(o)) unwrapSingleAllOf(v);
}

/** Completes `doc` in place (see the module comment) and returns it. */
export function completeDocument<T extends OpenApiDocument>(doc: T): T {
  const ids = new Set<string>();
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op) continue;
      op.security ??= [];
      const declared = new Set((op.parameters ?? []).flatMap((p) => ("in" in p && p.in === "path" ? [p.name] : [])));
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        if (!declared.has(name!)) (op.parameters ??= []).push({ name: name!, in: "path", required: true, schema: { type: "string" } });
      }
      const responses = (op.responses ??= {});
      for (const status of sharedStatuses(path, method, op)) responses[status] ??= errorResponse(status);
      let id = op.operationId ?? operationId(method, path);
      for (let n = 2; ids.has(id); n++) id = `${op.operationId ?? operationId(method, path)}${n}`;
      op.operationId = id;
      ids.add(id);
    }
  }
  unwrapSingleAllOf(doc.paths);
  unwrapSingleAllOf(doc.components);
  return doc;
}
