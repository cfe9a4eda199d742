/**
 * @module worker/routes/export
 * `GET /api/v1/export?format=json|csv|fhir&start&end` and `GET /api/v1/export/{type}.csv`: every
 * record type of the user, streamed page by page so a long range never sits in memory whole.
 * - json: one document `{"format":"glucolens-json","version":1,"glucose":[…],"meals":[…],…}`
 *   in the API's own shapes, which `POST /api/v1/imports?format=glucolens-json` takes back.
 * - csv: `format=csv` a zip (fflate, deflated as it streams) holding one CSV per record type;
 *   `/export/{type}.csv` one of those CSVs alone. Notes are a record type too. With
 *   `Accept: application/json` (without zip or the any-type wildcard), the list of per-type URLs instead.
 * - fhir: an R4 `Bundle` (type collection) of Observations: glucose LOINC 2339-0 (mg/dL),
 *   HbA1c 4548-4, blood pressure panel 85354-9 (8480-6 / 8462-4), body weight 29463-7.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { Zip, ZipDeflate } from "fflate";
import type { Context } from "hono";
import { userDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { invalid, notFound, type FieldError } from "../lib/errors.ts";
import { recordKinds, type RecordKind } from "../records/index.ts";
import { listReadings } from "../repositories/readings.ts";
import { listRecords, type Row } from "../repositories/records.ts";
import { iso, TimeQuery } from "../schemas/common.ts";
import { csvField } from "../../interop/csv-guard.ts";

const PAGE = 5_000;

function range(c: Context<AppEnv>): { start?: number; end?: number } {
  const fields: FieldError[] = [];
  const out: { start?: number; end?: number } = {};
  for (const key of ["start", "end"] as const) {
    const raw = c.req.query(key);
    if (raw === undefined) continue;
    const p = TimeQuery.safeParse(raw);
    if (p.success) out[key] = p.data;
    else fields.push({ path: key, message: "must be ISO 8601 with a UTC offset, or epoch milliseconds" });
  }
  if (out.start !== undefined && out.end !== undefined && out.start >= out.end) fields.push({ path: "end", message: "must be after start" });
  if (fields.length) throw invalid(fields);
  return out;
}

interface GlucoseOut {
  time: string;
  value: number;
  unit: "mg/dL";
  source: string;
  trend: string | null;
  flags: number | null;
}

async function* glucosePages(c: Context<AppEnv>, r: { start?: number; end?: number }): AsyncGenerator<GlucoseOut[]> {
  const db = await userDb(c);
  let after: { time: number; sourceId: number } | undefined;
  for (;;) {
    const page = await listReadings(db, c.get("user").id, { start: r.start, end: r.end, limit: PAGE, after });
    yield page.items.map((x) => ({ time: iso(x.time), value: x.value, unit: "mg/dL" as const, source: x.source, trend: x.trend, flags: x.flags ?? null }));
    if (!page.more || !page.last) return;
    after = page.last;
  }
}

async function* recordPages(c: Context<AppEnv>, kind: RecordKind, r: { start?: number; end?: number }): AsyncGenerator<Record<string, unknown>[]> {
  const db = await userDb(c);
  let after: { time: number; id: number } | undefined;
  for (;;) {
    const page = await listRecords(db, c.get("user").id, kind, { start: r.start, end: r.end, limit: PAGE, after });
    yield page.items.map((row: Row) => ({ id: row.id, ...kind.fromRow(row) }));
    const last = page.items.at(-1);
    if (!page.more || !last) return;
    after = { time: last[kind.timeColumn.name] as number, id: last.id };
  }
}

/** Streams what `produce` writes; errors after the headers went out end the stream (logged). */
function streamed(c: Context<AppEnv>, type: string, produce: (write: (s: string) => Promise<void>) => Promise<void>, filename?: string) {
  const encoder = new TextEncoder();
  return streamedBytes(c, type, (write) => produce((s) => write(encoder.encode(s))), filename);
}

function streamedBytes(c: Context<AppEnv>, type: string, produce: (write: (bytes: Uint8Array) => Promise<void>) => Promise<void>, filename?: string) {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  c.executionCtx.waitUntil(
    produce((bytes) => writer.write(bytes))
      .then(() => writer.close())
      .catch((err: unknown) => {
        console.error(JSON.stringify({ level: "error", event: "export.failed", error: String(err) }));
        return writer.abort(err);
      }),
  );
  const headers: Record<string, string> = { "content-type": type };
  if (filename) headers["content-disposition"] = `attachment; filename="${filename}"`;
  return new Response(readable, { status: 200, headers });
}

async function writeJson(c: Context<AppEnv>, r: { start?: number; end?: number }, write: (s: string) => Promise<void>) {
  await write(`{"format":"glucolens-json","version":1,"exported_at":${JSON.stringify(iso(Date.now()))},"unit":"mg/dL","glucose":[`);
  let first = true;
  for await (const page of glucosePages(c, r)) {
    for (const x of page) {
      await write((first ? "" : ",") + JSON.stringify(x));
      first = false;
    }
  }
  await write("]");
  for (const kind of recordKinds) {
    await write(`,${JSON.stringify(kind.path)}:[`);
    first = true;
    for await (const page of recordPages(c, kind, r)) {
      if (!page.length) continue;
      await write((first ? "" : ",") + page.map((x) => JSON.stringify(x)).join(","));
      first = false;
    }
    await write("]");
  }
  await write("}");
}

const CSV_TYPES = ["glucose", ...recordKinds.map((k) => k.path)];

async function writeCsv(c: Context<AppEnv>, type: string, r: { start?: number; end?: number }, write: (s: string) => Promise<void>) {
  if (type === "glucose") {
    await write("time,value,unit,source,trend,flags\r\n");
    for await (const page of glucosePages(c, r)) if (page.length) await write(page.map((x) => [x.time, x.value, x.unit, x.source, x.trend, x.flags].map(csvField).join(",")).join("\r\n") + "\r\n");
    return;
  }
  const kind = recordKinds.find((k) => k.path === type)!;
  const columns = ["id", ...Object.keys(kind.output.shape)];
  await write(columns.join(",") + "\r\n");
  for await (const page of recordPages(c, kind, r)) if (page.length) await write(page.map((x) => columns.map((k) => csvField(x[k])).join(",")).join("\r\n") + "\r\n");
}

/**
 * Every CSV in one zip. fflate's streaming `Zip` hands out compressed pieces through a callback;
 * each is written before more rows are read (`await flushed`), so memory stays at about one page
 * of rows however long the range.
 */
async function writeZip(c: Context<AppEnv>, r: { start?: number; end?: number }, write: (bytes: Uint8Array) => Promise<void>) {
  let flushed: Promise<void> = Promise.resolve();
  let failed: Error | null = null;
  const zip = new Zip((err, data, final) => {
    if (err) failed = err;
    else if (data.length || final) flushed = flushed.then(() => write(data));
  });
  const encoder = new TextEncoder();
  for (const type of CSV_TYPES) {
    const file = new ZipDeflate(`${type}.csv`, { level: 6 });
    file.mtime = Date.now();
    zip.add(file);
    await writeCsv(c, type, r, async (s) => {
      file.push(encoder.encode(s));
      await flushed;
      if (failed) throw failed;
    });
    file.push(new Uint8Array(0), true);
    await flushed;
  }
  zip.end();
  await flushed;
  if (failed) throw failed;
}

const LOINC = "http://loinc.org";
const UCUM = "http://unitsofmeasure.org";
const quantity = (value: number, unit: string, code: string) => ({ value, unit, system: UCUM, code });
const observation = (id: string, code: string, display: string, time: string, extra: Record<string, unknown>) => ({
  fullUrl: `urn:uuid:${id}`,
  resource: {
    resourceType: "Observation",
    id,
    status: "final",
    category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "vital-signs" }] }],
    code: { coding: [{ system: LOINC, code, display }] },
    subject: { reference: "Patient/self" },
    effectiveDateTime: time,
    ...extra,
  },
});

async function writeFhir(c: Context<AppEnv>, r: { start?: number; end?: number }, write: (s: string) => Promise<void>) {
  await write(`{"resourceType":"Bundle","type":"collection","timestamp":${JSON.stringify(iso(Date.now()))},"entry":[`);
  let first = true;
  const emit = async (entry: unknown) => {
    await write((first ? "" : ",") + JSON.stringify(entry));
    first = false;
  };
  for await (const page of glucosePages(c, r)) {
    for (const x of page) {
      await emit(observation(`glucose-${Date.parse(x.time)}-${encodeURIComponent(x.source)}`, "2339-0", "Glucose [Mass/volume] in Blood", x.time, { valueQuantity: quantity(x.value, "mg/dL", "mg/dL"), device: { display: x.source } }));
    }
  }
  for (const kind of recordKinds) {
    for await (const page of recordPages(c, kind, r)) {
      for (const x of page) {
        const id = `${kind.path}-${x.id as number}`;
        if (kind.path === "hba1c") await emit(observation(id, "4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", `${x.date as string}`, { valueQuantity: quantity(x.percent as number, "%", "%") }));
        else if (kind.path === "blood-pressure") {
          await emit(
            observation(id, "85354-9", "Blood pressure panel with all children optional", x.time as string, {
              component: [
                { code: { coding: [{ system: LOINC, code: "8480-6", display: "Systolic blood pressure" }] }, valueQuantity: quantity(x.systolic as number, "mmHg", "mm[Hg]") },
                { code: { coding: [{ system: LOINC, code: "8462-4", display: "Diastolic blood pressure" }] }, valueQuantity: quantity(x.diastolic as number, "mmHg", "mm[Hg]") },
              ],
            }),
          );
        } else if (kind.path === "body-metrics" && typeof x.weight_kg === "number") await emit(observation(id, "29463-7", "Body weight", x.time as string, { valueQuantity: quantity(x.weight_kg, "kg", "kg") }));
        else if (kind.path === "meals" && typeof x.carbs === "number") await emit(observation(id, "9059-7", "Carbohydrate intake", x.time as string, { valueQuantity: quantity(x.carbs, "g", "g") }));
        else if (kind.path === "insulin") await emit(observation(id, "25000-1", "Insulin dose", x.time as string, { valueQuantity: quantity(x.units as number, "U", "[IU]"), note: [{ text: `${x.kind as string}${x.insulin ? ` (${x.insulin as string})` : ""}` }] }));
      }
    }
  }
  await write("]}");
}

export const exportRoutes = new OpenAPIHono<AppEnv>();

exportRoutes.get("/", (c) => {
  const format = c.req.query("format") ?? "json";
  const r = range(c);
  if (format === "json") return streamed(c, "application/json", (w) => writeJson(c, r, w), "glucolens-export.json");
  if (format === "fhir") return streamed(c, "application/fhir+json", (w) => writeFhir(c, r, w), "glucolens-fhir.json");
  if (format === "csv") {
    // A client that asks for JSON only (the web site's settings page) gets the list of the
    // per-type files instead of the zip.
    const accept = c.req.header("accept") ?? "";
    if (/application\/json/i.test(accept) && !/application\/zip|\*\/\*/i.test(accept)) {
      const q = new URLSearchParams();
      for (const key of ["start", "end"]) if (c.req.query(key)) q.set(key, c.req.query(key)!);
      const suffix = q.size ? `?${q}` : "";
      return c.json({ format: "csv", files: CSV_TYPES.map((t) => ({ type: t, url: `/api/v1/export/${t}.csv${suffix}` })) }, 200);
    }
    return streamedBytes(c, "application/zip", (w) => writeZip(c, r, w), "glucolens-csv.zip");
  }
  throw invalid([{ path: "format", message: 'must be "json", "csv" or "fhir"' }]);
});

exportRoutes.get("/:file", (c) => {
  const m = /^([a-z0-9-]+)\.csv$/.exec(c.req.param("file"));
  if (!m || !CSV_TYPES.includes(m[1]!)) throw notFound("Export type");
  const r = range(c);
  return streamed(c, "text/csv; charset=utf-8", (w) => writeCsv(c, m[1]!, r, w), `${m[1]}.csv`);
});
