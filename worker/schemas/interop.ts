/**
 * @module worker/schemas/interop
 * Response (and documented request) shapes of the interop routes whose handlers read raw bodies
 * and so are documented by hand in worker/routes/interop-docs.ts: Nightscout API v1, signed
 * webhooks, imports and exports. They describe what the handlers answer; the spec-driven test
 * (test/worker/openapi-conformance.test.ts) validates every answer against them.
 */
import { z } from "@hono/zod-openapi";
import { GLUCOSE_UNITS } from "../../vocabulary/units.ts";
import { recordKinds } from "../records/index.ts";

const isoTime = z.string().openapi({ format: "date-time", example: "2024-05-01T07:30:00.000Z" });

// ---------------------------------------------------------------------------------------------
// Nightscout API v1

/** An entry as answered (sgv, mbg, or an echoed calibration); extra fields the uploader sent are echoed. */
export const NightscoutEntry = z
  .object({
    _id: z.string(),
    type: z.enum(["sgv", "mbg", "cal"]),
    date: z.number(),
    dateString: isoTime,
    sysTime: isoTime.optional(),
    device: z.string(),
    sgv: z.number().optional(),
    mbg: z.number().optional(),
    direction: z.string().optional(),
    utcOffset: z.number().optional(),
  })
  .passthrough()
  .openapi("NightscoutEntry");

export const NightscoutEntryInput = z
  .object({
    type: z.enum(["sgv", "mbg", "cal"]).optional().openapi({ description: "default sgv" }),
    sgv: z.number().min(13).max(600).optional().openapi({ description: "mg/dL (13–38 stored as LOW)" }),
    mbg: z.number().min(20).max(600).optional(),
    date: z.number().int().optional().openapi({ description: "epoch milliseconds" }),
    dateString: isoTime.optional(),
    direction: z.string().optional().openapi({ example: "Flat" }),
    device: z.string().max(200).optional().openapi({ example: "xDrip-DexcomG6" }),
  })
  .passthrough()
  .openapi("NightscoutEntryInput", { example: { type: "sgv", sgv: 112, date: 1714548600000, direction: "Flat", device: "xDrip-DexcomG6" } });

/** A stored Nightscout document (treatment or device status) as received, with our `_id`. */
const storedDocument = (name: string) =>
  z
    .object({ _id: z.string(), created_at: isoTime })
    .passthrough()
    .openapi(name);

export const NightscoutTreatment = storedDocument("NightscoutTreatment");
export const NightscoutDeviceStatus = storedDocument("NightscoutDeviceStatus");

export const NightscoutTreatmentInput = z
  .object({
    created_at: z.union([isoTime, z.number().int()]).openapi({ description: "ISO 8601 or epoch milliseconds" }),
    eventType: z.string().max(100).optional().openapi({ example: "Meal Bolus" }),
    identifier: z.string().max(200).optional(),
    carbs: z.number().optional(),
    insulin: z.number().optional(),
    duration: z.number().optional().openapi({ description: "minutes (Exercise)" }),
    notes: z.string().max(2000).optional(),
    enteredBy: z.string().max(200).optional(),
    insulinType: z.string().max(64).optional(),
  })
  .passthrough()
  .openapi("NightscoutTreatmentInput", { example: { created_at: "2024-05-01T07:30:00Z", eventType: "Meal Bolus", carbs: 45, insulin: 4.5, enteredBy: "AndroidAPS" } });

export const NightscoutDeviceStatusInput = z
  .object({ created_at: z.union([isoTime, z.number().int()]).optional(), device: z.string().optional() })
  .passthrough()
  .openapi("NightscoutDeviceStatusInput", { example: { created_at: "2024-05-01T07:30:00Z", device: "openaps://phone", uploaderBattery: 80 } });

/** One document or an array of them, as Nightscout uploaders send. */
export const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item)]);

export const NightscoutStatus = z
  .object({
    status: z.literal("ok"),
    name: z.string(),
    version: z.string(),
    serverTime: isoTime,
    serverTimeEpoch: z.number(),
    apiEnabled: z.boolean(),
    careportalEnabled: z.boolean(),
    boluscalcEnabled: z.boolean(),
    settings: z
      .object({
        units: z.enum(["mg/dl", "mmol"]),
        timeFormat: z.number(),
        thresholds: z.object({ bgHigh: z.number(), bgTargetTop: z.number(), bgTargetBottom: z.number(), bgLow: z.number() }),
      })
      .passthrough(),
    extendedSettings: z.record(z.string(), z.unknown()),
    authorized: z.object({ canRead: z.boolean(), canWrite: z.boolean() }).passthrough().nullable().openapi({ description: "null when asked without a credential, as Nightscout" }),
  })
  .openapi("NightscoutStatus");

export const NightscoutVerifyAuth = z
  .object({
    status: z.literal(200),
    message: z.object({ canRead: z.boolean(), canWrite: z.boolean(), isAdmin: z.boolean(), message: z.string(), rolefound: z.string(), permissions: z.string() }),
  })
  .openapi("NightscoutVerifyAuth");

// ---------------------------------------------------------------------------------------------
// Webhooks

export const WebhookDeliveryInput = z
  .object({
    readings: z.array(z.object({ time: z.union([isoTime, z.number().int()]), value: z.number(), unit: z.enum(GLUCOSE_UNITS).optional(), trend: z.string().optional() }).passthrough()).optional(),
    records: z.array(z.object({ systemTime: z.string(), value: z.number() }).passthrough()).optional().openapi({ description: "Dexcom EGV records" }),
  })
  .openapi("WebhookDeliveryInput", { example: { readings: [{ time: "2024-05-01T07:30:00Z", value: 112, unit: "mg/dL" }] } });

export const WebhookDeliveryResult = z
  .object({ received: z.number().int(), inserted: z.number().int(), duplicates: z.number().int() })
  .openapi("WebhookDeliveryResult");

export const WebhookSecret = z
  .object({ secret: z.string(), user_id: z.string(), url: z.string().openapi({ example: "https://api.glucolens.example/api/v1/webhooks/cgm/{source}" }) })
  .openapi("WebhookSecret");

// ---------------------------------------------------------------------------------------------
// Imports

const Counts = z.object({ imported: z.number().int(), duplicates: z.number().int(), rejected: z.number().int().optional(), skipped: z.number().int().optional() });

export const ImportResult = z
  .object({
    format: z.string().nullable(),
    imported: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.array(z.object({ row: z.number().int(), reason: z.string() })),
    rejected_total: z.number().int(),
    by_type: z.record(z.string(), Counts),
    upload_id: z.string().optional().openapi({ description: "parts only" }),
    part: z.number().int().optional().openapi({ description: "parts only" }),
    done: z.boolean().optional().openapi({ description: "parts only" }),
    next_part: z.number().int().nullable().optional().openapi({ description: "parts only" }),
  })
  .openapi("ImportResult");

// ---------------------------------------------------------------------------------------------
// Exports

const ExportedReading = z.object({ time: isoTime, value: z.number(), unit: z.literal("mg/dL"), source: z.string(), trend: z.string().nullable(), flags: z.number().int().nullable() });

/** The GlucoLens JSON export: readings and one array per record kind (the kind's response shape with its numeric id). */
export const GlucoLensExport = z
  .object({
    format: z.literal("glucolens-json"),
    version: z.literal(1),
    exported_at: isoTime,
    unit: z.literal("mg/dL"),
    glucose: z.array(ExportedReading),
    ...Object.fromEntries(recordKinds.map((k) => [k.path, z.array(k.output.extend({ id: z.number().int() }))])),
  })
  .openapi("GlucoLensExport");

export const FhirBundle = z
  .object({
    resourceType: z.literal("Bundle"),
    type: z.literal("collection"),
    timestamp: isoTime,
    entry: z.array(
      z.object({
        fullUrl: z.string(),
        resource: z
          .object({
            resourceType: z.literal("Observation"),
            id: z.string(),
            status: z.literal("final"),
            code: z.object({ coding: z.array(z.object({ system: z.string(), code: z.string(), display: z.string() })) }),
            effectiveDateTime: z.string(),
          })
          .passthrough(),
      }),
    ),
  })
  .openapi("FhirBundle");

export const CsvExportList = z
  .object({ format: z.literal("csv"), files: z.array(z.object({ type: z.string(), url: z.string() })) })
  .openapi("CsvExportList");

/** Every file type of `/export/{type}.csv`. */
export const CSV_EXPORT_TYPES = ["glucose", ...recordKinds.map((k) => k.path)] as [string, ...string[]];
