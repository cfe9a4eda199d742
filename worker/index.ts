/**
 * @module worker
 * The GlucoLens API Worker: HTTP (Hono), the insights pipeline's Queue consumer and Cron
 * Triggers (worker/insights/pipeline/), and the per-user Durable Object class it ships with.
 *
 * Errors go to Sentry (`@sentry/cloudflare`'s withSentry) only when the SENTRY_DSN secret is
 * set. Without it the plain handlers run: no SDK is initialised, env and ctx are not proxied,
 * nothing is sent anywhere (tests and `npm start` run this way).
 */
import { withSentry } from "@sentry/cloudflare";
import { createApp } from "./app.ts";
import type { Bindings } from "./env.ts";
import { handleQueue } from "./insights/pipeline/consumer.ts";
import { handleScheduled } from "./insights/pipeline/cron.ts";
import type { PipelineMessage } from "./insights/pipeline/messages.ts";

export { GlucoseMonitor } from "../durable/glucose-monitor.ts";
export { SocketIoSession } from "../durable/socketio/session.ts";

const app = createApp();

const plain = {
  fetch: app.fetch,
  // Bodies are parsed with zod in the consumer; the type parameter only documents what is sent.
  queue: (batch, env, _ctx) => handleQueue(batch, env),
  scheduled: (controller, env, _ctx) => handleScheduled(controller, env),
} satisfies ExportedHandler<Env, PipelineMessage>;

/** Sentry options from the environment. PII stays out of reports (the SDK's default: no bodies, cookies, IPs). */
export function sentryOptions(env: Bindings) {
  return {
    dsn: env.SENTRY_DSN,
    environment: env.ENVIRONMENT,
    // Errors only: traces of every request would cost more than they tell here.
    tracesSampleRate: 0,
  };
}

// withSentry instruments the object it is given, so it gets its own copy of the handlers.
let sentried: typeof plain | null = null;
const withReports = () => (sentried ??= withSentry((env: Bindings) => sentryOptions(env), { ...plain }));
const reporting = (env: Bindings) => Boolean(env.SENTRY_DSN);

const serve: ExportedHandlerFetchHandler<Env> = (request, env, ctx) => (reporting(env) ? withReports().fetch(request, env, ctx) : plain.fetch(request, env, ctx));

/** One log line per request (method, path, status, milliseconds), for `npm start`'s log (scripts/serve.ts sets LOG_REQUESTS). */
async function serveLogged(request: Parameters<typeof serve>[0], env: Bindings, ctx: ExecutionContext): Promise<Response> {
  const started = Date.now();
  const response = await serve(request, env, ctx);
  const { pathname } = new URL(request.url);
  console.log(JSON.stringify({ event: "http.request", method: request.method, path: pathname, status: response.status, ms: Date.now() - started }));
  return response;
}

export default {
  fetch: (request, env, ctx) => ((env as Bindings).LOG_REQUESTS ? serveLogged(request, env, ctx) : serve(request, env, ctx)),
  queue: (batch, env, ctx) => (reporting(env) ? withReports().queue(batch, env, ctx) : plain.queue(batch, env, ctx)),
  scheduled: (controller, env, ctx) => (reporting(env) ? withReports().scheduled(controller, env, ctx) : plain.scheduled(controller, env, ctx)),
} satisfies ExportedHandler<Env, PipelineMessage>;
// `satisfies` (not a type annotation) keeps `worker.queue()` and `worker.scheduled()` callable in tests.
