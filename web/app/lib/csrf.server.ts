/**
 * @module csrf.server
 * Synchronizer-token CSRF protection. Each session holds one random token; every form that
 * changes state renders it in a hidden field (`<CsrfInput />`), and every action checks it
 * with `validateCsrf` before doing anything else. SameSite=Lax cookies already stop most
 * cross-site posts; the token also covers same-site subdomains and older browsers.
 */
import type { Session } from "@remix-run/cloudflare";
import { bytesToBase64Url } from "../../../vocabulary/bytes.ts";

/** Name of the hidden form field. */
export const CSRF_FIELD = "csrf";
const SESSION_KEY = "csrf";

/** 32 random bytes, base64url. */
export function generateCsrfToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return bytesToBase64Url(bytes);
}

/**
 * Returns the session's token, creating one when it has none. `created` tells the caller to
 * commit the session (set the cookie).
 */
export function ensureCsrfToken(session: Session): { token: string; created: boolean } {
  const existing = session.get(SESSION_KEY);
  if (typeof existing === "string" && existing) return { token: existing, created: false };
  const token = generateCsrfToken();
  session.set(SESSION_KEY, token);
  return { token, created: true };
}

/** Replaces the token, e.g. at sign-in so a token seen before authentication stops working. */
export function rotateCsrfToken(session: Session): string {
  const token = generateCsrfToken();
  session.set(SESSION_KEY, token);
  return token;
}

/**
 * Checks the submitted token against the session's.
 *
 * @throws Response 403 when the field is missing or does not match. The message is written for
 *   people: the usual cause is a form left open across a sign-out or a cookie cleared meanwhile.
 */
export function validateCsrf(formData: FormData, session: Session): void {
  const submitted = formData.get(CSRF_FIELD);
  const expected = session.get(SESSION_KEY);
  if (
    typeof submitted !== "string" ||
    typeof expected !== "string" ||
    !expected ||
    !timingSafeEqual(submitted, expected)
  ) {
    throw new Response("This form has expired. Reload the page and try again.", {
      status: 403,
      statusText: "Forbidden",
    });
  }
}

/** Compares in time that depends only on the length, which is public (always 43). */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
