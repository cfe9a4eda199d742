/**
 * Signed CGM webhooks: HMAC-SHA256 over "<method>\n<path>\n<timestamp>\n<body>" as
 * docs/webhooks.md gives it (computed here independently of the route), 5-minute replay window,
 * Idempotency-Key replays, generic and Dexcom EGV payloads.
 */
import { describe, expect, it } from "vitest";
import { api, BASE, expectFieldError, register } from "./helpers.ts";
import { SELF } from "cloudflare:test";
import { forgetShard, rememberedShard } from "../../worker/db/shards.ts";
import { internalIdOf, shardIndexOf } from "./shard-helpers.ts";

async function hmacHex(secret: string, message: string) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message));
  return Array.from(new Uint8Array(sig), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function setup() {
  const a = await register();
  const res = await api("/api/v1/webhooks/secret", { method: "POST", token: a.access });
  expect(res.status).toBe(201);
  return { a, secret: res.json.secret as string, userId: res.json.user_id as string };
}

async function deliver(
  hook: { secret: string; userId: string },
  body: unknown,
  opts: { source?: string; timestamp?: number; signature?: string; key?: string; raw?: string } = {},
) {
  const text = opts.raw ?? JSON.stringify(body);
  const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-glucolens-user": hook.userId,
    "x-glucolens-timestamp": ts,
    "x-glucolens-signature": opts.signature ?? (await hmacHex(hook.secret, `POST\n/api/v1/webhooks/cgm/${opts.source ?? "acme-cloud"}\n${ts}\n${text}`)),
  };
  if (opts.key) headers["idempotency-key"] = opts.key;
  const res = await SELF.fetch(`${BASE}/api/v1/webhooks/cgm/${opts.source ?? "acme-cloud"}`, { method: "POST", headers, body: text });
  const raw = await res.text();
  return { status: res.status, headers: res.headers, json: raw ? JSON.parse(raw) : null };
}

const t0 = Math.floor(Date.now() / 1000) * 1000 - 2 * 3600_000;
const generic = (n: number, offset = 0) => ({ readings: Array.from({ length: n }, (_, i) => ({ time: new Date(t0 + (i + offset) * 300_000).toISOString(), value: 110 + i, unit: "mg/dL", trend: "Flat" })) });

describe("signed CGM webhooks", () => {
  it("checks the signature and finds the user's shard in one directory read", async () => {
    const hook = await setup();
    const id = await internalIdOf(hook.userId);
    forgetShard(id);
    // A bad signature remembers nothing; a good one with a body that is not JSON (400, nothing
    // stored, no shard touched) leaves the route that the signer's read brought.
    expect((await deliver(hook, null, { raw: "not json", signature: "0".repeat(64) })).status).toBe(401);
    expect(rememberedShard(id)).toBeNull();
    expect((await deliver(hook, null, { raw: "not json" })).status).toBe(400);
    expect(rememberedShard(id)).toBe(await shardIndexOf(id));
  });

  it("stores a signed generic delivery through the normal ingestion path", async () => {
    const hook = await setup();
    const res = await deliver(hook, generic(3));
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toEqual({ received: 3, inserted: 3, duplicates: 0 });
    const stored = await api("/api/v1/glucose/readings", { token: hook.a.access });
    expect(stored.json.items.map((r: { value: number; source: string }) => [r.value, r.source])).toEqual([[110, "acme-cloud"], [111, "acme-cloud"], [112, "acme-cloud"]]);
    // A second delivery of the same readings (no key) stores nothing twice.
    expect((await deliver(hook, generic(3))).json).toEqual({ received: 3, inserted: 0, duplicates: 3 });
  });

  it("adapts Dexcom EGV records (UTC systemTime, lower-case trends, mmol/L)", async () => {
    const hook = await setup();
    const sys = (i: number) => new Date(t0 + i * 300_000).toISOString().slice(0, 19);
    const body = {
      records: [
        { systemTime: sys(0), displayTime: sys(0), value: 120, trend: "singleUp", trendRate: 2.1, unit: "mg/dL" },
        { systemTime: sys(1), displayTime: sys(1), value: 7.2, trend: "flat", trendRate: 0.1, unit: "mmol/L" },
      ],
    };
    const res = await deliver(hook, body, { source: "dexcom" });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const stored = await api("/api/v1/glucose/readings", { token: hook.a.access });
    expect(stored.json.items).toMatchObject([
      { time: new Date(t0).toISOString(), value: 120, trend: "SingleUp", source: "dexcom" },
      { value: 129.7, trend: "Flat" },
    ]);
  });

  it("refuses a bad signature, a missing header, an unknown user and stale or future timestamps", async () => {
    const hook = await setup();
    expect((await deliver(hook, generic(1), { signature: "0".repeat(64) })).status).toBe(401);
    expect((await deliver({ ...hook, secret: "whsec_wrong" }, generic(1))).status).toBe(401);
    expect((await deliver({ ...hook, userId: crypto.randomUUID() }, generic(1))).status).toBe(401);
    expect((await deliver(hook, generic(1), { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401);
    expect((await deliver(hook, generic(1), { timestamp: Math.floor(Date.now() / 1000) + 301 })).status).toBe(401);
    expect((await deliver(hook, generic(1), { timestamp: Math.floor(Date.now() / 1000) - 240 })).status).toBe(200);
    const res = await SELF.fetch(`${BASE}/api/v1/webhooks/cgm/acme`, { method: "POST", body: "{}" });
    expect(res.status).toBe(401);
    // A body changed after signing fails.
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = await hmacHex(hook.secret, `POST\n/api/v1/webhooks/cgm/acme\n${ts}\n${JSON.stringify(generic(1))}`);
    const tampered = await SELF.fetch(`${BASE}/api/v1/webhooks/cgm/acme`, {
      method: "POST",
      headers: { "x-glucolens-user": hook.userId, "x-glucolens-timestamp": ts, "x-glucolens-signature": sig },
      body: JSON.stringify(generic(1, 5)),
    });
    expect(tampered.status).toBe(401);
    expect((await api("/api/v1/glucose/readings", { token: hook.a.access })).json.items).toHaveLength(1);
  });

  // docs/webhooks.md: the signature covers method, path (with {source}), timestamp and body, as
  // GitHub's X-Hub-Signature-256 covers the payload and Stripe's v1 scheme the timestamp; the path
  // is added so that one source's delivery does not verify for another.
  it("refuses a captured delivery replayed to another source, storing nothing twice", async () => {
    const hook = await setup();
    const ts = String(Math.floor(Date.now() / 1000));
    const text = JSON.stringify(generic(2));
    const signature = await hmacHex(hook.secret, `POST\n/api/v1/webhooks/cgm/acme-cloud\n${ts}\n${text}`);
    const send = (source: string) =>
      SELF.fetch(`${BASE}/api/v1/webhooks/cgm/${source}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-glucolens-user": hook.userId, "x-glucolens-timestamp": ts, "x-glucolens-signature": signature },
        body: text,
      });
    expect((await send("acme-cloud")).status).toBe(200);
    for (const other of ["other-source", "acme-cloud2", "ACME-CLOUD"]) {
      const res = await send(other);
      expect(res.status, other).toBe(401);
      expect(((await res.json()) as any).error.code).toBe("unauthorized");
    }
    // The signature in the old form (timestamp and body only) verifies for no source.
    const old = await deliver(hook, generic(2, 10), { signature: await hmacHex(hook.secret, `${ts}.${JSON.stringify(generic(2, 10))}`), timestamp: Number(ts) });
    expect(old.status).toBe(401);
    const stored = (await api("/api/v1/glucose/readings", { token: hook.a.access })).json.items;
    expect(stored.map((r: { source: string }) => r.source)).toEqual(["acme-cloud", "acme-cloud"]);
  });

  it("rotating the secret invalidates the old one", async () => {
    const hook = await setup();
    const rotated = await api("/api/v1/webhooks/secret", { method: "POST", token: hook.a.access });
    expect(rotated.json.secret).not.toBe(hook.secret);
    expect((await deliver(hook, generic(1))).status).toBe(401);
    expect((await deliver({ ...hook, secret: rotated.json.secret }, generic(1))).status).toBe(200);
  });

  it("replays the first response for a repeated Idempotency-Key", async () => {
    const hook = await setup();
    const first = await deliver(hook, generic(2), { key: "delivery-1" });
    expect(first.json).toEqual({ received: 2, inserted: 2, duplicates: 0 });
    const retry = await deliver(hook, generic(2), { key: "delivery-1" });
    expect(retry.status).toBe(200);
    expect(retry.json).toEqual(first.json);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect((await api("/api/v1/glucose/readings", { token: hook.a.access })).json.items).toHaveLength(2);
  });

  it("names the invalid payload fields", async () => {
    const hook = await setup();
    expectFieldError(await deliver(hook, { readings: [{ time: "yesterday", value: 100 }] }), 422, "readings.0.time");
    expectFieldError(await deliver(hook, { readings: [{ time: new Date(t0).toISOString(), value: 900 }] }), 422, "readings.0.value");
    expectFieldError(await deliver(hook, { records: [{ value: 100 }] }), 422, "records.0.systemTime");
    expectFieldError(await deliver(hook, { nothing: true }), 422, "readings");
    expectFieldError(await deliver(hook, null, { raw: "{oops" }), 400, "body");
  });
});
