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

type Method = "get" | "post";

const envelope = { description: "Error envelope naming the fields", content: { "application/json": { schema: ErrorEnvelope } } };
const ok = (description: string, type = "application/json") => ({ 200: { description, content: { [type]: { schema: {} } } }, 401: envelope, 422: envelope });

export function registerInteropDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "NightscoutSecret", {
    type: "apiKey",
    in: "header",
    name: "api-secret",
    description: "Hex SHA-1 (or SHA-512) of an uploader secret from POST /api/v1/uploaders (also as `?secret=`). Followers may pass `?token=<secret>` or a JWT from /api/v2/authorization/request/<secret> instead.",
  });
  const ns: Record<string, string[]>[] = [{ NightscoutSecret: [] }, { Bearer: [] }];
  const paths: [Method, string, string, string, Record<string, string[]>[]][] = [
    ["post", "/api/v1/entries", "Nightscout: upload entries", "One entry or an array (sgv, mbg, cal; `.json` and PUT too). Same time and type as a stored reading (any device) updates it; a valid 24-hex `_id` is kept. Each item is answered on its own: a bad one is an `{error}` in its place (200), a bad single entry or an all-bad batch is 422. See docs/nightscout.md.", ns],
    ["get", "/api/v1/entries.json", "Nightscout: entries, newest first", "`count` (default 10, up to 1,000,000, streamed), `find[field][$op]` ($eq $ne $gt $gte $lt $lte $in $nin $exists $regex) on any field; the last 4 days unless a date is named. Also `.csv`, `.tsv`, `.txt`.", ns],
    ["get", "/api/v1/entries/{spec}", "Nightscout: sgv.json, mbg.json, current.json or one entry by its 24-hex `_id`", "", ns],
    ["post", "/api/v1/treatments", "Nightscout: upload treatments", "One or an array (PUT too). Upsert by `identifier`, `_id`, or created_at + eventType; created_at defaults to eventTime or now; carbs → meal, insulin → insulin dose, Exercise → activity, notes → note. DELETE `/api/v1/treatments/{_id}` and `?find[…]`.", ns],
    ["get", "/api/v1/treatments", "Nightscout: treatments, newest first", "`count` (default 100, 1000 with a find), `find[…]` as for entries (regex on notes, eventType, enteredBy).", ns],
    ["post", "/api/v1/devicestatus", "Nightscout: upload device status", "Stored as received; a retry (same identifier, `_id`, or created_at + device) replaces, never duplicates.", ns],
    ["get", "/api/v1/devicestatus.json", "Nightscout: device status, latest first", "`count` (default 10), `find[…]`.", ns],
    ["get", "/api/v1/food", "Nightscout: food database", "Also `/food/quickpicks`, `/food/regular`; POST/PUT one or an array; DELETE `/food/{_id}`.", ns],
    ["get", "/api/v1/status.json", "Nightscout: server status and the user's settings", "Units and thresholds (mg/dL) of the user. Also `/status`, `.txt`, `.html`, `.js`, `.png`.", ns],
    ["get", "/api/v1/verifyauth", "Nightscout: check the credential", "200 with `message.message` OK or UNAUTHORIZED.", []],
    ["get", "/api/v1/experiments/test", "Nightscout: credential test (Loop)", "`{status: \"ok\"}`.", ns],
    ["get", "/api/versions", "Nightscout: API versions", "", []],
    ["get", "/api/v2/authorization/request/{token}", "Nightscout: a JWT for an uploader secret", "`{token, sub, permissionGroups, iat, exp}`; the token is accepted as a Bearer credential (or `?token=`) on every Nightscout route for 8 hours, until the uploader is revoked.", []],
    ["post", "/api/v1/webhooks/cgm/{source}", "Signed CGM webhook delivery", "Headers X-GlucoLens-User, X-GlucoLens-Timestamp (epoch s, ±5 min), X-GlucoLens-Signature = hex HMAC-SHA256(secret, `<timestamp>.<raw body>`), optional Idempotency-Key. Body `{\"readings\":[…]}` or Dexcom EGV records.", []],
    ["post", "/api/v1/webhooks/secret", "Create or rotate the webhook signing secret", "Answers `{secret, user_id, url}`; the previous secret stops working.", [{ Bearer: [] }]],
    ["get", "/api/v1/export", "Export every record type", "`format` json (GlucoLens document, re-importable with format=glucolens-json), fhir (R4 Bundle of Observations) or csv (list of per-type files); `start`, `end`. Streamed.", [{ Bearer: [] }]],
    ["get", "/api/v1/export/{type}.csv", "Export one record type as CSV", "", [{ Bearer: [] }]],
  ];
  for (const [method, path, summary, description, security] of paths) {
    app.openAPIRegistry.registerPath({
      method,
      path,
      tags: [path.includes("webhooks") ? "Webhooks" : path.includes("import") || path.includes("export") ? "Import and export" : "Nightscout"],
      summary,
      description,
      security,
      responses: ok(summary, path.endsWith(".csv") ? "text/csv" : "application/json"),
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
      "an unknown `upload_id` 404; an upload idle for 24 hours 410. Row numbers in `rejected` count from the start of the whole file.",
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
    },
    responses: { 200: { description: "Import totals", content: { "application/json": { schema: {} } } }, 401: envelope, 404: envelope, 409: envelope, 410: envelope, 413: envelope, 422: envelope },
  });
}
