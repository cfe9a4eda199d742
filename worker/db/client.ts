import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

export type Db = ReturnType<typeof createDb>;

const createDb = (d1: D1Database) => drizzle(d1, { schema });

/**
 * One drizzle client per D1 binding object, kept for the isolate's life: building the client
 * walks the relational schema, which showed up in profiles of the reading POST (~3.5 % of the
 * Worker's CPU). A WeakMap so a binding that goes away takes its client with it.
 */
const clients = new WeakMap<D1Database, Db>();

export function getDb(d1: D1Database): Db {
  let db = clients.get(d1);
  if (!db) {
    db = createDb(d1);
    clients.set(d1, db);
  }
  return db;
}
