/**
 * @module worker/nightscout/v3/collection
 * What every API v3 collection offers the generic operations (lib/api3/generic/collection.js over
 * storage/mongoCollection): documents in v3 form (`identifier`, `srvCreated`, `srvModified`, and
 * `isValid: false` on deleted ones), found by identifier, by the deduplication rule, by filters,
 * and changed since a time. Each collection maps some fields onto SQL columns; every other filter
 * is matched in code on the served document.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { matches, type Filter, type Sort } from "./params.ts";

export type Doc = Record<string, unknown>;

/** A stored document: its v3 form and the key of its row. */
export interface Stored {
  doc: Doc;
  key: unknown;
  /** The `_id` of a document row. */
  nsId?: string;
  valid: boolean;
}

export type ColName = "devicestatus" | "entries" | "food" | "profile" | "settings" | "treatments";

export interface Column {
  sql: string;
  /** time: values are epoch ms (dates are parsed); number/text: compared as sent. */
  kind: "time" | "number" | "text";
}

export interface RowQuery {
  where: string[];
  params: unknown[];
  order: string;
  limit: number;
  offset: number;
  includeInvalid: boolean;
}

export interface Collection {
  name: ColName;
  /** Fields all present and equal identify a duplicate of a document without identifier (setup.js dedupFallbackFields). */
  dedupFallbackFields: string[];
  columns: Record<string, Column>;
  /** Default order: the collection's time. */
  timeSql: string;
  identifierSql: string;
  srvModifiedSql: string;
  rows(c: Context<AppEnv>, q: RowQuery): Promise<Stored[]>;
  findOne(c: Context<AppEnv>, identifier: string): Promise<Stored | null>;
  /** identifyingFilter: by identifier (or a 24-hex `_id` of a document without one), else by the fallback fields. */
  findDuplicate(c: Context<AppEnv>, doc: Doc): Promise<Stored | null>;
  insert(c: Context<AppEnv>, doc: Doc, now: number): Promise<void>;
  replace(c: Context<AppEnv>, stored: Stored, doc: Doc, now: number): Promise<void>;
  /** Soft delete (isValid false) at `now`, stamping `modifiedBy` when the credential has a subject (delete/operation.js). */
  markDeleted(c: Context<AppEnv>, stored: Stored, now: number, modifiedBy: string | null): Promise<void>;
  deletePermanently(c: Context<AppEnv>, stored: Stored): Promise<void>;
  /** Documents (deleted ones too) whose srvModified is after (or at) `since`, oldest change first. */
  history(c: Context<AppEnv>, since: number, inclusive: boolean, limit: number): Promise<Stored[]>;
  lastModified(c: Context<AppEnv>): Promise<number | null>;
}

const SQL_OP: Record<string, string> = { eq: "=", ne: "IS NOT", gt: ">", gte: ">=", lt: "<", lte: "<=" };
const PAGE = 1000;
/** Rows read at most to answer one search whose filters or sort are matched in code. */
const SCAN_CAP = 50_000;

/** findMany: filters on columns in SQL, the rest in code; sorted, skipped and limited. */
export async function search(c: Context<AppEnv>, col: Collection, filters: Filter[], sort: Sort, limit: number, skip: number): Promise<Doc[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const inCode: Filter[] = [];
  for (const f of filters) {
    const column = col.columns[f.field];
    if (!column || f.op === "re" || (column.kind === "time" && typeof f.value !== "number" && f.op !== "in" && f.op !== "nin")) {
      inCode.push(f);
      continue;
    }
    if (f.op === "in" || f.op === "nin") {
      const values = String(f.value).split("|").map((v) => (column.kind === "text" ? v : Number(v)));
      where.push(`${f.op === "nin" ? "NOT " : ""}coalesce(${column.sql} IN (SELECT value FROM json_each(?)), 0)`);
      params.push(JSON.stringify(values));
    } else {
      where.push(`${column.sql} ${SQL_OP[f.op]} ?`);
      params.push(typeof f.value === "boolean" ? Number(f.value) : f.value);
    }
  }
  const dir = sort.desc ? "DESC" : "ASC";
  const sortColumn = sort.field ? col.columns[sort.field] : { sql: col.timeSql };
  const order = sortColumn ? `${sortColumn.sql} ${dir}, ${col.identifierSql} ${dir}` : `${col.timeSql} ASC`;
  if (!inCode.length && sortColumn) {
    return (await col.rows(c, { where, params, order, limit, offset: skip, includeInvalid: false })).map((s) => s.doc);
  }
  const out: Doc[] = [];
  for (let offset = 0; offset < SCAN_CAP; offset += PAGE) {
    const page = await col.rows(c, { where, params, order, limit: PAGE, offset, includeInvalid: false });
    for (const s of page) if (inCode.every((f) => matches(s.doc, f))) out.push(s.doc);
    if (page.length < PAGE || (sortColumn && out.length >= skip + limit)) break;
  }
  if (!sortColumn && sort.field) {
    const field = sort.field;
    const sign = sort.desc ? -1 : 1;
    out.sort((a, b) => {
      const x = a[field] as number | string | undefined;
      const y = b[field] as number | string | undefined;
      return x === y ? 0 : x === undefined ? 1 : y === undefined ? -1 : x < y ? -sign : sign;
    });
  }
  return out.slice(skip, skip + limit);
}
