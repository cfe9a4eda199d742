/**
 * A Web Push service on localhost for tests, standing in for FCM / Mozilla autopush: it hands out
 * subscriptions (an endpoint plus a real browser-side P-256 key pair and auth secret), receives
 * messages as RFC 8030 says, verifies the VAPID authorisation (RFC 8292: ES256 JWT, `aud` equal
 * to this origin, `exp` within 24 hours, `sub` a contact, `k` the key that signed it), decrypts
 * the RFC 8291 `aes128gcm` body with the subscription's private key, and records all of it.
 *
 * The decryption is written against node:crypto independently of worker/push/webpush.ts (which
 * uses WebCrypto), so the two check each other. An endpoint can be told to answer 410 Gone, as a
 * push service does for an unsubscribed browser.
 */
import { createECDH, createDecipheriv, createPublicKey, hkdfSync, verify as verifySignature, randomBytes, type ECDH } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";

export interface ReceivedMessage {
  subscription: string;
  headers: Record<string, string | undefined>;
  /** Problems found with the request (VAPID, headers, decryption); empty when all is well. */
  problems: string[];
  vapid: { aud: string; exp: number; sub: string; k: string } | null;
  /** The decrypted payload, parsed as JSON (null when it could not be decrypted). */
  payload: any;
  status: number;
  at: number;
}

export interface TestSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

interface Held {
  ecdh: ECDH;
  auth: Buffer;
  status: number;
}

const b64url = (b: Buffer | Uint8Array) => Buffer.from(b).toString("base64url");

function hkdf(salt: Buffer, ikm: Buffer, info: Buffer, length: number): Buffer {
  return Buffer.from(hkdfSync("sha256", ikm, salt, info, length));
}

/** RFC 8291 §3.4 and RFC 8188 §2, receiving side. */
export function decryptAes128gcm(body: Buffer, ecdh: ECDH, auth: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  if (idlen !== 65) throw new Error(`keyid must be the 65-byte sender key, got ${idlen} bytes`);
  if (record.length > rs) throw new Error(`record of ${record.length} bytes exceeds rs ${rs}`);
  const uaPublic = ecdh.getPublicKey();
  const ecdhSecret = ecdh.computeSecret(asPublic);
  const ikm = hkdf(auth, ecdhSecret, Buffer.concat([Buffer.from("WebPush: info\0"), uaPublic, asPublic]), 32);
  const cek = hkdf(salt, ikm, Buffer.from("Content-Encoding: aes128gcm\0"), 16);
  const nonce = hkdf(salt, ikm, Buffer.from("Content-Encoding: nonce\0"), 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  // Strip the padding: trailing zeros, then the delimiter (0x02: last record).
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("missing the last-record delimiter 0x02");
  return padded.subarray(0, end);
}

/** RFC 8292 §2–3: `vapid t=<JWT>, k=<public key>`; returns the claims or throws with the reason. */
export function verifyVapid(header: string | undefined, origin: string, nowS = Math.floor(Date.now() / 1000)) {
  const m = /^vapid\s+t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? "");
  if (!m) throw new Error(`Authorization is not "vapid t=…, k=…": ${header}`);
  const [, token, k] = m as unknown as [string, string, string];
  const [h, c, s] = token.split(".");
  if (!h || !c || !s) throw new Error("JWT must have three parts");
  const head = JSON.parse(Buffer.from(h, "base64url").toString());
  if (head.alg !== "ES256") throw new Error(`JWT alg must be ES256, got ${head.alg}`);
  const raw = Buffer.from(k, "base64url");
  if (raw.length !== 65 || raw[0] !== 4) throw new Error("k must be an uncompressed P-256 key");
  const key = createPublicKey({ key: { kty: "EC", crv: "P-256", x: b64url(raw.subarray(1, 33)), y: b64url(raw.subarray(33)) }, format: "jwk" });
  const ok = verifySignature("sha256", Buffer.from(`${h}.${c}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"));
  if (!ok) throw new Error("VAPID signature does not verify with k");
  const claims = JSON.parse(Buffer.from(c, "base64url").toString()) as { aud: string; exp: number; sub: string };
  if (claims.aud !== origin) throw new Error(`aud ${claims.aud} is not this push service (${origin})`);
  if (!(claims.exp > nowS && claims.exp <= nowS + 24 * 3600)) throw new Error(`exp ${claims.exp} is not within the next 24 hours`);
  if (!/^(mailto:|https:)/.test(claims.sub ?? "")) throw new Error(`sub must be mailto: or https:, got ${claims.sub}`);
  return { ...claims, k };
}

export class PushService {
  readonly received: ReceivedMessage[] = [];
  private readonly held = new Map<string, Held>();
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(port: number): Promise<PushService> {
    let service: PushService | undefined;
    const server = createServer((req, res) => {
      void service!.handle(req).then(
        (status) => res.writeHead(status, { location: `${service!.origin}/message/${randomBytes(6).toString("hex")}` }).end(),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
    service = new PushService(server, `http://127.0.0.1:${port}`);
    return service;
  }

  /** A new browser subscription: endpoint and keys as `PushSubscription.toJSON()` gives them. */
  subscribe(): TestSubscription {
    const id = randomBytes(12).toString("hex");
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.held.set(id, { ecdh, auth, status: 201 });
    return { id, endpoint: `${this.origin}/push/${id}`, keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(auth) } };
  }

  /** From now on the endpoint answers `status` (410: the browser unsubscribed). */
  answer(subscription: TestSubscription, status: number): void {
    this.held.get(subscription.id)!.status = status;
  }

  messagesFor(subscription: TestSubscription): ReceivedMessage[] {
    return this.received.filter((m) => m.subscription === subscription.id);
  }

  /** Waits until `predicate` holds over the received messages. */
  async waitFor(predicate: (received: ReceivedMessage[]) => boolean, timeoutMs = 10_000): Promise<ReceivedMessage[]> {
    const until = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      const left = until - Date.now();
      if (left <= 0) throw new Error(`push service: condition not met in ${timeoutMs} ms; received ${JSON.stringify(this.received.map((m) => ({ sub: m.subscription, event: m.payload?.event, kind: m.payload?.alert?.kind, problems: m.problems })))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.received;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const m = /^\/push\/([0-9a-f]+)$/.exec(req.url ?? "");
    const held = m ? this.held.get(m[1]!) : undefined;
    if (req.method !== "POST" || !m || !held) return 404;
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : v;
    const problems: string[] = [];
    let vapid: ReceivedMessage["vapid"] = null;
    try {
      vapid = verifyVapid(headers.authorization, this.origin);
    } catch (err) {
      problems.push(String(err));
    }
    if (headers["content-encoding"] !== "aes128gcm") problems.push(`Content-Encoding is ${headers["content-encoding"]}, not aes128gcm`);
    if (!/^\d+$/.test(headers.ttl ?? "")) problems.push(`TTL header missing or not a number: ${headers.ttl}`);
    if (headers.urgency && !["very-low", "low", "normal", "high"].includes(headers.urgency)) problems.push(`Urgency ${headers.urgency} is not one of RFC 8030's`);
    let payload: any = null;
    try {
      payload = JSON.parse(decryptAes128gcm(body, held.ecdh, held.auth).toString("utf8"));
    } catch (err) {
      problems.push(`decryption: ${String(err)}`);
    }
    const status = problems.length && held.status === 201 ? 400 : held.status;
    this.received.push({ subscription: m[1]!, headers, problems, vapid, payload, status, at: Date.now() });
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
    return status;
  }
}
