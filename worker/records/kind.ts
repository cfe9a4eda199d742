/**
 * @module worker/records/kind
 * What one kind of lifestyle record (meal, sleep session, …) must define so that the generic
 * repository (worker/repositories/records.ts) and routes (worker/routes/records.ts) can serve
 * create, bulk create, list, get, update and delete for it.
 */
import type { z } from "@hono/zod-openapi";
import type { SQLiteColumn, SQLiteTableWithColumns } from "drizzle-orm/sqlite-core";
import type { FieldError } from "../lib/errors.ts";

// Every record table has these columns (see worker/db/schema.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RecordTable = SQLiteTableWithColumns<any> & {
  id: SQLiteColumn;
  userId: SQLiteColumn;
  updatedAt: SQLiteColumn;
};

export interface RecordKind<Input extends z.ZodObject = z.ZodObject> {
  /** OpenAPI component names: `<schemaName>` for responses, `<schemaName>Input` for bodies. */
  schemaName: string;
  /** Singular, for messages: "Meal". */
  label: string;
  /** URL segment under /api/v1: "meals". */
  path: string;
  /** OpenAPI tag. */
  tag: string;
  table: RecordTable;
  /** The column lists filter and order by (`time`, `start` or `date`). */
  timeColumn: SQLiteColumn;
  /** The column whose local day a record belongs to for daily summaries; defaults to `timeColumn` (sleep: `end`). */
  dayKey?: string;
  /** Create body (API field names, snake_case). Optional fields accept null. Unknown fields are refused. */
  input: Input;
  /** Response shape (API field names), without `id`. */
  output: z.ZodObject;
  /** Checks across fields (end after start, …); paths name API fields. */
  check?: (value: z.output<Input>) => FieldError[];
  /** Parsed input → column values (camelCase keys of the drizzle table). */
  toRow: (value: z.output<Input>) => Record<string, unknown>;
  /** Row → response body without `id`. */
  fromRow: (row: Record<string, unknown>) => Record<string, unknown>;
  /**
   * Row → an input document that re-parses to the same row, so PATCH can merge a partial body
   * into it and validate the result as a whole. Defaults to `fromRow`.
   */
  toInput?: (row: Record<string, unknown>) => Record<string, unknown>;
  /** Merges a PATCH body into the stored record's input document. Defaults to `{...current, ...patch}`. */
  merge?: (current: Record<string, unknown>, patch: Record<string, unknown>) => Record<string, unknown>;
}

export const defineRecordKind = <Input extends z.ZodObject>(kind: RecordKind<Input>) => kind as unknown as RecordKind;
