/**
 * @module worker/insights/pipeline/stages/context
 * What every stage handler gets and returns, and the prepared dataset they share.
 *
 * A handler loads what it needs from D1 first, then runs its computation inside {@link timed}, so
 * the CPU time stored with the chunk (`cpu_ms`) is the computation's alone. (Locally `performance.now()`
 * advances during computation; on Cloudflare it only advances at I/O, so deployed chunks record ~0 and
 * their CPU time is read from Workers metrics instead.)
 */
import type { Db } from "../../../db/client.ts";
import type { Job } from "../../repository.ts";
import { chunkData, chunkResults } from "../../repository.ts";
import { unpackArrays } from "../codec.ts";
import type { DaySummary } from "../daily.ts";
import type { Stage } from "../plan.ts";

export interface StageContext {
  db: Db;
  userId: number;
  job: Job;
  stage: Stage;
  part: number;
}

/** A statement to run in the same D1 batch as the chunk's own row. */
export type BatchStatement = Parameters<Db["batch"]>[0][number];

export interface ChunkOutput {
  /** JSON result stored with the chunk (numbers in mg/dL; sentences are written when served). */
  result: unknown;
  /** Binary partial as base64 text (codec.ts). */
  data?: string | null;
  cpuMs: number;
  /** Extra statements batched with the chunk row (the finaliser's results and status). */
  statements?: BatchStatement[];
}

export type StageHandler = (ctx: StageContext) => Promise<ChunkOutput>;

/** Runs `fn` and measures it with `performance.now()`. */
export function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

/** A stage result that says why the stage had nothing to compute ("not enough data" is a result). */
export interface Skipped {
  skipped: string;
}
export const isSkipped = (x: unknown): x is Skipped => typeof x === "object" && x !== null && typeof (x as Skipped).skipped === "string";

/** What the prepare stage stores: the period's daily summaries and the 5-minute grid's shape. */
export interface PreparedMeta {
  timezone: string;
  gridStart: number;
  step: number;
  n: number;
  readings: number;
  days: DaySummary[];
}

export interface Dataset extends PreparedMeta {
  /** The 5-minute grid (mg/dL, NaN where no reading). */
  grid: Float64Array;
}

/** Reads the prepared dataset of a job (the snapshot every later chunk works on). */
export async function loadDataset(ctx: StageContext): Promise<Dataset> {
  const [meta, data] = await Promise.all([chunkResults<PreparedMeta>(ctx.db, ctx.userId, ctx.job.id, "prepare"), chunkData(ctx.db, ctx.userId, ctx.job.id, "prepare", 0)]);
  const m = meta.get(0);
  const text = data.get(0);
  if (!m || text === undefined) throw new Error(`the prepared data of job ${ctx.job.id} is missing`);
  const [grid] = unpackArrays(text);
  if (!(grid instanceof Float64Array) || grid.length !== m.n) throw new Error(`the prepared data of job ${ctx.job.id} is unreadable`);
  return { ...m, grid };
}

/** Reads only the daily summaries of the prepared dataset (stages that do not need the grid). */
export async function loadDays(ctx: StageContext): Promise<PreparedMeta> {
  const meta = (await chunkResults<PreparedMeta>(ctx.db, ctx.userId, ctx.job.id, "prepare")).get(0);
  if (!meta) throw new Error(`the prepared data of job ${ctx.job.id} is missing`);
  return meta;
}
