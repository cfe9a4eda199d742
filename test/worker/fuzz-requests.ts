/**
 * Request generators for the fuzzer (fuzz.test.ts): fast-check arbitraries that turn one
 * operation of the app's own OpenAPI document into malformed, oversized, wrongly typed and
 * hostile requests (path parameters, query strings, headers and bodies).
 *
 * Bodies follow the operation's JSON schema often enough to get past the first checks and reach
 * the deeper validation (a schema-shaped object with some fields of the wrong type, out of range
 * or hostile), and otherwise are arbitrary JSON, broken JSON, the wrong content type or too large.
 */
import * as fc from "fast-check";

export type JsonSchema = Record<string, any>;

export interface Operation {
  method: string;
  /** The OpenAPI path template, e.g. `/api/v1/meals/{id}`. */
  path: string;
  /** Path placeholders, from the template itself (interop routes declare none). */
  pathParams: string[];
  query: { name: string; schema: JsonSchema }[];
  body: JsonSchema | null;
  security: string[];
  /** The operation's responses by status (`"200"`, `"4XX"`, `"default"`), as in the document. */
  responses: Record<string, JsonSchema>;
  /** The operation's request body content types. */
  bodyTypes: string[];
}

export interface Credentials {
  access: string;
  /** An access token signed with another key, and one whose payload was altered. */
  forged: string[];
  apiSecret: string;
  userPublicId: string;
  webhookSecret: string;
  /** Real ids of the user's own rows, so some requests reach the handlers behind `{id}`. */
  ids: string[];
  /** The id of the user's record under each collection path (`/api/v1/meals` → its meal's id). */
  byPath: Record<string, string>;
  /** The access token of a caregiver following the user, when one was made. */
  followerAccess?: string;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Whether the webhook signature must be computed over the final body. */
  sign: boolean;
  /** What was generated, for the failure report. */
  label: string;
}

const BIG = 300 * 1024;
/** Larger than the 8 MiB bulk limit. */
const HUGE = 9 * 1024 * 1024;
let huge: string | undefined;

/** Routes that take up to 8 MiB (worker/app.ts); each gets one body beyond that. */
export const isBulk = (op: Operation) => /\/bulk$|\/(entries|treatments|devicestatus|imports|webhooks\/cgm)/.test(op.path) && op.method === "POST";

/** One request per bulk route with a body over its 8 MiB limit (sent once: they are costly). */
export function oversized(op: Operation, cred: Credentials, base: string): FuzzRequest {
  huge ??= `[${"1,".repeat(HUGE / 2)}1]`;
  const url = base + op.path.replace(/\{[^}]+\}/g, "acme-cloud");
  const headers: Record<string, string> = { "content-type": "application/json", ...(op.security.includes("Bearer") ? { authorization: `Bearer ${cred.access}` } : {}) };
  return { method: op.method, url, headers, body: huge, sign: op.path.includes("/webhooks/cgm"), label: "9 MiB body" };
}

/** Strings that have broken parsers before: empty, huge, control characters, injections, odd dates. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "", " ", "null", "undefined", "NaN", "Infinity", "-1", "0", "-0", "1e309", "0x1F", "9".repeat(400), "a".repeat(5000),
      "../../etc/passwd", "%00", "\u0000", "\uFFFF", "\uD800", "' OR 1=1 --", "\"; DROP TABLE users; --", "<script>alert(1)</script>",
      "{{7*7}}", "${7*7}", "__proto__", "constructor", "2024-13-45T99:99:99Z", "2025-01-01T00:00:00", "2025-01-01T00:00:00Z",
      "2025-01-01T00:00:00+25:00", "1714546800000", "-8640000000000001", "17145468000000000000", "Europe/Nowhere", "UTC",
      "mmol/L", "mg/dL", "sgv", "json", "csv", "fhir", "glucolens-json", "true", "[]", "{}", "a,b,c", "\r\n\r\nX: y",
    ),
  },
);

const hostileNumber: fc.Arbitrary<number | string> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, 1e308, -1e308, 2 ** 53 + 1, Number.MIN_VALUE, 0.1 + 0.2, 1e-300),
  fc.constantFrom("12", "1e2", "", "NaN"),
);

/** Any JSON value, shallow, with hostile leaves. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  leaf: fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null)),
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("leaf"),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom("__proto__", "constructor", "prototype")), tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** A value of the schema's shape, each part sometimes replaced by a hostile value. */
export function fromSchema(schema: JsonSchema | undefined, resolve: (s: JsonSchema) => JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const s = schema ? resolve(schema) : {};
  const wrong = hostileValue;
  if (depth > 4) return wrong;
  const alts = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (alts?.length) return fc.oneof(wrong, ...alts.map((a) => fromSchema(a, resolve, depth + 1)));
  if (s.allOf?.length) return fromSchema(Object.assign({}, ...s.allOf.map(resolve)), resolve, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== "null") : s.type;
  let right: fc.Arbitrary<unknown>;
  if (s.enum) right = fc.constantFrom(...(s.enum as unknown[]));
  else if (s.const !== undefined) right = fc.constant(s.const);
  else if (type === "object" || s.properties) {
    const props = Object.entries((s.properties ?? {}) as Record<string, JsonSchema>);
    const required = new Set<string>(s.required ?? []);
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [k, v] of props) shape[k] = fromSchema(v, resolve, depth + 1);
    right = fc
      .tuple(
        fc.record(shape, { requiredKeys: props.filter(([k]) => required.has(k)).map(([k]) => k) }),
        fc.option(fc.dictionary(hostileString, hostileValue, { maxKeys: 2 }), { freq: 3 }),
        fc.option(fc.subarray([...required]), { freq: 2 }),
      )
      .map(([obj, extra, drop]) => {
        // Unknown keys and missing required ones, each in some of the bodies.
        const out: Record<string, unknown> = { ...(obj as Record<string, unknown>), ...extra };
        for (const k of drop ?? []) delete out[k];
        return out;
      });
  } else if (type === "array") right = fc.array(fromSchema(s.items, resolve, depth + 1), { maxLength: depth === 0 ? 6 : 3 });
  else if (type === "integer") right = fc.oneof(fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 100_000 }), hostileNumber);
  else if (type === "number") right = fc.oneof(fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 100_000, noNaN: true }), hostileNumber);
  else if (type === "boolean") right = fc.boolean();
  else if (type === "string") {
    const dates = fc.date({ min: new Date("2000-01-01"), max: new Date("2030-01-01"), noInvalidDate: true });
    right = fc.oneof(
      hostileString,
      dates.map((d) => d.toISOString()),
      dates.map((d) => d.getTime()),
      fc.emailAddress(),
      fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 64, 64) }),
      fc.constantFrom("correct horse battery", "Europe/Berlin", "mg/dL", "mmol/L"),
    );
  } else right = hostileValue;
  return fc.oneof({ weight: 4, arbitrary: right }, { weight: 1, arbitrary: wrong });
}

const bodyKinds = (op: Operation, resolve: (s: JsonSchema) => JsonSchema): fc.Arbitrary<{ body?: string; type?: string; what: string }> => {
  const json = (v: unknown) => JSON.stringify(v) ?? "null";
  const shaped = op.body ? fromSchema(op.body, resolve) : hostileValue;
  // Nightscout routes take arrays of documents, webhooks {readings:[…]} or {records:[…]}.
  const documents = fc.oneof(fc.array(hostileValue, { maxLength: 5 }), fc.dictionary(fc.constantFrom("readings", "records", "sgv", "date", "type", "created_at", "eventType", "carbs", "insulin", "device", "dateString", "time", "value", "unit"), hostileValue, { maxKeys: 5 }));
  const kinds: fc.WeightedArbitrary<{ body?: string; type?: string; what: string }>[] = [
    { weight: 20, arbitrary: shaped.map((v) => ({ body: json(v), type: "application/json", what: "schema-shaped" })) },
    { weight: 3, arbitrary: documents.map((v) => ({ body: json(v), type: "application/json", what: "documents" })) },
    { weight: 2, arbitrary: hostileValue.map((v) => ({ body: json(v), type: "application/json", what: "any json" })) },
    { weight: 2, arbitrary: fc.string({ maxLength: 60 }).map((t) => ({ body: t, type: "application/json", what: "broken json" })) },
    { weight: 1, arbitrary: shaped.map((v) => ({ body: json(v).slice(0, -1), type: "application/json", what: "truncated json" })) },
    { weight: 1, arbitrary: shaped.map((v) => ({ body: json(v), type: "text/plain", what: "json as text/plain" })) },
    { weight: 1, arbitrary: fc.constantFrom("multipart/form-data; boundary=x", "multipart/form-data", "application/x-www-form-urlencoded", "application/json; charset=utf-16", "application/xml").map((type) => ({ body: "--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--x--", type, what: "odd content type" })) },
    { weight: 1, arbitrary: fc.constant({ what: "no body" }) },
    { weight: 1, arbitrary: fc.constant({ body: "", type: "application/json", what: "empty body" }) },
    { weight: 1, arbitrary: fc.constant({ body: `{"x":"${"a".repeat(BIG)}"}`, type: "application/json", what: "300 KiB body" }) },
  ];
  return fc.oneof(...kinds);
};

function queryArb(op: Operation): fc.Arbitrary<[string, string][]> {
  const declared = op.query.map((q) => q.name);
  const names = fc.oneof(
    { weight: 4, arbitrary: declared.length ? fc.constantFrom(...declared) : hostileString },
    { weight: 2, arbitrary: fc.constantFrom("start", "end", "limit", "cursor", "count", "format", "timezone", "mapping", "token", "find[date][$gte]", "find[dateString][$lte]", "find[type]", "find[created_at][$gt]", "days", "period_days", "source", "ticket", "unit") },
    { weight: 1, arbitrary: hostileString },
  );
  const values = fc.oneof(hostileString, hostileNumber.map(String), fc.date({ noInvalidDate: true, min: new Date("1900-01-01"), max: new Date("2100-01-01") }).map((d) => d.toISOString()));
  return fc.array(fc.tuple(names, values), { maxLength: 5 });
}

function headerArb(op: Operation, cred: Credentials): fc.Arbitrary<{ headers: Record<string, string>; sign: boolean; what: string }> {
  const bearer = fc.oneof(
    { weight: 8, arbitrary: fc.constant({ authorization: `Bearer ${cred.access}` }) },
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.oneof(hostileString, fc.constantFrom(...cred.forged).map((t) => `Bearer ${t}`), fc.constant("Basic dXNlcjpwYXNz"), fc.constant("Bearer ")).map((v) => ({ authorization: v })) },
  );
  const nightscout = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ "api-secret": cred.apiSecret }) },
    { weight: 2, arbitrary: bearer },
    { weight: 1, arbitrary: hostileString.map((v) => ({ "api-secret": v })) },
  );
  const nowS = () => Math.floor(Date.now() / 1000);
  const webhook = fc.oneof(
    { weight: 5, arbitrary: fc.constant({ headers: {}, sign: true }) },
    {
      weight: 2,
      arbitrary: fc
        .record({ user: fc.oneof(fc.constant(cred.userPublicId), hostileString), ts: fc.oneof(fc.constant(String(nowS())), hostileString, fc.integer().map(String)), sig: hostileString, key: hostileString })
        .map((h) => ({ headers: { "x-glucolens-user": h.user, "x-glucolens-timestamp": h.ts, "x-glucolens-signature": h.sig, "idempotency-key": h.key }, sign: false })),
    },
    { weight: 1, arbitrary: fc.constant({ headers: {}, sign: false }) },
  );
  const extra = fc.dictionary(fc.constantFrom("idempotency-key", "x-forwarded-for", "accept", "accept-encoding", "origin", "x-request-id", "if-none-match", "range", "upgrade"), hostileString.map((v) => v.replace(/[^\x20-\x7e]/g, "")), { maxKeys: 3 });
  const kind = op.path.startsWith("/api/v1/webhooks/cgm") ? "webhook" : op.security.includes("NightscoutSecret") ? "nightscout" : "bearer";
  if (kind === "webhook") return fc.tuple(webhook, extra).map(([w, x]) => ({ headers: { ...x, ...w.headers }, sign: w.sign, what: w.sign ? "signed" : "unsigned" }));
  return fc.tuple(kind === "nightscout" ? nightscout : bearer, extra).map(([a, x]) => ({ headers: { ...x, ...(a as Record<string, string>) }, sign: false, what: "authorization" in a ? (a.authorization === `Bearer ${cred.access}` ? "bearer" : "bad bearer") : "api-secret" in a ? "api-secret" : "anonymous" }));
}

/** Every request the fuzzer sends for one operation. */
export function requestArb(op: Operation, cred: Credentials, base: string, resolve: (s: JsonSchema) => JsonSchema): fc.Arbitrary<FuzzRequest> {
  const param = fc.oneof(
    { weight: 2, arbitrary: cred.ids.length ? fc.constantFrom(...cred.ids) : fc.uuid() },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.constantFrom("sgv", "mbg", "current", "sgv.json", "current.json", "readings", "meals", "sleep", "dexcom", "acme-cloud") },
    { weight: 3, arbitrary: hostileString },
  );
  const params = fc.array(fc.tuple(param, fc.boolean()), { minLength: op.pathParams.length, maxLength: op.pathParams.length });
  const hasBody = !["GET", "HEAD"].includes(op.method);
  return fc.record({ params, query: queryArb(op), headers: headerArb(op, cred), body: hasBody ? bodyKinds(op, resolve) : fc.constant<{ body?: string; type?: string; what: string }>({ what: "no body" }) }).map(({ params: ps, query, headers, body }) => {
    let i = 0;
    // Path values are usually encoded; sometimes sent raw (slashes, dots, spaces) to test routing.
    const path = op.path.replace(/\{[^}]+\}/g, () => {
      const [v, raw] = ps[i++]!;
      // encodeURIComponent throws on lone surrogates, which fast-check generates.
      return raw ? v.replace(/[?#\s]/g, "") : encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, "\uFFFD"));
    });
    const url = new URL(base + path);
    for (const [k, v] of query) url.searchParams.append(k, v);
    // Header values go through as their ASCII part: fetch would encode the rest as UTF-8 anyway.
    const h: Record<string, string> = Object.fromEntries(Object.entries(headers.headers).map(([k, v]) => [k, v.replace(/[^\x20-\x7e]/g, "?")]));
    if (body.type) h["content-type"] = body.type;
    return { method: op.method, url: url.toString(), headers: h, body: body.body, sign: headers.sign, label: `${headers.what}, ${body.what}` };
  });
}
