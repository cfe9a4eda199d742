/**
 * @module worker/lib/log
 * Structured logs: one JSON object per line, which Workers Logs indexes field by field. Every line
 * carries a `request_id`: the HTTP request's (the `X-Request-Id` answered to the client, see
 * hono/request-id in worker/app.ts), or one made up for a queue batch or a cron run, so that all
 * lines of one unit of work can be found together.
 *
 * What never goes into a log line: glucose values, record contents, passwords, tokens, secrets
 * (docs/privacy.md). Ids (`user_id`, `job_id`) are fine: they point into D1, they are not data.
 *
 * @example
 * const log = createLogger({ request_id: c.get("requestId") });
 * log.info("insights.job_started", { job_id });
 * log.error("export.failed", errorFields(err));
 */

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  readonly requestId: string;
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger whose lines also carry `fields` (the same request id unless `fields` names one). */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** `error` and `stack` of a thrown value, for a log line. */
export function errorFields(err: unknown): { error: string; stack?: string } {
  if (err instanceof Error) return { error: `${err.name}: ${err.message}`, stack: err.stack };
  return { error: String(err) };
}

/**
 * A logger writing through `console` (Workers Logs collects console output). `min` drops lines
 * below that level; `debug` lines are off unless asked for.
 */
export function createLogger(base: LogFields = {}, min: LogLevel = "info"): Logger {
  const requestId = typeof base.request_id === "string" ? base.request_id : crypto.randomUUID();
  const fixed = { ...base, request_id: requestId };
  const write = (level: LogLevel, event: string, fields?: LogFields) => {
    if (RANK[level] < RANK[min]) return;
    let line: string;
    try {
      line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields, ...fixed });
    } catch {
      // A field that does not serialise (a cycle, a BigInt) must not lose the line.
      line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fixed, note: "fields not serialisable" });
    }
    if (level === "error") console.error(line);
    else if (level === "warn") console.warn(line);
    else console.log(line);
  };
  return {
    requestId,
    debug: (event, fields) => write("debug", event, fields),
    info: (event, fields) => write("info", event, fields),
    warn: (event, fields) => write("warn", event, fields),
    error: (event, fields) => write("error", event, fields),
    child: (fields) => createLogger({ ...fixed, ...fields }, min),
  };
}

/** The configured minimum level (`LOG_LEVEL` var), "info" when unset or unknown. */
export function logLevelOf(env: { LOG_LEVEL?: string }): LogLevel {
  const level = env.LOG_LEVEL as LogLevel | undefined;
  return level && level in RANK ? level : "info";
}
