/**
 * @module worker/app
 * Wires the API together: middleware, the one error handler, routes, OpenAPI docs.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { except } from "hono/combine";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env.ts";
import { ApiError, errorBody, zodFields } from "./lib/errors.ts";
import { requireAuth } from "./middleware/auth.ts";
import { recordKinds } from "./records/index.ts";
import { alertRoutes } from "./routes/alerts.ts";
import { authRoutes } from "./routes/auth.ts";
import { registerDocs } from "./routes/docs.ts";
import { glucoseRoutes } from "./routes/glucose.ts";
import { insightRoutes } from "./routes/insights.ts";
import { exportRoutes } from "./routes/export.ts";
import { importRoutes } from "./routes/imports.ts";
import { nightscoutRoutes } from "./routes/nightscout.ts";
import { uploaderRoutes } from "./routes/uploaders.ts";
import { webhookRoutes, webhookSecretRoutes } from "./routes/webhooks.ts";
import { requireUploaderOrBearer } from "./middleware/nightscout-auth.ts";
import { registerInteropDocs } from "./routes/interop-docs.ts";
import { recordRoutes } from "./routes/records.ts";

/** Bulk uploads carry up to 10,000 items; everything else is small. */
const BULK_BODY_LIMIT = 8 * 1024 * 1024;
const BODY_LIMIT = 256 * 1024;
/** Nightscout uploads (10,000 entries), webhook batches and import chunks are bulk too. */
const isBulkPath = (path: string) => path.endsWith("/bulk") || /^\/api\/v1\/(entries|treatments|devicestatus|imports|webhooks\/cgm)(\/|\.json|$)/.test(path);

function tooLarge(limit: number): never {
  throw new ApiError(413, "payload_too_large", `Request body is larger than ${limit / 1024} KiB`);
}

/** Whether the error or any of its causes (drizzle wraps D1 errors) mentions `text`. */
function errorChainIncludes(err: unknown, text: string): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (String((e as Error).message ?? e).includes(text)) return true;
  }
  return false;
}

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    // Every request-validation failure becomes the error envelope (422, naming the fields).
    defaultHook: (result) => {
      if (!result.success) {
        throw new ApiError(422, "validation_failed", "Some fields are invalid", zodFields(result.error, result.target === "json" ? "" : result.target === "query" ? "" : result.target));
      }
    },
  });

  app.use("*", requestId());
  app.use("*", secureHeaders({ crossOriginResourcePolicy: false }));
  app.use("/api/*", async (c, next) =>
    cors({
      origin: (origin) => (origin === c.env.WEB_ORIGIN ? origin : null),
      allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "api-secret"],
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      maxAge: 600,
    })(c, next),
  );
  app.use("/api/*", async (c, next) => {
    const limit = isBulkPath(c.req.path) ? BULK_BODY_LIMIT : BODY_LIMIT;
    return bodyLimit({ maxSize: limit, onError: () => tooLarge(limit) })(c, next);
  });

  app.onError((err, c) => {
    if (err instanceof ApiError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.json(errorBody(err.code, err.message, err.fields), err.status);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code = status === 400 ? "bad_request" : status === 415 ? "unsupported_media_type" : `http_${status}`;
      const message = status === 400 && /json/i.test(err.message) ? "Request body is not valid JSON" : err.message || "Request refused";
      return c.json(errorBody(code, message, status === 400 ? [{ path: "body", message }] : []), status);
    }
    // A token of a deleted account: its user row is gone, so the foreign key refuses the write.
    if (errorChainIncludes(err, "FOREIGN KEY constraint failed")) {
      return c.json(errorBody("unauthorized", "Account no longer exists"), 401);
    }
    console.error(JSON.stringify({ level: "error", request_id: c.get("requestId"), path: c.req.path, error: String(err), stack: (err as Error).stack }));
    return c.json(errorBody("internal_error", "Something went wrong on our side; it has been logged"), 500);
  });

  app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404));

  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/", (c) => c.redirect("/docs"));

  app.route("/api/v1/auth", authRoutes);
  app.use("/api/v1/glucose/*", requireAuth);
  app.route("/api/v1/glucose", glucoseRoutes);
  // The alert WebSocket authenticates with its single-use ticket instead of a bearer token.
  app.use("/api/v1/alerts", requireAuth);
  app.use("/api/v1/alerts/*", except("/api/v1/alerts/stream", requireAuth));
  app.route("/api/v1/alerts", alertRoutes);
  for (const kind of recordKinds) {
    app.use(`/api/v1/${kind.path}`, requireAuth);
    app.use(`/api/v1/${kind.path}/*`, requireAuth);
    app.route(`/api/v1/${kind.path}`, recordRoutes(kind));
  }

  app.use("/api/v1/insights/*", requireAuth);
  app.route("/api/v1/insights", insightRoutes);

  // Interop (issue 8). Nightscout routes take a bearer token or an uploader credential
  // (api-secret header / ?token=), so requireAuth must not intercept them.
  for (const path of ["/entries", "/entries.json", "/entries/*", "/treatments", "/treatments.json", "/devicestatus", "/devicestatus.json", "/status", "/status.json", "/verifyauth"]) {
    app.use(`/api/v1${path}`, requireUploaderOrBearer);
  }
  app.route("/api/v1", nightscoutRoutes);
  app.use("/api/v1/uploaders", requireAuth);
  app.use("/api/v1/uploaders/*", requireAuth);
  app.route("/api/v1/uploaders", uploaderRoutes);
  // Webhook deliveries authenticate by their HMAC signature (worker/routes/webhooks.ts).
  app.route("/api/v1/webhooks/cgm", webhookRoutes);
  app.use("/api/v1/webhooks/secret", requireAuth);
  app.route("/api/v1/webhooks/secret", webhookSecretRoutes);
  app.use("/api/v1/imports", requireAuth);
  app.route("/api/v1/imports", importRoutes);
  app.use("/api/v1/export", requireAuth);
  app.use("/api/v1/export/*", requireAuth);
  app.route("/api/v1/export", exportRoutes);
  registerInteropDocs(app);

  registerDocs(app);
  return app;
}
