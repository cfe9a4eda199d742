/**
 * @module worker/routes/interop-docs
 * OpenAPI entries for the interop routes whose handlers read raw bodies (Nightscout documents,
 * signed webhook bytes, import files, streamed exports) and so are plain Hono handlers rather
 * than `createRoute` definitions. Behaviour is described in each route module's header.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";
import { ErrorEnvelope } from "../schemas/common.ts";

type Method = "get" | "post";

const envelope = { description: "Error envelope naming the fields", content: { "application/json": { schema: ErrorEnvelope } } };
const ok = (description: string, type = "application/json") => ({ 200: { description, content: { [type]: { schema: {} } } }, 401: envelope, 422: envelope });

export function registerInteropDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "NightscoutSecret", {
    type: "apiKey",
    in: "header",
    name: "api-secret",
    description: "Hex SHA-1 (or SHA-512) of an uploader secret from POST /api/v1/uploaders. Followers may pass `?token=<secret>` instead.",
  });
  const ns: Record<string, string[]>[] = [{ NightscoutSecret: [] }, { Bearer: [] }];
  const paths: [Method, string, string, string, Record<string, string[]>[]][] = [
    ["post", "/api/v1/entries", "Nightscout: upload entries", "One entry or an array (sgv, mbg, cal). Duplicates by (date, device, type) are not stored twice; answers the entries with `_id`. `cal` is acknowledged, not stored.", ns],
    ["get", "/api/v1/entries.json", "Nightscout: entries, newest first", "`count` (default 10), `find[date][$gte|$lte|$gt|$lt]`, `find[dateString][…]`, `find[type]`.", ns],
    ["get", "/api/v1/entries/{spec}", "Nightscout: sgv.json, mbg.json, current.json or one entry by `_id`", "", ns],
    ["post", "/api/v1/treatments", "Nightscout: upload treatments", "carbs → meal, insulin → insulin dose, eventType Exercise → activity; `created_at` required; duplicates by `identifier` or created_at + eventType.", ns],
    ["get", "/api/v1/treatments", "Nightscout: treatments, newest first", "`count` (default 100), `find[created_at][…]`.", ns],
    ["post", "/api/v1/devicestatus", "Nightscout: upload device status", "Stored as received.", ns],
    ["get", "/api/v1/devicestatus.json", "Nightscout: device status, latest first", "`count` (default 10).", ns],
    ["get", "/api/v1/status.json", "Nightscout: server status and the user's settings", "Units and thresholds (mg/dL) of the user.", ns],
    ["get", "/api/v1/verifyauth", "Nightscout: check the credential", "", ns],
    ["post", "/api/v1/webhooks/cgm/{source}", "Signed CGM webhook delivery", "Headers X-GlucoLens-User, X-GlucoLens-Timestamp (epoch s, ±5 min), X-GlucoLens-Signature = hex HMAC-SHA256(secret, `<timestamp>.<raw body>`), optional Idempotency-Key. Body `{\"readings\":[…]}` or Dexcom EGV records.", []],
    ["post", "/api/v1/webhooks/secret", "Create or rotate the webhook signing secret", "Answers `{secret, user_id, url}`; the previous secret stops working.", [{ Bearer: [] }]],
    ["post", "/api/v1/imports", "Import an export file", "Query `format` (auto, dexcom-clarity, libreview, nightscout, apple-health, csv, glucolens-json), `timezone` (IANA; required for Clarity, LibreView, CSV), `mapping` (csv). Body: the file's bytes or a multipart form with `file`. Answers `{format, imported, duplicates, rejected:[{row, reason}], rejected_total, by_type}`.", [{ Bearer: [] }]],
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
}
