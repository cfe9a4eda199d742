/**
 * Helpers for the Nightscout client replays (nightscout-*-clients.test.ts): an account with an
 * uploader, and calls authenticated as the clients send them.
 */
import { expect } from "vitest";
import { api, register } from "./helpers.ts";
import { sha1Hex, uploader } from "./interop-helpers.ts";

export const MIN = 60_000;

/** A client whose base URL is what POST /api/v1/uploaders gives (`https://SECRET@host/api/v1/`). */
export async function client() {
  const a = await register();
  const up = await uploader(a.access);
  const url = new URL(up.url);
  // xDrip+ (NightscoutUploader.java doRESTUpload) and Spike hash the URL's user-info part with SHA-1.
  const secret = decodeURIComponent(url.username);
  expect(secret).toBe(up.secret);
  const apiSecret = await sha1Hex(secret);
  /** With the `api-secret` header (hex SHA-1 of the secret), as uploaders send it. */
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => api(path, { method, body, headers: { "api-secret": apiSecret, ...headers } });
  /** With `token=<secret>` in the query, as followers send it. */
  const withToken = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => api(`${path}${path.includes("?") ? "&" : "?"}token=${encodeURIComponent(secret)}`, init);
  return { a, up, secret, apiSecret, call, withToken };
}
