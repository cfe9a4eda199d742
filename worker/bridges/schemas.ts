/**
 * @module worker/bridges/schemas
 * Request and response shapes of /api/v1/bridges. Passwords and tokens appear in requests only:
 * no response schema has a field for them.
 */
import { z } from "@hono/zod-openapi";
import { DEXCOM_REGIONS } from "./vendors/dexcom-share.ts";
import { LLU_REGIONS } from "./vendors/librelinkup.ts";
import { BRIDGE_KINDS } from "./vendors/types.ts";
import { BACKFILL_PHASES } from "../db/schema-bridges.ts";

const username = z.string({ error: "is required" }).trim().min(1, "must not be empty").max(200, "must be at most 200 characters");
const password = z.string({ error: "is required" }).min(1, "must not be empty").max(200, "must be at most 200 characters");
const serverUrl = z.string().max(500, "must be at most 500 characters").url("must be a URL").openapi({ description: "Nightscout: the site. Dexcom and LibreLinkUp: only when ENVIRONMENT is development (a local stand-in); refused otherwise." });

export const DexcomInput = z
  .object({
    kind: z.literal("dexcom-share"),
    username,
    password,
    region: z.enum(DEXCOM_REGIONS, { error: `must be one of ${DEXCOM_REGIONS.join(", ")}` }).default("us").openapi({ description: "us (share2.dexcom.com), ous (shareous1.dexcom.com) or jp (share.dexcom.jp)" }),
    server_url: serverUrl.optional(),
  })
  .strict()
  .openapi("DexcomShareBridgeInput");

export const LibreLinkUpInput = z
  .object({
    kind: z.literal("librelinkup"),
    username: username.openapi({ description: "The LibreLinkUp (follower) account's email" }),
    password,
    region: z.enum(LLU_REGIONS, { error: `must be one of ${LLU_REGIONS.join(", ")}` }).optional().openapi({ description: "Where to log in first; LibreLinkUp redirects to the account's region" }),
    server_url: serverUrl.optional(),
  })
  .strict()
  .openapi("LibreLinkUpBridgeInput");

export const NightscoutInput = z
  .object({
    kind: z.literal("nightscout"),
    server_url: z.string({ error: "is required" }).max(500, "must be at most 500 characters").url("must be a URL"),
    token: z.string({ error: "is required" }).min(1, "must not be empty").max(500, "must be at most 500 characters").openapi({ description: "An access token (sent as ?token=) or the API secret (sent as its SHA-1)" }),
  })
  .strict()
  .openapi("NightscoutBridgeInput");

export const BridgeInput = z.discriminatedUnion("kind", [DexcomInput, LibreLinkUpInput, NightscoutInput], { error: `must be one of ${BRIDGE_KINDS.join(", ")}` }).openapi("BridgeInput");
export type BridgeInput = z.infer<typeof BridgeInput>;

export const BridgePatch = z
  .object({
    username: username.optional(),
    password: password.optional(),
    token: z.string().min(1, "must not be empty").max(500, "must be at most 500 characters").optional(),
    region: z.string().max(8).optional(),
    server_url: serverUrl.optional(),
    paused: z.boolean({ error: "must be true or false" }).optional(),
  })
  .strict()
  .openapi("BridgePatch");
export type BridgePatch = z.infer<typeof BridgePatch>;

export const BRIDGE_STATUSES = ["pending", "ok", "backoff", "login_refused", "paused"] as const;

export const Bridge = z
  .object({
    id: z.string(),
    kind: z.enum(BRIDGE_KINDS),
    status: z.enum(BRIDGE_STATUSES).openapi({ description: "pending (not polled yet), ok, backoff (vendor unavailable; retried later), login_refused (stopped until the credentials change), paused" }),
    region: z.string().nullable(),
    server_url: z.string().nullable(),
    paused: z.boolean(),
    last_success_at: z.string().nullable(),
    last_error: z.string().nullable(),
    last_error_at: z.string().nullable(),
    next_poll_at: z.string().nullable(),
    readings_imported: z.number().int(),
    last_reading_at: z.string().nullable(),
    backfill: z
      .object({
        status: z.enum(["running", "done", "failed"]),
        phase: z.enum(BACKFILL_PHASES).openapi({ description: "The collection being fetched: the entries first, then the treatments, the device statuses and the profiles" }),
        imported: z.number().int().openapi({ description: "Readings stored by the backfill" }),
        treatments_imported: z.number().int().openapi({ description: "Treatments of the site's history fetched and stored by the backfill (those the polls also took included)" }),
        devicestatus_imported: z.number().int().openapi({ description: "Device statuses of the site's history fetched and stored by the backfill (those the polls also took included)" }),
        profiles_imported: z.number().int().openapi({ description: "Profile documents fetched and stored by the backfill (the newest 1,000)" }),
        oldest_at: z.string().nullable().openapi({ description: "The oldest document of the current phase fetched so far (null before its first page)" }),
        error: z.string().nullable(),
      })
      .nullable()
      .openapi({ description: "Nightscout: the whole history (entries, treatments, device statuses, then profiles), fetched in chunks through the queue" }),
    created_at: z.string(),
  })
  .openapi("Bridge");

export const PollResult = z.object({ imported: z.number().int(), matched: z.number().int().openapi({ description: "Readings left out because another path (an uploader) already stored them" }), bridge: Bridge }).openapi("BridgePollResult");

export const BridgeId = z.object({ id: z.string().uuid("is not a bridge id").openapi({ param: { name: "id", in: "path" }, example: "5b0c3c52-5d0e-4f58-9a39-1f3c1b3a9d7e" }) });
