/**
 * @module worker/routes/glucose
 * /api/v1/glucose: readings (single and bulk create, list, get, update, delete, delete a range).
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { userDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, invalid, notFound, zodFields, type FieldError } from "../lib/errors.ts";
import { mgdlFrom } from "../../vocabulary/units.ts";
import {
  deleteReading,
  deleteReadingRange,
  getReading,
  listReadingsJson,
  parseReadingId,
  readingId,
  readingSeriesJson,
  replaceReading,
  sourceIds,
  type NewReading,
  type StoredReading,
} from "../repositories/readings.ts";
import { commonErrors, conflictError, IdParam, iso, jsonBody, jsonContent, listQuery, notFoundError, TimeQuery } from "../schemas/common.ts";
import { BulkReadingsBody, BulkResult, DeleteRangeQuery, Reading, ReadingInput, ReadingList, ReadingPatch, Series, SeriesQuery } from "../schemas/glucose.ts";
import { scheduleBackfill } from "../insights/pipeline/backfill.ts";
import { storeReadings } from "../services/ingest.ts";

const security = [{ Bearer: [] }];
const MAX_READINGS_PAGE = 10_000;

const toApi = (x: StoredReading) => ({
  id: x.id,
  time: iso(x.time),
  value: x.value,
  unit: "mg/dL" as const,
  source: x.source,
  trend: x.trend,
});

function toNew(input: z.output<typeof ReadingInput>): NewReading {
  return {
    time: input.time,
    value: Math.round(mgdlFrom(input.value, input.unit) * 10) / 10,
    source: input.source,
    trend: input.trend ?? null,
  };
}

function keyOf(id: string) {
  const key = parseReadingId(id);
  if (!key) throw notFound("Reading");
  return key;
}

export const glucoseRoutes = new OpenAPIHono<AppEnv>();

glucoseRoutes.openapi(
  createRoute({
    method: "post",
    path: "/readings",
    tags: ["Glucose"],
    summary: "Store one reading",
    description: "A reading with the same (time, source) as a stored one is a duplicate: 409, nothing stored.",
    security,
    request: { body: jsonBody(ReadingInput) },
    responses: { 201: jsonContent(Reading, "Stored"), ...commonErrors, ...conflictError },
  }),
  async (c) => {
    const reading = toNew(c.req.valid("json"));
    if (!(await storeReadings(c, [reading]))) {
      throw new ApiError(409, "duplicate", "A reading with this time and source is already stored", [
        { path: "time", message: "a reading with this time and source already exists" },
      ]);
    }
    // The store has just resolved the source's id, so this is the isolate's cache, not D1.
    const sourceId = (await sourceIds(await userDb(c), c.get("user").id, [reading.source])).get(reading.source)!;
    return c.json(toApi({ ...reading, id: readingId(reading.time, sourceId) }), 201);
  },
);

glucoseRoutes.openapi(
  createRoute({
    method: "post",
    path: "/bulk",
    tags: ["Glucose"],
    summary: "Store up to 10,000 readings",
    description:
      "Each item is validated on its own. Valid items are stored in one D1 batch (all or nothing); items whose (time, source) is already stored, or repeated in the request, are counted as duplicates; invalid items are listed in `rejected` with their index and fields.",
    security,
    request: { body: jsonBody(BulkReadingsBody) },
    responses: { 200: jsonContent(BulkResult, "Counts of inserted, duplicate and rejected items"), ...commonErrors },
  }),
  async (c) => {
    const { readings } = c.req.valid("json");
    const valid: NewReading[] = [];
    const rejected: { index: number; fields: FieldError[] }[] = [];
    readings.forEach((item, index) => {
      const parsed = ReadingInput.safeParse(item);
      if (parsed.success) valid.push(toNew(parsed.data));
      else rejected.push({ index, fields: zodFields(parsed.error) });
    });
    const inserted = await storeReadings(c, valid);
    return c.json({ inserted, duplicates: valid.length - inserted, rejected }, 200);
  },
);

glucoseRoutes.openapi(
  createRoute({
    method: "get",
    path: "/readings",
    tags: ["Glucose"],
    summary: "List readings in time order",
    security,
    request: { query: listQuery(MAX_READINGS_PAGE) },
    responses: { 200: jsonContent(ReadingList, "One page of readings"), ...commonErrors },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const after = q.cursor === undefined ? undefined : parseReadingId(q.cursor);
    if (after === null) throw invalid([{ path: "cursor", message: "is not a cursor returned by this list" }]);
    const page = await listReadingsJson(await userDb(c), c.get("user").id, { start: q.start, end: q.end, limit: q.limit, after });
    // The items array arrives as JSON text from SQLite; only the envelope is added here.
    return c.body(`{"items":${page.json},"next_cursor":${JSON.stringify(page.nextCursor)}}`, 200, { "content-type": "application/json" }) as never;
  },
);

glucoseRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/readings",
    tags: ["Glucose"],
    summary: "Delete every reading in a time range",
    security,
    request: { query: DeleteRangeQuery },
    responses: { 200: jsonContent(z.object({ deleted: z.number().int() }), "How many readings were deleted"), ...commonErrors },
  }),
  async (c) => {
    const raw = c.req.valid("query");
    const start = TimeQuery.safeParse(raw.start);
    const end = TimeQuery.safeParse(raw.end);
    const fields: FieldError[] = [];
    if (!start.success) fields.push({ path: "start", message: "must be ISO 8601 with a UTC offset, or epoch milliseconds" });
    if (!end.success) fields.push({ path: "end", message: "must be ISO 8601 with a UTC offset, or epoch milliseconds" });
    if (start.success && end.success && start.data >= end.data) fields.push({ path: "end", message: "must be after start" });
    if (fields.length || !start.success || !end.success) throw invalid(fields);
    const deleted = await deleteReadingRange(await userDb(c), c.get("user").id, start.data, end.data, raw.source);
    return c.json({ deleted }, 200);
  },
);

glucoseRoutes.openapi(
  createRoute({
    method: "get",
    path: "/readings/{id}",
    tags: ["Glucose"],
    summary: "Get one reading",
    security,
    request: { params: IdParam },
    responses: { 200: jsonContent(Reading, "The reading"), ...commonErrors, ...notFoundError },
  }),
  async (c) => {
    const found = await getReading(await userDb(c), c.get("user").id, keyOf(c.req.valid("param").id));
    if (!found) throw notFound("Reading");
    return c.json(toApi(found), 200);
  },
);

glucoseRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/readings/{id}",
    tags: ["Glucose"],
    summary: "Update a reading",
    description: "Changing time or source changes the reading's id (the response carries the new one); 409 if another reading already has that time and source.",
    security,
    request: { params: IdParam, body: jsonBody(ReadingPatch) },
    responses: { 200: jsonContent(Reading, "The updated reading"), ...commonErrors, ...notFoundError, ...conflictError },
  }),
  async (c) => {
    const db = await userDb(c);
    const userId = c.get("user").id;
    const key = keyOf(c.req.valid("param").id);
    const current = await getReading(db, userId, key);
    if (!current) throw notFound("Reading");
    const patch = c.req.valid("json");
    // Re-validate the merged reading so range checks apply to the final value and unit.
    const merged = ReadingInput.safeParse({
      time: patch.time ?? current.time,
      value: patch.value ?? (patch.unit === "mmol/L" ? undefined : current.value),
      unit: patch.unit ?? "mg/dL",
      source: patch.source ?? current.source,
      trend: patch.trend === undefined ? current.trend : patch.trend,
    });
    if (!merged.success) throw invalid(zodFields(merged.error));
    const result = await replaceReading(db, userId, key, toNew(merged.data));
    if (result === "conflict") {
      throw new ApiError(409, "duplicate", "Another reading already has this time and source", [{ path: "time", message: "is taken by another reading of this source" }]);
    }
    scheduleBackfill(c.env, c.executionCtx, userId, [current.time, result.time]);
    return c.json(toApi(result), 200);
  },
);

glucoseRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/readings/{id}",
    tags: ["Glucose"],
    summary: "Delete a reading",
    security,
    request: { params: IdParam },
    responses: { 204: { description: "Deleted" }, ...commonErrors, ...notFoundError },
  }),
  async (c) => {
    const deleted = await deleteReading(await userDb(c), c.get("user").id, keyOf(c.req.valid("param").id));
    if (!deleted) throw notFound("Reading");
    return c.body(null, 204);
  },
);

glucoseRoutes.openapi(
  createRoute({
    method: "get",
    path: "/series",
    tags: ["Glucose"],
    summary: "Readings of a range as chart-ready columns",
    description: "The whole range (up to 400 days) in one response, columnar as uPlot takes it: `t` in epoch seconds, `v` in mg/dL.",
    security,
    request: { query: SeriesQuery },
    responses: { 200: jsonContent(Series, "Columns t and v"), ...commonErrors },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const s = await readingSeriesJson(await userDb(c), c.get("user").id, q.start, q.end);
    return c.body(`{"unit":"mg/dL","count":${s.n},"t":${s.t},"v":${s.v}}`, 200, { "content-type": "application/json" }) as never;
  },
);
