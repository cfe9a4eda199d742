/**
 * @module api-types
 * The types of the API Worker's JSON answers, derived from the zod schemas its OpenAPI routes
 * declare (`responses: { 200: jsonContent(Schema, …) }`), so the site cannot drift from what the
 * Worker sends. Type-only imports: no Worker code reaches the site's bundles
 * (.dependency-cruiser.cjs allows web → worker only as types). `apiRequest<T>` (api.server.ts)
 * takes one of these as the answer's type; it checks that a 2xx answer is JSON, not its shape.
 *
 * Each type names the route(s) it answers. Where the Worker has no schema for a route, or builds
 * it at run time, the comment says so and what stands in.
 *
 * @example
 * const agp = await apiRequest<AgpAnswer>(env, "/api/v1/insights/agp", { token, query: { days } });
 */
import type { z } from "zod";
import type { ImportRun } from "../../../worker/imports/run.ts";
import type { Agp, Causal, Correlations, Dashboard, DayClusters, JobStatus, Patterns, Rules, TriggerResult } from "../../../worker/insights/schemas.ts";
import type { Bridge, PollResult } from "../../../worker/bridges/schemas.ts";
import type { IobCob } from "../../../worker/nightscout/iob-cob-route.ts";
import type { PushSubscriptionList } from "../../../worker/push/schemas.ts";
import type { RecordKind } from "../../../worker/records/kind.ts";
import type { AgpReportDoc, CreatedShare, ShareList } from "../../../worker/reports/schemas.ts";
import type { BulkResult as RecordBulkResult } from "../../../worker/routes/records.ts";
import type { CreatedUploader, Uploader } from "../../../worker/routes/uploaders.ts";
import type { AlertSettings, MonitorSnapshot, TicketResponse } from "../../../worker/schemas/alerts.ts";
import type { TokenPair, User } from "../../../worker/schemas/auth.ts";
import type { Forecast } from "../../../worker/schemas/forecast.ts";
import type { BulkResult as ReadingBulkResult, Reading, ReadingList, Series } from "../../../worker/schemas/glucose.ts";
import type { FollowedList } from "../../../worker/schemas/sharing.ts";

// ---------------------------------------------------------------------------------------------
// Account (worker/routes/auth.ts)

/** `GET`/`PATCH /api/v1/auth/me`, `POST /api/v1/auth/verify-email`. */
export type UserAnswer = z.output<typeof User>;
/** `POST /api/v1/auth/register`, `/login`, `/refresh`, `/magic-link/verify`, `/change-password`. */
export type TokenPairAnswer = z.output<typeof TokenPair>;

// ---------------------------------------------------------------------------------------------
// Glucose (worker/routes/glucose.ts, worker/routes/forecast.ts, worker/nightscout/iob-cob-route.ts)

/** One item of `GET /api/v1/glucose/readings` (mg/dL). */
export type ReadingAnswer = z.output<typeof Reading>;
/** `GET /api/v1/glucose/readings`, also `/api/v1/following/{user_id}/glucose/readings`. */
export type ReadingListAnswer = z.output<typeof ReadingList>;
/** `GET /api/v1/glucose/series`. */
export type SeriesAnswer = z.output<typeof Series>;
/** `GET /api/v1/glucose/forecast` (mg/dL). */
export type ForecastAnswer = z.output<typeof Forecast>;
/** `GET /api/v1/glucose/iob-cob`. */
export type IobCobAnswer = z.output<typeof IobCob>;
/** `POST /api/v1/glucose/bulk` and `POST /api/v1/{record kind}/bulk` (the same shape, two schemas). */
export type BulkAnswer = z.output<typeof ReadingBulkResult> | z.output<typeof RecordBulkResult>;

// ---------------------------------------------------------------------------------------------
// Records (worker/routes/records.ts)

/**
 * One record of any kind. The Worker builds each kind's answer schema at run time
 * (`z.object({ id }).extend(kind.output.shape)`), and `RecordKind` types `output` as any zod
 * object, so only `id` is known here; the fields are those of the kind (web/app/lib/records.ts).
 */
export type RecordAnswer = { id: string } & z.output<RecordKind["output"]>;
/**
 * `GET /api/v1/{record kind}`: one page. `R` narrows the items for a caller that reads a kind's
 * fields (the dashboard's markers); that narrowing is the site's, the Worker's types stop at `id`.
 */
export interface RecordListAnswer<R extends RecordAnswer = RecordAnswer> {
  items: R[];
  next_cursor: string | null;
}

// ---------------------------------------------------------------------------------------------
// Live monitor (worker/routes/alerts.ts, worker/push/routes.ts)

/** `GET`/`PUT /api/v1/alerts/settings`, in the user's unit. */
export type AlertSettingsAnswer = z.output<typeof AlertSettings>;
/** `GET /api/v1/alerts/state`, also `/api/v1/following/{user_id}/alerts/state`. */
export type MonitorStateAnswer = z.output<typeof MonitorSnapshot>;
/** `POST /api/v1/alerts/ticket`. */
export type TicketAnswer = z.output<typeof TicketResponse>;
/** `GET /api/v1/push/subscriptions`. */
export type PushSubscriptionListAnswer = z.output<typeof PushSubscriptionList>;

// ---------------------------------------------------------------------------------------------
// Caregivers (worker/routes/following.ts)

/** `GET /api/v1/following`. */
export type FollowedListAnswer = z.output<typeof FollowedList>;

// ---------------------------------------------------------------------------------------------
// Insights (worker/insights/routes.ts)

/** `GET /api/v1/insights/dashboard`. */
export type DashboardAnswer = z.output<typeof Dashboard>;
/** `GET /api/v1/insights/agp`. */
export type AgpAnswer = z.output<typeof Agp>;
/** `GET /api/v1/insights/correlations`. */
export type CorrelationsAnswer = z.output<typeof Correlations>;
/** `GET /api/v1/insights/causal`. */
export type CausalAnswer = z.output<typeof Causal>;
/** `GET /api/v1/insights/patterns`. */
export type PatternsAnswer = z.output<typeof Patterns>;
/** `GET /api/v1/insights/rules`. */
export type RulesAnswer = z.output<typeof Rules>;
/** `GET /api/v1/insights/day-clusters`. */
export type DayClustersAnswer = z.output<typeof DayClusters>;
/** `GET /api/v1/insights/jobs/{id}`. */
export type JobStatusAnswer = z.output<typeof JobStatus>;
/** `POST /api/v1/insights/trigger-analysis`. */
export type TriggerAnswer = z.output<typeof TriggerResult>;

// ---------------------------------------------------------------------------------------------
// Clinician reports (worker/reports/routes.ts)

/** `GET /api/v1/shared/{token}/agp`: the AGP report a clinician's share link opens. */
export type SharedReportAnswer = z.output<typeof AgpReportDoc>;
/** `GET /api/v1/reports/shares`. */
export type ShareListAnswer = z.output<typeof ShareList>;
/** `POST /api/v1/reports/shares`. */
export type CreatedShareAnswer = z.output<typeof CreatedShare>;

// ---------------------------------------------------------------------------------------------
// Uploaders, imports and exports (worker/routes/uploaders.ts, imports.ts, export.ts)

/** `GET /api/v1/uploaders` (its schema is `z.object({ items: z.array(Uploader) })`, inline in the route). */
export interface UploaderListAnswer {
  items: z.output<typeof Uploader>[];
}
/** `POST /api/v1/uploaders`: the secret is in this answer only. */
export type CreatedUploaderAnswer = z.output<typeof CreatedUploader>;
/**
 * `POST /api/v1/imports`. The route is a plain Hono handler without a response schema; its answer
 * is `c.json(run.result(…))` (worker/imports/whole.ts), so the type is that method's.
 */
export type ImportAnswer = ReturnType<ImportRun["result"]>;
/**
 * `GET /api/v1/export?format=csv` with `Accept: application/json`: the per-type CSV files. The
 * route is a plain Hono handler that writes this object inline (worker/routes/export.ts) and has
 * no schema to derive from, so this one type is written by hand.
 */
export interface CsvExportListAnswer {
  format: "csv";
  files: { type: string; url: string }[];
}

// ---------------------------------------------------------------------------------------------
// Bridges (worker/bridges/routes.ts)

/** `POST /api/v1/bridges`, `PATCH /api/v1/bridges/{id}`, one item of the list. */
export type BridgeAnswer = z.output<typeof Bridge>;
/** `GET /api/v1/bridges` (its schema is `z.object({ items: z.array(Bridge) })`, inline in the route). */
export interface BridgeListAnswer {
  items: BridgeAnswer[];
}
/** `POST /api/v1/bridges/{id}/poll`. */
export type PollAnswer = z.output<typeof PollResult>;
