/**
 * @module worker/push/webpush
 * Web Push over WebCrypto: message encryption as RFC 8291 (content coding `aes128gcm`, RFC 8188)
 * and VAPID authorisation as RFC 8292 (`Authorization: vapid t=<ES256 JWT>, k=<public key>`).
 *
 * Written here rather than taken from @pushforge/builder 2.0.5 (tried, then removed): that library encrypts
 * with the older draft coding `aesgcm` (Encryption/Crypto-Key headers, not RFC 8291) and refuses
 * every endpoint that is not https, so neither the standard coding nor a local test push service
 * would work with it. Everything below uses only WebCrypto, so it runs in workerd and in Node.
 *
 * @example
 * const req = await buildPushRequest({ endpoint, p256dh, auth }, new TextEncoder().encode("{}"), vapid, { ttl: 300, urgency: "high" });
 * await fetch(req.endpoint, { method: "POST", headers: req.headers, body: req.body, redirect: "manual" });
 */
import { base64ToBytes, bytesToBase64Url } from "../../vocabulary/bytes.ts";

export interface PushTarget {
  endpoint: string;
  /** The browser's P-256 public key, base64url (65 bytes, uncompressed). */
  p256dh: string;
  /** The browser's 16-byte authentication secret, base64url. */
  auth: string;
}

export interface VapidKeys {
  /** Uncompressed P-256 public key, base64url (65 bytes): the browser's `applicationServerKey`. */
  publicKey: string;
  /** The private scalar `d`, base64url (32 bytes). */
  privateKey: string;
  /** `mailto:` or `https:` contact of the sender (RFC 8292 §2.1). */
  subject: string;
}

export type Urgency = "very-low" | "low" | "normal" | "high";

export interface PushRequest {
  endpoint: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

const enc = new TextEncoder();
/** RFC 8188 record size; one record carries the whole message (push messages are ≤ 4096 bytes). */
const RECORD_SIZE = 4096;
/** Largest plaintext that fits one record: 4096 − 16 (tag) − 1 (delimiter) − 86 (header), rounded down per RFC 8291 §4. */
export const MAX_PLAINTEXT = 3993;
/** VAPID tokens live at most 24 hours (RFC 8292 §2); 12 keeps clear of clock skew at the push service. */
const JWT_LIFETIME_S = 12 * 3600;

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** ECDH parameters; workers-types spells the `public` member `$public` (a reserved word in its IDL), the runtime reads `public`. */
const ecdhWith = (key: CryptoKey) => ({ name: "ECDH", public: key }) as unknown as SubtleCryptoDeriveKeyAlgorithm;

async function hkdf(salt: Uint8Array, ikm: Uint8Array, info: Uint8Array, bytes: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt, info }, key, bytes * 8));
}

/** The uncompressed point of a P-256 public key as a JWK's x and y. */
function pointToJwk(raw: Uint8Array): { x: string; y: string } {
  if (raw.length !== 65 || raw[0] !== 4) throw new Error("P-256 public key must be 65 bytes, uncompressed (0x04 prefix)");
  return { x: bytesToBase64Url(raw.slice(1, 33)), y: bytesToBase64Url(raw.slice(33, 65)) };
}

/**
 * Encrypts one push message for a subscription (RFC 8291 §3.4, RFC 8188 §2): a fresh ECDH key
 * pair and salt per message, one record with the `0x02` last-record delimiter.
 */
export async function encryptPayload(target: Pick<PushTarget, "p256dh" | "auth">, plaintext: Uint8Array): Promise<Uint8Array> {
  if (plaintext.length > MAX_PLAINTEXT) throw new Error(`Push payload is ${plaintext.length} bytes; at most ${MAX_PLAINTEXT} fit one record`);
  const uaPublic = base64ToBytes(target.p256dh);
  const authSecret = base64ToBytes(target.auth);
  if (authSecret.length !== 16) throw new Error("auth secret must be 16 bytes");
  const uaKey = await crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", ...pointToJwk(uaPublic), ext: true }, { name: "ECDH", namedCurve: "P-256" }, false, []);
  const local = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
  const asPublic = new Uint8Array((await crypto.subtle.exportKey("raw", local.publicKey)) as ArrayBuffer);
  const ecdhSecret = new Uint8Array(await crypto.subtle.deriveBits(ecdhWith(uaKey), local.privateKey, 256));
  // IKM = HKDF(auth_secret, ecdh_secret, "WebPush: info" || 0x00 || ua_public || as_public, 32)
  const ikm = await hkdf(authSecret, ecdhSecret, concat(enc.encode("WebPush: info\0"), uaPublic, asPublic), 32);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const cek = await hkdf(salt, ikm, enc.encode("Content-Encoding: aes128gcm\0"), 16);
  const nonce = await hkdf(salt, ikm, enc.encode("Content-Encoding: nonce\0"), 12);
  const key = await crypto.subtle.importKey("raw", cek, "AES-GCM", false, ["encrypt"]);
  const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce }, key, concat(plaintext, new Uint8Array([2]))));
  // Header (RFC 8188 §2.1): salt(16) || rs(uint32) || idlen(1) || keyid (the sender's public key).
  const header = new Uint8Array(16 + 4 + 1 + asPublic.length);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE);
  header[20] = asPublic.length;
  header.set(asPublic, 21);
  return concat(header, cipher);
}

const signingKeys = new Map<string, Promise<CryptoKey>>();

function signingKey(vapid: VapidKeys): Promise<CryptoKey> {
  let key = signingKeys.get(vapid.privateKey);
  if (!key) {
    key = crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", ...pointToJwk(base64ToBytes(vapid.publicKey)), d: vapid.privateKey, ext: false }, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
    signingKeys.set(vapid.privateKey, key);
  }
  return key;
}

/** The VAPID JWT for the push service at `audience` (its origin), signed with ES256. */
export async function vapidToken(vapid: VapidKeys, audience: string, nowS = Math.floor(Date.now() / 1000)): Promise<string> {
  const head = bytesToBase64Url(enc.encode(JSON.stringify({ typ: "JWT", alg: "ES256" })));
  const claims = bytesToBase64Url(enc.encode(JSON.stringify({ aud: audience, exp: nowS + JWT_LIFETIME_S, sub: vapid.subject })));
  // WebCrypto's ECDSA signature is already the JWS form: r || s, 64 bytes.
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, await signingKey(vapid), enc.encode(`${head}.${claims}`));
  return `${head}.${claims}.${bytesToBase64Url(new Uint8Array(signature))}`;
}

/** Everything needed to POST one message to the subscription's push service (RFC 8030 §5). */
export async function buildPushRequest(target: PushTarget, payload: Uint8Array, vapid: VapidKeys, options: { ttl: number; urgency: Urgency; topic?: string }): Promise<PushRequest> {
  const body = await encryptPayload(target, payload);
  const headers: Record<string, string> = {
    "content-type": "application/octet-stream",
    "content-encoding": "aes128gcm",
    ttl: String(Math.max(0, Math.floor(options.ttl))),
    urgency: options.urgency,
    authorization: `vapid t=${await vapidToken(vapid, new URL(target.endpoint).origin)}, k=${vapid.publicKey}`,
  };
  if (options.topic) headers.topic = options.topic;
  return { endpoint: target.endpoint, headers, body };
}
