/**
 * @module worker/nightscout/entries
 * `/api/v1/entries` as lib/api/entries/index.js serves it: POST (and PUT, the same upsert) of one
 * entry or an array, `/entries/preview`, GET of `/entries`, `/entries/current`, `/entries/<_id>`,
 * `/entries/<type>` with `.json`/`.txt`/`.csv`/`.tsv`, DELETE by `_id`, by type or by `find`,
 * plus `/echo`, `/times`, `/slice` and `/count` over entries. Storage: worker/nightscout/entries-store.ts.
 *
 * Input is checked per entry (a bad one never costs the others, worker/nightscout/http.ts):
 * `date` (epoch ms) or `dateString` (ISO 8601; its offset is kept as utcOffset) is required;
 * `sgv`/`mbg` 39–600 mg/dL, numbers or numeric strings, with 13–38 stored as 39 flagged below range
 * (Dexcom "LOW") and 0–12 (Dexcom's error codes) refused; `direction` any Nightscout direction
 * (unknown ones become "NONE") or the numeric `trend`. `cal` entries are answered, not stored.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import type { Context } from "hono";
import { Hono } from "hono";
import { parse as parseQs } from "qs";
import type { AppEnv } from "../env.ts";
import { invalid, notFound, type FieldError } from "../lib/errors.ts";
import { isTrendDirection, NIGHTSCOUT_TREND_CODES, type TrendDirection } from "../../vocabulary/trend.ts";
import { MAX_MGDL } from "../schemas/glucose.ts";
import { MAX_FUTURE_MS, MIN_TIME } from "../schemas/common.ts";
import { treatmentsSpec } from "./treatments.ts";
import { deviceStatusSpec } from "./devicestatus.ts";
import { batchAnswer, countOf, iso, notModified, parseDocTime, purify, readDocuments, utcOffsetOf, type ItemResult } from "./http.ts";
import { isObjectId, newObjectId, parseReadingObjectId } from "./ids.ts";
import { deleteEntries, ENTRY_FROM, ENTRY_JOINS, entryDoc, METER_SUFFIX, upsertEntries, type EntryRow, type EntryWrite } from "./entries-store.ts";
import { matchesInCode, parseFind, translate, type CollectionSpec, type Condition } from "./query.ts";
import { countDocuments } from "./documents-store.ts";
import { userD1 } from "../db/shards.ts";

const DEFAULT_DEVICE = "nightscout";
const FLAG_BELOW = 1;
/** lib/constants.json ENTRIES_DEFAULT_COUNT. */
const DEFAULT_COUNT = 10;
const PAGE = 5_000;
/** Extra fields of an entry kept with the reading (only where sent). */
const KEPT = ["noise", "filtered", "unfiltered", "rssi", "delta", "trend", "scaled", "app"] as const;

const DEVICE_SQL = `(CASE WHEN s.name LIKE '% (meter)' THEN substr(s.name, 1, length(s.name) - ${METER_SUFFIX.length}) ELSE s.name END)`;
const IS_METER = `s.name LIKE '% (meter)'`;

export const entriesSpec: CollectionSpec = {
  fields: {
    date: { sql: "r.time", kind: "time" },
    dateString: { sql: "r.time", kind: "time" },
    sysTime: { sql: "r.time", kind: "time" },
    sgv: { sql: "((r.value_tenths + 5) / 10)", kind: "int", exists: `NOT ${IS_METER}` },
    mbg: { sql: "((r.value_tenths + 5) / 10)", kind: "int", exists: IS_METER },
    device: { sql: DEVICE_SQL, kind: "text" },
    direction: { sql: "r.trend", kind: "trend", exists: `NOT ${IS_METER}` },
    identifier: { sql: "x.identifier", kind: "text" },
  },
  json: "r.ns_extra",
  regexFields: new Set(["dateString", "device", "direction", "sysTime"]),
  intFields: new Set(["filtered", "unfiltered", "rssi", "noise"]),
  dateFields: new Set(["date", "dateString", "sysTime"]),
  timeSql: "r.time",
  id: (values) => {
    const parts: string[] = [];
    const params: unknown[] = [];
    for (const v of values) {
      const key = parseReadingObjectId(v);
      parts.push(key ? "(x.client_id = ? OR (x.client_id IS NULL AND r.time = ? AND r.source_id = ?))" : "(x.client_id = ? OR x.identifier = ?)");
      params.push(...(key ? [v, key.time, key.sourceId] : [v, v]));
    }
    return { sql: parts.join(" OR ") || "0", params };
  },
  type: (v) => (v === "sgv" ? `NOT ${IS_METER}` : v === "mbg" ? IS_METER : "0"),
};

// ---------------------------------------------------------------------------------------------
// Input

function directionOf(e: Record<string, unknown>): TrendDirection | null {
  if (typeof e.direction === "string") return isTrendDirection(e.direction) ? e.direction : "NONE";
  const t = typeof e.trend === "string" ? Number(e.trend) : e.trend;
  if (typeof t === "number" && Number.isInteger(t)) return NIGHTSCOUT_TREND_CODES[t] ?? null;
  return null;
}

const toNumber = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : null);

type Parsed = { kind: "write"; write: EntryWrite } | { kind: "cal"; doc: Record<string, unknown> } | { kind: "bad"; fields: FieldError[] };

export function parseEntry(raw: unknown, i: number, now: number): Parsed {
  const bad = (path: string, message: string): Parsed => ({ kind: "bad", fields: [{ path: `${i}.${path}`, message }] });
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { kind: "bad", fields: [{ path: String(i), message: "must be an object" }] };
  const e = purify(raw as Record<string, unknown>);
  const type = e.type ?? (e.mbg !== undefined && e.sgv === undefined ? "mbg" : "sgv");
  if (type !== "sgv" && type !== "mbg" && type !== "cal") return bad("type", 'must be "sgv", "mbg" or "cal"');
  const time = e.date !== undefined && e.date !== null ? parseDocTime(e.date) : e.dateString !== undefined ? parseDocTime(e.dateString) : null;
  const timeField = (e.date !== undefined && e.date !== null) || e.dateString === undefined ? "date" : "dateString";
  if (time === null) return bad(timeField, e.date === undefined && e.dateString === undefined ? "date (epoch ms) or dateString (ISO 8601) is required" : "must be epoch milliseconds or an ISO 8601 date");
  if (time < MIN_TIME) return bad(timeField, "must not be before 1990-01-01");
  if (time > now + MAX_FUTURE_MS) return bad(timeField, "must not be more than a day in the future");
  if (e.device !== undefined && e.device !== null && typeof e.device !== "string") return bad("device", "must be a string");
  const device = typeof e.device === "string" && e.device.trim() ? e.device.trim().slice(0, 64 - METER_SUFFIX.length) : DEFAULT_DEVICE;
  const sent = e._id;
  const clientId = isObjectId(sent) ? sent.toLowerCase() : null;
  const identifier = typeof e.identifier === "string" && e.identifier ? e.identifier.slice(0, 200) : typeof sent === "string" && sent && !clientId ? sent.slice(0, 200) : null;
  if (type === "cal") return { kind: "cal", doc: { ...e, _id: clientId ?? newObjectId(now), type, date: time, dateString: iso(time), device } };
  const value = toNumber(e[type]);
  if (value === null) return bad(type, "is required and must be a number (mg/dL)");
  const low = type === "sgv" ? 13 : 20;
  if (value < low || value > MAX_MGDL) return bad(type, `must be between ${low} and ${MAX_MGDL} mg/dL${type === "sgv" ? " (0–12 are sensor error codes)" : ""}`);
  const flagged = type === "sgv" && value < 39;
  const extra: Record<string, unknown> = {};
  for (const k of KEPT) if (e[k] !== undefined && e[k] !== null && (typeof e[k] === "number" || typeof e[k] === "string")) extra[k] = e[k];
  const offset = utcOffsetOf(e.dateString);
  if (offset) extra.utcOffset = offset;
  return {
    kind: "write",
    write: {
      type,
      clientId,
      identifier,
      extra: Object.keys(extra).length ? extra : null,
      reading: {
        time,
        value: flagged ? 39 : Math.round(value * 10) / 10,
        source: type === "mbg" ? device + METER_SUFFIX : device,
        trend: type === "sgv" ? directionOf(e) : null,
        flags: flagged ? FLAG_BELOW : null,
      },
    },
  };
}

async function postEntries(c: Context<AppEnv>, persist: boolean) {
  const { items, single } = await readDocuments(c);
  const now = Date.now();
  const parsed = items.map((raw, i) => parseEntry(raw, i, now));
  const writes = parsed.flatMap((p) => (p.kind === "write" ? [p.write] : []));
  const stored = persist ? await upsertEntries(c, writes) : writes.map((w) => ({ ...w.extra, type: w.type, date: w.reading.time, dateString: iso(w.reading.time), [w.type]: Math.round(w.reading.value) }));
  let next = 0;
  const results: ItemResult[] = parsed.map((p) => (p.kind === "bad" ? { ok: false, fields: p.fields } : p.kind === "cal" ? { ok: true, doc: p.doc } : { ok: true, doc: stored[next++]! }));
  return batchAnswer(c, results, single);
}

// ---------------------------------------------------------------------------------------------
// Reads

type Format = "json" | "csv" | "tsv" | "txt";

/** The extension of a path segment (`sgv.json` → ["sgv", "json"]). */
function splitFormat(spec: string): [string, Format | null] {
  const m = /^(.*)\.(json|csv|tsv|txt)$/.exec(spec);
  return m ? [m[1]!, m[2] as Format] : [spec, null];
}

/** The format asked for: the extension, else the Accept header (lib/middleware/express-extension-to-accept.js, res.format). */
function formatOf(c: Context<AppEnv>, ext: Format | null): Format {
  if (ext) return ext;
  const accept = c.req.header("accept") ?? "";
  if (/application\/json/.test(accept)) return "json";
  if (/text\/csv/.test(accept)) return "csv";
  if (/text\/tab-separated-values/.test(accept)) return "tsv";
  if (/text\/plain/.test(accept) && !/\*\/\*/.test(accept)) return "txt";
  return "json";
}

interface EntryQuery {
  conditions: Condition[];
  count: number;
  defaultWindow: boolean;
  extraWhere?: string[];
}

/** Reads matching entries newest first, `PAGE` rows a query, until `count` (regular expressions matched in code). */
async function* readEntries(c: Context<AppEnv>, q: EntryQuery): AsyncGenerator<Record<string, unknown>[]> {
  const t = translate(q.conditions, entriesSpec, { defaultWindow: q.defaultWindow });
  const where = [...t.where, ...(q.extraWhere ?? [])];
  let left = q.count;
  let after: { time: number; sourceId: number } | null = null;
  while (left > 0) {
    const limit = t.inCode.length ? PAGE : Math.min(PAGE, left);
    const keyset: string[] = after ? ["(r.time < ? OR (r.time = ? AND r.source_id > ?))"] : [];
    const rows: D1Result<EntryRow> = await (await userD1(c)).prepare(`${ENTRY_FROM} WHERE r.user_id = ? ${[...where, ...keyset].map((w) => `AND ${w}`).join(" ")} ORDER BY r.time DESC, r.source_id LIMIT ${limit}`)
      .bind(c.get("user").id, ...t.params, ...(after ? [after.time, after.time, after.sourceId] : []))
      .all<EntryRow>();
    const docs = rows.results.map(entryDoc).filter((d: Record<string, unknown>) => matchesInCode(d, t.inCode)).slice(0, left);
    left -= docs.length;
    if (docs.length) yield docs;
    if (rows.results.length < limit) return;
    const lastRow: EntryRow = rows.results.at(-1)!;
    after = { time: lastRow.time, sourceId: lastRow.source_id };
  }
}

/** lib/api/entries/index.js format_entries formatWithSeparator: dateString, date, sgv, direction, device. */
function separated(d: Record<string, unknown>, sep: string): string {
  return [d.dateString, d.date, d.sgv, d.direction, d.device].map((v) => (v === undefined || v === null ? '""' : JSON.stringify(v))).join(sep);
}

/** Streams the entries in the asked format (the whole answer is never held: `count` may be 100,000). */
async function serveEntries(c: Context<AppEnv>, q: EntryQuery, ext: Format | null) {
  const format = formatOf(c, ext);
  const pages = readEntries(c, q);
  // The first page is read before answering, so a bad query is still a 422 rather than a broken stream.
  const first = await pages.next();
  // Pages come newest first: the first page holds the newest entry of the answer.
  const unchanged = notModified(c, first.done ? null : newestOf(first.value));
  if (unchanged) return unchanged;
  const encoder = new TextEncoder();
  const sep = format === "csv" ? "," : "\t";
  let started = false;
  const write = (docs: Record<string, unknown>[]) => {
    const text = format === "json" ? docs.map((d) => JSON.stringify(d)).join(",") : docs.map((d) => separated(d, sep)).join("\r\n");
    const lead = started ? (format === "json" ? "," : "\r\n") : "";
    started = true;
    return encoder.encode(lead + text);
  };
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      if (format === "json") controller.enqueue(encoder.encode("["));
      if (!first.done) controller.enqueue(write(first.value));
    },
    async pull(controller) {
      const next = first.done ? { done: true as const, value: undefined } : await pages.next();
      if (next.done) {
        if (format === "json") controller.enqueue(encoder.encode("]"));
        controller.close();
      } else controller.enqueue(write(next.value));
    },
  });
  const type = format === "json" ? "application/json; charset=utf-8" : format === "csv" ? "text/csv; charset=utf-8" : format === "tsv" ? "text/tab-separated-values; charset=utf-8" : "text/plain; charset=utf-8";
  return c.body(stream, 200, { "Content-Type": type });
}

/** The newest `date` of entries (format_entries sorts by mills or date), or null for none. */
function newestOf(docs: Record<string, unknown>[]): number | null {
  let newest: number | null = null;
  for (const d of docs) if (typeof d.date === "number" && (newest === null || d.date > newest)) newest = d.date;
  return newest;
}

const withType = (conditions: Condition[], type: string | null): Condition[] =>
  type && type !== "*" && !conditions.some((x) => x.field === "type") ? [...conditions, { field: "type", op: "$eq", values: [type], key: "type" }] : conditions;

const findOf = (c: Context<AppEnv>) => parseFind(new URL(c.req.url).searchParams);

// ---------------------------------------------------------------------------------------------
// Routes

export const entriesRoutes = new Hono<AppEnv>();

for (const path of ["/entries", "/entries/", "/entries.json", "/entries.csv", "/entries.tsv", "/entries.txt"]) {
  const ext = splitFormat(path.slice(1))[1];
  entriesRoutes.get(path, (c) => serveEntries(c, { conditions: findOf(c), count: countOf(c, DEFAULT_COUNT), defaultWindow: true }, ext));
}
for (const path of ["/entries", "/entries/", "/entries.json"]) {
  entriesRoutes.post(path, (c) => postEntries(c, true));
  entriesRoutes.put(path, (c) => postEntries(c, true));
  entriesRoutes.delete(path, async (c) => removeEntries(c, findOf(c)));
}
entriesRoutes.post("/entries/preview", (c) => postEntries(c, false));
entriesRoutes.post("/entries/preview.json", (c) => postEntries(c, false));

entriesRoutes.get("/entries/:spec", async (c) => {
  const [spec, ext] = splitFormat(c.req.param("spec"));
  if (spec === "current") return serveEntries(c, { conditions: withType([], "sgv"), count: 1, defaultWindow: true }, ext);
  if (isObjectId(spec)) {
    const docs = [];
    for await (const page of readEntries(c, { conditions: [{ field: "_id", op: "$eq", values: [spec.toLowerCase()], key: "_id" }], count: 1, defaultWindow: false })) docs.push(...page);
    if (!docs.length) throw notFound("Entry");
    return notModified(c, newestOf(docs)) ?? c.json(docs, 200);
  }
  // GlucoLens holds sgv and mbg entries only (cal is answered, not kept): another type has none.
  if (!ENTRY_TYPES.has(spec)) throw notFound(`Entry type or _id "${spec}"`);
  return serveEntries(c, { conditions: withType(findOf(c), spec), count: countOf(c, DEFAULT_COUNT), defaultWindow: true }, ext);
});

const ENTRY_TYPES = new Set(["sgv", "mbg", "cal", "*"]);

async function removeEntries(c: Context<AppEnv>, conditions: Condition[]) {
  const t = translate(conditions, entriesSpec, { defaultWindow: true });
  if (t.inCode.length) throw invalid([{ path: "find", message: "regular expressions cannot select entries to delete" }]);
  const n = await deleteEntries(c, t.where, t.params, null);
  return c.json({ acknowledged: true, deletedCount: n, n, ok: 1 }, 200);
}

entriesRoutes.delete("/entries/:spec", async (c) => {
  const [spec] = splitFormat(c.req.param("spec"));
  if (isObjectId(spec)) return removeEntries(c, [{ field: "_id", op: "$eq", values: [spec.toLowerCase()], key: "_id" }]);
  return removeEntries(c, withType(findOf(c), spec));
});

/** The query string as Express reads it (qs, the `extended` query parser): `find[sgv][$gte]=1` nests. */
const expressQuery = (c: Context<AppEnv>) => parseQs(new URL(c.req.url).search.slice(1)) as Record<string, unknown>;

/** Conditions as the MongoDB filter Nightscout would build from them: `{field: value | {$op: value}}`. */
function mongoFilter(conditions: Condition[]): Record<string, unknown> {
  const filter: Record<string, Record<string, unknown> | string> = {};
  for (const { field, op, values } of conditions) {
    const value = op === "$in" || op === "$nin" ? values : values[0];
    if (op === "$eq" && filter[field] === undefined) filter[field] = value as string;
    else filter[field] = { ...(typeof filter[field] === "object" ? filter[field] : {}), [op]: value };
  }
  return filter;
}

// /echo/:echo/:model?/:spec? (echo_query): the query Nightscout would run, for debugging clients.
entriesRoutes.get("/echo/*", (c) => {
  const [storage = "entries", model, spec] = c.req.path.replace(/^.*\/echo\//, "").split("/").filter(Boolean);
  const conditions = withType(findOf(c), model ? splitFormat(model)[0] : null);
  return c.json({ query: mongoFilter(conditions), input: expressQuery(c), params: { echo: storage, model, spec }, storage }, 200);
});

// /times/echo/:prefix?/:regex?: the patterns prep_patterns builds, for debugging them. A prefix
// that expands to one joins the filter as `$regex`; several are part of each pattern.
entriesRoutes.get("/times/echo/*", (c) => {
  const parts = c.req.path.replace(/^.*\/times\/echo\/?/, "").split("/").filter(Boolean);
  if (parts.length) parts[parts.length - 1] = splitFormat(parts.at(-1)!)[0];
  const [prefix, regex] = parts;
  const prefixes = expandBraces(prefix ?? ".*");
  const joined = [prefixes.length > 1 ? `^${prefix}` : "", regex ? `.*${regex}` : ""].join("");
  const pattern = joined ? expandBraces(joined) : [""];
  const query = expressQuery(c);
  const find = (typeof query.find === "object" && query.find ? query.find : {}) as Record<string, unknown>;
  find.dateString = { ...(typeof find.dateString === "object" ? find.dateString : {}), $in: pattern, ...(prefixes.length === 1 ? { $regex: `^${prefixes[0]}` } : {}) };
  return c.json({ req: { params: { prefix, regex }, query: { ...query, find } }, pattern }, 200);
});

/**
 * `/times/:prefix?/:regex?` and `/slice/:storage/:field/:type?/:prefix?/:regex?`: entries whose
 * field (dateString by default) matches the brace-expanded patterns (prep_patterns), e.g.
 * `/times/2015-04/T{13..18}:{00..15}`.
 */
async function patterned(c: Context<AppEnv>, field: string, type: string | null, prefix: string | undefined, regex: string | undefined, ext: Format | null) {
  const pattern = [prefix ? `^${prefix}` : "", regex ? `.*${regex}` : ""].join("");
  const expanded = expandBraces(pattern || "");
  let regexes: RegExp[];
  try {
    regexes = expanded.map((p) => new RegExp(p));
  } catch {
    throw invalid([{ path: "regex", message: "is not a valid pattern" }]);
  }
  const conditions = withType(findOf(c), type);
  const matches: Record<string, unknown>[] = [];
  const count = countOf(c, DEFAULT_COUNT);
  for await (const page of readEntries(c, { conditions, count: Number.MAX_SAFE_INTEGER, defaultWindow: false })) {
    for (const d of page) {
      const v = d[field];
      if (v !== undefined && regexes.some((r) => r.test(String(v)))) matches.push(d);
      if (matches.length >= count) break;
    }
    if (matches.length >= count) break;
  }
  const unchanged = notModified(c, newestOf(matches));
  if (unchanged) return unchanged;
  const format = formatOf(c, ext);
  if (format === "json") return c.json(matches, 200);
  const sep = format === "csv" ? "," : "\t";
  return c.text(matches.map((d) => separated(d, sep)).join("\r\n"), 200);
}

entriesRoutes.get("/times/*", (c) => {
  const parts = c.req.path.replace(/^.*\/times\/?/, "").split("/").filter(Boolean);
  const last = parts.length ? splitFormat(parts.at(-1)!) : ["", null];
  if (parts.length) parts[parts.length - 1] = last[0] as string;
  const [prefix, regex] = parts;
  return patterned(c, "dateString", null, prefix, regex, last[1] as Format | null);
});
entriesRoutes.get("/slice/*", (c) => {
  const parts = c.req.path.replace(/^.*\/slice\/?/, "").split("/").filter(Boolean);
  const last = parts.length ? splitFormat(parts.at(-1)!) : ["", null];
  if (parts.length) parts[parts.length - 1] = last[0] as string;
  const [storage, field = "dateString", type, prefix, regex] = parts;
  if (storage !== "entries") throw invalid([{ path: "storage", message: "slice reads entries only" }]);
  return patterned(c, field, type ?? null, prefix, regex, last[1] as Format | null);
});

/** `/count/:storage/where`: lib/server/aggregate.js, `[{ _id: null, count }]` (no default window). */
entriesRoutes.get("/count/:storage/where", async (c) => {
  const storage = splitFormat(c.req.param("storage"))[0];
  const conditions = findOf(c);
  let n: number;
  if (storage === "entries" || !["treatments", "devicestatus"].includes(storage)) {
    const t = translate(conditions, entriesSpec, { defaultWindow: false });
    const row = await (await userD1(c)).prepare(
      `SELECT count(*) AS n ${ENTRY_JOINS}
       WHERE r.user_id = ? ${t.where.map((w) => `AND ${w}`).join(" ")}`,
    )
      .bind(c.get("user").id, ...t.params)
      .first<{ n: number }>();
    n = row?.n ?? 0;
  } else {
    n = await countDocuments(c, storage === "treatments" ? treatmentsSpec : deviceStatusSpec, conditions);
  }
  return c.json([{ _id: null, count: n }], 200);
});

/**
 * Bash-style brace expansion as the `braces` package does for prep_patterns: `{a,b}` lists and
 * `{1..3}` / `{01..15}` ranges (zero-padded to the wider end), expanded left to right.
 */
export function expandBraces(pattern: string): string[] {
  const m = /\{([^{}]*)\}/.exec(pattern);
  if (!m) return [pattern];
  const body = m[1]!;
  const range = /^(\d+)\.\.(\d+)$/.exec(body);
  let options: string[];
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    const width = Math.max(range[1]!.length, range[2]!.length);
    const pad = range[1]!.startsWith("0") || range[2]!.startsWith("0");
    const step = a <= b ? 1 : -1;
    options = [];
    for (let v = a; step > 0 ? v <= b : v >= b; v += step) options.push(pad ? String(v).padStart(width, "0") : String(v));
    if (options.length > 1000) options = options.slice(0, 1000);
  } else if (body.includes(",")) options = body.split(",");
  else return [pattern];
  const head = pattern.slice(0, m.index);
  const tail = pattern.slice(m.index + m[0].length);
  return options.flatMap((o) => expandBraces(head + o + tail)).slice(0, 5000);
}

