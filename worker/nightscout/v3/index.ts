/**
 * @module worker/nightscout/v3
 * Nightscout API v3 (lib/api3/ of nightscout/cgm-remote-monitor) under `/api/v3`, as AndroidAPS's
 * NSClientV3 uses it (core/nssdk NightscoutRemoteService.kt).
 *
 * Files: `security.ts` (Bearer / `?token=` → user and permissions), `respond.ts` (`{status,
 * result}` and `{status, message}` with the GlucoLens error envelope), `params.ts` (filters, sort,
 * limit, skip, fields, dates), `identifier.ts` (calculateIdentifier), `collection.ts` (what a
 * collection offers, and search), `documents.ts` + `collections.ts` (treatments, devicestatus,
 * food, profile, settings over their tables), `entries.ts` (readings), `operations.ts` (create,
 * read, search, update, patch, delete, history), `render.ts` (JSON, CSV or XML for read, search
 * and history), `specific.ts` (version, status, lastModified).
 */
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import type { ColName } from "./collection.ts";
import { COLLECTIONS } from "./collections.ts";
import { createOp, deleteOp, historyOp, patchOp, readOp, searchOp, updateOp } from "./operations.ts";
import { MSG, sendStatus, v3 } from "./respond.ts";
import { requireV3Auth } from "./security.ts";
import { lastModifiedOp, statusOp, versionOp } from "./specific.ts";

export const nightscoutV3Routes = new Hono<AppEnv>();

nightscoutV3Routes.get("/version", v3(versionOp));
nightscoutV3Routes.use("*", v3(async (c, next) => (c.req.path === "/api/v3/version" ? next() : requireV3Auth(c, next))));
nightscoutV3Routes.get("/status", v3(statusOp));
nightscoutV3Routes.get("/lastModified", v3(lastModifiedOp));

for (const name of Object.keys(COLLECTIONS) as ColName[]) {
  const col = COLLECTIONS[name];
  nightscoutV3Routes.get(`/${name}`, v3((c) => searchOp(c, col)));
  nightscoutV3Routes.post(`/${name}`, v3((c) => createOp(c, col)));
  nightscoutV3Routes.get(`/${name}/history`, v3((c) => historyOp(c, col, undefined)));
  nightscoutV3Routes.get(`/${name}/history/:lastModified`, v3((c) => historyOp(c, col, c.req.param("lastModified"))));
  nightscoutV3Routes.get(`/${name}/:identifier`, v3((c) => readOp(c, col, c.req.param("identifier") ?? "")));
  nightscoutV3Routes.put(`/${name}/:identifier`, v3((c) => updateOp(c, col, c.req.param("identifier") ?? "")));
  nightscoutV3Routes.patch(`/${name}/:identifier`, v3((c) => patchOp(c, col, c.req.param("identifier") ?? "")));
  nightscoutV3Routes.delete(`/${name}/:identifier`, v3((c) => deleteOp(c, col, c.req.param("identifier") ?? "")));
}

// index.js: anything else is 404 "Bad operation or collection".
nightscoutV3Routes.all("*", (c) => sendStatus(c, 404, MSG.BAD_OPERATION));
