/**
 * @module worker/bridges/http
 * Requests to the vendors: every one bounded by a timeout (30 s, or `BRIDGE_TIMEOUT_MS` when
 * lower), no redirect followed (a vendor's answer is JSON, never a redirect; following one could
 * lead anywhere), and every failure classified so the poller knows what to do:
 *
 * - `login_refused`: the vendor said the credentials are wrong; polling stops until they change.
 * - `session_expired`: log in again and retry once, within the same poll.
 * - `outage`: timeouts, network errors, 5xx and 429, unexpected answers; retried with backoff.
 */

export const MAX_TIMEOUT_MS = 30_000;

export type BridgeFailure = "login_refused" | "session_expired" | "outage";

export class BridgeError extends Error {
  constructor(
    readonly failure: BridgeFailure,
    message: string,
  ) {
    super(message);
    this.name = "BridgeError";
  }
}

export const loginRefused = (message: string) => new BridgeError("login_refused", message);
export const sessionExpired = (message: string) => new BridgeError("session_expired", message);
export const outage = (message: string) => new BridgeError("outage", message);

export interface VendorHttp {
  timeoutMs: number;
  /** Requests made in this poll (for the poll's log line and the cost figures). */
  requests: number;
}

export function vendorHttp(env: { BRIDGE_TIMEOUT_MS?: string }): VendorHttp {
  const configured = Number(env.BRIDGE_TIMEOUT_MS);
  return { timeoutMs: Number.isFinite(configured) && configured > 0 ? Math.min(configured, MAX_TIMEOUT_MS) : MAX_TIMEOUT_MS, requests: 0 };
}

export interface VendorResponse {
  status: number;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
  text: string;
  headers: Headers;
}

/** One request: the body is read inside the same timeout, so a vendor that sends headers and then stalls is cut off too. */
export async function vendorFetch(http: VendorHttp, url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<VendorResponse> {
  const signal = AbortSignal.timeout(http.timeoutMs);
  http.requests++;
  const headers: Record<string, string> = { accept: "application/json", ...init.headers };
  let body: string | undefined;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  const host = safeHost(url);
  try {
    const res = await fetch(url, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body, redirect: "manual", signal });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  } catch (err) {
    if (signal.aborted) throw outage(`${host} did not answer within ${Math.round(http.timeoutMs / 1000)} s`);
    throw outage(`${host} could not be reached: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the server";
  }
}

/** An answer that is neither success nor a known refusal: an outage, named by host and status. */
export function unexpected(url: string, res: VendorResponse): BridgeError {
  return outage(`${safeHost(url)} answered HTTP ${res.status}${res.json === undefined && res.status < 300 ? " without JSON" : ""}`);
}
