/**
 * @module worker
 * The GlucoLens API Worker: HTTP (Hono), and the per-user Durable Object class it ships with.
 */
import { createApp } from "./app.ts";

export { GlucoseMonitor } from "../durable/glucose-monitor.ts";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
