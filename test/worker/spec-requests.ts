/**
 * Valid requests from the app's own OpenAPI document, for the spec-driven test
 * (openapi-conformance.test.ts): fast-check arbitraries that follow each operation's schemas
 * (examples first, then values generated within every declared constraint), with the right
 * credential and real ids of the user's own rows in the path. Zod checks that JSON Schema cannot
 * state (end after start, a real time zone) may still refuse some of them: a 422 that the
 * document lists is a correct answer too.
 *
 * The hostile requests come from fuzz-requests.ts; this file only makes the well-formed ones.
 */
import * as fc from "fast-check";
import type { Credentials, FuzzRequest, JsonSchema, Operation } from "./fuzz-requests.ts";

type Resolve = (s: JsonSchema) => JsonSchema;

const DAY = 86_400_000;
/** Times within the last 30 days: never before 1990 nor more than a day ahead. */
const recent = fc.integer({ min: 0, max: 30 * DAY }).map((ago) => new Date(Date.now() - 3_600_000 - ago));
const word = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789"), minLength: 1, maxLength: 12 });

/** Well-known values tried first against a `pattern` (dates, times, zones, ids), since a value generated from the regex alone is rarely a real date. */
const PATTERN_CANDIDATES = () => {
  const d = new Date(Date.now() - 3 * DAY);
  return [d.toISOString(), d.toISOString().slice(0, 10), "07:30", "22:00", "Europe/Berlin", "6f1c2b0e-8d2a-4c57-9a43-2f7f0b6d1e21", "acme-cloud", "alex@example.com"];
};

/** What a property's name says its strings are, where the schema does not (zod's email and time-zone checks have no JSON Schema form). */
function hinted(key: string | undefined): fc.Arbitrary<string> | null {
  if (!key) return null;
  if (/email/i.test(key)) return word.map((w) => `${w}@example.com`);
  if (/time_?zone/i.test(key)) return fc.constantFrom("Europe/Berlin", "UTC", "America/New_York");
  return null;
}

function stringArb(s: JsonSchema, key?: string): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 24, Math.max(min, 24));
  const fits = (v: string) => v.length >= min && v.length <= (s.maxLength ?? Infinity);
  if (s.format === "date-time") return recent.map((d) => d.toISOString());
  if (s.format === "date") return recent.map((d) => d.toISOString().slice(0, 10));
  if (s.format === "email") return word.map((w) => `${w}@example.com`);
  if (s.format === "uuid") return fc.uuid();
  if (s.format === "uri" || s.format === "url") return word.map((w) => `https://example.com/${w}`);
  const hint = hinted(key);
  if (hint) return hint;
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    const known = PATTERN_CANDIDATES().filter((v) => re.test(v) && fits(v));
    return known.length ? fc.constantFrom(...known) : fc.stringMatching(re).filter(fits);
  }
  return fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz ABC0123456789-"), minLength: min, maxLength: max });
}

function numberArb(s: JsonSchema, integer: boolean, key?: string): fc.Arbitrary<number> {
  // An unbounded whole number named like a time is epoch milliseconds.
  if (integer && s.minimum === undefined && key && /time|start|end|date|_at$/i.test(key)) return recent.map((d) => d.getTime());
  const lo = s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-6) : (s.minimum ?? 0);
  const hi = s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : 1e-6) : (s.maximum ?? lo + 1000);
  if (integer) return fc.integer({ min: Math.ceil(lo), max: Math.floor(Math.min(hi, Number.MAX_SAFE_INTEGER)) });
  return fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }).map((x) => Math.round(x * 10) / 10).filter((x) => x >= lo && x <= hi);
}

const exampleOf = (s: JsonSchema): unknown[] => [...(s.example !== undefined ? [s.example] : []), ...(Array.isArray(s.examples) ? s.examples : [])];

/** A value the schema accepts, its examples most often; `key` is the property's name. */
export function validFromSchema(schema: JsonSchema | undefined, resolve: Resolve, depth = 0, key?: string): fc.Arbitrary<unknown> {
  const s = schema ? resolve(schema) : {};
  const examples = exampleOf(s);
  const alts = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  let made: fc.Arbitrary<unknown>;
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
  if (alts?.length) made = fc.oneof(...alts.map((a) => validFromSchema(a, resolve, depth + 1, key)));
  else if (s.allOf?.length) made = validFromSchema(Object.assign({}, ...s.allOf.map(resolve)), resolve, depth + 1, key);
  else {
    const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ["object"] : ["string"];
    const type = types.find((t) => t !== "null") ?? "null";
    if (type === "null") made = fc.constant(null);
    else if (type === "object") {
      const props = Object.entries((s.properties ?? {}) as Record<string, JsonSchema>);
      const required = new Set<string>(s.required ?? []);
      // Deep optional parts are left out: they multiply the cases without adding much.
      const keep = depth > 1 ? props.filter(([k]) => required.has(k)) : props;
      made = fc.record(Object.fromEntries(keep.map(([k, v]) => [k, validFromSchema(v, resolve, depth + 1, k)])), { requiredKeys: keep.filter(([k]) => required.has(k)).map(([k]) => k) });
    } else if (type === "array") made = fc.array(validFromSchema(s.items, resolve, depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 3, 3)) });
    else if (type === "integer" || type === "number") made = numberArb(s, type === "integer", key);
    else if (type === "boolean") made = fc.boolean();
    else made = stringArb(s, key);
    if (types.includes("null")) made = fc.oneof({ weight: 4, arbitrary: made }, { weight: 1, arbitrary: fc.constant(null) });
  }
  return examples.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...examples) }, { weight: 1, arbitrary: made }) : made;
}

/** The id of the user's own row that a `{id}`-like path parameter should name, if any. */
function ownId(op: Operation, name: string, cred: Credentials): string | undefined {
  if (name === "user_id") return cred.userPublicId;
  const prefix = op.path.slice(0, op.path.indexOf(`{${name}}`) - 1).replace(/^\/api\/v1\/following\/\{user_id\}/, "/api/v1");
  return cred.byPath[prefix];
}

const isJson = (type: string) => /^application\/(.+\+)?json\b/.test(type);

/** Requests the document describes as valid, sent with the credential the operation names. */
export function validRequestArb(op: Operation, raw: JsonSchema, cred: Credentials, base: string, resolve: Resolve): fc.Arbitrary<FuzzRequest> {
  const params = ((raw.parameters ?? []) as JsonSchema[]).map(resolve);
  const pathArbs = op.pathParams.map((name) => {
    const own = ownId(op, name, cred);
    const schema = params.find((p) => p.in === "path" && p.name === name)?.schema ?? { type: "string" };
    return own ? fc.constant(own) : validFromSchema(schema, resolve, 0, name).map(String).filter((v) => v.length > 0);
  });
  // Only a cursor the list returned is valid, so none is made up.
  const queryArbs = params
    .filter((p) => p.in === "query" && p.name !== "cursor")
    .map((p) => {
      const value = validFromSchema(p.schema, resolve, 0, p.name).map((v) => String(v));
      return (p.required ? value : fc.option(value, { nil: undefined })).map((v) => [p.name as string, v] as const);
    });
  const bodyType = op.bodyTypes.find(isJson) ?? op.bodyTypes[0];
  const bodySchema: JsonSchema = bodyType ? (raw.requestBody?.content?.[bodyType]?.schema ?? {}) : {};
  const bodyArb: fc.Arbitrary<string | undefined> =
    bodyType === undefined ? fc.constant(undefined) : isJson(bodyType) ? validFromSchema(bodySchema, resolve).map((v) => JSON.stringify(v)) : fc.constantFrom(...exampleOf(resolve(bodySchema)).map(String), "");
  const following = op.path.startsWith("/api/v1/following/{user_id}");
  return fc.record({ path: fc.tuple(...pathArbs), query: fc.tuple(...queryArbs), body: bodyArb }).map(({ path, query, body }) => {
    let i = 0;
    const url = new URL(base + op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(path[i++] as string)));
    for (const [k, v] of query) if (v !== undefined) url.searchParams.set(k, v);
    const headers: Record<string, string> = {};
    const token = following && cred.followerAccess ? cred.followerAccess : cred.access;
    if (op.security.includes("NightscoutSecret")) headers["api-secret"] = cred.apiSecret;
    else if (op.security.includes("Bearer")) headers.authorization = `Bearer ${token}`;
    if (body !== undefined && bodyType) headers["content-type"] = bodyType === "multipart/form-data" ? "application/octet-stream" : bodyType;
    return { method: op.method, url: url.toString(), headers, body, sign: op.path.startsWith("/api/v1/webhooks/cgm"), label: "valid" };
  });
}

/** The same request without any credential. */
export function anonymous(req: FuzzRequest): FuzzRequest {
  const headers = { ...req.headers };
  delete headers.authorization;
  delete headers["api-secret"];
  return { ...req, headers, sign: false, label: "anonymous" };
}
