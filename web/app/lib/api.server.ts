/**
 * @module api.server
 * The only module that talks to the API Worker. Every call sends and receives JSON, carries a
 * Bearer token when given one, and turns the API's error envelope
 * `{"error":{"code","message","fields":[{"path","message"}]}}` into a typed `ApiError`.
 *
 * Transport: in production the `API` service binding (no public hop, no CORS) when the Pages
 * project has one, else `fetch(API_URL)`. In development always `fetch(API_URL)`: the vite dev
 * proxy also creates the binding, but it only works when the API runs under `wrangler dev`
 * with the dev registry, while API_URL works with anything listening on :8787.
 *
 * Token refresh is not done here; see `requireAuth` in session.server.ts.
 */
import { z } from "zod";
import { GLUCOSE_UNITS } from "../../../vocabulary/units.ts";
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

export interface ApiRequest<T> {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, with its own content type (a file), instead of `body`. */
  raw?: Blob;
  /** Access token, sent as `Authorization: Bearer …`. */
  token?: string;
  /** Validates the success body. Without it the body is returned unchecked (or null for 204). */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
}

const TIMEOUT_MS = 10_000;

/**
 * Performs one API call.
 *
 * @throws ApiError (or a subclass) for any non-2xx answer, a network failure or a body that
 *   does not match `schema`.
 * @example
 * const me = await apiRequest(env, "/api/v1/auth/me", { token, schema: userSchema });
 */
export async function apiRequest<T = unknown>(
  env: ServerEnv,
  path: string,
  { method = "GET", query, body, raw, token, schema, signal }: ApiRequest<T> = {},
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
  if (!schema) return json as T;
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    console.error(`api: ${method} ${url.pathname}: unexpected body`, z.prettifyError(parsed.error));
    throw new ApiUnavailableError(502, "bad_response", "The API answered in an unexpected shape.");
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// Schemas of what the site consumes. Loose objects: the API may add fields.

export const userSchema = z.looseObject({
  id: z.string(),
  email: z.string(),
  /** Absent from an older API; treated as not verified. */
  email_verified: z.boolean().optional(),
  name: z.string(),
  timezone: z.string(),
  unit: z.enum(GLUCOSE_UNITS),
});
export type ApiUser = z.infer<typeof userSchema>;

export const authResponseSchema = z.looseObject({
  user: userSchema,
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.string(),
  /** Seconds. */
  expires_in: z.number(),
});
export type AuthResponse = z.infer<typeof authResponseSchema>;

const page = <T extends z.ZodType>(item: T) =>
  z.looseObject({ items: z.array(item), next_cursor: z.string().nullish() });

export const readingSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  time: z.string(),
  value: z.number(),
  unit: z.string().optional(),
  source: z.string().nullish(),
  trend: z.string().nullish(),
});
export type Reading = z.infer<typeof readingSchema>;

const id = z.union([z.string(), z.number()]).transform(String);
export const mealSchema = z.looseObject({ id, time: z.string(), carbs: z.number().nullish() });
export const insulinSchema = z.looseObject({
  id,
  time: z.string(),
  units: z.number(),
  kind: z.string().nullish(),
});
export const activitySchema = z.looseObject({
  id,
  start: z.string(),
  end: z.string(),
  type: z.string().nullish(),
  intensity: z.union([z.string(), z.number()]).nullish().transform((v) => (v == null ? v : String(v))),
});
export const sleepSchema = z.looseObject({
  id,
  start: z.string(),
  end: z.string(),
  quality: z.union([z.string(), z.number()]).nullish(),
});

// ---------------------------------------------------------------------------------------------
// Endpoints

export const authApi = {
  register(
    env: ServerEnv,
    body: { email: string; password: string; name: string; timezone: string; unit: "mg/dL" | "mmol/L" },
  ) {
    return apiRequest(env, "/api/v1/auth/register", { method: "POST", body, schema: authResponseSchema });
  },
  login(env: ServerEnv, body: { email: string; password: string }) {
    return apiRequest(env, "/api/v1/auth/login", { method: "POST", body, schema: authResponseSchema });
  },
  refresh(env: ServerEnv, refreshToken: string) {
    return apiRequest(env, "/api/v1/auth/refresh", {
      method: "POST",
      body: { refresh_token: refreshToken },
      schema: authResponseSchema,
    });
  },
  logout(env: ServerEnv, refreshToken: string) {
    return apiRequest(env, "/api/v1/auth/logout", { method: "POST", body: { refresh_token: refreshToken } });
  },
  /** Answers 202 whether or not the address has an account. */
  requestMagicLink(env: ServerEnv, email: string) {
    return apiRequest(env, "/api/v1/auth/magic-link", { method: "POST", body: { email } });
  },
  verifyMagicLink(env: ServerEnv, token: string) {
    return apiRequest(env, "/api/v1/auth/magic-link/verify", {
      method: "POST",
      body: { token },
      schema: authResponseSchema,
    });
  },
  /** Confirms the account's address with the token of its verification link (no access token needed). */
  verifyEmail(env: ServerEnv, token: string) {
    return apiRequest(env, "/api/v1/auth/verify-email", { method: "POST", body: { token }, schema: userSchema });
  },
  /** Mails a new verification link to the signed-in account's address (429 when asked too often). */
  resendVerification(env: ServerEnv, token: string) {
    return apiRequest(env, "/api/v1/auth/verify-email/resend", { method: "POST", token });
  },
  /** Accepts either `{"user":{…}}` or the bare user object. */
  async me(env: ServerEnv, token: string): Promise<ApiUser> {
    const body = await apiRequest(env, "/api/v1/auth/me", {
      token,
      schema: z.union([z.looseObject({ user: userSchema }), userSchema]),
    });
    return "user" in body ? (body.user as ApiUser) : (body as ApiUser);
  },
};

export interface TimeWindow {
  /** ISO 8601. */
  start: string;
  end: string;
}

export const dataApi = {
  readings(env: ServerEnv, token: string, { start, end }: TimeWindow, limit = 10_000) {
    return apiRequest(env, "/api/v1/glucose/readings", {
      token,
      query: { start, end, limit },
      schema: page(readingSchema),
    });
  },
  meals(env: ServerEnv, token: string, window: TimeWindow) {
    return apiRequest(env, "/api/v1/meals", { token, query: { ...window }, schema: page(mealSchema) });
  },
  insulin(env: ServerEnv, token: string, window: TimeWindow) {
    return apiRequest(env, "/api/v1/insulin", { token, query: { ...window }, schema: page(insulinSchema) });
  },
  activities(env: ServerEnv, token: string, window: TimeWindow) {
    return apiRequest(env, "/api/v1/activities", { token, query: { ...window }, schema: page(activitySchema) });
  },
  sleep(env: ServerEnv, token: string, window: TimeWindow) {
    return apiRequest(env, "/api/v1/sleep", { token, query: { ...window }, schema: page(sleepSchema) });
  },
};

// ---------------------------------------------------------------------------------------------
// Live monitor, insights, uploaders and export (dashboard, /agp, /settings)

export const ticketSchema = z.looseObject({ ticket: z.string(), expires_at: z.string(), url: z.string() });

const metricsSchema = z
  .looseObject({
    readings: z.number(),
    mean: z.number(),
    sd: z.number(),
    cv_percent: z.number(),
    gmi_percent: z.number(),
    below_54_percent: z.number(),
    below_70_percent: z.number(),
    in_range_percent: z.number(),
    above_180_percent: z.number(),
    above_250_percent: z.number(),
    active_percent: z.number(),
    // Time in tight range (70–140 mg/dL) and the GRI grid (optional: an older API omits them).
    tight_range_percent: z.number().optional(),
    gri: z.number().optional(),
    gri_hypo: z.number().optional(),
    gri_hyper: z.number().optional(),
    gri_zone: z.enum(["A", "B", "C", "D", "E"]).optional(),
  })
  .nullable();

export const insightsDashboardSchema = z.looseObject({
  unit: z.enum(GLUCOSE_UNITS),
  period_days: z.number(),
  current: z.looseObject({ start: z.string(), end: z.string(), metrics: metricsSchema }),
  previous: z.looseObject({ start: z.string(), end: z.string(), metrics: metricsSchema }),
  changes: z.record(z.string(), z.number()),
  insights: z.array(z.looseObject({ kind: z.string(), sentence: z.string() })),
});

const nullableNums = z.array(z.number().nullable());
export const agpSchema = z.looseObject({
  unit: z.enum(GLUCOSE_UNITS),
  days: z.number(),
  start: z.string(),
  end: z.string(),
  timezone: z.string(),
  readings: z.number(),
  bin_minutes: z.number(),
  minute: z.array(z.number()),
  p5: nullableNums,
  p25: nullableNums,
  p50: nullableNums,
  p75: nullableNums,
  p95: nullableNums,
  metrics: metricsSchema.optional(),
});

/** `GET /api/v1/shared/{token}/agp`: the AGP report a clinician's share link opens. */
export const sharedReportSchema = z.looseObject({
  patient: z.looseObject({ name: z.string() }),
  unit: z.enum(GLUCOSE_UNITS),
  timezone: z.string(),
  days: z.number(),
  first_date: z.string(),
  last_date: z.string(),
  days_with_data: z.number(),
  agp: agpSchema,
  daily: z.array(z.looseObject({ date: z.string(), minute: z.array(z.number()), value: z.array(z.number()) })),
  therapy: z.looseObject({
    days_with_meals: z.number(),
    days_with_insulin: z.number(),
    meals_per_day: z.number().nullable(),
    carbs_g_per_day: z.number().nullable(),
    bolus_units_per_day: z.number().nullable(),
    basal_units_per_day: z.number().nullable(),
    total_units_per_day: z.number().nullable(),
  }),
});
export type SharedReport = z.infer<typeof sharedReportSchema>;

/** `GET /api/v1/reports/shares`. */
export const reportSharesSchema = z.looseObject({
  items: z.array(
    z.looseObject({
      id: z.string(),
      days: z.number(),
      created_at: z.string(),
      expires_at: z.string(),
      revoked_at: z.string().nullable(),
      status: z.enum(["active", "expired", "revoked"]),
      opens: z.number(),
      last_opened_at: z.string().nullable(),
    }),
  ),
});
export type ReportShare = z.infer<typeof reportSharesSchema>["items"][number];
export const createdShareSchema = z.looseObject({ id: z.string(), url: z.string(), token: z.string(), expires_at: z.string(), days: z.number() });

/** `GET /api/v1/glucose/forecast` (mg/dL). */
export const forecastSchema = z.looseObject({
  unit: z.literal("mg/dL"),
  model: z.looseObject({ kind: z.string(), name: z.string(), description: z.string().nullish() }).nullish(),
  origin: z.looseObject({ time: z.string(), value: z.number() }).nullable(),
  horizon_minutes: z.number(),
  predictions: z.array(z.looseObject({ minutes: z.number(), time: z.string(), value: z.number(), lower: z.number(), upper: z.number() })),
});
export type Forecast = z.infer<typeof forecastSchema>;

const ruleValue = z.looseObject({ enabled: z.boolean(), value: z.number() });
const ruleRate = z.looseObject({ enabled: z.boolean(), rate: z.number() });
/** `GET /api/v1/alerts/settings`, in the user's unit (worker/schemas/alerts.ts `AlertSettings`). */
export const alertSettingsSchema = z.looseObject({
  unit: z.enum(GLUCOSE_UNITS),
  urgent_low: ruleValue,
  low: ruleValue,
  high: ruleValue,
  urgent_high: ruleValue,
  falling_fast: ruleRate,
  rising_fast: ruleRate,
  predicted_low: z.looseObject({ enabled: z.boolean(), minutes: z.number() }),
  stale: z.looseObject({ enabled: z.boolean(), warning_minutes: z.number(), urgent_minutes: z.number() }),
  repeat_minutes: z.looseObject({ default: z.number(), urgent_low: z.number() }),
});
export type ApiAlertSettings = z.infer<typeof alertSettingsSchema>;

export const uploaderListSchema = z.looseObject({
  items: z.array(z.looseObject({ id: z.string(), name: z.string(), created_at: z.string(), last_used_at: z.string().nullable() })),
});
export const createdUploaderSchema = z.looseObject({ id: z.string(), name: z.string(), secret: z.string(), nightscout_url: z.string() });
export const csvExportListSchema = z.looseObject({ files: z.array(z.looseObject({ type: z.string(), url: z.string() })) });

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

const jobRef = z.looseObject({ id: z.string(), finished_at: z.string(), period: z.looseObject({ start: z.string(), end: z.string(), days: z.number() }) }).nullable();
const glucoseUnit = z.enum(GLUCOSE_UNITS);

export const correlationsSchema = z.looseObject({
  job: jobRef,
  unit: glucoseUnit,
  n_days: z.number(),
  items: z.array(
    z.looseObject({
      factor: z.string(),
      target: z.string(),
      lag_days: z.number(),
      r: z.number(),
      p: z.number(),
      q: z.number(),
      n: z.number(),
      direction: z.string(),
      significant: z.boolean(),
      sentence: z.string(),
    }),
  ),
  notes: z.array(z.string()),
});

const causalEdge = z.looseObject({ source: z.string(), target: z.string(), lag_days: z.number(), type: z.string(), strength: z.number(), p: z.number() });
export const causalSchema = z.looseObject({
  job: jobRef,
  method: z.enum(["pcmci", "lagged_correlation"]).nullable(),
  reason: z.string().nullable(),
  variables: z.array(z.string()),
  links: z.array(causalEdge.extend({ sentence: z.string() })),
  graph: z.looseObject({ nodes: z.array(z.looseObject({ id: z.string(), label: z.string() })), edges: z.array(causalEdge) }),
  notes: z.array(z.string()),
});

export const patternsSchema = z.looseObject({
  job: jobRef,
  unit: glucoseUnit,
  timezone: z.string(),
  window_minutes: z.number(),
  motifs: z.array(
    z.looseObject({
      minutes: z.array(z.number()),
      occurrences: z.array(z.looseObject({ start: z.string(), local_time: z.string(), distance: z.number(), values: z.array(z.number()) })),
      sentence: z.string(),
    }),
  ),
  anomalies: z.array(
    z.looseObject({
      start: z.string(),
      local_time: z.string(),
      distance: z.number(),
      values: z.array(z.number()),
      nearest: z.looseObject({ start: z.string(), values: z.array(z.number()) }).nullable(),
      sentence: z.string(),
    }),
  ),
  similar_days: z.array(z.looseObject({ date: z.string(), similar: z.array(z.looseObject({ date: z.string(), distance: z.number() })), sentence: z.string() })),
  notes: z.array(z.string()),
});

export const rulesSchema = z.looseObject({
  job: jobRef,
  n_days: z.number(),
  items: z.array(
    z.looseObject({
      if: z.array(z.string()),
      then: z.array(z.string()),
      support: z.number(),
      confidence: z.number(),
      lift: z.number(),
      days: z.number(),
      antecedent_days: z.number(),
      sentence: z.string(),
    }),
  ),
  notes: z.array(z.string()),
});

/** `GET /insights/day-clusters` (another issue; absent until it lands, then 404 is "no section"). */
export const dayClustersSchema = z.looseObject({
  unit: glucoseUnit.optional(),
  job: jobRef.optional(),
  k: z.number().nullish(),
  criterion: z.string().nullish(),
  clusters: z.array(
    z.looseObject({
      id: z.union([z.string(), z.number()]).transform(String),
      name: z.string(),
      description: z.string().nullish(),
      days: z.union([z.number(), z.array(z.string())]).transform((d) => (Array.isArray(d) ? d.length : d)),
      representative_dates: z.array(z.string()).default([]),
      profile: z.array(z.number().nullable()).default([]),
      features: z
        .array(z.looseObject({ name: z.string(), cluster_mean: z.number().nullable(), other_mean: z.number().nullable(), p_value: z.number().nullable(), significant: z.boolean() }))
        .default([]),
    }),
  ),
});

export const jobStatusSchema = z.looseObject({
  job_id: z.string(),
  status: z.enum(["queued", "running", "done", "failed"]),
  progress: z.number(),
  stage: z.string(),
  stage_label: z.string(),
  error: z.string().nullable(),
  finished_at: z.string().nullable().optional(),
});

export const triggerSchema = z.looseObject({ job_id: z.string(), status: z.string(), already_running: z.boolean() });

export const bulkResultSchema = z.looseObject({
  inserted: z.number(),
  duplicates: z.number(),
  rejected: z.array(z.looseObject({ index: z.number(), fields: z.array(z.looseObject({ path: z.string(), message: z.string() })) })),
});

export const insightsApi = {
  correlations: (env: ServerEnv, token: string) => apiRequest(env, "/api/v1/insights/correlations", { token, schema: correlationsSchema }),
  causal: (env: ServerEnv, token: string) => apiRequest(env, "/api/v1/insights/causal", { token, schema: causalSchema }),
  patterns: (env: ServerEnv, token: string) => apiRequest(env, "/api/v1/insights/patterns", { token, schema: patternsSchema }),
  rules: (env: ServerEnv, token: string) => apiRequest(env, "/api/v1/insights/rules", { token, schema: rulesSchema }),
  /** Null while the route does not exist (404) or has nothing to show. */
  async dayClusters(env: ServerEnv, token: string) {
    try {
      return await apiRequest(env, "/api/v1/insights/day-clusters", { token, schema: dayClustersSchema });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  },
  job: (env: ServerEnv, token: string, jobId: string) => apiRequest(env, `/api/v1/insights/jobs/${encodeURIComponent(jobId)}`, { token, schema: jobStatusSchema }),
  trigger: (env: ServerEnv, token: string) => apiRequest(env, "/api/v1/insights/trigger-analysis", { method: "POST", token, body: {}, schema: triggerSchema }),
};

/** `POST /api/v1/imports`: what the page shows of the answer. */
export const importResultSchema = z.looseObject({
  imported: z.number(),
  duplicates: z.number(),
  rejected_total: z.number(),
  by_type: z.record(z.string(), z.looseObject({ imported: z.number(), duplicates: z.number(), rejected: z.number().optional() })),
});

export const uploadApi = {
  /** A whole export file, parsed by the API (`format` and the device clock's `timezone`). */
  importFile: (env: ServerEnv, token: string, query: { format: string; timezone: string }, file: Blob) =>
    apiRequest(env, "/api/v1/imports", { method: "POST", token, query, raw: file, schema: importResultSchema, signal: AbortSignal.timeout(60_000) }),
  /** One chunk to a bulk endpoint (`path` from upload-chunks.ts bulkEndpoint). Bulk bodies may take longer than the default timeout. */
  bulk: (env: ServerEnv, token: string, path: string, key: "readings" | "items", items: unknown[]) =>
    apiRequest(env, path, { method: "POST", token, body: { [key]: items }, schema: bulkResultSchema, signal: AbortSignal.timeout(60_000) }),
};
