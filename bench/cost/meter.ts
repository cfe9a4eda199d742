/**
 * Usage counters for the cost benchmark (bench/cost.ts), kept in the isolate that serves the API
 * Worker and its Durable Objects (locally one workerd isolate holds both, so one module's state
 * sees every call). Only the bench build (bench/cost/worker.ts) imports this; the application
 * never does.
 *
 * What is counted, and where:
 * - D1: every statement's `meta.rows_read` / `meta.rows_written`, summed over every D1 binding.
 *   workerd's D1 binding (src/cloudflare/internal/d1-api.ts in cloudflare/workerd) sends every
 *   query, batch and exec, including `first()` and `raw()` (which drop `meta` before the caller
 *   sees it), through one `_send` method of its session class; wrapping that method once counts
 *   every query of the Worker, the Durable Objects and the queue consumer, whatever the number of
 *   bindings (one database or shards) and whether a query uses the Sessions API.
 * - Durable Object requests: every call on a stub (each RPC method call or `fetch` is one billed
 *   request), counted on the caller's side with the wall time until its answer; incoming
 *   WebSocket messages and alarms, counted in the object.
 * - Durable Object SQLite: each statement's cursor `rowsRead` / `rowsWritten`.
 * - Queues: messages delivered to the consumer and their attempts.
 */

// `_send` is the D1 binding's own method name (workerd d1-api.ts).
/* eslint-disable no-underscore-dangle */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Usage } from "./usage.ts";

/** What the current invocation is, for the per-label breakdown (no label: work of a Durable Object). */
export const currentLabel = new AsyncLocalStorage<string>();

export function labelled(label: string) {
  return (usage.byLabel[label] ??= { invocations: 0, statements: 0, rowsRead: 0, rowsWritten: 0 });
}


const fresh = (): Usage => ({
  worker: { fetch: 0, scheduled: 0, queueBatches: 0 },
  durable: { calls: 0, callWallMs: 0, byMethod: {}, webSocketMessages: 0, alarms: 0, handlerWallMs: 0 },
  d1: { statements: 0, rowsRead: 0, rowsWritten: 0 },
  durableSql: { statements: 0, rowsRead: 0, rowsWritten: 0 },
  queue: { delivered: 0, retried: 0 },
  byLabel: {},
});

export const usage: Usage = fresh();

interface D1Meta {
  rows_read?: number;
  rows_written?: number;
}
type Send = (this: unknown, ...args: unknown[]) => Promise<{ meta?: D1Meta } | { meta?: D1Meta }[]>;

const patchedPrototypes = new WeakSet<object>();
const seenBindings = new WeakSet<object>();

/** The prototype in `start`'s chain that owns `_send` (the D1 binding's query path), or null. */
function senderPrototype(start: unknown): (object & { _send: Send }) | null {
  for (let p = start === null || typeof start !== "object" ? null : Object.getPrototypeOf(start); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (Object.prototype.hasOwnProperty.call(p, "_send")) return p as object & { _send: Send };
  }
  return null;
}

function patchSender(proto: object & { _send: Send }): void {
  if (patchedPrototypes.has(proto)) return;
  patchedPrototypes.add(proto);
  const send = proto._send;
  proto._send = async function (this: unknown, ...args: unknown[]) {
    const answer = await send.apply(this, args);
    const byLabel = labelled(currentLabel.getStore() ?? "durable object");
    for (const result of Array.isArray(answer) ? answer : [answer]) {
      const read = Number(result?.meta?.rows_read ?? 0);
      const written = Number(result?.meta?.rows_written ?? 0);
      usage.d1.statements++;
      usage.d1.rowsRead += read;
      usage.d1.rowsWritten += written;
      byLabel.statements++;
      byLabel.rowsRead += read;
      byLabel.rowsWritten += written;
    }
    return answer;
  };
}

const isD1 = (value: unknown): value is D1Database =>
  typeof value === "object" && value !== null && typeof (value as D1Database).prepare === "function" && typeof (value as D1Database).batch === "function";

/**
 * Meters every D1 binding in `env` (idempotent). Throws when a binding has no `_send` to wrap, so
 * a runtime whose D1 binding is built differently fails the benchmark instead of reporting zero.
 */
export function meterD1(env: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(env)) {
    if (!isD1(value) || seenBindings.has(value)) continue;
    seenBindings.add(value);
    const holders: unknown[] = [value, (value as unknown as { alwaysPrimarySession?: unknown }).alwaysPrimarySession];
    try {
      // Sessions (D1 read replication) may use a session class of their own.
      if (typeof value.withSession === "function") holders.push(value.withSession("first-unconstrained"));
    } catch {
      // A runtime without sessions: the primary session is all there is.
    }
    let found = false;
    for (const holder of holders) {
      const proto = senderPrototype(holder);
      if (proto) {
        patchSender(proto);
        found = true;
      }
    }
    if (!found) throw new Error(`bench/cost/meter.ts: the D1 binding ${name} has no _send method to meter (workerd's d1-api changed)`);
  }
}

/** A stub whose every method call (one billed Durable Object request each) is counted and timed. */
function meteredStub<T extends object>(stub: T): T {
  return new Proxy(stub, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== "function" || typeof prop !== "string" || prop === "then") return value;
      return (...args: unknown[]) => {
        usage.durable.calls++;
        usage.durable.byMethod[prop] = (usage.durable.byMethod[prop] ?? 0) + 1;
        const started = Date.now();
        const done = () => (usage.durable.callWallMs += Date.now() - started);
        // Called on the stub itself: the method read through the proxy (the proxy as receiver) and
        // applied to the stub made some calls (bridgeChanged) fail with "Could not serialize object
        // of type DurableObject" in workerd.
        const result = (target as Record<string, (...a: unknown[]) => unknown>)[prop]!(...args);
        if (result && typeof (result as Promise<unknown>).then === "function") return (result as Promise<unknown>).finally(done);
        done();
        return result;
      };
    },
  });
}

const isNamespace = (value: unknown): value is DurableObjectNamespace =>
  typeof value === "object" && value !== null && typeof (value as DurableObjectNamespace).idFromName === "function" && typeof (value as DurableObjectNamespace).get === "function";

function meteredNamespace(ns: DurableObjectNamespace): DurableObjectNamespace {
  return new Proxy(ns, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop === "get" || prop === "getByName") return (...args: unknown[]) => meteredStub((value as (...a: unknown[]) => object).apply(target, args));
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const meteredEnvs = new WeakMap<object, object>();

/** `env` with D1 metered and every Durable Object namespace handing out metered stubs (one copy per env object). */
export function meteredEnv<E extends object>(env: E): E {
  let out = meteredEnvs.get(env) as E | undefined;
  if (!out) {
    meterD1(env as Record<string, unknown>);
    out = { ...env };
    for (const [name, value] of Object.entries(env)) if (isNamespace(value)) (out as Record<string, unknown>)[name] = meteredNamespace(value);
    meteredEnvs.set(env, out);
  }
  return out;
}

/** Cursors not yet read out: their row counts grow as the caller iterates them. */
let openCursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];

function harvestCursors(): void {
  for (const cursor of openCursors) {
    usage.durableSql.rowsRead += cursor.rowsRead;
    usage.durableSql.rowsWritten += cursor.rowsWritten;
  }
  openCursors = [];
}

const meteredSql = new WeakSet<object>();

/**
 * Counts the statements of Durable Objects' SQLite storage (their cursors are read out later, when
 * usage is asked for). `exec` is wrapped on the SqlStorage prototype: `ctx.storage.sql` may hand
 * out a new wrapper object on each access, so wrapping one instance would miss the others.
 */
export function meterSql(sql: SqlStorage): void {
  const proto = Object.getPrototypeOf(sql) as { exec: SqlStorage["exec"] };
  if (meteredSql.has(proto)) return;
  meteredSql.add(proto);
  const exec = proto.exec;
  proto.exec = function (this: SqlStorage, query: string, ...bindings: unknown[]) {
    // Read out earlier cursors first (the object iterates each one right after exec), never this one.
    if (openCursors.length > 2000) harvestCursors();
    const cursor = exec.call(this, query, ...bindings);
    usage.durableSql.statements++;
    openCursors.push(cursor);
    return cursor;
  } as SqlStorage["exec"];
}

/** A snapshot of the counters (row counts of open cursors included). */
export function readUsage(): Usage {
  harvestCursors();
  return structuredClone(usage);
}
