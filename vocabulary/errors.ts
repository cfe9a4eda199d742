/**
 * @module vocabulary/errors
 * The error cause chain: drizzle and the runtime wrap the error that tells what happened (a D1
 * message, a deleted account) in `cause`.
 */

/** How many links of a cause chain are read; a chain is never this long in practice, a loop is. */
const MAX_DEPTH = 5;

/**
 * Whether the error or any of its causes (up to 5 deep) has a message containing one of `texts`.
 *
 * @example
 * errorChainMentions(new Error("query failed", { cause: new Error("SQLITE_BUSY") }), "SQLITE_BUSY"); // => true
 */
export function errorChainMentions(err: unknown, ...texts: string[]): boolean {
  for (let e: unknown = err, depth = 0; e && depth < MAX_DEPTH; e = (e as { cause?: unknown }).cause, depth++) {
    const message = String((e as Error).message ?? e);
    if (texts.some((t) => message.includes(t))) return true;
  }
  return false;
}
