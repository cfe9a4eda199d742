/**
 * @module worker/db/shard-d1
 * A D1Database for one user's rows that routes every statement to the user's shard at the moment
 * it runs, optionally through a D1 session (Sessions API). When the shard refuses a write because
 * the user is being moved ("user_moving", raised by the fence triggers of migrations/0014_shards.sql),
 * the statement or batch is held: the directory is polled until the move has finished, then it
 * runs again on the new shard. A refused statement or batch changed nothing (the trigger aborts
 * it; a batch is one transaction), so running it again stores each row once.
 */
import { and, eq } from "drizzle-orm";
import { errorChainMentions } from "../../vocabulary/errors.ts";
import { getDb } from "./client.ts";
import { userShards } from "./schema-shards.ts";

/** The bindings the sharded storage reads: the directory, SHARD_0 and any further SHARD_n. */
export interface ShardEnv {
  DB: D1Database;
  SHARD_0: D1Database;
}

/** The binding SHARD_n, if wrangler.toml declares it. */
export function shardBinding(env: ShardEnv, n: number): D1Database | undefined {
  return (env as unknown as Record<string, D1Database | undefined>)[`SHARD_${n}`];
}

// user -> shard, remembered in the isolate for half a minute (worker/db/shards.ts resolveShard),
// as long as a live session is (worker/lib/live-sessions.ts). A stale entry after a move is safe
// for writes (the old shard's fence refuses them and the writer re-resolves); a read through it
// is at most SHARD_CACHE_MS old (the mover keeps the old rows that long), and a client whose
// bookmark names the new shard is routed there at once (worker/db/shards.ts userShard).
export const SHARD_CACHE_MS = 30_000;
export const shardCache = new Map<number, { shard: number; until: number }>();

export function forgetShard(userId: number): void {
  shardCache.delete(userId);
}

export type ShardTarget = { kind: "primary" } | { kind: "session"; bookmark: string | null };

type Runner = D1Database | D1DatabaseSession;

/** How long a writer waits for a move to finish before the request answers 503 + Retry-After. */
const FENCE_WAIT_MS = 30_000;

export function isFenced(err: unknown): boolean {
  return errorChainMentions(err, "user_moving");
}

export class ShardD1 {
  #runner: Runner | null = null;
  #bookmarkShard: number | null = null;
  #session: D1DatabaseSession | null = null;

  constructor(
    private readonly env: ShardEnv,
    private readonly userId: number,
    public shard: number,
    private readonly target: ShardTarget,
  ) {}

  #binding(): D1Database {
    const d1 = shardBinding(this.env, this.shard);
    if (!d1) throw new Error(`No binding SHARD_${this.shard}`);
    return d1;
  }

  /** The database or session statements run on now. */
  #current(): Runner {
    if (this.#runner) return this.#runner;
    const d1 = this.#binding();
    if (this.target.kind === "session" && typeof d1.withSession === "function") {
      // A bookmark from another shard (the user moved since) says nothing here: start at the
      // primary, which holds every write the client made.
      const [shard, bookmark] = splitBookmark(this.target.bookmark);
      const start = shard === this.shard && bookmark ? bookmark : shard === null ? "first-unconstrained" : "first-primary";
      this.#session = d1.withSession(start);
      this.#bookmarkShard = this.shard;
      this.#runner = this.#session;
    } else {
      this.#runner = d1;
    }
    return this.#runner;
  }

  bookmark(): string | null {
    const b = this.#session?.getBookmark();
    return b && this.#bookmarkShard !== null ? `${this.#bookmarkShard}:${b}` : null;
  }

  async run<T>(op: (runner: Runner) => Promise<T>): Promise<T> {
    const deadline = Date.now() + FENCE_WAIT_MS;
    for (;;) {
      try {
        return await op(this.#current());
      } catch (err) {
        if (!isFenced(err) || Date.now() > deadline) throw err;
        await this.#awaitMove(deadline);
      }
    }
  }

  /** Polls the directory (primary) until the user's placement is settled, then routes there. */
  async #awaitMove(deadline: number): Promise<void> {
    forgetShard(this.userId);
    for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
      const row = await getDb(this.env.DB)
        .select({ shard: userShards.shard })
        .from(userShards)
        .where(and(eq(userShards.userId, this.userId), eq(userShards.state, "active")))
        .get();
      if (row && row.shard !== this.shard) {
        this.shard = row.shard;
        shardCache.set(this.userId, { shard: row.shard, until: Date.now() + SHARD_CACHE_MS });
        this.#runner = null;
        this.#session = null;
        return;
      }
      if (Date.now() + wait > deadline) return;
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  prepare(query: string): ShardStatement {
    return new ShardStatement(this, query, []);
  }

  batch<T = unknown>(statements: ShardStatement[]): Promise<D1Result<T>[]> {
    return this.run((r) => r.batch<T>(statements.map((s) => s.on(r))));
  }

  exec(query: string): Promise<D1ExecResult> {
    return this.run((r) => {
      if (!("exec" in r)) throw new Error("exec() is not available in a D1 session");
      return r.exec(query);
    });
  }
}

export class ShardStatement {
  constructor(
    private readonly d1: ShardD1,
    private readonly query: string,
    private readonly values: unknown[],
  ) {}

  bind(...values: unknown[]): ShardStatement {
    return new ShardStatement(this.d1, this.query, values);
  }

  on(runner: Runner): D1PreparedStatement {
    const stmt = runner.prepare(this.query);
    return this.values.length ? stmt.bind(...this.values) : stmt;
  }

  first<T = unknown>(column?: string): Promise<T | null> {
    return this.d1.run((r) => (column === undefined ? this.on(r).first<T>() : this.on(r).first<T>(column)));
  }

  run<T = unknown>(): Promise<D1Result<T>> {
    return this.d1.run((r) => this.on(r).run<T>());
  }

  all<T = unknown>(): Promise<D1Result<T>> {
    return this.d1.run((r) => this.on(r).all<T>());
  }

  raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]> {
    return this.d1.run((r) => (options?.columnNames ? (this.on(r).raw<T>({ columnNames: true }) as unknown as Promise<T[]>) : this.on(r).raw<T>()));
  }
}

/** The shard named by an `x-d1-bookmark` header (`<shard>:<bookmark>`), or null. */
export function bookmarkShard(header: string | null): number | null {
  return splitBookmark(header)[0];
}

function splitBookmark(header: string | null): [number | null, string | null] {
  if (!header) return [null, null];
  const i = header.indexOf(":");
  const shard = Number(header.slice(0, i));
  if (i < 1 || !Number.isInteger(shard)) return [null, null];
  return [shard, header.slice(i + 1) || null];
}
