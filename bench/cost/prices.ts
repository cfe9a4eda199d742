/**
 * Cloudflare's published rates for the Workers Paid plan and the Workers Free plan's daily limits,
 * as read on 2026-12-05 (the pages below; bench:cost prints them with its figures). Marginal
 * prices only: the Paid plan's $5 monthly minimum and its included usage are printed apart.
 */
export const READ_ON = "2026-12-05";

export const SOURCES = {
  workers: "https://developers.cloudflare.com/workers/platform/pricing/",
  d1: "https://developers.cloudflare.com/d1/platform/pricing/",
  durableObjects: "https://developers.cloudflare.com/durable-objects/platform/pricing/",
  queues: "https://developers.cloudflare.com/queues/platform/pricing/",
} as const;

/** Workers Paid (Standard usage model), USD. */
export const PAID = {
  monthlyMinimum: 5,
  /** Per million requests beyond 10 million a month. */
  workerRequestsPerM: 0.3,
  /** Per million CPU milliseconds beyond 30 million a month. */
  workerCpuMsPerM: 0.02,
  /** Durable Objects: per million requests (RPC calls, fetches, alarms; incoming WebSocket messages at 20:1) beyond 1 million. */
  durableRequestsPerM: 0.15,
  /** Durable Objects: per million GB-s of duration beyond 400,000; an object is billed at 128 MB. */
  durableGbSecondsPerM: 12.5,
  durableObjectGb: 0.128,
  /** Incoming WebSocket messages billed per Durable Object request. */
  webSocketMessagesPerRequest: 20,
  /** D1 (and SQLite-backed Durable Object storage, billed the same way): per million rows read beyond 25 billion. */
  d1RowsReadPerM: 0.001,
  /** Per million rows written beyond 50 million. */
  d1RowsWrittenPerM: 1.0,
  /** D1 storage per GB-month beyond 5 GB. */
  d1StorageGbMonth: 0.75,
  /** SQLite-backed Durable Object storage per GB-month beyond 5 GB. */
  durableStorageGbMonth: 0.2,
  /** Queues: per million operations (each 64 KB written, read or deleted) beyond 1 million. */
  queueOpsPerM: 0.4,
  included: {
    workerRequests: 10_000_000,
    workerCpuMs: 30_000_000,
    durableRequests: 1_000_000,
    durableGbSeconds: 400_000,
    d1RowsRead: 25_000_000_000,
    d1RowsWritten: 50_000_000,
    d1StorageGb: 5,
    queueOps: 1_000_000,
  },
} as const;

/** Workers Free plan: daily limits (reset at 00:00 UTC); beyond one, further operations of that kind fail. */
export const FREE_DAILY = {
  workerRequests: 100_000,
  durableRequests: 100_000,
  durableGbSeconds: 13_000,
  d1RowsRead: 5_000_000,
  d1RowsWritten: 100_000,
  /** Queues on the Free plan (the queues pricing page's free column). */
  queueOps: 10_000,
} as const;

/** Free plan totals that are not per day. */
export const FREE_TOTAL = {
  /** D1 storage per account. */
  d1StorageGb: 5,
  /** 10 ms of CPU per invocation (a per-request cap, not a daily budget). */
  workerCpuMsPerInvocation: 10,
} as const;

/** Days in the month used for per-month figures (as Cloudflare's pricing examples do). */
export const DAYS_PER_MONTH = 30;
