/**
 * @module resource.server
 * Helpers for the site's JSON resource routes (`/api/upload-chunk`, `/api/job-status`), which the
 * browser calls with `fetch`: errors in the API's envelope
 * `{"error":{"code","message","fields":[{"path","message"}]}}`, a 401 instead of the HTML redirect
 * to /login when the session has ended, and the CSRF check from a header (no form to carry it).
 */
import type { AppLoadContext } from "@remix-run/cloudflare";
import { ApiError, ApiUnavailableError, type ApiFieldError } from "./api.server.ts";
import { CSRF_FIELD, validateCsrf } from "./csrf.server.ts";
import { requireAuth, type Auth } from "./session.server.ts";

/** Header the browser sends the page's CSRF token in. */
export const CSRF_HEADER = "X-CSRF-Token";

export function jsonError(status: number, code: string, message: string, fields: readonly ApiFieldError[] = [], headers?: HeadersInit): Response {
  return Response.json({ error: { code, message, fields } }, { status, headers });
}

/** An ApiError as the same envelope and status (API outages as 503). */
export function apiErrorResponse(err: unknown): Response {
  if (err instanceof ApiUnavailableError) return jsonError(503, err.code, "GlucoLens is temporarily unavailable; nothing more was stored. Try again in a minute.");
  if (err instanceof ApiError) return jsonError(err.status, err.code, err.message, err.fields);
  throw err;
}

/** `requireAuth`, with "signed out" answered as a 401 JSON error (thrown) instead of a redirect. */
export async function requireAuthJson(request: Request, context: AppLoadContext): Promise<Auth> {
  try {
    return await requireAuth(request, context);
  } catch (err) {
    if (err instanceof Response && err.status >= 300 && err.status < 400) {
      throw jsonError(401, "unauthorized", "Your session has ended: sign in again, then retry.", [], err.headers.get("Set-Cookie") ? { "Set-Cookie": err.headers.get("Set-Cookie") ?? "" } : undefined);
    }
    throw err;
  }
}

/** Checks the CSRF header; throws a 403 JSON error when it is missing or wrong. */
export function validateCsrfHeader(request: Request, auth: Auth): void {
  const form = new FormData();
  form.set(CSRF_FIELD, request.headers.get(CSRF_HEADER) ?? "");
  try {
    validateCsrf(form, auth.session);
  } catch {
    throw jsonError(403, "csrf", "This page has expired. Reload it and try again.", [{ path: CSRF_HEADER, message: "is missing or does not match the session" }]);
  }
}
