/**
 * @module worker/app
 * Wires the API together: middleware, the one error handler, routes, OpenAPI docs.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { except } from "hono/combine";
import type { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { captureException } from "@sentry/cloudflare";
import { productionConfigProblems } from "./lib/config.ts";
import { setResponseHeader } from "./lib/response-headers.ts";
import { createLogger, errorFields, logLevelOf } from "./lib/log.ts";
import { rateLimit } from "./middleware/rate-limit.ts";
import { securityHeaders } from "./middleware/security-headers.ts";
import { healthRoutes } from "./routes/health.ts";
import { adminShardRoutes } from "./routes/admin-shards.ts";
import { BOOKMARK_HEADER, d1Bookmark } from "./middleware/d1-bookmark.ts";
import type { AppEnv, Bindings } from "./env.ts";
import { ApiError, errorBody, isAccountGone, zodFields } from "./lib/errors.ts";
import { isD1Unavailable, RETRY_AFTER_S } from "./lib/unavailable.ts";
import { errorChainMentions } from "../vocabulary/errors.ts";
import { requireAuth } from "./middleware/auth.ts";
import { recordKinds } from "./records/index.ts";
import { alertRoutes } from "./routes/alerts.ts";
import { authRoutes } from "./routes/auth.ts";
import { registerDocs } from "./routes/docs.ts";
import { glucoseRoutes } from "./routes/glucose.ts";
import { forecastRoutes } from "./routes/forecast.ts";
import { mealImpactRoutes } from "./routes/meal-impact.ts";
import { insightRoutes } from "./insights/routes.ts";
import { exportRoutes } from "./routes/export.ts";
import { importRoutes } from "./routes/imports.ts";
import { registerNightscout } from "./nightscout/index.ts";
import { NIGHTSCOUT_PATH, routingPath } from "./nightscout/paths.ts";
import { uploaderRoutes } from "./routes/uploaders.ts";
import { webhookRoutes, webhookSecretRoutes } from "./routes/webhooks.ts";
import { registerInteropDocs } from "./routes/interop-docs.ts";
import { recordRoutes } from "./routes/records.ts";
import { pushRoutes } from "./push/routes.ts";
import { sharingRoutes } from "./routes/sharing.ts";
import { asFollower, followingReads, followingRoutes } from "./routes/following.ts";
import { iobCobRoutes } from "./nightscout/iob-cob-route.ts";
import { socketIoRoute } from "./nightscout/socketio.ts";
import { reportRoutes, sharedRoutes } from "./reports/routes.ts";
import { bridgeRoutes } from "./bridges/routes.ts";

/** Bulk uploads carry up to 10,000 items; everything else is small. */
const BULK_BODY_LIMIT = 8 * 1024 * 1024;
const BODY_LIMIT = 256 * 1024;
/** Nightscout uploads (10,000 entries), webhook batches and import chunks are bulk too. */
const isBulkPath = (path: string) => path.endsWith("/bulk") || /^\/api\/v1\/(entries|treatments|devicestatus|imports|webhooks\/cgm)(\/|\.json|$)/.test(path);

/**
 * Paths inside bearer route groups that authenticate otherwise: the alert streams (a single-use
 * ticket), Web Push's public key and its notification actions (their own token).
 */
const OWN_CREDENTIAL = [/^\/api\/v1\/alerts\/stream\/?$/, /^\/api\/v1\/following\/[^/]+\/alerts\/stream\/?$/, /^\/api\/v1\/push\/(vapid-public-key|actions)\/?$/];

function tooLarge(limit: number): never {
  throw new ApiError(413, "payload_too_large", `Request body is larger than ${limit / 1024} KiB`);
}

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    // Nightscout's paths as Express routes them (`/api/v3/entries.csv` is `/api/v3/entries` as CSV).
    getPath: routingPath,
    // Every request-validation failure becomes the error envelope (422, naming the fields).
    defaultHook: (result) => {
      if (!result.success) {
        throw new ApiError(422, "validation_failed", "Some fields are invalid", zodFields(result.error, result.target === "json" ? "" : result.target === "query" ? "" : result.target));
      }
    },
  });

  app.use("*", requestId());
  app.use("*", async (c, next) => {
    c.set("log", createLogger({ request_id: c.get("requestId") }, logLevelOf(c.env)));
    await next();
  });
  app.use("*", securityHeaders);
  // Middleware instances are built once: building them per request was allocation on every call.
  const corsHeaders = cors({
    origin: (origin, c) => (origin === (c.env as Bindings).WEB_ORIGIN ? origin : null),
    allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "api-secret", BOOKMARK_HEADER],
    exposeHeaders: [BOOKMARK_HEADER],
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    maxAge: 600,
  });
  // A request without an Origin (an uploader, a server, curl) has nothing for CORS to allow; it
  // only gets the `Vary: Origin` hono/cors would add, set in place (hono/cors copies the response).
  app.use("/api/*", async (c, next) => {
    if (c.req.method === "OPTIONS" || c.req.header("origin") !== undefined) return corsHeaders(c, next);
    await next();
    setResponseHeader(c, "Vary", "Origin", { append: true });
  });
  // A production deployment on development defaults refuses to serve (GET /ready names why).
  app.use("/api/*", async (c, next) => {
    const problems = productionConfigProblems(c.env);
    if (problems.length) throw new ApiError(500, "misconfigured", `The server is not configured for production: ${problems.join("; ")}`);
    await next();
  });
  app.use("/api/*", rateLimit);
  app.use("/api/*", d1Bookmark);
  const bulkBodyLimit = bodyLimit({ maxSize: BULK_BODY_LIMIT, onError: () => tooLarge(BULK_BODY_LIMIT) });
  const smallBodyLimit = bodyLimit({ maxSize: BODY_LIMIT, onError: () => tooLarge(BODY_LIMIT) });
  app.use("/api/*", (c, next) => (isBulkPath(c.req.path) ? bulkBodyLimit : smallBodyLimit)(c, next));

  app.onError((err, c) => {
    if (err instanceof ApiError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      // Nightscout's routes answer errors as its sendJSONStatus does, {status, message}, beside the envelope.
      const nightscout = NIGHTSCOUT_PATH.test(c.req.path) ? { status: err.status, message: err.message } : {};
      return c.json({ ...nightscout, ...errorBody(err.code, err.message, err.fields) }, err.status);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code = status === 400 ? "bad_request" : status === 415 ? "unsupported_media_type" : `http_${status}`;
      const message = status === 400 && /json/i.test(err.message) ? "Request body is not valid JSON" : err.message || "Request refused";
      return c.json(errorBody(code, message, status === 400 ? [{ path: "body", message }] : []), status);
    }
    // A token of a deleted account: its user row is gone, so the foreign key refuses the write, or
    // its live monitor refuses the call (an RPC error keeps only its message).
    if (errorChainMentions(err, "FOREIGN KEY constraint failed") || isAccountGone(err)) {
      return c.json(errorBody("unauthorized", "Account no longer exists"), 401);
    }
    // D1 briefly unavailable (overloaded, connection lost, locked): retryable, and D1 batches are
    // atomic, so nothing was half-written.
    if (isD1Unavailable(err)) {
      c.get("log").warn("http.d1_unavailable", { method: c.req.method, path: c.req.path, ...errorFields(err) });
      c.header("Retry-After", String(RETRY_AFTER_S));
      return c.json(errorBody("unavailable", "The database is briefly unavailable; retry shortly", [{ path: "database", message: "is briefly unavailable" }]), 503);
    }
    c.get("log").error("http.unhandled_error", { method: c.req.method, path: c.req.path, ...errorFields(err) });
    // A no-op unless SENTRY_DSN is set (worker/index.ts initialises the SDK only then).
    captureException(err, { tags: { request_id: c.get("requestId") } });
    return c.json(errorBody("internal_error", "Something went wrong on our side; it has been logged"), 500);
  });

  app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404));

  app.route("/", healthRoutes);
  app.route("/admin/shards", adminShardRoutes);
  app.get("/", (c) => c.redirect("/docs"));

  // The route groups mounted with `withBearer` need a bearer token: one guard, before any route,
  // for every path inside them but OWN_CREDENTIAL's. Other paths (sign-up and sign-in, Nightscout's
  // API with its own credentials, webhook deliveries, shared reports) and unknown ones pass.
  const bearerGroups = ["/api/v1/auth/me", "/api/v1/auth/change-password", "/api/v1/auth/verify-email/resend"];
  // One pattern of all the groups, built at the first request (after every group is mounted): the
  // check allocates nothing per request.
  let bearerPath: RegExp | null = null;
  const needsBearer = (path: string) => {
    bearerPath ??= new RegExp(`^(?:${bearerGroups.map((g) => g.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})(?:/|$)`);
    return bearerPath.test(path) && !OWN_CREDENTIAL.some((p) => p.test(path));
  };
  app.use("/api/v1/*", (c, next) => (needsBearer(c.req.path) ? requireAuth(c, next) : next()));
  const withBearer = (prefix: string, ...groups: Hono<AppEnv>[]) => {
    if (!bearerGroups.includes(prefix)) bearerGroups.push(prefix);
    for (const routes of groups) app.route(prefix, routes);
  };

  app.route("/api/v1/auth", authRoutes);
  withBearer("/api/v1/glucose", forecastRoutes, iobCobRoutes, glucoseRoutes);
  withBearer("/api/v1/alerts", alertRoutes);
  for (const kind of recordKinds) withBearer(`/api/v1/${kind.path}`, recordRoutes(kind));
  withBearer("/api/v1/meals", mealImpactRoutes);
  withBearer("/api/v1/insights", insightRoutes);

  // Nightscout API v1 (worker/nightscout/): a Nightscout credential or a bearer token picks the user.
  registerNightscout(app);
  // Nightscout's socket.io (NSClient v1, followers): credentials arrive inside the session (`authorize`).
  app.all("/socket.io", socketIoRoute);
  app.all("/socket.io/", socketIoRoute);
  withBearer("/api/v1/uploaders", uploaderRoutes);
  // Webhook deliveries authenticate by their HMAC signature (worker/routes/webhooks.ts).
  app.route("/api/v1/webhooks/cgm", webhookRoutes);
  withBearer("/api/v1/webhooks/secret", webhookSecretRoutes);
  withBearer("/api/v1/imports", importRoutes);
  withBearer("/api/v1/export", exportRoutes);
  registerInteropDocs(app);

  withBearer("/api/v1/push", pushRoutes);
  // Caregivers: sharing, and read-only access to a followed person's data through the same read
  // routes (asFollower swaps the effective user and refuses every write with 405).
  withBearer("/api/v1/sharing", sharingRoutes);
  app.use("/api/v1/following/:user_id/*", except("/api/v1/following/:user_id/alerts/stream", asFollower));
  withBearer("/api/v1/following", followingRoutes);
  app.route(
    "/api/v1/following/:user_id",
    followingReads({ "/glucose": glucoseRoutes, ...Object.fromEntries(recordKinds.map((k) => [`/${k.path}`, recordRoutes(k)])), "/insights": insightRoutes, "/alerts": alertRoutes }),
  );

  // Clinician reports: the PDF and share links (bearer); a share link's token opens only the report.
  withBearer("/api/v1/reports", reportRoutes);
  app.route("/api/v1/shared", sharedRoutes);

  // Cloud follower bridges (worker/bridges/): polled by the user's Durable Object.
  withBearer("/api/v1/bridges", bridgeRoutes);

  registerDocs(app);
  return app;
}
