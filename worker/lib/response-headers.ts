/**
 * @module worker/lib/response-headers
 * Setting a header on a response that is already built. Hono's `c.header()` after `next()`
 * copies the whole response (`new Response(res.body, res)`: a new Response, Headers and body
 * stream) in case its headers are immutable. Every response of this API is built in this isolate,
 * so its headers can be changed in place; only a response passed on from `fetch()` needs the copy.
 * Each copy is native garbage that workerd frees in the pause of a full collection, which is
 * where the alert feed's latency tail came from (docs/alert-latency.md).
 */
import type { Context } from "hono";

export function setResponseHeader(c: Context, name: string, value: string, options?: { append?: boolean }): void {
  const headers = c.res.headers;
  try {
    if (options?.append) headers.append(name, value);
    else headers.set(name, value);
  } catch {
    // Immutable headers (a fetched response): let Hono copy the response.
    c.header(name, value, options);
  }
}
