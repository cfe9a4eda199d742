/**
 * @module worker/routes/nightscout
 * Nightscout API v1 for uploader apps (xDrip+, AndroidAPS, Loop, Juggluco, Spike) and followers,
 * multi-tenant: the credential (worker/middleware/nightscout-auth.ts) picks the user.
 *
 * Mapping decisions:
 * - Entries are ordinary readings. `device` becomes the reading's source (default "nightscout"),
 *   `mbg` entries the source "<device> (meter)" (as the importers do), so Nightscout's duplicate
 *   rule (date, device, type) is our (time, source) rule. An entry's `_id` is the reading id.
 * - `sgv` 13–39 is stored as 39 flagged below range (Dexcom "LOW"); 0–12 are Dexcom error codes
 *   and are refused, as are values above 600 mg/dL.
 * - `noise`, `filtered`, `unfiltered`, `rssi` are accepted and echoed but not stored.
 * - `cal` entries are acknowledged (echoed with an `_id`) but not stored: GlucoLens keeps no raw
 *   sensor data to calibrate.
 * - Treatments are stored as received (for GET) and mapped: carbs → a meal, insulin → an insulin
 *   dose, eventType "Exercise" → an activity, "Note"/"Announcement"/"Question" → a note (text:
 *   `notes`, tag: the event type). Any other treatment with `notes` text and nothing else to map
 *   ("Site Change", "Sensor Start") becomes a note "<eventType>: <notes>"; carbs keep their
 *   notes as the meal's description. Pump bookkeeping without notes (temp basals) maps to nothing.
 * - GET treatments also lists the notes typed in GlucoLens or imported from files, as "Note"
 *   treatments with `_id` "note-<id>", so followers see them; `find[eventType]` filters.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { getDb } from "../db/client.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, invalid, notFound, zodFields, type FieldError } from "../lib/errors.ts";
import { TREND_DIRECTIONS, trendFromCode, type TrendDirection } from "../lib/trend.ts";
import { activityKind } from "../records/activities.ts";
import { insulinKind } from "../records/insulin.ts";
import type { RecordKind } from "../records/kind.ts";
import { mealKind } from "../records/meals.ts";
import { noteKind } from "../records/notes.ts";
import { getMonitorConfig } from "../repositories/alerts.ts";
import { findDuplicateTreatment, insertDeviceStatuses, insertTreatment, listDeviceStatuses, listNativeNotes, listTreatments, type TimeFilter } from "../repositories/interop.ts";
import { parseReadingId, sourceIds, type NewReading } from "../repositories/readings.ts";
import { insertRecords } from "../repositories/records.ts";
import { MAX_MGDL } from "../schemas/glucose.ts";
import { iso, MAX_FUTURE_MS, MIN_TIME } from "../schemas/common.ts";
import { storeReadings } from "../services/ingest.ts";
import { publishToSockets } from "../nightscout/socketio-publish.ts";

export const nightscoutRoutes = new OpenAPIHono<AppEnv>();

const MAX_ITEMS = 10_000;
const MAX_COUNT = 10_000;
const METER_SUFFIX = " (meter)";
const DEFAULT_DEVICE = "nightscout";
const FLAG_BELOW = 1;

// ---------------------------------------------------------------------------------------------
// Shared helpers

/** The JSON body as a list of documents (Nightscout takes one document or an array). */
async function documents(c: Context<AppEnv>): Promise<unknown[]> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new ApiError(400, "bad_request", "Request body is not valid JSON", [{ path: "body", message: "is not valid JSON" }]);
  }
  const items = Array.isArray(body) ? body : [body];
  if (items.length > MAX_ITEMS) throw invalid([{ path: "body", message: `at most ${MAX_ITEMS} documents per request` }]);
  return items;
}

/** A time as Nightscout clients send it: epoch ms (number or digits) or an ISO 8601 string. */
function parseTime(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return Math.round(v);
  if (typeof v === "string" && v.trim()) {
    const s = v.trim();
    const ms = /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : Date.parse(s);
    return Number.isFinite(ms) ? Math.round(ms) : null;
  }
  return null;
}

function checkTime(ms: number | null, path: string, fields: FieldError[]): ms is number {
  if (ms === null) fields.push({ path, message: "must be epoch milliseconds or an ISO 8601 date" });
  else if (ms < MIN_TIME) fields.push({ path, message: "must not be before 1990-01-01" });
  else if (ms > Date.now() + MAX_FUTURE_MS) fields.push({ path, message: "must not be more than a day in the future" });
  else return true;
  return false;
}

const OPS = { $gte: "gte", $lte: "lte", $gt: "gt", $lt: "lt" } as const;

/** `find[<field>][$gte|$lte|$gt|$lt]` filters of the query string (fields given, values times). */
function findFilter(c: Context<AppEnv>, fields: string[]): TimeFilter {
  const out: TimeFilter = {};
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(c.req.query())) {
    const m = /^find\[([A-Za-z_]+)\](?:\[(\$[a-z]+)\])?$/.exec(key);
    if (!m || !fields.includes(m[1]!)) continue;
    const op = m[2] === undefined ? null : OPS[m[2] as keyof typeof OPS];
    const ms = parseTime(value);
    if (ms === null || (m[2] !== undefined && !op)) {
      errors.push({ path: key, message: "must be epoch milliseconds or an ISO 8601 date, with $gte, $lte, $gt or $lt" });
      continue;
    }
    if (op) out[op] = ms;
    else {
      out.gte = ms;
      out.lte = ms;
    }
  }
  if (errors.length) throw invalid(errors);
  return out;
}

function countOf(c: Context<AppEnv>, fallback: number): number {
  const raw = c.req.query("count");
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_COUNT) throw invalid([{ path: "count", message: `must be a whole number from 1 to ${MAX_COUNT}` }]);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Entries

const EntryInput = z
  .object({
    type: z.enum(["sgv", "mbg", "cal"], { error: 'must be "sgv", "mbg" or "cal"' }).default("sgv"),
    sgv: z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/).transform(Number)], { error: "must be a number" }).optional(),
    mbg: z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/).transform(Number)], { error: "must be a number" }).optional(),
    date: z.union([z.number(), z.string()], { error: "must be epoch milliseconds" }).optional(),
    dateString: z.string({ error: "must be an ISO 8601 date" }).optional(),
    direction: z.union([z.string(), z.number()]).nullish(),
    device: z.string({ error: "must be a string" }).max(200).nullish(),
  })
  .passthrough();

const TREND_SET = new Set<string>(TREND_DIRECTIONS);
const directionOf = (d: unknown): TrendDirection | null => (typeof d === "string" && TREND_SET.has(d) ? (d as TrendDirection) : typeof d === "number" ? trendFromCode(d) : null);

const deviceName = (d: string | null | undefined) => (d?.trim() ? d.trim().slice(0, 64 - METER_SUFFIX.length) : DEFAULT_DEVICE);

interface EntryOut {
  _id: string;
  type: "sgv" | "mbg" | "cal";
  date: number;
  dateString: string;
  sysTime: string;
  device: string;
  sgv?: number;
  mbg?: number;
  direction?: string;
  utcOffset: number;
  [extra: string]: unknown;
}

function entryOut(time: number, sourceId: number, source: string, value: number, trend: TrendDirection | null): EntryOut {
  const meter = source.endsWith(METER_SUFFIX);
  const base = { _id: `${time}-${sourceId}`, date: time, dateString: iso(time), sysTime: iso(time), device: meter ? source.slice(0, -METER_SUFFIX.length) : source, utcOffset: 0 };
  return meter ? { ...base, type: "mbg", mbg: value } : { ...base, type: "sgv", sgv: value, direction: trend ?? "NONE" };
}

nightscoutRoutes.post("/entries", async (c) => {
  const items = await documents(c);
  const fields: FieldError[] = [];
  const readings: (NewReading | null)[] = [];
  const calibrations: Record<string, unknown>[] = [];
  items.forEach((item, i) => {
    const parsed = EntryInput.safeParse(item);
    if (!parsed.success) {
      fields.push(...zodFields(parsed.error, String(i)));
      readings.push(null);
      return;
    }
    const e = parsed.data;
    const time = e.date !== undefined ? parseTime(e.date) : e.dateString !== undefined ? parseTime(e.dateString) : null;
    if (!checkTime(time, `${i}.${e.date !== undefined || e.dateString === undefined ? "date" : "dateString"}`, fields)) return void readings.push(null);
    const device = deviceName(e.device);
    if (e.type === "cal") {
      calibrations.push({ ...e, _id: `cal-${time}`, date: time, dateString: iso(time), device });
      return void readings.push(null);
    }
    const raw = e.type === "sgv" ? e.sgv : e.mbg;
    if (raw === undefined || !Number.isFinite(raw)) {
      fields.push({ path: `${i}.${e.type}`, message: "is required and must be a number (mg/dL)" });
      return void readings.push(null);
    }
    const low = e.type === "sgv" ? 13 : 20;
    if (raw < low || raw > MAX_MGDL) {
      fields.push({ path: `${i}.${e.type}`, message: `must be between ${low} and ${MAX_MGDL} mg/dL${e.type === "sgv" ? " (0–12 are sensor error codes)" : ""}` });
      return void readings.push(null);
    }
    const flagged = e.type === "sgv" && raw < 39;
    readings.push({
      time,
      value: flagged ? 39 : Math.round(raw * 10) / 10,
      source: e.type === "mbg" ? device + METER_SUFFIX : device,
      trend: e.type === "sgv" ? directionOf(e.direction) : null,
      flags: flagged ? FLAG_BELOW : null,
    });
  });
  // Nothing is stored when any entry is invalid: the uploader retries the whole batch anyway.
  if (fields.length) throw invalid(fields);
  const valid = readings.filter((x): x is NewReading => x !== null);
  await storeReadings(c, valid);
  const ids = await sourceIds(getDb(c.env.DB), c.get("user").id, valid.map((x) => x.source));
  const out: unknown[] = [];
  items.forEach((item, i) => {
    const r = readings[i];
    if (!r) return;
    const stored = entryOut(r.time, ids.get(r.source)!, r.source, r.value, r.trend);
    const { noise, filtered, unfiltered, rssi } = item as Record<string, unknown>;
    out.push({ ...stored, ...(noise !== undefined && { noise }), ...(filtered !== undefined && { filtered }), ...(unfiltered !== undefined && { unfiltered }), ...(rssi !== undefined && { rssi }) });
  });
  return c.json([...out, ...calibrations], 200);
});

async function queryEntries(c: Context<AppEnv>, type: "sgv" | "mbg" | "cal" | null, count: number, filter: TimeFilter, id?: { time: number; sourceId: number }) {
  if (type === "cal") return [];
  const rows = await c.env.DB.prepare(
    `SELECT r.time, r.source_id, r.value_tenths, r.trend, s.name
       FROM glucose_readings r JOIN glucose_sources s ON s.id = r.source_id
      WHERE r.user_id = ?1
        AND (?2 IS NULL OR r.time >= ?2) AND (?3 IS NULL OR r.time <= ?3)
        AND (?4 IS NULL OR r.time > ?4) AND (?5 IS NULL OR r.time < ?5)
        AND (?6 IS NULL OR (?6 = 'mbg') = (s.name LIKE '% (meter)'))
        AND (?8 IS NULL OR (r.time = ?8 AND r.source_id = ?9))
      ORDER BY r.time DESC, r.source_id
      LIMIT ?7`,
  )
    .bind(c.get("user").id, filter.gte ?? null, filter.lte ?? null, filter.gt ?? null, filter.lt ?? null, type, count, id?.time ?? null, id?.sourceId ?? null)
    .all<{ time: number; source_id: number; value_tenths: number; trend: number | null; name: string }>();
  return rows.results.map((r) => entryOut(r.time, r.source_id, r.name, r.value_tenths / 10, trendFromCode(r.trend)));
}

const listEntries = (type: "sgv" | "mbg" | "cal" | null) => async (c: Context<AppEnv>) =>
  c.json(await queryEntries(c, type ?? typeQuery(c), countOf(c, 10), findFilter(c, ["date", "dateString"])), 200);

function typeQuery(c: Context<AppEnv>): "sgv" | "mbg" | "cal" | null {
  const t = c.req.query("find[type]");
  if (t === undefined) return null;
  if (t === "sgv" || t === "mbg" || t === "cal") return t;
  throw invalid([{ path: "find[type]", message: 'must be "sgv", "mbg" or "cal"' }]);
}

nightscoutRoutes.get("/entries", listEntries(null));
nightscoutRoutes.get("/entries.json", listEntries(null));
nightscoutRoutes.get("/entries/:spec", async (c) => {
  const spec = c.req.param("spec");
  const typed = /^(sgv|mbg|cal)(\.json)?$/.exec(spec);
  if (typed) return listEntries(typed[1] as "sgv" | "mbg" | "cal")(c);
  if (/^current(\.json)?$/.test(spec)) return c.json(await queryEntries(c, "sgv", 1, {}), 200);
  const key = parseReadingId(spec.replace(/\.json$/, ""));
  if (!key) throw notFound("Entry");
  const [found] = await queryEntries(c, null, 1, {}, key);
  if (!found) throw notFound("Entry");
  return c.json([found], 200);
});

// ---------------------------------------------------------------------------------------------
// Treatments

const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)], { error: "must be a number" });

const TreatmentInput = z
  .object({
    created_at: z.union([z.string(), z.number()], { error: "is required (ISO 8601 date or epoch milliseconds)" }),
    eventType: z.string().max(100).optional(),
    identifier: z.string().max(200).nullish(),
    carbs: num.nullish(),
    insulin: num.nullish(),
    duration: num.nullish(),
    notes: z.string().max(2000).nullish(),
    enteredBy: z.string().max(200).nullish(),
    insulinType: z.string().max(64).nullish(),
  })
  .passthrough();

function mapTreatment(t: z.output<typeof TreatmentInput>, time: number): { kind: RecordKind; input: Record<string, unknown> }[] {
  const source = t.enteredBy?.trim() ? t.enteredBy.trim().slice(0, 64) : "nightscout";
  const out: { kind: RecordKind; input: Record<string, unknown> }[] = [];
  const event = (t.eventType ?? "").toLowerCase();
  if (t.carbs != null && t.carbs > 0) out.push({ kind: mealKind, input: { time, carbs: t.carbs, description: t.notes?.slice(0, 500) || null, source } });
  if (t.insulin != null && t.insulin > 0) {
    const kind = /basal/.test(event) ? "basal" : "bolus";
    out.push({ kind: insulinKind, input: { time, units: t.insulin, kind, insulin: t.insulinType ?? null, source } });
  }
  if (event === "exercise") {
    const minutes = t.duration != null && t.duration > 0 ? t.duration : 30;
    out.push({ kind: activityKind, input: { start: time, end: time + Math.round(minutes * 60_000), type: t.notes?.trim().slice(0, 64) || "exercise", source } });
  }
  const text = t.notes?.trim() ?? "";
  const tags = t.eventType?.trim() ? [t.eventType.trim().slice(0, 40)] : null;
  if (NOTE_EVENTS.has(event)) {
    if (text) out.push({ kind: noteKind, input: { time, text, tags, source } });
  } else if (!out.length && text) out.push({ kind: noteKind, input: { time, text: t.eventType?.trim() ? `${t.eventType.trim()}: ${text}` : text, tags, source } });
  return out;
}

const NOTE_EVENTS = new Set(["note", "announcement", "question"]);

const treatmentOut = (t: { id: number; time: number; doc: Record<string, unknown> }) => ({ ...t.doc, _id: String(t.id), created_at: iso(t.time) });

nightscoutRoutes.post("/treatments", async (c) => {
  const items = await documents(c);
  const fields: FieldError[] = [];
  const parsed: { t: z.output<typeof TreatmentInput>; time: number; records: { kind: RecordKind; row: Record<string, unknown> }[]; item: Record<string, unknown> }[] = [];
  items.forEach((item, i) => {
    const p = TreatmentInput.safeParse(item);
    if (!p.success) return void fields.push(...zodFields(p.error, String(i)));
    const time = parseTime(p.data.created_at);
    if (!checkTime(time, `${i}.created_at`, fields)) return;
    const records = [];
    for (const { kind, input } of mapTreatment(p.data, time)) {
      const r = kind.input.safeParse(input);
      if (!r.success) {
        // Name the Nightscout field, not ours.
        for (const f of zodFields(r.error)) fields.push({ path: `${i}.${({ units: "insulin", end: "duration", text: "notes", "tags.0": "eventType" })[f.path] ?? f.path}`, message: f.message });
        continue;
      }
      records.push({ kind, row: kind.toRow(r.data) });
    }
    parsed.push({ t: p.data, time, records, item: item as Record<string, unknown> });
  });
  if (fields.length) throw invalid(fields);
  const db = getDb(c.env.DB);
  const userId = c.get("user").id;
  const out: unknown[] = [];
  const added: Record<string, unknown>[] = [];
  for (const { t, time, records, item } of parsed) {
    const eventType = t.eventType ?? "<none>";
    const key = { time, eventType, identifier: t.identifier ?? null };
    const dup = await findDuplicateTreatment(db, userId, key);
    if (dup) {
      out.push(treatmentOut(dup));
      continue;
    }
    let first: { kind: string; id: number } | null = null;
    for (const { kind, row } of records) {
      const res = await insertRecords(db, userId, kind, [row]);
      if (!first && res.inserted[0]) first = { kind: kind.path, id: res.inserted[0].id };
    }
    const doc: Record<string, unknown> = { ...item, eventType };
    delete doc["_id"]; // Nightscout clients send their own ids; ours replace them
    const stored = await insertTreatment(db, userId, { ...key, doc, recordKind: first?.kind ?? null, recordId: first?.id ?? null });
    out.push(treatmentOut(stored));
    added.push(treatmentOut(stored));
  }
  publishToSockets(c, { treatments: added });
  return c.json(out, 200);
});

/** Stored treatments merged with the user's other notes, newest first. */
async function treatmentList(c: Context<AppEnv>) {
  const db = getDb(c.env.DB);
  const userId = c.get("user").id;
  const filter = findFilter(c, ["created_at"]);
  const count = countOf(c, 100);
  const eventType = c.req.query("find[eventType]");
  const stored = (await listTreatments(db, userId, filter, count, eventType)).map(treatmentOut);
  const noteEvent = eventType === undefined || eventType === "Note";
  const native = noteEvent ? await listNativeNotes(db, userId, filter, count) : [];
  const notes = native.map((n) => ({ _id: `note-${n.id}`, eventType: "Note", created_at: iso(n.time), notes: n.text, enteredBy: n.source ?? "glucolens", ...(n.tags.length && { tags: n.tags }) }));
  return c.json([...stored, ...notes].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at)).slice(0, count), 200);
}

nightscoutRoutes.get("/treatments", treatmentList);
nightscoutRoutes.get("/treatments.json", treatmentList);

// ---------------------------------------------------------------------------------------------
// Device status

nightscoutRoutes.post("/devicestatus", async (c) => {
  const items = await documents(c);
  const fields: FieldError[] = [];
  const docs: { time: number; device: string | null; doc: Record<string, unknown> }[] = [];
  items.forEach((item, i) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return void fields.push({ path: String(i), message: "must be an object" });
    const doc = { ...(item as Record<string, unknown>) };
    delete doc["_id"]; // Nightscout clients send their own ids; ours replace them
    const time = doc.created_at === undefined ? Date.now() : parseTime(doc.created_at);
    if (!checkTime(time, `${i}.created_at`, fields)) return;
    if (doc.device !== undefined && typeof doc.device !== "string") return void fields.push({ path: `${i}.device`, message: "must be a string" });
    docs.push({ time, device: (doc.device as string | undefined) ?? null, doc });
  });
  if (fields.length) throw invalid(fields);
  const stored = await insertDeviceStatuses(getDb(c.env.DB), c.get("user").id, docs);
  publishToSockets(c, { devicestatus: stored.map(treatmentOut) });
  return c.json(stored.map(treatmentOut), 200);
});

const listStatus = async (c: Context<AppEnv>) => c.json((await listDeviceStatuses(getDb(c.env.DB), c.get("user").id, findFilter(c, ["created_at"]), countOf(c, 10))).map(treatmentOut), 200);
nightscoutRoutes.get("/devicestatus", listStatus);
nightscoutRoutes.get("/devicestatus.json", listStatus);

// ---------------------------------------------------------------------------------------------
// Status and auth check

const statusBody = async (c: Context<AppEnv>) => {
  const config = await getMonitorConfig(getDb(c.env.DB), c.get("user").id);
  if (!config) throw new ApiError(401, "unauthorized", "Account no longer exists");
  const now = Date.now();
  const { rules } = config;
  return {
    status: "ok",
    name: "GlucoLens",
    version: "15.0.0-glucolens",
    serverTime: iso(now),
    serverTimeEpoch: now,
    apiEnabled: true,
    careportalEnabled: true,
    boluscalcEnabled: false,
    settings: {
      // Nightscout's unit names; thresholds are always mg/dL, as in Nightscout.
      units: config.unit === "mmol/L" ? "mmol" : "mg/dl",
      timeFormat: 24,
      customTitle: "GlucoLens",
      theme: "default",
      alarmUrgentHigh: rules.urgent_high.enabled,
      alarmHigh: rules.high.enabled,
      alarmLow: rules.low.enabled,
      alarmUrgentLow: true,
      thresholds: { bgHigh: rules.urgent_high.value, bgTargetTop: rules.high.value, bgTargetBottom: rules.low.value, bgLow: rules.urgent_low.value },
      enable: ["careportal", "iob", "cob", "devicestatus"],
    },
    extendedSettings: { devicestatus: { advanced: true } },
    authorized: { canRead: true, canWrite: true },
  };
};

nightscoutRoutes.get("/status.json", async (c) => c.json(await statusBody(c), 200));
nightscoutRoutes.get("/status", async (c) => c.json(await statusBody(c), 200));
nightscoutRoutes.get("/verifyauth", (c) =>
  c.json({ status: 200, message: { canRead: true, canWrite: true, isAdmin: false, message: "OK", rolefound: "FOUND", permissions: "DEFAULT" } }, 200),
);
