/**
 * @module worker/nightscout/v3/respond
 * API v3's answers (lib/api3/shared/operationTools.js): success as `{status, result}` (sendJSON,
 * and renderer.renderJson for documents), failures as `{status, message}` (sendJSONStatus) with
 * the GlucoLens error envelope beside it under `error`, naming the field where there is one.
 */
import type { Context, Handler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../env.ts";
import { ApiError, errorBody, type ErrorStatus, type FieldError } from "../../lib/errors.ts";

/** lib/api3/const.json MSG, the messages clients look for (AndroidAPS matches two of them). */
export const MSG = {
  BAD_LAST_MODIFIED: "Bad or missing Last-Modified header/parameter",
  BAD_LIMIT: "Parameter limit out of tolerance",
  BAD_REQUEST_BODY: "Bad or missing request body",
  BAD_FIELD_IDENTIFIER: "Bad or missing identifier field",
  BAD_FIELD_DATE: "Bad or missing date field",
  BAD_FIELD_UTC: "Bad or missing utcOffset field",
  BAD_FIELD_APP: "Bad or missing app field",
  BAD_SKIP: "Parameter skip out of tolerance",
  SORT_SORT_DESC: "Parameters sort and sort_desc cannot be combined",
  UNSUPPORTED_FILTER_OPERATOR: "Unsupported filter operator {0}",
  IMMUTABLE_FIELD: "Field {0} cannot be modified by the client",
  MISSING_OR_BAD_TOKEN: "Missing or bad access token or JWT",
  BAD_TOKEN: "Bad access token or JWT",
  MISSING_PERMISSION: "Missing permission {0}",
  BAD_OPERATION: "Bad operation or collection",
  UNSUPPORTED_FORMAT: "Unsupported output format requested",
  READONLY_MODIFICATION: "Trying to modify read-only document",
} as const;

/** A v3 failure: Nightscout's status and message, and the field it is about. */
export class V3Error extends ApiError {
  constructor(status: ErrorStatus | 412, message: string, fields: FieldError[] = [], code = codeOf(status)) {
    // 412 (If-Unmodified-Since) is answered by v3() below, never by app.onError.
    super(status as ErrorStatus, code, message, fields);
  }
}

function codeOf(status: number): string {
  return ({ 400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 406: "not_acceptable", 410: "gone", 412: "precondition_failed", 422: "validation_failed" } as Record<number, string>)[status] ?? "error";
}

/** `{status, result}` plus fields beside it (sendJSON). */
export function sendJson(c: Context<AppEnv>, status: ContentfulStatusCode, result?: unknown, fields: Record<string, unknown> = {}) {
  return c.json({ status, ...(result !== undefined && { result }), ...fields }, status);
}

/** sendJSONStatus for a status without a message (410, 404 of a read). */
export function sendStatus(c: Context<AppEnv>, status: ErrorStatus, message?: string) {
  const text = message ?? ({ 404: "Document not found", 410: "Document was deleted", 412: "Document was modified since" } as Record<number, string>)[status] ?? "Error";
  return c.json({ status, ...(message && { message }), ...errorBody(codeOf(status), text) }, status);
}

/** Runs a v3 handler; an ApiError (also from shared v1 code, such as body parsing) becomes the v3 error shape. */
export function v3(handler: Handler<AppEnv>): Handler<AppEnv> {
  return async (c, next) => {
    try {
      return await handler(c, next);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status >= 500) throw err;
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.json({ status: err.status, message: err.message, ...errorBody(err.code, err.message, err.fields) }, err.status);
    }
  };
}
