/**
 * @module worker/nightscout/v3/params
 * What API v3 reads from a request: dates (lib/api3/shared/dateTools.js parseToMoment), the
 * search filters `field$op=value` (generic/search/input.js parseFilter and parseValue), `sort` /
 * `sort$desc`, `limit` (collection.js parseLimit, at most API3_MAX_LIMIT), `skip`, and `fields`
 * (shared/fieldsProjector.js).
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { MSG, V3Error } from "./respond.ts";

/** lib/api3/const.json. */
export const MIN_TIMESTAMP = 946_684_800_000;
export const MAX_LIMIT = 1000;

const NUMBER_IN_STRING = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

export interface ParsedDate {
  ms: number;
  /** Minutes east of UTC written in the value (moment.parseZone().utcOffset()), 0 for numbers and Z. */
  offset: number;
}

/** parseToMoment: epoch ms (or seconds when below MIN_TIMESTAMP) or ISO 8601 with its offset; null before 2000. */
export function parseDate(value: unknown): ParsedDate | null {
  if (value === undefined || value === null || value === "" || value === 0) return null;
  let v = value;
  if (typeof v === "string" && NUMBER_IN_STRING.test(v)) v = Number.parseFloat(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return null;
    let ms = Math.round(v);
    if (ms < MIN_TIMESTAMP) ms = Math.round(v * 1000);
    return ms < MIN_TIMESTAMP ? null : { ms, offset: 0 };
  }
  if (typeof v !== "string") return null;
  // moment accepts a comma before the fraction (ISO 8601 allows it): 2019-06-10T08:07:08,576+02:00.
  const s = v.trim().replace(/(\d{2}:\d{2}:\d{2}),(\d)/, "$1.$2");
  // ISO 8601 only (moment.ISO_8601), date-only forms included; RFC 2822 as moment's second try.
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i.test(s) && !/^[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} /.test(s)) return null;
  const ms = Date.parse(s.replace(" ", "T"));
  if (!Number.isFinite(ms) || ms < MIN_TIMESTAMP) return null;
  const m = /([+-])(\d{2}):?(\d{2})?$/.exec(s);
  const offset = m && /T|\d{2}:\d{2}/.test(s) ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
  return { ms, offset };
}

export type FilterOp = "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "in" | "nin" | "re";
const OPERATORS = new Set<string>(["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "re"]);
const RESERVED = new Set(["token", "sort", "sort$desc", "limit", "skip", "fields", "now"]);

export interface Filter {
  field: string;
  op: FilterOp;
  /** Typed as parseValue types it: number, boolean, string; date fields as epoch ms. */
  value: string | number | boolean;
}

/** parseValue: numbers and booleans from strings, '…' unwrapped; date/srvModified/srvCreated/created_at as epoch ms. */
function parseValue(field: string, raw: string): string | number | boolean {
  let value: string | number | boolean = NUMBER_IN_STRING.test(raw) ? Number.parseFloat(raw) : raw;
  if (value === "true") value = true;
  else if (value === "false") value = false;
  if (typeof value === "string" && value.length >= 2 && value.startsWith("'") && value.endsWith("'")) value = value.slice(1, -1);
  if (["date", "srvModified", "srvCreated", "created_at"].includes(field)) {
    const d = parseDate(value);
    if (d) value = d.ms;
  }
  return value;
}

/** parseFilter: every query parameter but the reserved ones is a filter (`field` is `field$eq`). */
export function parseFilters(c: Context<AppEnv>): Filter[] {
  const out: Filter[] = [];
  for (const [param, raw] of new URL(c.req.url).searchParams) {
    if (RESERVED.has(param)) continue;
    const m = /^(.*)\$([a-zA-Z]+)$/.exec(param);
    const field = m ? m[1]! : param;
    const op = m ? m[2]! : "eq";
    if (!OPERATORS.has(op)) throw new V3Error(400, MSG.UNSUPPORTED_FILTER_OPERATOR.replace("{0}", op), [{ path: param, message: `operator ${op} is not one of ${[...OPERATORS].join(", ")}` }]);
    if (!field || !/^[A-Za-z0-9_.]+$/.test(field)) throw new V3Error(400, `Bad filter field ${field}`, [{ path: param, message: "must name a field (letters, digits, _ and .)" }]);
    if (op === "re") {
      try {
        RegExp(raw);
      } catch {
        throw new V3Error(400, `Bad regular expression for ${field}`, [{ path: param, message: "is not a valid regular expression" }]);
      }
    }
    out.push({ field, op: op as FilterOp, value: op === "re" || op === "in" || op === "nin" ? raw : parseValue(field, raw) });
  }
  return out;
}

export interface Sort {
  field: string | null;
  desc: boolean;
}

/** parseSort: `sort` or `sort$desc`, not both; then identifier, created_at and date in the same direction. */
export function parseSort(c: Context<AppEnv>): Sort {
  const asc = c.req.query("sort");
  const desc = c.req.query("sort$desc");
  if (asc && desc) throw new V3Error(400, MSG.SORT_SORT_DESC, [{ path: "sort$desc", message: "cannot be combined with sort" }]);
  const field = desc || asc || null;
  if (field && !/^[A-Za-z0-9_.]+$/.test(field)) throw new V3Error(400, `Bad sort field ${field}`, [{ path: desc ? "sort$desc" : "sort", message: "must name a field" }]);
  return { field, desc: Boolean(desc) };
}

/** parseLimit: 1…API3_MAX_LIMIT, the maximum when absent. */
export function parseLimit(c: Context<AppEnv>): number {
  const raw = c.req.query("limit");
  if (raw === undefined || raw === "") return MAX_LIMIT;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > MAX_LIMIT) throw new V3Error(400, MSG.BAD_LIMIT, [{ path: "limit", message: `must be a number from 1 to ${MAX_LIMIT}` }]);
  return Math.floor(n);
}

/** parseSkip: 0 or more. */
export function parseSkip(c: Context<AppEnv>): number {
  const raw = c.req.query("skip");
  if (raw === undefined || raw === "") return 0;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new V3Error(400, MSG.BAD_SKIP, [{ path: "skip", message: "must be a whole number of at least 0" }]);
  return Math.floor(n);
}

/** FieldsProjector: `fields=a,b` keeps those fields only; `_all` or none keeps everything. */
export function projector(c: Context<AppEnv>): (doc: Record<string, unknown>) => Record<string, unknown> {
  const raw = c.req.query("fields");
  if (!raw || raw === "_all") return (d) => d;
  const keep = new Set(raw.split(","));
  return (d) => Object.fromEntries(Object.entries(d).filter(([k]) => keep.has(k)));
}

/** The value at a dotted path of a document. */
export function valueAt(doc: Record<string, unknown>, field: string): unknown {
  let v: unknown = doc;
  for (const s of field.split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[s] : undefined;
  return v;
}

/** Mongo's comparison of one filter against a served document, for fields not held in columns. */
export function matches(doc: Record<string, unknown>, f: Filter): boolean {
  const v = valueAt(doc, f.field);
  const cmp = (a: unknown, b: unknown) => (typeof a === typeof b && a !== undefined && a !== null ? (a < (b as typeof a) ? -1 : a > (b as typeof a) ? 1 : 0) : null);
  switch (f.op) {
    case "eq":
      return v === f.value;
    case "ne":
      return v !== f.value;
    case "gt":
      return cmp(v, f.value) === 1;
    case "gte":
      return (cmp(v, f.value) ?? -1) >= 0;
    case "lt":
      return cmp(v, f.value) === -1;
    case "lte":
      return (cmp(v, f.value) ?? 1) <= 0;
    case "in":
      return String(f.value).split("|").includes(v as string);
    case "nin":
      return !String(f.value).split("|").includes(v as string);
    case "re":
      return typeof v === "string" && new RegExp(String(f.value)).test(v);
  }
}
