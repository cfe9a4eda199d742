/**
 * Helpers for worker tests: HTTP through the real Worker (SELF.fetch) and throwaway accounts.
 */
import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";

export const BASE = "https://api.test";

export interface Account {
  id: string;
  email: string;
  password: string;
  access: string;
  refresh: string;
}

let counter = 0;

export async function api(path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.raw !== undefined) body = init.raw;
  else if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
  const res = await SELF.fetch(`${BASE}${path}`, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json };
}

export async function register(overrides: Record<string, unknown> = {}): Promise<Account> {
  const email = `user${++counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const password = "correct horse battery";
  const res = await api("/api/v1/auth/register", {
    body: { email, password, name: "Test User", timezone: "Europe/Berlin", unit: "mg/dL", ...overrides },
    headers: { "cf-connecting-ip": `10.0.${counter % 250}.${(counter * 7) % 250}` },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { id: res.json.user.id, email: res.json.user.email, password, access: res.json.access_token, refresh: res.json.refresh_token };
}

/** Asserts the error envelope and that `field` is named in it. */
export function expectFieldError(res: { status: number; json: any }, status: number, field?: string) {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.json.error).toMatchObject({ code: expect.any(String), message: expect.any(String), fields: expect.any(Array) });
  if (field) expect(res.json.error.fields.map((f: { path: string }) => f.path)).toContain(field);
}

export interface Mail {
  subject: string;
  body: string;
}

/** Mail stored in the outbox for `to`, newest first. */
export async function outboxFor(to: string): Promise<Mail[]> {
  return (await env.DB.prepare("SELECT subject, body FROM outbox WHERE to_address = ? ORDER BY id DESC").bind(to).all<Mail>()).results;
}

/**
 * The newest mail to `to` whose subject matches, waiting for it: account mail is sent after the
 * answer (worker/services/account-mail.ts), so it may land a moment after the response.
 */
export async function waitForMail(to: string, subject: RegExp, timeout = 3000): Promise<Mail> {
  const end = Date.now() + timeout;
  for (;;) {
    const mail = (await outboxFor(to)).find((m) => subject.test(m.subject));
    if (mail) return mail;
    if (Date.now() > end) throw new Error(`no mail to ${to} matching ${subject}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const tokenFromMail = (body: string) => decodeURIComponent(/token=([^\s]+)/.exec(body)![1]!);

/** Confirms the account's address with the link of its verification mail (once; again is a no-op). */
export async function verifyEmail(a: Account): Promise<void> {
  if ((await api("/api/v1/auth/me", { token: a.access })).json?.email_verified) return;
  const mail = await waitForMail(a.email, /Confirm your GlucoLens email address/);
  const res = await api("/api/v1/auth/verify-email", { body: { token: tokenFromMail(mail.body) } });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
}
