/**
 * Web Push endpoints are limited to https push services (worker/push/endpoint.ts): no IP
 * literals in any notation, no loopback, private, link-local or single-label names, no
 * credentials, default port only; the loopback exception exists only in development with the
 * explicit PUSH_ALLOW_LOOPBACK_ENDPOINTS setting (which these tests, like `npm start`, do not set).
 * The IPv4 notations follow the WHATWG URL Standard's IPv4 parser (decimal, octal and hex parts,
 * fewer than four parts), which `new URL` implements in workerd as in browsers.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { pushEndpointProblem } from "../../worker/push/endpoint.ts";
import { endpointProblem } from "../../worker/push/service.ts";
import type { Bindings } from "../../worker/env.ts";
import { api, expectFieldError, register } from "./helpers.ts";

async function browserKeys() {
  const keyPair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", keyPair.publicKey)) as ArrayBuffer);
  const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return { p256dh: b64(raw), auth: b64(crypto.getRandomValues(new Uint8Array(16))) };
}

const REFUSED = [
  "http://fcm.googleapis.com/fcm/send/x",
  "http://127.0.0.1:8817/push/x",
  "https://127.0.0.1/push/x",
  "https://2130706433/push/x",
  "https://0x7f000001/push/x",
  "https://0177.0.0.1/push/x",
  "https://0x7f.1/push/x",
  "https://127.1/push/x",
  "https://10.0.0.8/push/x",
  "https://192.168.1.1/push/x",
  "https://169.254.169.254/latest/meta-data",
  "https://[::1]/push/x",
  "https://[::ffff:127.0.0.1]/push/x",
  "https://[fe80::1]/push/x",
  "https://[fd00::1]/push/x",
  "https://localhost/push/x",
  "https://LOCALHOST./push/x",
  "https://push.localhost/push/x",
  "https://push/x",
  "https://printer.local/push/x",
  "https://router.home.arpa/push/x",
  "https://metadata.google.internal/computeMetadata/v1",
  "https://user:secret@fcm.googleapis.com/fcm/send/x",
  "https://fcm.googleapis.com:8443/fcm/send/x",
  "ftp://fcm.googleapis.com/x",
];

const ACCEPTED = [
  "https://fcm.googleapis.com/fcm/send/dAPT",
  "https://fcm.googleapis.com:443/fcm/send/dAPT",
  "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
  "https://web.push.apple.com/QGs",
  "https://wns2-par02p.notify.windows.com/w/?token=x",
  "https://fcm.googleapis.com./fcm/send/dAPT",
];

describe("push subscription endpoints", () => {
  it("refuses IP literals, loopback, private and single-label names, credentials and other ports (422 naming endpoint), storing nothing", async () => {
    const a = await register();
    const keys = await browserKeys();
    for (const endpoint of REFUSED) {
      const res = await api("/api/v1/push/subscriptions", { token: a.access, body: { endpoint, keys } });
      expectFieldError(res, 422, "endpoint");
    }
    expect((await api("/api/v1/push/subscriptions", { token: a.access })).json.items).toEqual([]);
    for (const endpoint of ACCEPTED) {
      const res = await api("/api/v1/push/subscriptions", { token: a.access, body: { endpoint, keys } });
      expect(res.status, `${endpoint}: ${JSON.stringify(res.json)}`).toBe(201);
    }
  });

  it("allows loopback only in development with the explicit setting, never in production", () => {
    const local = "http://127.0.0.1:8817/push/abc";
    const base = env as unknown as Bindings;
    expect(endpointProblem({ ...base, ENVIRONMENT: "development" }, local)).not.toBeNull();
    expect(endpointProblem({ ...base, ENVIRONMENT: "development", PUSH_ALLOW_LOOPBACK_ENDPOINTS: "true" }, local)).toBeNull();
    expect(endpointProblem({ ...base, ENVIRONMENT: "development", PUSH_ALLOW_LOOPBACK_ENDPOINTS: "true" }, "http://10.0.0.8:8817/push/abc")).not.toBeNull();
    expect(endpointProblem({ ...base, ENVIRONMENT: "production", PUSH_ALLOW_LOOPBACK_ENDPOINTS: "true" }, local)).not.toBeNull();
    expect(pushEndpointProblem("https://[::1]:8443/x", { allowLoopback: true })).toBeNull();
  });

  it("does not send to an endpoint stored before these rules (counted as failed, no request made)", async () => {
    const a = await register();
    const keys = await browserKeys();
    const userId = (await env.DB.prepare("SELECT id FROM users WHERE public_id = ?").bind(a.id).first<{ id: number }>())!.id;
    await env.DB.prepare("INSERT INTO push_subscriptions (user_id, endpoint, p256dh, auth) VALUES (?, ?, ?, ?)").bind(userId, "https://169.254.169.254/latest/meta-data", keys.p256dh, keys.auth).run();
    const res = await api("/api/v1/push/test", { token: a.access, method: "POST" });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toEqual({ sent: 0, expired: 0, failed: 1 });
  });
});
