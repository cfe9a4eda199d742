/**
 * @module worker/nightscout/http
 * What every Nightscout collection route shares: reading the body (one document or an array,
 * as express's JSON parser hands it to lib/api/*, or a form, as its urlencoded parser does),
 * `count`, times, the purifier, and the answer to a batch in which each item stands on its own.
 *
 * A batch answer: every good item is stored. The answer is Nightscout's array of stored documents,
 * in the order sent; an item that was refused stands in its place as
 * `{"error":{"code","message","fields"}}` naming its index and field. The status is 200 when
 * anything was stored or refused only for being a duplicate, so that no uploader (xDrip+'s
 * NightscoutUploader, Juggluco, AndroidAPS, which treat any non-2xx as "retry the whole batch")
 * resends the good items forever; a batch of one item, or one whose every item is bad, is 422 with
 * every field named.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiError, errorBody, invalid, type FieldError } from "../lib/errors.ts";
import { parse as parseForm } from "qs";
import { parseQueryTime } from "./query.ts";

/** Documents per request: Nightscout takes 50 MB bodies; our 8 MiB body limit comes first for large items. */
export const MAX_DOCUMENTS = 50_000;

/**
 * The body: JSON, or a form (`application/x-www-form-urlencoded`, which Nightscout's careportal
 * sends) read as body-parser's `extended` parser reads it, with qs (`a[b]=1` nests); `empty` when
 * there is none.
 */
export async function readBody(c: Context<AppEnv>, empty: unknown): Promise<unknown> {
  const text = await c.req.text();
  if (/^application\/x-www-form-urlencoded/i.test(c.req.header("content-type") ?? "")) return text.trim() === "" ? empty : parseForm(text);
  try {
    return text.trim() === "" ? empty : JSON.parse(text);
  } catch {
    throw new ApiError(400, "bad_request", "Request body is not valid JSON", [{ path: "body", message: "is not valid JSON" }]);
  }
}

/** The body as documents; `secret`/`token` fields are credentials, not data (authorization/index.js). */
export async function readDocuments(c: Context<AppEnv>): Promise<{ items: unknown[]; single: boolean }> {
  const body = await readBody(c, []);
  const single = !Array.isArray(body);
  const items = single ? [body] : (body as unknown[]);
  if (items.length > MAX_DOCUMENTS) throw invalid([{ path: "body", message: `at most ${MAX_DOCUMENTS} documents per request` }]);
  for (const item of items) {
    if (item && typeof item === "object") {
      delete (item as Record<string, unknown>).secret;
      delete (item as Record<string, unknown>).token;
    }
  }
  return { items, single };
}

export type ItemResult = { ok: true; doc: Record<string, unknown> } | { ok: false; fields: FieldError[] };

/** The answer to a batch (see the module comment). */
export function batchAnswer(c: Context<AppEnv>, results: ItemResult[], single: boolean) {
  const bad = results.filter((r): r is { ok: false; fields: FieldError[] } => !r.ok);
  if (bad.length && (single || bad.length === results.length)) throw invalid(bad.flatMap((r) => r.fields));
  const out = results.map((r) => (r.ok ? r.doc : errorBody("validation_failed", "This item was not stored", r.fields)));
  if (bad.length) c.header("X-Rejected-Items", String(bad.length));
  return c.json(out, 200);
}

/** Nightscout's largest `count` we serve (streamed); Nightscout Reporter asks for 100,000. */
export const MAX_COUNT = 1_000_000;

export function countOf(c: Context<AppEnv>, fallback: number): number {
  const raw = c.req.query("count");
  if (raw === undefined || raw === "") return fallback;
  // parseInt as Nightscout's list() does; a larger count (Loop's NightscoutKit asks for Int.max) reads at most MAX_COUNT.
  const n = Number.parseInt(raw, 10);
  if (!/^\s*\d+/.test(raw) || !(n >= 1)) throw invalid([{ path: "count", message: "must be a whole number of at least 1" }]);
  return Math.min(n, MAX_COUNT);
}

/** A document time: epoch ms (number or digits) or an ISO 8601 string with any offset. */
export function parseDocTime(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return Math.round(v);
  if (typeof v === "string" && v.trim()) return parseQueryTime(v);
  return null;
}

/** Minutes east of UTC written in an ISO 8601 string (moment.parseZone().utcOffset()), 0 without one. */
export function utcOffsetOf(v: unknown): number {
  if (typeof v !== "string") return 0;
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(v.trim());
  if (!m) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

export const iso = (ms: number) => new Date(ms).toISOString();

/**
 * lib/server/purifier.js purifyObject runs every non-numeric string of a document through
 * DOMPurify. Its effect on what clients send is kept: script-bearing elements (script, style,
 * iframe, object, embed) go with their content; in other tags, event-handler attributes and
 * attributes carrying `javascript:` go and the tag name is lower-cased
 * (`<IMG SRC="javascript:alert('XSS');">` → `<img>`, as tests/api.treatments.test.js expects).
 * Text outside tags is left as it was (DOMPurify would re-serialise it as HTML, turning `<` in
 * "BG < 70" into `&lt;`, which a JSON API need not do).
 */
export function purify<T>(value: T): T {
  if (typeof value === "string") return cleanString(value) as T;
  if (Array.isArray(value)) return value.map(purify) as T;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = purify(v);
    return out as T;
  }
  return value;
}

const DANGEROUS = /<(script|style|iframe|object|embed)\b[^>]*>[\s\S]*?<\/\1\s*>|<\/?(script|style|iframe|object|embed)\b[^>]*>/gi;
const TAG = /<(\/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s=>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>/g;
const ATTRIBUTE = /\s+([^\s=>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g;

function cleanString(s: string): string {
  if (!s.includes("<")) return s;
  return s.replace(DANGEROUS, "").replace(TAG, (_m, close: string, name: string, attrs: string, selfClose: string) => {
    const kept = [...attrs.matchAll(ATTRIBUTE)].filter(([, attr, val]) => !/^on/i.test(attr!) && !/javascript:/i.test(val ?? "")).map(([whole]) => whole);
    return `<${close}${name.toLowerCase()}${kept.join("")}${selfClose}>`;
  });
}

/**
 * `Last-Modified` from the newest document of an answer, and 304 Not Modified when the client's
 * `If-Modified-Since` is not older (lib/api/entries/index.js format_entries and
 * lib/api/treatments/index.js serveTreatments). HTTP dates carry whole seconds, so the newest time
 * is compared at the second (Nightscout compares milliseconds, so a `Last-Modified` echoed back
 * would rarely match there). A value that is not a date is ignored, as RFC 9110 §13.1.3 asks.
 * Answers the 304 response, or null to serve the documents.
 */
export function notModified(c: Context<AppEnv>, newest: number | null): Response | null {
  if (newest === null || !Number.isFinite(newest)) return null;
  c.header("Last-Modified", new Date(newest).toUTCString());
  const since = Date.parse(c.req.header("if-modified-since") ?? "");
  if (!Number.isFinite(since) || Math.floor(newest / 1000) * 1000 > since) return null;
  return c.body(null, 304);
}
