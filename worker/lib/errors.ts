/**
 * @module worker/lib/errors
 * The one error envelope of the API: `{"error":{"code","message","fields":[{"path","message"}]}}`.
 * Handlers throw {@link ApiError}; `app.onError` (worker/app.ts) is the only place that formats errors.
 */
import type { ZodError } from "zod";

export interface FieldError {
  path: string;
  message: string;
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 406 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 503;

export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found`);
export const unauthorized = (message = "Authentication required") => new ApiError(401, "unauthorized", message);

/** Validation failure of one or more fields (422). */
export const invalid = (fields: FieldError[], message = "Some fields are invalid") =>
  new ApiError(422, "validation_failed", message, fields);

/** Turns zod issues into field errors with dotted paths (`readings.3.value`). */
export function zodFields(error: ZodError, prefix = ""): FieldError[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "body",
    message: issue.message,
  }));
}

/**
 * What a deleted account's live monitor, and the pipeline, fail with. A plain Error with this
 * exact message, because only the message survives a Durable Object RPC; app.onError answers 401.
 */
export const ACCOUNT_GONE = "The account has been deleted";
export const accountGone = () => new Error(ACCOUNT_GONE);
export const isAccountGone = (err: unknown) => err instanceof Error && err.message === ACCOUNT_GONE;

export function errorBody(code: string, message: string, fields: FieldError[] = []) {
  return { error: { code, message, fields } };
}
