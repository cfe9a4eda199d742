/**
 * @module worker/routes/health
 * `GET /health` (liveness: the Worker answers, nothing else is touched) and `GET /ready`
 * (readiness: D1 answers a query, the insights queue accepts a message, and in production the
 * configuration is not on development defaults). `/ready` answers 200 or 503 with every check
 * and the names of those that failed, for a load balancer or an uptime monitor.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv, Bindings } from "../env.ts";
import { productionConfigProblems } from "../lib/config.ts";
import { errorFields } from "../lib/log.ts";
import { QUEUE_PROBE } from "../insights/pipeline/messages.ts";
import { jsonContent } from "../schemas/common.ts";
import { shardBindings } from "../db/shards.ts";

const Health = z.object({ status: z.literal("ok") }).openapi("Health");

const Check = z.object({ ok: z.boolean(), ms: z.number().optional(), error: z.string().optional() }).openapi("ReadinessCheck");
const Readiness = z
  .object({
    status: z.enum(["ready", "unavailable"]),
    checks: z.object({ d1: Check, queue: Check, config: Check }),
    failed: z.array(z.enum(["d1", "queue", "config"])),
  })
  .openapi("Readiness");

type CheckResult = z.infer<typeof Check>;
type CheckName = keyof z.infer<typeof Readiness>["checks"];

/**
 * A queue probe is one message (acked unread by the consumer); one per 30 s per isolate is
 * plenty for a monitor polling every few seconds, and keeps the Queues bill flat.
 */
const QUEUE_PROBE_TTL_MS = 30_000;
let lastQueueProbe: { at: number; result: CheckResult } | null = null;

async function timed(run: () => Promise<unknown>): Promise<CheckResult> {
  const start = Date.now();
  try {
    await run();
    return { ok: true, ms: Date.now() - start };
  } catch (err) {
    return { ok: false, ms: Date.now() - start, error: errorFields(err).error };
  }
}

async function queueCheck(env: Bindings): Promise<CheckResult> {
  const now = Date.now();
  if (lastQueueProbe?.result.ok && now - lastQueueProbe.at < QUEUE_PROBE_TTL_MS) return lastQueueProbe.result;
  // The binding's type admits pipeline messages only; the probe is the one other body it carries.
  const result = await timed(() => (env.INSIGHTS_QUEUE as Queue<unknown>).send(QUEUE_PROBE));
  lastQueueProbe = { at: now, result };
  return result;
}

export const healthRoutes = new OpenAPIHono<AppEnv>();

healthRoutes.openapi(
  createRoute({ method: "get", path: "/health", tags: ["Health"], summary: "Liveness: the Worker answers", responses: { 200: jsonContent(Health, "Alive") } }),
  (c) => c.json({ status: "ok" as const }, 200),
);

healthRoutes.openapi(
  createRoute({
    method: "get",
    path: "/ready",
    tags: ["Health"],
    summary: "Readiness: D1 and the insights queue reachable, production configuration complete",
    description: "200 when every check passes, 503 otherwise; `failed` names the checks that did not.",
    responses: { 200: jsonContent(Readiness, "Ready"), 503: jsonContent(Readiness, "A dependency is unreachable or the configuration is incomplete") },
  }),
  async (c) => {
    const problems = productionConfigProblems(c.env);
    // The directory and every shard (worker/db/shards.ts): a user on an unreachable shard cannot be served.
    const databases = [c.env.DB, ...shardBindings(c.env)];
    const [d1, queue] = await Promise.all([timed(() => Promise.all(databases.map((db) => db.prepare("SELECT 1").first()))), queueCheck(c.env)]);
    const checks: Record<CheckName, CheckResult> = { d1, queue, config: problems.length ? { ok: false, error: problems.join("; ") } : { ok: true } };
    const failed = (Object.keys(checks) as CheckName[]).filter((k) => !checks[k].ok);
    if (failed.length) c.get("log")?.error("health.not_ready", { failed, d1: d1.error, queue: queue.error });
    c.header("Cache-Control", "no-store");
    return failed.length ? c.json({ status: "unavailable" as const, checks, failed }, 503) : c.json({ status: "ready" as const, checks, failed }, 200);
  },
);
