/**
 * The account and the sending side shared by the spec-driven tests (fuzz.test.ts,
 * openapi-conformance.test.ts): a fresh user with data of every kind and every credential
 * (bearer, forged bearers, uploader secret, webhook secret, a caregiver following them), and the
 * sending of one generated request through the Worker (`SELF.fetch`).
 */
import { SELF } from "cloudflare:test";
import { sign } from "hono/jwt";
import { expect } from "vitest";
import { api, register } from "./helpers.ts";
import { uploader } from "./interop-helpers.ts";
import { samples } from "./record-samples.ts";
import { share } from "./sharing-helpers.ts";
import type { Credentials, FuzzRequest } from "./fuzz-requests.ts";

const REQUEST_TIMEOUT_MS = 30_000;

export async function hmacHex(secret: string, message: string) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message));
  return Array.from(new Uint8Array(sig), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A fresh user with one record of every kind, a note, a reading, an insights job, an uploader and a
 * webhook secret; `byPath` maps each collection path (`/api/v1/meals`) to the id of its record.
 * With `follower`, a second user who follows the first (for `/following/{user_id}/…`).
 */
export async function credentials(opts: { follower?: boolean } = {}): Promise<Credentials> {
  const a = await register();
  const up = await uploader(a.access);
  const hook = await api("/api/v1/webhooks/secret", { method: "POST", token: a.access });
  const ids: string[] = [];
  const byPath: Record<string, string> = {};
  for (const s of samples) {
    const res = await api(`/api/v1/${s.path}`, { token: a.access, body: s.valid });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    ids.push(res.json.id);
    byPath[`/api/v1/${s.path}`] = String(res.json.id);
  }
  const note = await api("/api/v1/notes", { token: a.access, body: { time: new Date(Date.now() - 120_000).toISOString(), text: "Pizza night", tags: ["food"] } });
  expect(note.status, JSON.stringify(note.json)).toBe(201);
  byPath["/api/v1/notes"] = String(note.json.id);
  const reading = await api("/api/v1/glucose/readings", { token: a.access, body: { time: new Date(Date.now() - 60_000).toISOString(), value: 120, unit: "mg/dL" } });
  ids.push(reading.json.id);
  byPath["/api/v1/glucose/readings"] = String(reading.json.id);
  const job = await api("/api/v1/insights/trigger-analysis", { token: a.access, body: {} });
  if (job.json?.job_id) {
    ids.push(job.json.job_id);
    byPath["/api/v1/insights/jobs"] = String(job.json.job_id);
  }
  ids.push(up.id);
  byPath["/api/v1/uploaders"] = up.id;
  const [h, p, s] = a.access.split(".");
  const payload = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/")));
  const forged = [
    await sign({ ...payload }, "not-the-server-key-but-32-bytes-long!", "HS256"),
    `${h}.${btoa(JSON.stringify({ ...payload, uid: payload.uid + 1 })).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")}.${s}`,
    await sign({ ...payload, alg: "none" }, "x", "HS256"),
    `${h}.${p}.`,
  ];
  let followerAccess: string | undefined;
  if (opts.follower) {
    const f = await register({ name: "Caregiver" });
    byPath["/api/v1/sharing"] = await share(a, f);
    followerAccess = f.access;
  }
  return { access: a.access, forged, apiSecret: up.apiSecret, userPublicId: a.id, webhookSecret: hook.json.secret, ids, byPath, followerAccess };
}

export interface Answer {
  status: number;
  type: string;
  text: string;
}

/** Sends one request (signing webhook deliveries); a request that never answers throws. */
export async function send(req: FuzzRequest, cred: Credentials): Promise<Answer> {
  const headers = { ...req.headers };
  if (req.sign) {
    const ts = String(Math.floor(Date.now() / 1000));
    headers["x-glucolens-user"] = cred.userPublicId;
    headers["x-glucolens-timestamp"] = ts;
    headers["x-glucolens-signature"] = await hmacHex(cred.webhookSecret, `${req.method}\n${new URL(req.url).pathname}\n${ts}\n${req.body ?? ""}`);
  }
  // A request that never answers is a failure too (reported as such, not a stuck run). The timer
  // is cleared once answered: workerd allows 10,000 active timers, fewer than the requests sent.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
  try {
    return await answer(await SELF.fetch(req.url, { method: req.method, headers, body: req.body, signal: abort.signal }));
  } finally {
    clearTimeout(timer);
  }
}

async function answer(res: Response): Promise<Answer> {
  if (res.webSocket) {
    res.webSocket.accept();
    res.webSocket.close(1000, "done");
    return { status: res.status, type: "", text: "" };
  }
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: await res.text() };
}
