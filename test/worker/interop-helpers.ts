/**
 * Helpers for the interop tests: uploader credentials as Nightscout clients send them.
 */
import { expect } from "vitest";
import { api } from "./helpers.ts";

export async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function sha512Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-512", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Creates an uploader for the account and returns its secret and the api-secret header value. */
export async function uploader(access: string, name = "xDrip+") {
  const res = await api("/api/v1/uploaders", { token: access, body: { name } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  const secret: string = res.json.secret;
  return { id: res.json.id as string, secret, apiSecret: await sha1Hex(secret), url: res.json.nightscout_url as string };
}

/** A Nightscout call authenticated with the api-secret header. */
export const ns = (apiSecret: string, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  api(path, { ...init, headers: { ...init.headers, "api-secret": apiSecret } });
