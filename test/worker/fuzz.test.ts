/**
 * Fuzzing every route: property-based requests from fast-check, generated from the
 * app's own OpenAPI document (GET /openapi.json), so a new route is fuzzed without touching this
 * file. The non-createRoute routes (Nightscout, webhooks, imports, export, the alert stream) are
 * in that document too (worker/routes/interop-docs.ts); /health is added by hand.
 *
 * Every response must be below 500, and every 4xx must be the error envelope
 * `{"error":{"code","message","fields":[{"path","message"}]}}`; a 400 or 422 must name at least
 * one field. Failures are collected (not thrown at the first) so one run reports them all.
 *
 * Reproduce or scale a run: VITE_FUZZ_SEED=<seed> VITE_FUZZ_RUNS=<total requests> npx vitest run
 * --config vitest.worker.config.ts test/worker/fuzz.test.ts (vitest passes VITE_* variables into
 * workerd as import.meta.env). The seed used is printed.
 */
import * as fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE } from "./helpers.ts";
import { credentials, send } from "./spec-client.ts";
import { isBulk, oversized, requestArb, type Credentials, type JsonSchema, type Operation } from "./fuzz-requests.ts";
import { operations, violation } from "./openapi-operations.ts";

const viteEnv = (import.meta as unknown as { env: Record<string, string | undefined> }).env;
const SEED = Number(viteEnv.VITE_FUZZ_SEED ?? 20261202);
// 10,000 requests in all by default. A long run stays fast only with the
// vitest-pool-workers patch in patches/ (its wrapper class nested one more Proxy per request).
const TOTAL = Number(viteEnv.VITE_FUZZ_RUNS ?? 10_000);
const CONCURRENCY = 4;

/** The operations are split into this many tests, each with its own timeout and progress line. */
const PARTS = 6;

describe("fuzzing every route of /openapi.json", () => {
  let ops: Operation[];
  let resolve: (s: JsonSchema) => JsonSchema;
  let cred: Credentials;
  let perOp: number;
  const totals = { sent: 0, fiveHundreds: 0, failures: 0, statuses: new Map<number, number>() };

  beforeAll(async () => {
    ({ ops, resolve } = await operations());
    cred = await credentials();
    perOp = Math.max(1, Math.ceil(TOTAL / ops.length));
    console.log(`fuzz: seed ${SEED}, ${ops.length} operations × ${perOp} requests (+1 oversized per bulk route); VITE_FUZZ_SEED / VITE_FUZZ_RUNS to change`);
  });

  afterAll(() => {
    console.log(`fuzz total: ${totals.sent} requests, ${totals.fiveHundreds} responses ≥ 500, ${totals.failures} contract violations; statuses ${JSON.stringify(Object.fromEntries([...totals.statuses].sort((x, y) => x[0] - y[0])))}`);
  });

  it.each(Array.from({ length: PARTS }, (_, k) => k))(`part %i of ${PARTS}: no 500, every 4xx in the envelope naming its field`, { timeout: 900_000 }, async (part) => {
    const failures: string[] = [];
    const slow: [number, string][] = [];
    const started = Date.now();
    let sent = 0;
    for (const [index, op] of ops.entries()) {
      if (index % PARTS !== part) continue;
      const opStart = Date.now();
      const reqs = fc.sample(requestArb(op, cred, BASE, resolve), { numRuns: perOp, seed: SEED + index });
      if (isBulk(op)) reqs.push(oversized(op, cred, BASE));
      let next = 0;
      const opFailures: string[] = [];
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < reqs.length) {
            const req = reqs[next++]!;
            let bad: string | null;
            let status = 0;
            try {
              const res = await send(req, cred);
              status = res.status;
              bad = violation(res.status, res.type, res.text);
            } catch (err) {
              bad = `fetch threw ${String(err)}`;
            }
            sent++;
            totals.statuses.set(status, (totals.statuses.get(status) ?? 0) + 1);
            if (status >= 500) totals.fiveHundreds++;
            if (bad) opFailures.push(`${req.method} ${req.url.slice(0, 160)} [${req.label}] body=${(req.body ?? "").slice(0, 160)} → ${bad}`);
          }
        }),
      );
      slow.push([Date.now() - opStart, `${op.method} ${op.path}`]);
      totals.failures += opFailures.length;
      failures.push(...opFailures.slice(0, 3));
      if (opFailures.length > 3) failures.push(`… and ${opFailures.length - 3} more on ${op.method} ${op.path}`);
    }
    totals.sent += sent;
    console.log(`fuzz part ${part}: ${sent} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; slowest ${JSON.stringify(slow.sort((x, y) => y[0] - x[0]).slice(0, 4))}`);
    expect(failures).toEqual([]);
  });

  it("sent the requested number of requests", () => {
    expect(totals.sent).toBeGreaterThanOrEqual(TOTAL);
  });
});
