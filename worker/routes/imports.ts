/**
 * @module worker/routes/imports
 * `POST /api/v1/imports?format=…&timezone=…`: a whole export file as the body, or a multipart
 * form with a `file` field. The interop parsers (interop/) read it as a stream; rows are stored
 * through the same paths as native uploads, so re-importing a file stores nothing new (readings
 * de-duplicate by (time, source), records by identical content).
 *
 * A file too large for one request is sent in parts (`upload_id`, `part`, `last`): the protocol
 * and its caps are in worker/imports/parts.ts; a whole file is read by worker/imports/whole.ts,
 * and both store their rows through worker/imports/run.ts.
 *
 * `format=csv` reads glucose from any delimited file: `mapping` (JSON, interop's CsvColumnMapping)
 * names the columns, else they are guessed from the first 4 KB (guessCsvMapping).
 * `format=glucolens-json` takes our own `GET /api/v1/export?format=json` document back (whole only).
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";
import { invalid } from "../lib/errors.ts";
import { importPart, partQuery } from "../imports/parts.ts";
import { importWhole } from "../imports/whole.ts";

export const importRoutes = new OpenAPIHono<AppEnv>();

importRoutes.post("/", async (c) => {
  const uploadId = c.req.query("upload_id");
  if (uploadId !== undefined) return importPart(c, partQuery(c, uploadId));
  if (c.req.query("part") !== undefined || c.req.query("last") !== undefined) throw invalid([{ path: "upload_id", message: "is required with part and last" }]);
  return importWhole(c);
});
