/**
 * @module worker/routes/webhooks
 * Signed CGM webhooks: `POST /api/v1/webhooks/cgm/{source}` for CGM cloud services, and
 * `/api/v1/webhooks/secret` (bearer) to create or rotate the user's signing secret.
 *
 * Setting one up:
 * 1. `POST /api/v1/webhooks/secret` (signed in) answers `{"secret","user_id","url"}`; calling it
 *    again rotates the secret (the old one stops working at once).
 * 2. The sender posts JSON to `url` with the headers
 *    - `X-GlucoLens-User`: the `user_id` above (picks whose secret verifies the delivery);
 *    - `X-GlucoLens-Timestamp`: the current time in epoch seconds;
 *    - `X-GlucoLens-Signature`: lower-case hex of HMAC-SHA256(secret, signed text), the signed
 *      text being the method, the URL path (with `{source}`), the timestamp header's exact text
 *      and the body bytes as sent, joined by line feeds: `POST\n/api/v1/webhooks/cgm/x\n<ts>\n<body>`.
 *      A delivery captured for one source therefore does not verify for another;
 *    - `Idempotency-Key` (optional, up to 200 characters): a retried delivery with the same key
 *      stores nothing and gets the first response again (kept 24 hours).
 *    Deliveries whose timestamp is more than 5 minutes from our clock are refused (replays).
 * 3. Bodies: `{"readings":[{"time","value","unit","trend"}]}` (time ISO 8601 with offset or epoch
 *    ms; unit mg/dL or mmol/L) or Dexcom-style EGVs, `{"records":[…]}`, `{"egvs":[…]}` or a bare
 *    array, each `{"systemTime","displayTime","value","trend","trendRate","unit"}` (systemTime is
 *    UTC; a missing zone is read as UTC). Readings are stored with source `{source}`.
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { directoryDb, rememberPlacement, userDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { constantTimeEqual, randomToken, toHex } from "../lib/crypto.ts";
import { ApiError, invalid, unauthorized, zodFields, type FieldError } from "../lib/errors.ts";
import { TREND_DIRECTIONS, type TrendDirection } from "../../vocabulary/trend.ts";
import { mgdlFrom } from "../../vocabulary/units.ts";
import { findIdempotent, findWebhookSigner, saveIdempotent, setWebhookSecret } from "../repositories/interop.ts";
import type { NewReading } from "../repositories/readings.ts";
import { ReadingInput } from "../schemas/glucose.ts";
import { storeReadings } from "../services/ingest.ts";
import { trendFromNightscout } from "../../interop/glucose.ts";

/** How far a delivery's timestamp may be from our clock. */
export const REPLAY_WINDOW_S = 300;
const MAX_READINGS = 10_000;
const encoder = new TextEncoder();

/** What a delivery's signature covers (docs/webhooks.md): no part can be changed or moved to another source. */
export interface SignedDelivery {
  method: string;
  /** The URL path as sent, `{source}` included (no query). */
  path: string;
  /** The X-GlucoLens-Timestamp header's exact text. */
  timestamp: string;
  body: string;
}

/** The text the HMAC is computed over: method, path, timestamp and body, one per line (the body may hold line feeds; it comes last). */
export const signedText = (d: SignedDelivery) => `${d.method.toUpperCase()}\n${d.path}\n${d.timestamp}\n${d.body}`;

export async function signWebhook(secret: string, delivery: SignedDelivery): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toHex(await crypto.subtle.sign("HMAC", key, encoder.encode(signedText(delivery))));
}

const TREND_SET = new Set<string>(TREND_DIRECTIONS);
const trendOf = (t: unknown): TrendDirection | null => (typeof t === "string" && TREND_SET.has(t) ? (t as TrendDirection) : trendFromNightscout(t));

const Egv = z
  .object({
    systemTime: z.string({ error: "is required (UTC ISO 8601)" }),
    displayTime: z.string().optional(),
    value: z.number({ error: "must be a number" }).finite(),
    trend: z.union([z.string(), z.number()]).nullish(),
    trendRate: z.number().nullish(),
    unit: z.enum(["mg/dL", "mmol/L", "mg/dl", "mmol/l"], { error: 'must be "mg/dL" or "mmol/L"' }).optional(),
  })
  .passthrough();

/** The delivery's readings in our input shape, or field errors naming the payload paths. */
function adapt(body: unknown, source: string): { readings: NewReading[]; fields: FieldError[] } {
  const fields: FieldError[] = [];
  const readings: NewReading[] = [];
  const obj = body as Record<string, unknown> | null;
  let list: unknown[] | null = null;
  let path = "";
  let dexcom = false;
  if (Array.isArray(body)) [list, dexcom] = [body, true];
  else if (obj && typeof obj === "object" && Array.isArray(obj.readings)) [list, path] = [obj.readings, "readings"];
  else if (obj && typeof obj === "object" && Array.isArray(obj.records)) [list, path, dexcom] = [obj.records, "records", true];
  else if (obj && typeof obj === "object" && Array.isArray(obj.egvs)) [list, path, dexcom] = [obj.egvs, "egvs", true];
  if (!list) return { readings, fields: [{ path: "readings", message: "is required: an array of readings (or Dexcom `records`/`egvs`)" }] };
  if (list.length > MAX_READINGS) return { readings, fields: [{ path: path || "body", message: `at most ${MAX_READINGS} readings per delivery` }] };
  list.forEach((item, i) => {
    const prefix = [path, String(i)].filter(Boolean).join(".");
    let input: unknown = item;
    if (dexcom) {
      const e = Egv.safeParse(item);
      if (!e.success) return void fields.push(...zodFields(e.error, prefix));
      const t = e.data.systemTime.trim();
      const time = Date.parse(/(Z|[+-]\d\d:?\d\d)$/i.test(t) ? t : `${t}Z`);
      if (!Number.isFinite(time)) return void fields.push({ path: `${prefix}.systemTime`, message: "must be an ISO 8601 date" });
      input = { time, value: e.data.value, unit: e.data.unit?.toLowerCase() === "mmol/l" ? "mmol/L" : "mg/dL", trend: trendOf(e.data.trend), source };
    } else if (item && typeof item === "object") {
      const r = item as Record<string, unknown>;
      input = { ...r, trend: r.trend == null ? null : trendOf(r.trend), source };
    }
    const p = ReadingInput.safeParse(input);
    if (!p.success) return void fields.push(...zodFields(p.error, prefix));
    readings.push({ time: p.data.time, value: Math.round(mgdlFrom(p.data.value, p.data.unit) * 10) / 10, source, trend: p.data.trend ?? null });
  });
  return { readings, fields };
}

export const webhookRoutes = new OpenAPIHono<AppEnv>();

webhookRoutes.post("/:source", async (c) => {
  const source = c.req.param("source");
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(source)) throw invalid([{ path: "source", message: "must be 1–64 letters, digits, dots, dashes or underscores" }]);
  const userId = c.req.header("x-glucolens-user");
  const timestamp = c.req.header("x-glucolens-timestamp");
  const signature = c.req.header("x-glucolens-signature")?.trim().toLowerCase();
  if (!userId || !timestamp || !signature) throw unauthorized("Missing X-GlucoLens-User, X-GlucoLens-Timestamp or X-GlucoLens-Signature");
  if (!/^\d{1,12}$/.test(timestamp)) throw unauthorized("X-GlucoLens-Timestamp must be epoch seconds");
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > REPLAY_WINDOW_S) throw unauthorized("X-GlucoLens-Timestamp is outside the 5-minute window");
  const db = directoryDb(c.env);
  const signer = /^[0-9a-f-]{36}$/i.test(userId) ? await findWebhookSigner(db, userId) : null;
  const secret = signer?.secret ?? null;
  const body = await c.req.text();
  // Always compute an HMAC, so an unknown user takes as long as a bad signature.
  const expected = await signWebhook(secret ?? "no secret", { method: c.req.method, path: new URL(c.req.url).pathname, timestamp, body });
  if (!signer || !secret || !constantTimeEqual(encoder.encode(expected), encoder.encode(signature))) throw unauthorized("Invalid webhook signature");
  const { user } = signer;
  rememberPlacement(user.id, signer.placement);
  c.set("user", user);

  const key = c.req.header("idempotency-key");
  if (key !== undefined && (key.length < 1 || key.length > 200)) throw invalid([{ path: "Idempotency-Key", message: "must be 1–200 characters" }]);
  if (key) {
    const first = await findIdempotent(await userDb(c), user.id, key);
    if (first) return c.body(first.body, first.status as 200, { "content-type": "application/json", "idempotent-replayed": "true" });
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ApiError(400, "bad_request", "Request body is not valid JSON", [{ path: "body", message: "is not valid JSON" }]);
  }
  const { readings, fields } = adapt(json, source);
  if (fields.length) throw invalid(fields);
  const inserted = await storeReadings(c, readings);
  const response = JSON.stringify({ received: readings.length, inserted, duplicates: readings.length - inserted });
  if (key) await saveIdempotent(await userDb(c), user.id, key, 200, response);
  return c.body(response, 200, { "content-type": "application/json" });
});

export const webhookSecretRoutes = new OpenAPIHono<AppEnv>();

webhookSecretRoutes.post("/", async (c) => {
  const secret = `whsec_${randomToken(32)}`;
  await setWebhookSecret(directoryDb(c.env), c.get("user").id, secret);
  const url = new URL(c.req.url);
  return c.json({ secret, user_id: c.get("user").publicId, url: `${url.protocol}//${url.host}/api/v1/webhooks/cgm/{source}` }, 201);
});
