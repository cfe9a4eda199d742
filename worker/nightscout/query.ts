/**
 * @module worker/nightscout/query
 * Nightscout's `find` query strings (lib/server/query.js, `find[field][$op]=value`) as SQL.
 *
 * Each collection names its fields: the ones held in columns (time, type, device, eventType,
 * identifier, `_id`) translate to conditions on those columns and their indexes; any other field
 * is read from the stored JSON with json_extract. Regular expressions (`/pattern/flags`, where
 * Nightscout's walker applies parseRegEx, or `$regex`) cannot run in SQLite and are returned to be
 * matched in code on the served documents.
 *
 * Values are typed as Nightscout's walkers type them: dates as epoch ms or ISO 8601 (any offset),
 * `sgv`/`mbg`/`insulin`/`carbs`/`glucose` with parseInt; a value that cannot be typed is a 422
 * naming the query key. Without a condition on the date field or `_id`, Nightscout's default
 * window applies (query.js enforceDateFilter: the last 4 days).
 */
import type { FieldError } from "../lib/errors.ts";
import { invalid } from "../lib/errors.ts";
import { TREND_DIRECTIONS } from "../../vocabulary/trend.ts";

export type Op = "$eq" | "$ne" | "$gt" | "$gte" | "$lt" | "$lte" | "$in" | "$nin" | "$exists" | "$regex";
const OPS = new Set<string>(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$regex"]);

export interface Condition {
  /** Dotted field path (`pump.battery.percent`). */
  field: string;
  op: Op;
  values: string[];
  /** The query key, for error messages. */
  key: string;
}

/** query.js: default_options deltaAgo, TWO_DAYS * 2. */
export const DEFAULT_WINDOW_MS = 4 * 86_400_000;

/**
 * The `find` conditions of a query string. `find[a][b][$gte]=1` is `a.b $gte 1`; `find[a]=x` is
 * `$eq`; `$in`/`$nin` take repeated keys (`[$in][]=`, `[$in][0]=`) or one value.
 */
export function parseFind(params: URLSearchParams): Condition[] {
  const out = new Map<string, Condition>();
  const errors: FieldError[] = [];
  for (const [key, value] of params) {
    if (!key.startsWith("find[")) continue;
    const m = /^find((?:\[[^\]]*\])+)$/.exec(key);
    if (!m) {
      errors.push({ path: key, message: "must look like find[field] or find[field][$op]" });
      continue;
    }
    const segments = m[1]!.slice(1, -1).split("][");
    const opAt = segments.findIndex((s) => s.startsWith("$"));
    const path = opAt === -1 ? segments : segments.slice(0, opAt);
    const op = opAt === -1 ? "$eq" : segments[opAt]!;
    const rest = opAt === -1 ? [] : segments.slice(opAt + 1);
    const fieldOk = path.length > 0 && path.every((s) => /^[A-Za-z0-9_.@-]+$/.test(s));
    const restOk = rest.length === 0 || (rest.length === 1 && (op === "$in" || op === "$nin") && /^\d*$/.test(rest[0]!));
    if (!fieldOk || !OPS.has(op) || !restOk) {
      errors.push({ path: key, message: "must be find[field] or find[field][$op] with $eq, $ne, $gt, $gte, $lt, $lte, $in, $nin, $exists or $regex" });
      continue;
    }
    const field = path.join(".");
    const id = `${field}\u0000${op}`;
    const existing = out.get(id);
    // Repeated `$in`/`$nin` keys add values; a repeated `$ne` (Trio sends find[enteredBy][$ne] twice) excludes each.
    if (existing && (op === "$in" || op === "$nin" || op === "$ne")) existing.values.push(value);
    else out.set(id, { field, op: op as Op, values: [value], key });
  }
  if (errors.length) throw invalid(errors);
  return [...out.values()];
}

export type FieldKind = "time" | "int" | "number" | "text" | "trend" | "json";

export interface FieldSpec {
  /** SQL expression of the field's value. */
  sql: string;
  kind: FieldKind;
  /** A condition that must hold for the field to exist at all (mbg only on meter readings). */
  exists?: string;
}

export interface CollectionSpec {
  fields: Record<string, FieldSpec>;
  /** SQL expression of the stored JSON document, for fields without a column. */
  json: string;
  /** Fields whose plain values are regular expressions when written `/…/` (query.js parseRegEx). */
  regexFields: ReadonlySet<string>;
  /** Fields whose values Nightscout's walker types with parseInt. */
  intFields: ReadonlySet<string>;
  /** The date field(s) whose presence lifts the default window. */
  dateFields: ReadonlySet<string>;
  /** SQL of the time column, for the default window. */
  timeSql: string;
  /** Translates a condition on `_id` (the id column and, for UUIDs, the identifier). */
  id: (values: string[]) => { sql: string; params: unknown[] };
  /** Translates a condition on `type`, when the collection has one not held in a column. */
  type?: (value: string) => string;
}

export interface Translated {
  where: string[];
  params: unknown[];
  /** Conditions matched in code on the served document (regular expressions). */
  inCode: { field: string; regex: RegExp; negate: boolean }[];
}

/** Epoch ms of a query date: digits are epoch ms, anything else ISO 8601 ('+' may arrive as ' '). */
export function parseQueryTime(v: string): number | null {
  const s = v.trim().replace(" ", "+");
  if (/^-?\d+(\.\d+)?$/.test(s)) return Math.round(Number(s));
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : null;
}

/** `/pattern/flags` as a RegExp (query.js parseRegEx), or null for a plain value. */
export function parseRegex(v: string): RegExp | null {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(v);
  if (!m) return null;
  try {
    return new RegExp(m[1]!, m[2]);
  } catch {
    return null;
  }
}

const jsonPath = (field: string) => "$" + field.split(".").map((s) => `."${s.replace(/"/g, "")}"`).join("");

const SQL_OP: Record<string, string> = { $eq: "=", $ne: "!=", $gt: ">", $gte: ">=", $lt: "<", $lte: "<=" };
/** D1 binds at most 100 parameters per statement; a `$in` list gets at most this many. */
export const MAX_IN = 50;

/**
 * SQL conditions (joined with AND by the caller) for the conditions, plus the regular
 * expressions left for code. Adds the default date window unless a date or `_id` is named.
 */
export function translate(conditions: Condition[], spec: CollectionSpec, opts: { defaultWindow: boolean; now?: number }): Translated {
  const where: string[] = [];
  const params: unknown[] = [];
  const inCode: Translated["inCode"] = [];
  const errors: FieldError[] = [];
  let dated = false;
  for (const cond of conditions) {
    const { field, op, values, key } = cond;
    if (spec.dateFields.has(field) || field === "_id") dated = true;
    const regex = op === "$regex" ? parseRegex(`/${values[0]}/`) : spec.regexFields.has(field) && (op === "$eq" || op === "$ne") ? parseRegex(values[0]!) : null;
    if (op === "$regex" && !regex) {
      errors.push({ path: key, message: "is not a valid regular expression" });
      continue;
    }
    if (regex) {
      inCode.push({ field, regex, negate: op === "$ne" });
      continue;
    }
    if ((op === "$in" || op === "$nin") && values.length > MAX_IN) {
      errors.push({ path: key, message: `takes at most ${MAX_IN} values` });
      continue;
    }
    if (field === "_id") {
      if (op !== "$eq" && op !== "$in" && op !== "$ne" && op !== "$nin") {
        errors.push({ path: key, message: "_id takes $eq, $ne, $in or $nin" });
        continue;
      }
      const t = spec.id(values);
      where.push(op === "$ne" || op === "$nin" ? `NOT (${t.sql})` : `(${t.sql})`);
      params.push(...t.params);
      continue;
    }
    if (field === "type" && spec.type) {
      const preds = values.map((v) => spec.type!(v));
      if (op === "$exists") where.push(values[0] === "false" ? "0" : "1");
      else if (op === "$eq" || op === "$in") where.push(`(${preds.join(" OR ")})`);
      else if (op === "$ne" || op === "$nin") where.push(`NOT (${preds.join(" OR ")})`);
      else errors.push({ path: key, message: "type takes $eq, $ne, $in, $nin or $exists" });
      continue;
    }
    const known = spec.fields[field];
    const fs: FieldSpec = known ?? { sql: `json_extract(${spec.json}, '${jsonPath(field)}')`, kind: spec.intFields.has(field) ? "int" : "json" };
    if (op === "$exists") {
      const yes = values[0] !== "false" && values[0] !== "0";
      const present = `(${fs.sql} IS NOT NULL${fs.exists ? ` AND ${fs.exists}` : ""})`;
      where.push(yes ? present : `NOT ${present}`);
      continue;
    }
    const typed: unknown[] = [];
    for (const v of values) {
      const t = typeValue(fs.kind, v);
      if (t === undefined) errors.push({ path: key, message: fs.kind === "time" ? "must be epoch milliseconds or an ISO 8601 date" : "must be a number" });
      else typed.push(t);
    }
    if (typed.length !== values.length) continue;
    const guard = fs.exists ? `${fs.exists} AND ` : "";
    if (op === "$in" || op === "$nin") {
      const list = typed.map(() => "?").join(", ");
      where.push(op === "$in" ? `(${guard}${fs.sql} IN (${list}))` : `NOT (${guard}coalesce(${fs.sql} IN (${list}), 0))`);
      params.push(...typed);
    } else if (op === "$ne") {
      // Mongo's $ne also matches documents without the field.
      where.push(`NOT (${guard}coalesce(${fs.sql} IN (${typed.map(() => "?").join(", ")}), 0))`);
      params.push(...typed);
    } else {
      where.push(`(${guard}${fs.sql} ${SQL_OP[op]} ?)`);
      params.push(typed[0]);
    }
  }
  if (errors.length) throw invalid(errors);
  if (opts.defaultWindow && !dated) {
    where.push(`${spec.timeSql} >= ?`);
    params.push((opts.now ?? Date.now()) - DEFAULT_WINDOW_MS);
  }
  return { where, params, inCode };
}

const TREND_CODES = new Map<string, number>(TREND_DIRECTIONS.map((t, i) => [t, i + 1]));

function typeValue(kind: FieldKind, v: string): unknown {
  switch (kind) {
    case "time":
      return parseQueryTime(v) ?? undefined;
    case "int": {
      const n = Number.parseInt(v, 10);
      return Number.isNaN(n) ? undefined : n;
    }
    case "number": {
      const n = Number(v);
      return v.trim() === "" || Number.isNaN(n) ? undefined : n;
    }
    case "trend":
      return TREND_CODES.get(v) ?? -1;
    case "json":
      // A number where it looks like one (json_extract gives numbers as numbers), else text.
      return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v === "true" ? 1 : v === "false" ? 0 : v;
    default:
      return v;
  }
}

/** The value at a dotted path of a served document. */
export function valueAt(doc: Record<string, unknown>, field: string): unknown {
  let v: unknown = doc;
  for (const s of field.split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[s] : undefined;
  return v;
}

/** Whether a served document passes the regular expressions left for code. */
export function matchesInCode(doc: Record<string, unknown>, inCode: Translated["inCode"]): boolean {
  return inCode.every(({ field, regex, negate }) => {
    const v = valueAt(doc, field);
    const hit = v !== undefined && v !== null && regex.test(String(v));
    return negate ? !hit : hit;
  });
}
