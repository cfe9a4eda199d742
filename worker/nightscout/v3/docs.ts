/**
 * @module worker/nightscout/v3/docs
 * OpenAPI entries for API v3 (its handlers read raw bodies, as the v1 ones, so they are plain
 * Hono routes described here). One entry per operation with `{collection}` standing for
 * devicestatus, entries, food, profile, settings and treatments; behaviour in operations.ts.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { ErrorEnvelope } from "../../schemas/common.ts";
import { COLLECTION_NAMES } from "./collections.ts";

const v3Error = (description: string) => ({ description, content: { "application/json": { schema: ErrorEnvelope.extend({ status: z.number().int(), message: z.string().optional() }).passthrough() } } });
const ok = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
/** READ, SEARCH and HISTORY also answer CSV and XML (a `.csv`/`.xml` extension or the Accept header). */
const rendered = (schema: z.ZodType, description: string) => ({
  description: `${description}; as CSV (header row from the first document) or XML (root \`item\`, \`items\` for a list) for a \`.csv\`/\`.xml\` path extension or that Accept type`,
  content: { "application/json": { schema }, "text/csv": { schema: z.string() }, "application/xml": { schema: z.string() } },
});
const notAcceptable = v3Error("Unsupported output format requested (not JSON, CSV or XML)");
// Every field is optional here because `fields` may project any of them away.
const Document = z
  .object({ identifier: z.string().optional(), srvCreated: z.number().optional(), srvModified: z.number().optional(), isValid: z.boolean().optional() })
  .passthrough()
  .openapi("NightscoutV3Document", { description: "The document as stored, with identifier, srvCreated and srvModified (unless `fields` leaves them out); isValid false on deleted ones in history" });
const result = (schema: z.ZodType) => z.object({ status: z.number().int(), result: schema });
const WriteResult = z
  .object({ status: z.number().int(), identifier: z.string().optional(), lastModified: z.number(), isDeduplication: z.boolean().optional(), deduplicatedIdentifier: z.string().optional() })
  .openapi("NightscoutV3WriteResult");
const Input = z
  .object({
    identifier: z.string().min(1).optional().openapi({ description: "Computed as UUID v5 of device_date[_eventType] when absent" }),
    date: z.number().int().min(946_684_800_001).max(4_102_444_800_000).openapi({ description: "Epoch ms (or created_at as ISO 8601)", example: 1_714_546_800_000 }),
    utcOffset: z.number().int().min(-1440).max(1440).openapi({ example: 60 }),
    app: z.string().min(1).openapi({ example: "AAPS" }),
    device: z.string().optional(),
    eventType: z.string().optional(),
  })
  .passthrough()
  .openapi("NightscoutV3Input");
const collection = z.enum(COLLECTION_NAMES as [string, ...string[]]).openapi({ param: { name: "collection", in: "path" }, example: "treatments" });
const identifier = z.string().min(1).openapi({ param: { name: "identifier", in: "path" }, description: "The document's identifier (or a v1 `_id`)", example: "f31fd7f5-ab30-5545-98be-47b4d6799c7c" });
const security = [{ Bearer: [] }];
const TAG = ["Nightscout"];

export function registerNightscoutV3Docs(app: OpenAPIHono<AppEnv>): void {
  const reg = app.openAPIRegistry;
  reg.registerPath({ method: "get", path: "/api/v3/version", tags: TAG, summary: "Nightscout v3: version", description: "No credential needed.", security: [], responses: { 200: ok(result(z.object({ version: z.string(), apiVersion: z.string(), srvDate: z.number(), storage: z.object({ storage: z.string(), version: z.string() }) })), "Versions") } });
  reg.registerPath({
    method: "get",
    path: "/api/v3/status",
    tags: TAG,
    summary: "Nightscout v3: status and permissions",
    description: "`Authorization: Bearer` a JWT from /api/v2/authorization/request/<secret>, an uploader secret or a GlucoLens access token (also `?token=`). `apiPermissions` per collection as letters c r u d.",
    security,
    responses: { 200: ok(result(z.object({ apiVersion: z.string(), srvDate: z.number(), apiPermissions: z.record(z.string(), z.string()) }).passthrough()), "Status") },
  });
  reg.registerPath({ method: "get", path: "/api/v3/lastModified", tags: TAG, summary: "Nightscout v3: newest change per collection", security, responses: { 200: ok(result(z.object({ srvDate: z.number(), collections: z.record(z.string(), z.number()) })), "srvDate and each collection's newest srvModified, or its newest document date when later (lastModified.js fallbackDateField)") } });
  reg.registerPath({
    method: "get",
    path: "/api/v3/{collection}",
    tags: TAG,
    summary: "Nightscout v3: search",
    description: "Filters `field$op=value` (eq ne gt gte lt lte in nin re; `field=value` is eq), `sort` or `sort$desc`, `limit` (1–1000, default 1000), `skip`, `fields` (comma list or `_all`). Deleted documents are left out. Bad parameters are 400 naming them.",
    security,
    request: {
      params: z.object({ collection }),
      query: z.object({
        limit: z.string().regex(/^([1-9]\d{0,2}|1000)$/).optional().openapi({ description: "1–1000 (default 1000)", example: "10" }),
        skip: z.string().regex(/^\d{1,6}$/).optional().openapi({ example: "0" }),
        sort: z.string().regex(/^[A-Za-z0-9_.]{1,40}$/).optional().openapi({ description: "Ascending by this field (not with sort$desc)", example: "date" }),
        sort$desc: z.string().regex(/^[A-Za-z0-9_.]{1,40}$/).optional().openapi({ description: "Descending by this field (not with sort)" }),
        fields: z.string().optional().openapi({ description: "Comma list of fields, or _all", example: "date,sgv" }),
      }),
    },
    responses: { 200: rendered(result(z.array(Document)), "Documents"), 400: v3Error("A bad limit, skip, sort or filter (named)"), 406: notAcceptable },
  });
  reg.registerPath({
    method: "post",
    path: "/api/v3/{collection}",
    tags: TAG,
    summary: "Nightscout v3: create",
    description: "201 `{identifier, lastModified}`; a document with the same identifier (or, without one stored, the same date + type / created_at + eventType / created_at + device) is replaced: 200 with `isDeduplication` (and `deduplicatedIdentifier` when it had another). Missing or bad date, utcOffset, app or a collection field: 400 naming it.",
    security,
    request: { params: z.object({ collection }), body: { required: true, content: { "application/json": { schema: Input } } } },
    responses: { 201: ok(WriteResult, "Created"), 200: ok(WriteResult, "Deduplicated: the stored document replaced"), 400: v3Error("A missing or bad field (named)"), 422: v3Error("The stored document is read-only") },
  });
  reg.registerPath({
    method: "get",
    path: "/api/v3/{collection}/history/{lastModified}",
    tags: TAG,
    summary: "Nightscout v3: changes since",
    description: "Documents changed after `lastModified` (epoch ms), deleted ones with `isValid: false`, oldest change first; `Last-Modified` and `ETag: W/\"<newest srvModified>\"`. Also `/history` with a `Last-Modified` header. `limit` as for search.",
    security,
    request: {
      params: z.object({ collection, lastModified: z.string().regex(/^\d{13}$/).openapi({ param: { name: "lastModified", in: "path" }, description: "Epoch ms (or an ISO 8601 date)", example: "1714546800000" }) }),
      query: z.object({ limit: z.string().regex(/^([1-9]\d{0,2}|1000)$/).optional().openapi({ example: "500" }) }),
    },
    responses: { 200: rendered(result(z.array(Document)), "Changed documents"), 400: v3Error("A bad lastModified or limit"), 406: notAcceptable },
  });
  const byId = { params: z.object({ collection, identifier }) };
  reg.registerPath({
    method: "get",
    path: "/api/v3/{collection}/{identifier}",
    tags: TAG,
    summary: "Nightscout v3: read",
    description: "`fields` as for search; `If-Modified-Since` answers 304 when unchanged; a deleted document is 410.",
    security,
    request: { ...byId, query: z.object({ fields: z.string().optional() }) },
    responses: { 200: rendered(result(Document), "The document"), 304: { description: "Not modified since If-Modified-Since" }, 406: notAcceptable, 410: v3Error("The document was deleted") },
  });
  reg.registerPath({
    method: "put",
    path: "/api/v3/{collection}/{identifier}",
    tags: TAG,
    summary: "Nightscout v3: replace (or create)",
    description: "Immutable fields (date, utcOffset, eventType, device, app, srvCreated, subject, srvModified, modifiedBy, isValid) may not change (400 naming it); `If-Unmodified-Since` 412.",
    security,
    request: { ...byId, body: { required: true, content: { "application/json": { schema: Input } } } },
    responses: { 200: ok(WriteResult, "Replaced"), 201: ok(WriteResult, "Created"), 400: v3Error("A missing, bad or immutable field (named)"), 410: v3Error("The document was deleted"), 412: v3Error("Modified since If-Unmodified-Since"), 422: v3Error("The stored document is read-only") },
  });
  reg.registerPath({
    method: "patch",
    path: "/api/v3/{collection}/{identifier}",
    tags: TAG,
    summary: "Nightscout v3: patch",
    security,
    request: { ...byId, body: { required: true, content: { "application/json": { schema: z.object({}).passthrough().openapi({ example: { notes: "edited" } }) } } } },
    responses: { 200: ok(z.object({ status: z.number().int() }), "Patched"), 400: v3Error("An empty body, a bad or immutable field (named)"), 410: v3Error("The document was deleted"), 412: v3Error("Modified since If-Unmodified-Since"), 422: v3Error("The stored document is read-only") },
  });
  reg.registerPath({
    method: "delete",
    path: "/api/v3/{collection}/{identifier}",
    tags: TAG,
    summary: "Nightscout v3: delete",
    description: "Marks the document deleted (`isValid: false`, kept for history); `permanent=true` removes it.",
    security,
    request: { ...byId, query: z.object({ permanent: z.enum(["true", "false"]).optional() }) },
    responses: { 200: ok(z.object({ status: z.number().int() }), "Deleted"), 422: v3Error("The stored document is read-only") },
  });
}
