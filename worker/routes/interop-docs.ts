/**
 * @module worker/routes/interop-docs
 * OpenAPI entries for the interop routes whose handlers read raw bodies (Nightscout documents,
 * signed webhook bytes, import files, streamed exports) and so are plain Hono handlers rather
 * than `createRoute` definitions. Behaviour is described in each route module's header.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";
import { z } from "@hono/zod-openapi";
import { ErrorEnvelope } from "../schemas/common.ts";
import { UPLOADER_ROLES } from "../db/schema-interop.ts";
import { MAX_CARRIED_BYTES, MAX_UPLOAD_BYTES, MAX_UPLOAD_PARTS } from "../imports/parts.ts";
import {
  CSV_EXPORT_TYPES,
  CsvExportList,
  FhirBundle,
  GlucoLensExport,
  ImportResult,
  NightscoutDeviceStatus,
  NightscoutDeviceStatusInput,
  NightscoutEntry,
  NightscoutEntryInput,
  NightscoutStatus,
  NightscoutTreatment,
  NightscoutTreatmentInput,
  NightscoutVerifyAuth,
  oneOrMany,
  WebhookDeliveryInput,
  WebhookDeliveryResult,
  WebhookSecret,
} from "../schemas/interop.ts";

type Method = "get" | "post" | "delete";

const envelope = (description: string) => ({ description, content: { "application/json": { schema: ErrorEnvelope } } });
const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const body = (schema: z.ZodType) => ({ required: true, content: { "application/json": { schema } } });
const range = z.object({
  start: z.string().optional().openapi({ description: "Inclusive lower bound (ISO 8601 with offset or epoch ms)", example: "2024-05-01T00:00:00Z" }),
  end: z.string().optional().openapi({ description: "Exclusive upper bound (ISO 8601 with offset or epoch ms)", example: "2024-05-02T00:00:00Z" }),
});
const count = (fallback: number) => z.string().optional().openapi({ description: `1–10000 (default ${fallback})`, example: "10" });

interface Doc {
  request?: { params?: z.ZodObject; query?: z.ZodObject; body?: ReturnType<typeof body> };
  responses: Record<number, unknown>;
}

export function registerInteropDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "NightscoutSecret", {
    type: "apiKey",
    in: "header",
    name: "api-secret",
    description: "Hex SHA-1 (or SHA-512) of an uploader secret from POST /api/v1/uploaders (also as `?secret=`). Followers may pass `?token=<secret>` or a JWT from /api/v2/authorization/request/<secret> instead.",
  });
  const ns: Record<string, string[]>[] = [{ NightscoutSecret: [] }, { Bearer: [] }];
  const entries: Doc = {
    request: { query: z.object({ count: count(10), "find[date][$gte]": z.string().optional(), "find[date][$lte]": z.string().optional(), "find[dateString][$gte]": z.string().optional(), "find[type]": z.enum(["sgv", "mbg", "cal"]).optional() }) },
    responses: { 200: json(z.array(NightscoutEntry), "Entries, newest first") },
  };
  const paths: [Method, string, string, string, Record<string, string[]>[], Doc][] = [
    ["post", "/api/v1/entries", "Nightscout: upload entries", "One entry or an array (sgv, mbg, cal; `.json` and PUT too). Same time and type as a stored reading (any device) updates it; a valid 24-hex `_id` is kept. Each item is answered on its own: a bad one is an `{error}` in its place (200), a bad single entry or an all-bad batch is 422. See docs/nightscout.md.", ns, { request: { body: body(oneOrMany(NightscoutEntryInput)) }, responses: { 200: json(z.array(z.union([NightscoutEntry, ErrorEnvelope])), "The entries with their `_id`, a refused one as an error envelope in its place") } }],
    ["get", "/api/v1/entries.json", "Nightscout: entries, newest first", "`count` (default 10, up to 1,000,000, streamed), `find[field][$op]` ($eq $ne $gt $gte $lt $lte $in $nin $exists $regex) on any field; the last 4 days unless a date is named. Also `.csv`, `.tsv`, `.txt`.", ns, entries],
    [
      "get",
      "/api/v1/entries/{spec}",
      "Nightscout: sgv.json, mbg.json, current.json or one entry by its 24-hex `_id`",
      "",
      ns,
      {
        request: { params: z.object({ spec: z.string().openapi({ param: { name: "spec", in: "path" }, description: "sgv, mbg, cal or current (with or without .json), or an entry's `_id`", example: "sgv.json" }) }), query: entries.request!.query },
        responses: { 200: json(z.array(NightscoutEntry), "Entries, newest first"), 404: envelope("No entry with this `_id`") },
      },
    ],
    ["post", "/api/v1/treatments", "Nightscout: upload treatments", "One or an array (PUT too). Upsert by `identifier`, `_id`, or created_at + eventType; created_at defaults to eventTime or now; carbs → meal, insulin → insulin dose, Exercise → activity, notes → note. DELETE `/api/v1/treatments/{_id}` and `?find[…]`.", ns, { request: { body: body(oneOrMany(NightscoutTreatmentInput)) }, responses: { 200: json(z.array(z.union([NightscoutTreatment, ErrorEnvelope])), "The treatments as stored, a refused one as an error envelope in its place") } }],
    ["get", "/api/v1/treatments", "Nightscout: treatments, newest first", "`count` (default 100, 1000 with a find), `find[…]` as for entries (regex on notes, eventType, enteredBy).", ns, { request: { query: z.object({ count: count(100), "find[created_at][$gte]": z.string().optional(), "find[eventType]": z.string().optional() }) }, responses: { 200: json(z.array(NightscoutTreatment), "Treatments, newest first") } }],
    ["post", "/api/v1/devicestatus", "Nightscout: upload device status", "Stored as received; a retry (same identifier, `_id`, or created_at + device) replaces, never duplicates.", ns, { request: { body: body(oneOrMany(NightscoutDeviceStatusInput)) }, responses: { 200: json(z.array(z.union([NightscoutDeviceStatus, ErrorEnvelope])), "The documents as stored, a refused one as an error envelope in its place") } }],
    ["get", "/api/v1/devicestatus.json", "Nightscout: device status, latest first", "`count` (default 10), `find[…]`.", ns, { request: { query: z.object({ count: count(10), "find[created_at][$gte]": z.string().optional() }) }, responses: { 200: json(z.array(NightscoutDeviceStatus), "Device status, latest first") } }],
    ["get", "/api/v1/status.json", "Nightscout: server status and the user's settings", "Units and thresholds (mg/dL) of the user. Also `/status`, `.txt`, `.html`, `.js`, `.png`.", ns, { responses: { 200: json(NightscoutStatus, "Status") } }],
    ["get", "/api/v1/verifyauth", "Nightscout: check the credential", "200 with `message.message` OK or UNAUTHORIZED (also without a credential, as Nightscout).", [], { responses: { 200: json(NightscoutVerifyAuth, "Whether the credential is valid") } }],
    ["get", "/api/v1/food", "Nightscout: food database", "Also `/food/quickpicks`, `/food/regular`; POST/PUT one or an array; DELETE `/food/{_id}`.", ns, { responses: { 200: json(z.array(z.object({ _id: z.string() }).passthrough()), "Food documents") } }],
    [
      "get",
      "/api/v1/notifications/ack",
      "Nightscout: acknowledge alarms",
      "Acknowledges the user's active alerts of `level` and below (2 urgent, 1 warning), as the socket's `ack` (lib/api/notifications-api.js). `group` and `time` are accepted and not used.",
      ns,
      {
        request: { query: z.object({ level: z.enum(["1", "2"]).openapi({ example: "2" }), group: z.string().optional(), time: z.string().optional() }) },
        responses: { 200: { description: "OK", content: { "text/plain": { schema: z.string() } } }, 400: envelope("A level other than 1 or 2") },
      },
    ],
    ["get", "/api/v1/experiments/test", "Nightscout: credential test (Loop, xDrip4iOS)", "`{status: \"ok\"}`; 401 for a read-only (`readable`) secret, as Nightscout asks `authorization:debug:test`.", ns, { responses: { 200: json(z.object({ status: z.string() }), "The credential is valid and may write") } }],
    ["get", "/api/versions", "Nightscout: API versions", "", [], { responses: { 200: json(z.array(z.object({ version: z.string(), url: z.string() })), "The Nightscout API versions served") } }],
    [
      "get",
      "/api/v2/authorization/request/{token}",
      "Nightscout: a JWT for an uploader secret",
      "`{token, sub, permissionGroups, iat, exp}`; the token is accepted as a Bearer credential (or `?token=`) on every Nightscout route for 8 hours, until the uploader is revoked.",
      [],
      {
        request: { params: z.object({ token: z.string().openapi({ param: { name: "token", in: "path" }, description: "An uploader secret (or its SHA-1)" }) }) },
        responses: {
          200: json(z.object({ token: z.string(), sub: z.string(), permissionGroups: z.array(z.array(z.string())), iat: z.number(), exp: z.number() }).passthrough(), "A JWT"),
          401: { description: "Unknown or revoked secret", content: { "application/json": { schema: z.object({}).passthrough() } } },
        },
      },
    ],
    [
      "get",
      "/api/v2/authorization/subjects",
      "Nightscout: the uploader secrets as subjects",
      "`[{_id, name, roles, accessToken?}]` by name (lib/authorization/endpoints.js); `accessToken` for subjects made here (derived as Nightscout derives it), not for secrets made in GlucoLens (shown once). Needs an admin secret.",
      ns,
      { responses: { 200: json(z.array(z.object({ _id: z.string(), name: z.string(), roles: z.array(z.enum(UPLOADER_ROLES)), accessToken: z.string().optional() })), "The subjects") } },
    ],
    [
      "post",
      "/api/v2/authorization/subjects",
      "Nightscout: make a subject (a narrower token)",
      "`{name, roles: [\"readable\"|\"admin\"], notes?}` with an admin uploader secret (api-secret or token): a new uploader secret whose token is `<name>-<16 hex>`, listed by GET. nightscout-connect and LoopFollow make their read-only token so.",
      ns,
      {
        request: { body: body(z.object({ name: z.string().min(1).max(64).openapi({ example: "nightscout-connect-reader" }), roles: z.array(z.enum(UPLOADER_ROLES)).min(1).openapi({ example: ["readable"] }), notes: z.string().optional() })) },
        responses: { 200: json(z.object({ _id: z.string(), name: z.string(), roles: z.array(z.enum(UPLOADER_ROLES)), notes: z.string().optional(), created_at: z.string() }), "The subject") },
      },
    ],
    [
      "delete",
      "/api/v2/authorization/subjects/{id}",
      "Nightscout: remove a subject",
      "Revokes the uploader secret of that `_id`: `{}`; 404 for an `_id` that is not one of the user's (Nightscout answers `{}`).",
      ns,
      {
        request: { params: z.object({ id: z.string().regex(/^[0-9a-f]{24}$/).openapi({ param: { name: "id", in: "path" }, example: "6745a1b20000000000000001" }) }) },
        responses: { 200: json(z.object({}), "Removed"), 404: envelope("No subject of the user has that `_id`") },
      },
    ],
    [
      "post",
      "/api/v1/webhooks/cgm/{source}",
      "Signed CGM webhook delivery",
      "Headers X-GlucoLens-User, X-GlucoLens-Timestamp (epoch s, ±5 min), X-GlucoLens-Signature = hex HMAC-SHA256(secret, `POST\\n<path>\\n<timestamp>\\n<raw body>`) (the path with `{source}`, so a delivery does not verify for another source), optional Idempotency-Key. Body `{\"readings\":[…]}` or Dexcom EGV records. A missing or wrong signature is 401.",
      [],
      {
        request: { params: z.object({ source: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/).openapi({ param: { name: "source", in: "path" }, description: "The sending service, stored as the readings' source", example: "acme-cloud" }) }), body: body(WebhookDeliveryInput) },
        // Verified by its signature, so there is no security scheme; an unsigned delivery is 401.
        responses: { 200: json(WebhookDeliveryResult, "Stored (a replay of an Idempotency-Key answers the first result)"), 401: envelope("Missing, stale or wrong signature") },
      },
    ],
    ["post", "/api/v1/webhooks/secret", "Create or rotate the webhook signing secret", "Answers `{secret, user_id, url}`; the previous secret stops working.", [{ Bearer: [] }], { responses: { 201: json(WebhookSecret, "The new secret (shown once)") } }],
    [
      "get",
      "/api/v1/export",
      "Export every record type",
      "`format` json (GlucoLens document, re-importable with format=glucolens-json), fhir (R4 Bundle of Observations) or csv (a zip of one CSV per type; with `Accept: application/json` only, the list of per-type files); `start`, `end`. Streamed.",
      [{ Bearer: [] }],
      {
        request: { query: range.extend({ format: z.enum(["json", "fhir", "csv"]).optional().openapi({ description: "default json" }) }) },
        responses: {
          200: {
            description: "The export",
            content: {
              "application/json": { schema: z.union([GlucoLensExport, CsvExportList]) },
              "application/fhir+json": { schema: FhirBundle },
              "application/zip": { schema: z.string().openapi({ format: "binary" }) },
            },
          },
        },
      },
    ],
    [
      "get",
      "/api/v1/export/{type}.csv",
      "Export one record type as CSV",
      "",
      [{ Bearer: [] }],
      {
        request: { params: z.object({ type: z.enum(CSV_EXPORT_TYPES).openapi({ param: { name: "type", in: "path" } }) }), query: range },
        responses: { 200: { description: "The CSV file", content: { "text/csv": { schema: z.string() } } }, 404: envelope("No such record type") },
      },
    ],
  ];
  for (const [method, path, summary, description, security, doc] of paths) {
    app.openAPIRegistry.registerPath({
      method,
      path,
      tags: [path.includes("webhooks") ? "Webhooks" : path.includes("import") || path.includes("export") ? "Import and export" : "Nightscout"],
      summary,
      description,
      security,
      ...(doc.request && { request: doc.request }),
      responses: doc.responses as never,
    });
  }
  app.openAPIRegistry.registerPath({
    method: "post",
    path: "/api/v1/imports",
    tags: ["Import and export"],
    summary: "Import an export file, whole or in parts",
    description:
      "Body: the file's bytes (any Content-Type) or a multipart form with `file`. Answers `{format, imported, duplicates, rejected:[{row, reason}], rejected_total, by_type:{glucose:{imported, duplicates}, meals:{…}, …}}`.\n\n" +
      "**In parts** (files larger than one 8 MiB request): choose an `upload_id` (a UUID), send the file's bytes in order as `part=0,1,2,…`, cut anywhere, and add `last=true` to the final part. " +
      "`format`, `timezone` and `mapping` are read from part 0 only. Each part answers the running totals plus `upload_id`, `part`, `done`, `next_part`; the last one the final summary. " +
      "A part sent again with the same bytes is answered as the first time (header `Idempotent-Replayed: true`) and stores nothing; with other bytes 409. A skipped part is 409 naming `part`; " +
      "an unknown `upload_id` 404; an upload idle for 24 hours 410. Row numbers in `rejected` count from the start of the whole file. " +
      `**Caps** per upload in parts, each a 413 naming the limit (codes \`too_many_parts\`, \`upload_too_large\`, \`import_state_too_large\`), after which the upload is discarded (rows of the parts already answered stay; the refused part stores nothing): at most ${MAX_UPLOAD_PARTS} parts, ${MAX_UPLOAD_BYTES / 1024 ** 3} GiB in all, and ${MAX_CARRIED_BYTES / 1024 ** 2} MiB carried from one part to the next (parser state and unparsed bytes; a comment, tag or quoted field left open grows it).`,
    security: [{ Bearer: [] }],
    request: {
      query: z.object({
        format: z.enum(["auto", "dexcom-clarity", "libreview", "nightscout", "apple-health", "csv", "glucolens-json"]).optional().openapi({ description: "default auto (detected from the first 4 KB)" }),
        timezone: z.string().optional().openapi({ description: "IANA zone of the device clock; required for dexcom-clarity, libreview and csv", example: "Europe/London" }),
        mapping: z.string().optional().openapi({ description: 'csv: JSON column mapping {"time","value","unit","timeFormat",…}; guessed when absent' }),
        upload_id: z.string().optional().openapi({ description: "parts: the client's id of this upload (8–64 of A–Z a–z 0–9 - _)", example: "6f1c2b0e-8d2a-4c57-9a43-2f7f0b6d1e21" }),
        part: z.string().optional().openapi({ description: "parts: 0-based number of this part", example: "0" }),
        last: z.enum(["true", "false"]).optional().openapi({ description: "parts: true on the final part" }),
      }),
      body: {
        required: true,
        content: {
          "application/octet-stream": {
            schema: z.string().openapi({ format: "binary", description: "The file's bytes (any Content-Type but multipart)", example: '[{"type":"sgv","sgv":120,"date":1714546800000,"device":"xDrip"}]' }),
          },
          "multipart/form-data": { schema: z.object({ file: z.string().openapi({ format: "binary" }) }) },
        },
      },
    },
    responses: {
      200: json(ImportResult, "Import totals (parts: the running totals)"),
      404: envelope("No upload with this `upload_id`"),
      409: envelope("A part out of order, or sent again with other bytes"),
      410: envelope("The upload was idle for 24 hours and was discarded"),
    },
  });
}
