/**
 * The OpenAPI document says what the API answers: every operation of GET /openapi.json is driven
 * from the document itself, and each answer must be one the document lists for it (status,
 * content type, and a body valid against the listed schema: spec-responses.ts).
 *
 * Per operation: valid requests (the schemas' examples and values generated within the declared
 * constraints with fast-check: spec-requests.ts) authenticated as a fresh user with data of every
 * kind (a caregiver for `/following/{user_id}/…`), the first of them again without any
 * credential, and hostile ones from the fuzzer's generators (fuzz-requests.ts: broken JSON, wrong
 * content types, wrong types, forged tokens, oversized bodies). A new route is covered without
 * touching this file. The document's own shape is checked too (security on every operation,
 * declared path parameters, no empty success schema, the shared error statuses).
 *
 * The checks follow Schemathesis' (schemathesis/schemathesis, src/schemathesis/specs/openapi/checks.py:
 * `status_code_conformance`, `content_type_conformance`, `response_schema_conformance`; a
 * `default` response covers any status), run inside workerd.
 *
 * Scale a run: VITE_SPEC_RUNS=<valid and hostile requests per operation> (default 3),
 * VITE_SPEC_SEED=<seed> (printed).
 */
import * as fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, BASE, register } from "./helpers.ts";
import { isBulk, oversized, requestArb, type Credentials, type FuzzRequest, type JsonSchema, type Operation } from "./fuzz-requests.ts";
import { operations, violation } from "./openapi-operations.ts";
import { credentials, send } from "./spec-client.ts";
import { anonymous, validRequestArb } from "./spec-requests.ts";
import { ResponseChecker } from "./spec-responses.ts";

const viteEnv = (import.meta as unknown as { env: Record<string, string | undefined> }).env;
const SEED = Number(viteEnv.VITE_SPEC_SEED ?? 20261205);
const RUNS = Number(viteEnv.VITE_SPEC_RUNS ?? 3);
const CONCURRENCY = 4;

/** Operations that end or change the session (logout, password, account deletion) get an account of their own. */
const ownAccount = (op: Operation) => op.path.startsWith("/api/v1/auth/") && op.method !== "GET";
/** Deletions run last, so the rows they remove were there for every other operation. */
const order = (op: Operation) => (op.method === "DELETE" ? (op.path === "/api/v1/auth/me" ? 2 : 1) : 0);

/** A WebSocket route: each valid request gets a fresh ticket (by the bearer token) and asks for the upgrade. */
async function withTicket(req: FuzzRequest, token: string): Promise<FuzzRequest> {
  const url = new URL(req.url);
  const ticket = await api(url.pathname.replace(/\/stream$/, "/ticket"), { method: "POST", token });
  if (ticket.status !== 201) return req;
  url.searchParams.set("ticket", ticket.json.ticket);
  return { ...req, url: url.toString(), headers: { ...req.headers, upgrade: "websocket" } };
}

describe("every answer is one /openapi.json lists", () => {
  let ops: Operation[];
  let doc: JsonSchema;
  let resolve: (s: JsonSchema) => JsonSchema;
  let cred: Credentials;
  let checker: ResponseChecker;
  const totals = { sent: 0, failures: 0, statuses: new Map<string, number>(), succeeded: new Set<string>() };

  beforeAll(async () => {
    ({ ops, resolve, doc } = await operations());
    ops = ops.filter((op) => doc.paths[op.path]).sort((a, b) => order(a) - order(b));
    cred = await credentials({ follower: true });
    checker = new ResponseChecker(doc);
    console.log(`openapi-conformance: seed ${SEED}, ${ops.length} operations × (${RUNS} valid + 1 anonymous + ${RUNS} hostile) requests; VITE_SPEC_SEED / VITE_SPEC_RUNS to change`);
  });

  afterAll(() => {
    const listed = ops.reduce((n, op) => n + Object.keys(op.responses).length, 0);
    console.log(
      `openapi-conformance total: ${ops.length} operations, ${listed} listed responses; ${totals.sent} requests, ${checker.validated} bodies validated against their schema, ${totals.failures} violations; ` +
        `statuses ${JSON.stringify(Object.fromEntries([...totals.statuses].sort()))}; ${totals.succeeded.size} operations answered a success at least once, not: ` +
        JSON.stringify(ops.map((op) => `${op.method} ${op.path}`).filter((k) => !totals.succeeded.has(k))),
    );
  });

  it("the document declares security, path parameters, real success schemas and the shared errors on every operation", () => {
    const problems: string[] = [];
    for (const op of ops) {
      const raw = doc.paths[op.path][op.method.toLowerCase()];
      const at = `${op.method} ${op.path}`;
      if (!Array.isArray(raw.security)) problems.push(`${at}: no security`);
      const declared = new Set((raw.parameters ?? []).map(resolve).filter((p: JsonSchema) => p.in === "path").map((p: JsonSchema) => p.name));
      for (const name of op.pathParams) if (!declared.has(name)) problems.push(`${at}: path parameter ${name} undeclared`);
      for (const [status, r] of Object.entries(op.responses)) {
        for (const [type, c] of Object.entries((r.content ?? {}) as Record<string, JsonSchema>)) {
          if (!c.schema || Object.keys(c.schema).length === 0) problems.push(`${at}: ${status} ${type} has an empty schema`);
        }
      }
      const needs = ["500", ...(op.path.startsWith("/api/") ? ["429", "503"] : []), ...(op.security.length ? ["401"] : []), ...(op.pathParams.length ? ["404", "422"] : [])];
      for (const s of needs) if (!(s in op.responses)) problems.push(`${at}: ${s} not listed`);
    }
    expect(problems).toEqual([]);
  });

  it("every answer to valid, anonymous and hostile requests is listed, with a body valid against its schema", { timeout: 600_000 }, async () => {
    const failures: string[] = [];
    const slow: [number, string][] = [];
    for (const [index, op] of ops.entries()) {
      const opStart = Date.now();
      const raw = doc.paths[op.path][op.method.toLowerCase()];
      const opCred = ownAccount(op) ? { ...cred, access: (await register()).access } : cred;
      let valid = fc.sample(validRequestArb(op, raw, opCred, BASE, resolve), { numRuns: RUNS, seed: SEED + index });
      const token = op.path.startsWith("/api/v1/following/") && opCred.followerAccess ? opCred.followerAccess : opCred.access;
      if (op.query.some((q) => q.name === "ticket")) valid = await Promise.all(valid.map((r) => withTicket(r, token)));
      const reqs = [...valid, anonymous(valid[0]!), ...fc.sample(requestArb(op, opCred, BASE, resolve), { numRuns: RUNS, seed: SEED + index })];
      if (isBulk(op)) reqs.push(oversized(op, opCred, BASE));
      // Deletions go one by one, so the first valid one finds its row.
      const lanes = op.method === "DELETE" ? 1 : CONCURRENCY;
      let next = 0;
      const opFailures: string[] = [];
      await Promise.all(
        Array.from({ length: lanes }, async () => {
          while (next < reqs.length) {
            const req = reqs[next++]!;
            let bad: string | null;
            try {
              const res = await send(req, opCred);
              totals.statuses.set(String(res.status), (totals.statuses.get(String(res.status)) ?? 0) + 1);
              if (res.status < 300 || res.status === 101) totals.succeeded.add(`${op.method} ${op.path}`);
              bad = checker.check(op, res) ?? violation(res.status, res.type, res.text);
            } catch (err) {
              bad = `fetch threw ${String(err)}`;
            }
            totals.sent++;
            if (bad) opFailures.push(`${req.method} ${req.url.slice(0, 140)} [${req.label}] body=${(req.body ?? "").slice(0, 120)} → ${bad}`);
          }
        }),
      );
      slow.push([Date.now() - opStart, `${op.method} ${op.path}`]);
      totals.failures += opFailures.length;
      failures.push(...opFailures.slice(0, 3));
      if (opFailures.length > 3) failures.push(`… and ${opFailures.length - 3} more on ${op.method} ${op.path}`);
    }
    console.log(`openapi-conformance slowest operations (ms): ${JSON.stringify(slow.sort((x, y) => y[0] - x[0]).slice(0, 6))}`);
    expect(failures).toEqual([]);
  });
});
