import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

export type Db = ReturnType<typeof getDb>;

/** A drizzle client over the D1 binding (cheap: create one per request). */
export const getDb = (d1: D1Database) => drizzle(d1, { schema });
