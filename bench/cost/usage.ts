/** The counters bench/cost/meter.ts keeps in the Worker and `GET /__cost/usage` answers (shared with bench/cost.ts). */
export interface Usage {
  worker: { fetch: number; scheduled: number; queueBatches: number };
  durable: { calls: number; callWallMs: number; byMethod: Record<string, number>; webSocketMessages: number; alarms: number; handlerWallMs: number };
  d1: { statements: number; rowsRead: number; rowsWritten: number };
  durableSql: { statements: number; rowsRead: number; rowsWritten: number };
  queue: { delivered: number; retried: number };
  /** D1 statements and rows by what ran them ("GET /api/v1/entries.json", "queue aggregate", "cron", "durable object"…). */
  byLabel: Record<string, { invocations: number; statements: number; rowsRead: number; rowsWritten: number }>;
}
