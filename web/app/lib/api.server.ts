/**
 * @module api.server
 * The only module that talks to the API Worker. Every call sends and receives JSON, carries a
 * Bearer token when given one, and turns the API's error envelope
 * `{"error":{"code","message","fields":[{"path","message"}]}}` into a typed `ApiError`.
 *
 * The answers' types are the Worker's own (api-types.ts, derived from its OpenAPI schemas), so the
 * site does not re-declare them; the error envelope is the one shape read defensively here.
 *
 * Transport: in production the `API` service binding (no public hop, no CORS) when the Pages
 * project has one, else `fetch(API_URL)`. In development always `fetch(API_URL)`: the vite dev
 * proxy also creates the binding, but it only works when the API runs under `wrangler dev`
 * with the dev registry, while API_URL works with anything listening on :8787.
 *
 * Token refresh is not done here; see `requireAuth` in session.server.ts.
 */
import { z } from "zod";
import type {
  BulkAnswer,
  CausalAnswer,
  CorrelationsAnswer,
  DayClustersAnswer,
  ImportAnswer,
  JobStatusAnswer,
  PatternsAnswer,
  ReadingListAnswer,
  RecordAnswer,
  RecordListAnswer,
  RulesAnswer,
  TokenPairAnswer,
  TriggerAnswer,
  UserAnswer,
} from "./api-types.ts";
import type { ActivityRecord, InsulinRecord, MealRecord, SleepRecord } from "./chart-data.ts";
import type { ServerEnv } from "./env.server.ts";

// ---------------------------------------------------------------------------------------------
// Errors

export interface ApiFieldError {
  /** Dotted path of the offending input, e.g. "password" or "body.email". */
  path: string;
  message: string;
}

/** Any failed API call. `code` is the API's machine-readable code (e.g. "invalid_credentials"). */
export class ApiError extends Error {
  override readonly name: string = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly ApiFieldError[] = [],
  ) {
    super(message);
  }

  /**
   * Field errors keyed by the last path segment, so "body.password" lands on the form's
   * "password" input. The API writes some messages as fragments ("is already registered",
   * "must be an email address"); those get the field's name in front so they read as sentences.
   */
  fieldErrors(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const f of this.fields) {
      const key = f.path.split(/[.[\]]/).filter(Boolean).pop() ?? "";
      const fragment = /^[a-z]/.test(f.message);
      (out[key] ??= []).push(fragment && key ? `${humanizeField(key)} ${f.message}` : f.message);
    }
    return out;
  }
}

/** "refresh_token" → "Refresh token". */
function humanizeField(key: string): string {
  const words = key.replace(/[_-]+/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** 401: the token is missing, expired or revoked, or the credentials are wrong. */
export class ApiUnauthorizedError extends ApiError {
  override readonly name = "ApiUnauthorizedError";
}

/** 400 or 422 with per-field messages. */
export class ApiValidationError extends ApiError {
  override readonly name = "ApiValidationError";
}

/** The API could not be reached, timed out, answered 5xx, or answered something unparseable. */
export class ApiUnavailableError extends ApiError {
  override readonly name = "ApiUnavailableError";
}

const errorEnvelope = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z
      .array(
        z.object({
          path: z.union([z.string(), z.array(z.union([z.string(), z.number()]))]),
          message: z.string(),
        }),
      )
      .optional(),
  }),
});

function toApiError(status: number, body: unknown): ApiError {
  const parsed = errorEnvelope.safeParse(body);
  const code = parsed.success ? parsed.data.error.code : `http_${status}`;
  const message = parsed.success ? parsed.data.error.message : `The API answered ${status}.`;
  const fields = parsed.success
    ? (parsed.data.error.fields ?? []).map((f) => ({
        path: Array.isArray(f.path) ? f.path.join(".") : f.path,
        message: f.message,
      }))
    : [];
  if (status === 401) return new ApiUnauthorizedError(status, code, message, fields);
  if (status === 400 || status === 422) return new ApiValidationError(status, code, message, fields);
  if (status >= 500) return new ApiUnavailableError(status, code, message, fields);
  return new ApiError(status, code, message, fields);
}

/** What a signed-out form says when the API cannot be reached. */
export const API_UNAVAILABLE_MESSAGE = "GlucoLens is temporarily unavailable. Try again in a minute.";

/**
 * For loaders: rethrows an ApiError as a thrown Response with the same status, so the route's
 * ErrorBoundary shows "temporarily unavailable" (503) or "not found" (404) instead of a 500.
 * Other errors are rethrown unchanged.
 *
 * @example
 * const page = await auth.call(fetchReadings).catch(rethrowAsResponse);
 */
export function rethrowAsResponse(err: unknown): never {
  if (err instanceof ApiError) {
    const status = err instanceof ApiUnavailableError ? 503 : err.status;
    throw new Response(err.message, { status });
  }
  throw err;
}

// ---------------------------------------------------------------------------------------------
// Transport

export interface ApiRequest {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, with its own content type (a file), instead of `body`. */
  raw?: Blob;
  /** Access token, sent as `Authorization: Bearer …`. */
  token?: string;
  signal?: AbortSignal;
}

const TIMEOUT_MS = 10_000;

/**
 * Performs one API call. `T` is the answer's type, one of api-types.ts (derived from the Worker's
 * OpenAPI schemas); the answer is not validated against it, only checked to be JSON (null for a
 * 202 or 204 without a body). Only the error envelope is read defensively (`toApiError`).
 *
 * @throws ApiError (or a subclass) for any non-2xx answer, a network failure or a 2xx answer
 *   that is not JSON (502 "bad_response").
 * @example
 * const me = await apiRequest<UserAnswer>(env, "/api/v1/auth/me", { token });
 */
export async function apiRequest<T = unknown>(
  env: ServerEnv,
  path: string,
  { method = "GET", query, body, raw, token, signal }: ApiRequest = {},
): Promise<T> {
  const url = new URL(path, `${env.apiUrl}/`);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined) url.searchParams.set(k, String(v));
  }
  const headers = new Headers({ Accept: "application/json" });
  if (raw) headers.set("Content-Type", raw.type || "application/octet-stream");
  else if (body !== undefined) headers.set("Content-Type", "application/json");
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (env.clientIp) headers.set("CF-Connecting-IP", env.clientIp);

  const init: RequestInit = {
    method,
    headers,
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    signal: signal ?? AbortSignal.timeout(TIMEOUT_MS),
  };

  let res: Response;
  try {
    const binding = env.isProduction ? env.apiBinding : undefined;
    res = binding
      ? ((await binding.fetch(url.toString(), init as never)) as unknown as Response)
      : await fetch(url, init);
  } catch (cause) {
    console.error(`api: ${method} ${url.pathname} failed`, cause);
    throw new ApiUnavailableError(503, "api_unreachable", "The GlucoLens API could not be reached.");
  }

  const text = await res.text();
  let json: unknown = null; // 202 and 204 answers have no body
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    if (res.ok) {
      console.error(`api: ${method} ${url.pathname} → ${res.status}: the answer is not JSON`);
      throw new ApiUnavailableError(502, "bad_response", "The API answered something that is not JSON.");
    }
  }

  if (!res.ok) {
    const err = toApiError(res.status, json);
    if (err instanceof ApiUnavailableError) {
      console.error(`api: ${method} ${url.pathname} → ${res.status} ${err.code}`);
    }
    throw err;
  }
  return json as T;
}

// ---------------------------------------------------------------------------------------------
// Endpoints. The answers' types are the Worker's (api-types.ts).

export const authApi = {
  register(
    env: ServerEnv,
    body: { email: string; password: string; name: string; timezone: string; unit: "mg/dL" | "mmol/L" },
  ) {
    return apiRequest<TokenPairAnswer>(env, "/api/v1/auth/register", { method: "POST", body });
  },
  login(env: ServerEnv, body: { email: string; password: string }) {
    return apiRequest<TokenPairAnswer>(env, "/api/v1/auth/login", { method: "POST", body });
  },
  refresh(env: ServerEnv, refreshToken: string) {
    return apiRequest<TokenPairAnswer>(env, "/api/v1/auth/refresh", { method: "POST", body: { refresh_token: refreshToken } });
  },
  logout(env: ServerEnv, refreshToken: string) {
    return apiRequest(env, "/api/v1/auth/logout", { method: "POST", body: { refresh_token: refreshToken } });
  },
  /** Answers 202 whether or not the address has an account. */
  requestMagicLink(env: ServerEnv, email: string) {
    return apiRequest(env, "/api/v1/auth/magic-link", { method: "POST", body: { email } });
  },
  verifyMagicLink(env: ServerEnv, token: string) {
    return apiRequest<TokenPairAnswer>(env, "/api/v1/auth/magic-link/verify", { method: "POST", body: { token } });
  },
  /** Confirms the account's address with the token of its verification link (no access token needed). */
  verifyEmail(env: ServerEnv, token: string) {
    return apiRequest<UserAnswer>(env, "/api/v1/auth/verify-email", { method: "POST", body: { token } });
  },
  /** Mails a new verification link to the signed-in account's address (429 when asked too often). */
  resendVerification(env: ServerEnv, token: string) {
    return apiRequest(env, "/api/v1/auth/verify-email/resend", { method: "POST", token });
  },
  me(env: ServerEnv, token: string) {
    return apiRequest<UserAnswer>(env, "/api/v1/auth/me", { token });
  },
};

export interface TimeWindow {
  /** ISO 8601. */
  start: string;
  end: string;
}

/**
 * The dashboard's markers read these fields of each kind (chart-data.ts). The Worker's record
 * answers are typed only as far as `id` (see `RecordAnswer`), so the fields are the site's.
 */
type Marked<R> = RecordListAnswer<RecordAnswer & R>;

export const dataApi = {
  readings(env: ServerEnv, token: string, { start, end }: TimeWindow, limit = 10_000) {
    return apiRequest<ReadingListAnswer>(env, "/api/v1/glucose/readings", { token, query: { start, end, limit } });
  },
  meals(env: ServerEnv, token: string, window: TimeWindow) {
    return apiRequest<Marked<MealRecord>>(env, "/api/v1/meals", { token, query: { ...window } });
  },
  insulin(env: ServerEnv, token: string, window: TimeWindow) {
    return apiRequest<Marked<InsulinRecord>>(env, "/api/v1/insulin", { token, query: { ...window } });
  },
  activities(env: ServerEnv, token: string, window: TimeWindow) {
    return apiRequest<Marked<ActivityRecord>>(env, "/api/v1/activities", { token, query: { ...window } });
  },
  sleep(env: ServerEnv, token: string, window: TimeWindow) {
    return apiRequest<Marked<SleepRecord>>(env, "/api/v1/sleep", { token, query: { ...window } });
  },
};

// ---------------------------------------------------------------------------------------------
// Exports (streamed) and the live feed's origin (dashboard, /agp, /settings)

/**
 * One API call whose answer is passed on as it arrives (exports: megabytes of JSON or CSV), not
 * buffered and parsed like {@link apiRequest}. Errors are still mapped to `ApiError`.
 *
 * @throws ApiError (or a subclass) for a non-2xx answer or a network failure.
 */
export async function apiStream(env: ServerEnv, path: string, { token, query }: { token?: string; query?: Record<string, string | undefined> }): Promise<Response> {
  const url = new URL(path, `${env.apiUrl}/`);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  // No token: a route whose credential is in the path (a report share link).
  const init: RequestInit = { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(env.clientIp ? { "CF-Connecting-IP": env.clientIp } : {}) } };
  let res: Response;
  try {
    const binding = env.isProduction ? env.apiBinding : undefined;
    res = binding ? ((await binding.fetch(url.toString(), init as never)) as unknown as Response) : await fetch(url, init);
  } catch (cause) {
    console.error(`api: GET ${url.pathname} failed`, cause);
    throw new ApiUnavailableError(503, "api_unreachable", "The GlucoLens API could not be reached.");
  }
  if (!res.ok) {
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: toApiError falls back to the status
    }
    throw toApiError(res.status, json);
  }
  return res;
}

/** The WebSocket origin the browser connects to: the API's own, ws:// or wss://. */
export function websocketOrigin(env: ServerEnv): string {
  return env.apiUrl.replace(/^http/, "ws");
}

// ---------------------------------------------------------------------------------------------
// Insights (/insights) and bulk uploads (/upload). Shapes: worker/insights/schemas.ts.

export const insightsApi = {
  correlations: (env: ServerEnv, token: string) => apiRequest<CorrelationsAnswer>(env, "/api/v1/insights/correlations", { token }),
  causal: (env: ServerEnv, token: string) => apiRequest<CausalAnswer>(env, "/api/v1/insights/causal", { token }),
  patterns: (env: ServerEnv, token: string) => apiRequest<PatternsAnswer>(env, "/api/v1/insights/patterns", { token }),
  rules: (env: ServerEnv, token: string) => apiRequest<RulesAnswer>(env, "/api/v1/insights/rules", { token }),
  /** Null when the API answers 404 (a deployment without the route): the page then has no such section. */
  async dayClusters(env: ServerEnv, token: string) {
    try {
      return await apiRequest<DayClustersAnswer>(env, "/api/v1/insights/day-clusters", { token });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  },
  job: (env: ServerEnv, token: string, jobId: string) => apiRequest<JobStatusAnswer>(env, `/api/v1/insights/jobs/${encodeURIComponent(jobId)}`, { token }),
  trigger: (env: ServerEnv, token: string) => apiRequest<TriggerAnswer>(env, "/api/v1/insights/trigger-analysis", { method: "POST", token, body: {} }),
};

export const uploadApi = {
  /** A whole export file, parsed by the API (`format` and the device clock's `timezone`). */
  importFile: (env: ServerEnv, token: string, query: { format: string; timezone: string }, file: Blob) =>
    apiRequest<ImportAnswer>(env, "/api/v1/imports", { method: "POST", token, query, raw: file, signal: AbortSignal.timeout(60_000) }),
  /** One chunk to a bulk endpoint (`path` from upload-chunks.ts bulkEndpoint). Bulk bodies may take longer than the default timeout. */
  bulk: (env: ServerEnv, token: string, path: string, key: "readings" | "items", items: unknown[]) =>
    apiRequest<BulkAnswer>(env, path, { method: "POST", token, body: { [key]: items }, signal: AbortSignal.timeout(60_000) }),
};
