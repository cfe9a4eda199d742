/**
 * @module worker/routes/records
 * Builds the CRUD routes of one record kind (worker/records/): create, bulk create, list with
 * time filters and a cursor, get, update (PATCH, partial), delete. The same code serves all eight
 * kinds, so their behaviour (validation, errors, isolation, paging) cannot drift apart.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { userDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, invalid, notFound, zodFields, type FieldError } from "../lib/errors.ts";
import { scheduleBackfill } from "../insights/pipeline/backfill.ts";
import type { RecordKind } from "../records/kind.ts";
import { deleteRecord, getRecord, insertRecords, listRecords, updateRecord, type Row } from "../repositories/records.ts";
import { commonErrors, conflictError, IdParam, jsonBody, jsonContent, listQuery, notFoundError } from "../schemas/common.ts";

const security = [{ Bearer: [] }];
export const MAX_BULK_RECORDS = 10_000;
const MAX_PAGE = 1_000;

export const BulkResult = z.object({
  inserted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), fields: z.array(z.object({ path: z.string(), message: z.string() })) })),
});

const cursorOf = (time: number, id: number) => `${time.toString(36)}.${id.toString(36)}`;

function parseCursor(cursor: string): { time: number; id: number } | null {
  const m = /^([0-9a-z]{1,12})\.([0-9a-z]{1,12})$/.exec(cursor);
  return m ? { time: Number.parseInt(m[1]!, 36), id: Number.parseInt(m[2]!, 36) } : null;
}

function parseId(raw: string): number {
  if (!/^[1-9]\d{0,15}$/.test(raw)) throw notFound("Record");
  return Number(raw);
}

/** Validates one item (schema, then cross-field checks); returns column values or field errors. */
function validateItem(kind: RecordKind, item: unknown): { ok: true; values: Record<string, unknown> } | { ok: false; fields: FieldError[] } {
  const parsed = kind.input.safeParse(item);
  if (!parsed.success) return { ok: false, fields: zodFields(parsed.error) };
  const problems = kind.check?.(parsed.data) ?? [];
  if (problems.length) return { ok: false, fields: problems };
  return { ok: true, values: kind.toRow(parsed.data) };
}

export function recordRoutes(kind: RecordKind): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const Input = kind.input.openapi(`${kind.schemaName}Input`);
  const Output = z.object({ id: z.string() }).extend(kind.output.shape).openapi(kind.schemaName);
  const toApi = (row: Row) => ({ id: String(row.id), ...kind.fromRow(row) });
  const timeName = kind.timeColumn.name;
  const dayKey = kind.dayKey ?? timeName;
  // Stored or changed records re-aggregate the past days they touch (insights daily summaries).
  const dayTimes = (rows: Row[]) => rows.map((r) => r[dayKey] as number);
  const tags = [kind.tag];

  app.openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: `Create a ${kind.label.toLowerCase()}`,
      description: "A record identical to a stored one (same time and fields) is a duplicate: 409, nothing stored.",
      security,
      request: { body: jsonBody(Input) },
      responses: { 201: jsonContent(Output, "Created"), ...commonErrors, ...conflictError },
    }),
    async (c) => {
      const value = c.req.valid("json");
      const problems = kind.check?.(value) ?? [];
      if (problems.length) throw invalid(problems);
      const { inserted } = await insertRecords(await userDb(c), c.get("user").id, kind, [kind.toRow(value)]);
      if (!inserted.length) throw new ApiError(409, "duplicate", `An identical ${kind.label.toLowerCase()} is already stored`, [{ path: timeName, message: "an identical record exists at this time" }]);
      scheduleBackfill(c.env, c.executionCtx, c.get("user").id, dayTimes(inserted));
      return c.json(toApi(inserted[0]!), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/bulk",
      tags,
      summary: `Create up to ${MAX_BULK_RECORDS.toLocaleString("en-US")} ${kind.label.toLowerCase()} records`,
      description: "Each item is validated on its own; valid items are stored in one batch, identical ones counted as duplicates, invalid ones listed in `rejected`.",
      security,
      request: {
        body: jsonBody(
          z.object({
            items: z
              .array(z.unknown().openapi({ allOf: [{ $ref: `#/components/schemas/${kind.schemaName}Input` }] }))
              .max(MAX_BULK_RECORDS, `at most ${MAX_BULK_RECORDS} items per request`),
          }),
        ),
      },
      responses: { 200: jsonContent(BulkResult, "Counts of inserted, duplicate and rejected items"), ...commonErrors },
    }),
    async (c) => {
      const { items } = c.req.valid("json");
      const valid: Record<string, unknown>[] = [];
      const rejected: { index: number; fields: FieldError[] }[] = [];
      items.forEach((item, index) => {
        const result = validateItem(kind, item);
        if (result.ok) valid.push(result.values);
        else rejected.push({ index, fields: result.fields });
      });
      const { inserted, duplicates } = await insertRecords(await userDb(c), c.get("user").id, kind, valid);
      scheduleBackfill(c.env, c.executionCtx, c.get("user").id, dayTimes(inserted));
      return c.json({ inserted: inserted.length, duplicates, rejected }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: `List ${kind.label.toLowerCase()} records`,
      description: `Ordered by \`${timeName}\`; \`start\`/\`end\` filter on it.`,
      security,
      request: { query: listQuery(MAX_PAGE) },
      responses: { 200: jsonContent(z.object({ items: z.array(Output), next_cursor: z.string().nullable() }), "One page"), ...commonErrors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const after = q.cursor === undefined ? undefined : parseCursor(q.cursor);
      if (after === null) throw invalid([{ path: "cursor", message: "is not a cursor returned by this list" }]);
      const page = await listRecords(await userDb(c), c.get("user").id, kind, { start: q.start, end: q.end, limit: q.limit, after });
      const last = page.items.at(-1);
      return c.json({ items: page.items.map(toApi), next_cursor: page.more && last ? cursorOf(last[timeName] as number, last.id) : null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: `Get a ${kind.label.toLowerCase()}`,
      security,
      request: { params: IdParam },
      responses: { 200: jsonContent(Output, "The record"), ...commonErrors, ...notFoundError },
    }),
    async (c) => {
      const row = await getRecord(await userDb(c), c.get("user").id, kind, parseId(c.req.valid("param").id));
      if (!row) throw notFound(kind.label);
      return c.json(toApi(row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/{id}",
      tags,
      summary: `Update a ${kind.label.toLowerCase()}`,
      description: "Fields not given keep their values; null clears an optional field.",
      security,
      request: { params: IdParam, body: jsonBody(kind.input.partial()) },
      responses: { 200: jsonContent(Output, "The updated record"), ...commonErrors, ...notFoundError },
    }),
    async (c) => {
      const db = await userDb(c);
      const userId = c.get("user").id;
      const id = parseId(c.req.valid("param").id);
      const current = await getRecord(db, userId, kind, id);
      if (!current) throw notFound(kind.label);
      // Merge the raw patch into the stored record and validate the result as a whole.
      // Read here, not from c.req.valid("json"): the validator only runs for a JSON content type,
      // and the patch is merged raw. An empty, broken or non-object body is the client's error.
      const patch = await c.req.json().catch(() => null);
      if (patch === null || typeof patch !== "object" || Array.isArray(patch)) {
        throw new ApiError(400, "bad_request", "Request body must be a JSON object with the fields to change", [{ path: "body", message: "must be a JSON object" }]);
      }
      const stored = (kind.toInput ?? kind.fromRow)(current);
      const result = validateItem(kind, kind.merge ? kind.merge(stored, patch) : { ...stored, ...patch });
      if (!result.ok) throw invalid(result.fields);
      const row = await updateRecord(db, userId, kind, id, result.values);
      if (!row) throw notFound(kind.label);
      scheduleBackfill(c.env, c.executionCtx, userId, dayTimes([current, row]));
      return c.json(toApi(row), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: `Delete a ${kind.label.toLowerCase()}`,
      security,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...commonErrors, ...notFoundError },
    }),
    async (c) => {
      const deleted = await deleteRecord(await userDb(c), c.get("user").id, kind, parseId(c.req.valid("param").id));
      if (!deleted) throw notFound(kind.label);
      return c.body(null, 204);
    },
  );

  return app;
}
