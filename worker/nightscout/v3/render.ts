/**
 * @module worker/nightscout/v3/render
 * API v3's output formats (lib/api3/shared/renderer.js): READ, SEARCH and HISTORY answer JSON,
 * CSV or XML, chosen by an extension on the path (`/entries.csv`, `/entries/<id>.xml`,
 * `/entries/history/<ms>.csv`; extension2accept) or else by the Accept header (Express's
 * res.format: the best match by quality, JSON when there is no header). Anything else is 406
 * "Unsupported output format requested". CSV is csv-stringify with `header: true` (columns from
 * the first document); XML is EasyXml with root element `item` (`items` for a list) and the XML
 * declaration, as Nightscout renders them.
 */
import type { Context } from "hono";
import { stringify } from "csv-stringify/sync";
import EasyXml from "easyxml";
import Negotiator from "negotiator";
import type { AppEnv } from "../../env.ts";
import { V3_EXTENSION } from "../paths.ts";
import { MSG, sendJson, V3Error } from "./respond.ts";

type Format = "json" | "csv" | "xml";

const CONTENT_TYPE: Record<Format, string> = {
  json: "application/json; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  xml: "application/xml; charset=utf-8",
};

/** Media types in Express's order of preference; text/xml is taken as XML too. */
const MEDIA_TYPES: [string, Format][] = [
  ["application/json", "json"],
  ["text/csv", "csv"],
  ["application/xml", "xml"],
  ["text/xml", "xml"],
];

function requestedFormat(c: Context<AppEnv>): Format | null {
  const extension = V3_EXTENSION.exec(new URL(c.req.url).pathname)?.[2]?.toLowerCase();
  if (extension) return extension === "json" || extension === "csv" || extension === "xml" ? extension : null;
  const accept = c.req.header("accept");
  if (!accept?.trim()) return "json";
  const best = new Negotiator({ headers: { accept } }).mediaType(MEDIA_TYPES.map(([type]) => type));
  return MEDIA_TYPES.find(([type]) => type === best)?.[1] ?? null;
}

/** An XML element name for any document key (a key such as "bad key" or "1st" would break the XML). */
function xmlName(key: string): string {
  const name = key.replace(/[^\w.-]/g, "_");
  return /^[A-Za-z_]/.test(name) ? name : `n${name}`;
}

function xmlSafe(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(xmlSafe);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [xmlName(k), xmlSafe(v)]));
}

const xml = new EasyXml({ rootElement: "item", dateFormat: "ISO", manifest: true });

/** A READ, SEARCH or HISTORY result (one document or a list) in the requested format, or 406. */
export function render(c: Context<AppEnv>, data: Record<string, unknown> | Record<string, unknown>[]) {
  const format = requestedFormat(c);
  if (!format) throw new V3Error(406, MSG.UNSUPPORTED_FORMAT, [{ path: "Accept", message: "API v3 answers application/json, text/csv or application/xml (or a .json, .csv or .xml extension)" }]);
  c.header("Vary", "Accept");
  if (format === "csv") return c.body(stringify(Array.isArray(data) ? data : [data], { header: true }), 200, { "Content-Type": CONTENT_TYPE.csv });
  if (format === "xml") return c.body(xml.render(xmlSafe(data)), 200, { "Content-Type": CONTENT_TYPE.xml });
  return sendJson(c, 200, data);
}
