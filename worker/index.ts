/**
 * @module worker
 * The GlucoLens API Worker: HTTP (Hono), the insights pipeline's Queue consumer and Cron
 * Triggers (worker/pipeline/), and the per-user Durable Object class it ships with.
 */
import { createApp } from "./app.ts";
import { handleQueue } from "./pipeline/consumer.ts";
import { handleScheduled } from "./pipeline/cron.ts";
import type { PipelineMessage } from "./pipeline/messages.ts";

export { GlucoseMonitor } from "../durable/glucose-monitor.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  // Bodies are parsed with zod in the consumer; the type parameter only documents what is sent.
  queue: (batch, env, _ctx) => handleQueue(batch, env),
  scheduled: (controller, env, _ctx) => handleScheduled(controller, env),
} satisfies ExportedHandler<Env, PipelineMessage>;
// `satisfies` (not a type annotation) keeps `worker.queue()` and `worker.scheduled()` callable in tests.
