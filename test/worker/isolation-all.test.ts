/**
 * Isolation on every route, driven by /openapi.json so a new route is covered without
 * touching this file: user A fills an account (records of every kind, readings, an alert, an
 * insights job, an uploader secret, a webhook secret, Nightscout entries and treatments); then
 * - every operation with a path parameter is called by user B with each of A's ids (collected
 *   from what A created and from every `id`/`_id`/`job_id` in A's own list responses): no success;
 * - every GET operation answers B nothing of A's (no id, no marker, no email), with B's bearer
 *   token and with B's Nightscout api-secret;
 * - A's uploader secret reads only A's data, never B's; B's webhook secret cannot sign for A;
 * - B's WebSocket never sees A's readings or alerts; B's import lands in B's account only;
 * - afterwards everything A can read is exactly what it was.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, register, type Account } from "./helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";
import { Feed, historyUntil, postReading, settle } from "./monitor-helpers.ts";
import { samples } from "./record-samples.ts";
import { operations } from "./openapi-operations.ts";

const MARKER = "a-private-marker-7f3c";
const H = 3600_000;

async function hmacHex(secret: string, message: string) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message));
  return Array.from(new Uint8Array(sig), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Runs `task` over `items`, `limit` at a time. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await task(items[next++]!);
  }));
}

/** Every string under an `id`-like key of a JSON value. */
function idsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) idsIn(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (/^(id|_id|job_id)$/.test(k) && (typeof v === "string" || typeof v === "number")) out.add(String(v));
      else idsIn(v, out);
    }
  }
  return out;
}

/** Values to put into path placeholders that are not ids ({type}, {spec}, {source}). */
const PLACEHOLDER_VALUES: Record<string, string[]> = {
  type: ["glucose", ...samples.map((s) => s.path)],
  spec: ["sgv.json", "current.json", "mbg.json"],
  source: ["acme-cloud"],
};

async function fill(a: Account) {
  const created = new Set<string>();
  for (const s of samples) {
    const body = { ...s.valid, ...("description" in s.valid || s.path === "meals" ? { description: MARKER } : {}) };
    const res = await api(`/api/v1/${s.path}`, { token: a.access, body });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    created.add(res.json.id);
  }
  const now = Date.now();
  created.add((await postReading(a, 120, now - 20 * 60_000)).id);
  // A low raises an alert: its id is reachable through /alerts/{id}/ack.
  await postReading(a, 50, now - 60_000);
  for (const alert of await historyUntil(a, (items) => items.length > 0)) created.add(alert.id);
  const job = await api("/api/v1/insights/trigger-analysis", { token: a.access, body: {} });
  if (job.json?.job_id) {
    created.add(job.json.job_id);
    // Let A's own job finish first, so its results are not mistaken for a change made by B.
    for (let i = 0; i < 120; i++) {
      const st = await api(`/api/v1/insights/jobs/${job.json.job_id}`, { token: a.access });
      if (st.json?.status === "done" || st.json?.status === "failed") break;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const up = await uploader(a.access, MARKER);
  created.add(up.id);
  const entries = await ns(up.apiSecret, "/api/v1/entries", { body: [{ type: "sgv", sgv: 140, date: now - 2 * H, device: MARKER }] });
  expect(entries.status, JSON.stringify(entries.json)).toBe(200);
  for (const e of entries.json as Record<string, string>[]) created.add(e["_id"]!);
  const treatments = await ns(up.apiSecret, "/api/v1/treatments", { body: [{ eventType: "Meal Bolus", carbs: 30, insulin: 3, created_at: new Date(now - 3 * H).toISOString(), notes: MARKER }] });
  expect(treatments.status, JSON.stringify(treatments.json)).toBe(200);
  for (const t of treatments.json as Record<string, string>[]) created.add(t["_id"]!);
  const hook = await api("/api/v1/webhooks/secret", { method: "POST", token: a.access });
  expect(hook.status).toBe(201);
  return { created, up, webhookSecret: hook.json.secret as string };
}

/** Concrete URLs for a GET operation's template (placeholders filled with harmless values). */
function concretePaths(path: string): string[] {
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  if (!names.length) return [path];
  if (names.some((n) => !PLACEHOLDER_VALUES[n])) return [];
  return PLACEHOLDER_VALUES[names[0]!]!.map((v) => path.replace(`{${names[0]}}`, v));
}

/** What A can read through every parameterless GET and every `{id}` GET: the before/after snapshot. */
async function snapshot(a: Account, gets: string[], idGets: string[]) {
  const out: Record<string, unknown> = {};
  for (const url of [...gets, ...idGets]) {
    const res = await api(url, { token: a.access });
    if (res.status === 200) out[url] = res.json;
  }
  return out;
}

/** Fields that change by themselves (clocks, last use, job progress) are left out of the comparison. */
const stable = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (k, v) => (/(^|_)(at|time|now|age|progress|status|state|last_used|server|generated|updated|expires|minutes_ago|ago|ms|last|since|elapsed|remaining|seconds|start|end)$|^(serverTime|serverTimeEpoch|srvDate|mills)$/i.test(k) ? undefined : v)));

describe("isolation on every route of /openapi.json", () => {
  it("user B reaches none of user A's data through any route", { timeout: 900_000 }, async () => {
    const a = await register({ name: MARKER });
    const b = await register();
    const { created, up, webhookSecret } = await fill(a);
    const bUploader = await uploader(b.access, "B's uploader");
    const { ops } = await operations();

    // A's ids: what A created plus every id in A's own list responses (covers new resources too).
    const gets = ops.filter((op) => op.method === "GET" && !op.path.includes("/stream") && !op.path.startsWith("/docs"));
    const plainGets = gets.flatMap((op) => concretePaths(op.path));
    const ids = new Set(created);
    for (const url of plainGets) {
      const res = await api(url, { token: a.access });
      if (res.status === 200) for (const id of idsIn(res.json)) ids.add(id);
    }
    // Ids are per table, so one of A's may equal one of B's own (B's uploader): B may use its own.
    for (const url of plainGets) {
      const res = await api(url, { token: b.access });
      if (res.status === 200) for (const id of idsIn(res.json)) ids.delete(id);
    }
    ids.delete(bUploader.id);
    const idOps = ops.filter((op) => op.pathParams.some((p) => !PLACEHOLDER_VALUES[p]));
    expect(idOps.length).toBeGreaterThanOrEqual(10);
    const idGets = idOps.filter((op) => op.method === "GET").flatMap((op) => [...ids].map((id) => op.path.replace(/\{[^}]+\}/, encodeURIComponent(id))));
    // 5 (first, since A's own new reading changes A's data): B's socket never sees A's messages.
    const feed = await Feed.open(b);
    await postReading(a, 45, Date.now() - 30_000);
    await settle(400);
    expect(feed.raw.slice(1).join("\n")).not.toContain("45");
    expect(feed.messages.filter((m) => m.type !== "hello")).toEqual([]);
    feed.close();

    const before = await snapshot(a, plainGets, idGets);
    console.log(`isolation: ${idOps.length} id operations, ${ids.size} ids of A (${created.size} created), ${plainGets.length} GET urls`);

    let attempts = 1; // the socket check above
    const successes: string[] = [];
    const note = (what: string, status: number) => {
      attempts++;
      if (status < 300 || status === 409) successes.push(`${what} → ${status}`);
    };

    // 1. Every {id} route with each of A's ids, as B (bearer) and, for Nightscout, B's api-secret.
    const tries = idOps.flatMap((op) => [...ids].map((id) => ({ op, id })));
    await pool(tries, 4, async ({ op, id }) => {
      const sample = samples.find((s) => op.path.startsWith(`/api/v1/${s.path}/`));
      const body = op.method === "GET" || op.method === "DELETE" ? undefined : sample ? sample.update : op.path.includes("/glucose/") ? { value: 60 } : {};
      const url = op.path.replace(/\{[^}]+\}/, encodeURIComponent(id));
      const res = await api(url, { method: op.method, token: b.access, body });
      note(`${op.method} ${url} (B bearer)`, res.status);
      if (op.security.includes("NightscoutSecret")) {
        const viaSecret = await api(url, { method: op.method, headers: { "api-secret": bUploader.apiSecret }, body });
        note(`${op.method} ${url} (B api-secret)`, viaSecret.status);
      }
    });

    // 2. Every GET answers B nothing of A's.
    const secrets = [...ids].filter((id) => id.length >= 8);
    const leaks: string[] = [];
    for (const url of plainGets) {
      for (const auth of [{ token: b.access }, { headers: { "api-secret": bUploader.apiSecret } }]) {
        const res = await api(url, auth);
        attempts++;
        const text = JSON.stringify(res.json);
        for (const s of [MARKER, a.email, ...secrets]) if (text.includes(s)) leaks.push(`GET ${url} shows ${s}`);
      }
    }
    expect(leaks).toEqual([]);

    // 3. A's uploader secret reads only A's entries; B's secret none of A's.
    const bTime = Date.now() - 5 * H;
    const bPost = await ns(bUploader.apiSecret, "/api/v1/entries", { body: [{ type: "sgv", sgv: 99, date: bTime, device: "B-device" }] });
    expect(bPost.status, JSON.stringify(bPost.json)).toBe(200);
    const aEntries = await ns(up.apiSecret, "/api/v1/entries.json?count=1000");
    expect(aEntries.json.some((e: { device: string }) => e.device === "B-device")).toBe(false);
    const bEntries = await ns(bUploader.apiSecret, "/api/v1/entries.json?count=1000");
    expect(bEntries.status, JSON.stringify(bEntries.json)).toBe(200);
    expect(bEntries.json.map((e: { device: string }) => e.device)).toEqual(["B-device"]);
    attempts += 2;

    // 4. B's webhook secret cannot sign a delivery for A (nor can an unsigned one).
    const bHook = (await api("/api/v1/webhooks/secret", { method: "POST", token: b.access })).json.secret as string;
    for (const secret of [bHook, "guess"]) {
      const text = JSON.stringify({ readings: [{ time: new Date(Date.now() - 4 * H).toISOString(), value: 77, unit: "mg/dL" }] });
      const ts = String(Math.floor(Date.now() / 1000));
      const res = await SELF.fetch(`${BASE}/api/v1/webhooks/cgm/acme-cloud`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-glucolens-user": a.id, "x-glucolens-timestamp": ts, "x-glucolens-signature": await hmacHex(secret, `POST\n/api/v1/webhooks/cgm/acme-cloud\n${ts}\n${text}`) },
        body: text,
      });
      note(`webhook for A signed with ${secret === bHook ? "B's secret" : "a guess"}`, res.status);
    }
    expect(webhookSecret).not.toBe(bHook);

    // 6. B importing A's export stores it in B's account only, and leaves A's as it was.
    const exported = await api("/api/v1/export?format=json", { token: a.access });
    expect(exported.status).toBe(200);
    const imported = await api("/api/v1/imports?format=glucolens-json", { token: b.access, raw: JSON.stringify(exported.json) });
    expect(imported.status, JSON.stringify(imported.json)).toBe(200);
    attempts++;

    const after = await snapshot(a, plainGets, idGets);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const url of Object.keys(before)) expect(stable(after[url]), url).toEqual(stable(before[url]));
    console.log(`isolation: ${idOps.length} id operations × ${ids.size} ids of A, ${plainGets.length} GET urls; ${attempts} attempts by B, ${successes.length} successes`);
    expect(successes).toEqual([]);
  });
});
