/**
 * Cloud follower bridges against local stand-ins of each vendor on real HTTP ports
 * (test/worker/bridge-standins/, started by the global setup), reached by the Worker's own
 * fetch through `server_url` (development only). Protocol references, per vendor:
 * - Dexcom Share: pydexcom/dexcom.py (`_get_session`, `_handle_response`: SessionIdNotFound,
 *   AccountPasswordInvalid as HTTP 500) and pydexcom/const.py (hosts, application ids, trends);
 * - LibreLinkUp: libre-link-up-api-client src/client.ts (`login`: status 2, redirect through
 *   `/llu/config/country` regionalMap[region].lslApi) and nightscout-librelink-up src/index.ts
 *   (`product`/`version` headers, `account-id`, FactoryTimestamp, ValueInMgPerDl);
 * - Nightscout: cgm-remote-monitor lib/api/entries (find[date], count) and lib/authorization
 *   (token / api-secret).
 */
import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { processBridgeBackfill } from "../../worker/bridges/backfill.ts";
import { encryptCredentials } from "../../worker/bridges/crypto.ts";
import type { Bindings } from "../../worker/env.ts";
import { productionConfigProblems } from "../../worker/lib/config.ts";
import { api, expectFieldError, register, type Account } from "./helpers.ts";
import { countOnShards, internalIdOf, userD1, userD1ByPublicId } from "./shard-helpers.ts";

const standins = inject("bridgeStandins");
const MIN = 60_000;

async function control(vendor: "dexcom" | "librelinkup" | "nightscout", body: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${standins[vendor]}/__control`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return res.json();
}

/** A reading every 5 minutes ending `endAgo` ago. */
function series(count: number, endAgo = 2 * MIN, value = (i: number) => 100 + i) {
  const end = Date.now() - endAgo;
  return Array.from({ length: count }, (_, i) => ({ time: end - (count - 1 - i) * 5 * MIN, value: value(i), trend: "Flat" }));
}

const uniq = (p: string) => `${p}-${crypto.randomUUID().slice(0, 8)}`;

async function create(a: Account, body: Record<string, unknown>) {
  const res = await api("/api/v1/bridges", { token: a.access, body });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json;
}

async function pollNow(a: Account, id: string) {
  const res = await api(`/api/v1/bridges/${id}/poll`, { method: "POST", token: a.access });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json;
}

async function readings(a: Account, query = "") {
  const res = await api(`/api/v1/glucose/readings?limit=1000${query}`, { token: a.access });
  expect(res.status).toBe(200);
  return res.json.items as { time: string; value: number; source: string; trend: string | null }[];
}

async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await what();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("Dexcom Share", () => {
  it("backfills 24 hours on connect through the alarm, old format (/Date(ms)/, numeric trends), and never answers the password", async () => {
    const a = await register();
    const username = uniq("share");
    await control("dexcom", { username, password: "s3cret-pass", format: "old", readings: [...series(3, 30 * 3600_000), ...series(288)] });
    const bridge = await create(a, { kind: "dexcom-share", username, password: "s3cret-pass", region: "ous", server_url: standins.dexcom });
    expect(bridge).toMatchObject({ kind: "dexcom-share", status: "pending", last_success_at: null, last_error: null, region: "ous" });
    expect(Object.keys(bridge)).toEqual(expect.arrayContaining(["id", "kind", "status", "last_success_at", "last_error", "next_poll_at"]));
    // No poll-now: the monitor's alarm polls the new bridge by itself.
    const done = await until(
      () => api(`/api/v1/bridges/${bridge.id}`, { token: a.access }),
      (r) => r.json.readings_imported > 0,
    );
    expect(done.json).toMatchObject({ status: "ok", readings_imported: 288, last_error: null });
    expect(Date.parse(done.json.next_poll_at)).toBeGreaterThan(Date.now());
    const stored = await readings(a);
    expect(stored).toHaveLength(288); // 24 hours: the readings 30 hours old are not asked for
    expect(stored.every((r) => r.source === "bridge:dexcom-share" && r.trend === "Flat")).toBe(true);
    // Credentials: never in any answer, and not readable in D1.
    for (const path of ["/api/v1/bridges", `/api/v1/bridges/${bridge.id}`]) {
      const text = JSON.stringify((await api(path, { token: a.access })).json);
      expect(text).not.toContain("s3cret-pass");
      expect(text).not.toContain(username);
    }
    const row = await (await userD1ByPublicId(a.id)).prepare("SELECT credentials FROM bridges WHERE id = ?").bind(bridge.id).first<{ credentials: string }>();
    expect(row!.credentials).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(row!.credentials).not.toContain("s3cret");
  });

  it("reads the newer format (Date(ms), trend names), then only new readings; a second poll stores nothing twice", async () => {
    const a = await register();
    const username = uniq("share-new");
    await control("dexcom", { username, password: "pw", format: "new", readings: series(12).map((r, i) => ({ ...r, trend: i % 2 ? "SingleUp" : "FortyFiveDown" })) });
    const bridge = await create(a, { kind: "dexcom-share", username, password: "pw", server_url: standins.dexcom });
    await pollNow(a, bridge.id);
    const first = await readings(a);
    expect(first).toHaveLength(12);
    expect(new Set(first.map((r) => r.trend))).toEqual(new Set(["SingleUp", "FortyFiveDown"]));
    await control("dexcom", { username, readings: [{ time: Date.now() - 10_000, value: 222, trend: "DoubleUp" }] });
    const again = await pollNow(a, bridge.id);
    expect(again.imported).toBe(1);
    expect(again.bridge.readings_imported).toBe(13);
    expect((await pollNow(a, bridge.id)).imported).toBe(0);
  });

  it("a wrong password (HTTP 500 AccountPasswordInvalid) stops polling until PATCH changes it", async () => {
    const a = await register();
    const username = uniq("share-pw");
    await control("dexcom", { username, password: "right", readings: series(3) });
    const bridge = await create(a, { kind: "dexcom-share", username, password: "wrong", server_url: standins.dexcom });
    const polled = await pollNow(a, bridge.id);
    expect(polled.imported).toBe(0);
    expect(polled.bridge).toMatchObject({ status: "login_refused", next_poll_at: null });
    expect(polled.bridge.last_error).toContain("AccountPasswordInvalid");
    const logins = (await control("dexcom", { username })).logins;
    // Not contacted again: poll-now is refused and no alarm polls it.
    const refused = await api(`/api/v1/bridges/${bridge.id}/poll`, { method: "POST", token: a.access });
    expectFieldError(refused, 409, "password");
    expect(refused.json.error.code).toBe("login_refused");
    expect((await control("dexcom", { username })).logins).toBe(logins);
    const patched = await api(`/api/v1/bridges/${bridge.id}`, { method: "PATCH", token: a.access, body: { password: "right" } });
    expect(patched.status).toBe(200);
    expect(patched.json.status).toBe("pending");
    expect(JSON.stringify(patched.json)).not.toContain("right");
    expect((await pollNow(a, bridge.id)).bridge.status).toBe("ok");
    expect(await readings(a)).toHaveLength(3);
  });

  it("an outage (HTTP 503) backs off and recovers; an expired session logs in again", async () => {
    const a = await register();
    const username = uniq("share-out");
    await control("dexcom", { username, password: "pw", readings: series(2), mode: "outage" });
    const bridge = await create(a, { kind: "dexcom-share", username, password: "pw", server_url: standins.dexcom });
    const down = await pollNow(a, bridge.id);
    expect(down.bridge.status).toBe("backoff");
    expect(down.bridge.last_error).toContain("503");
    expect(Date.parse(down.bridge.next_poll_at)).toBeGreaterThan(Date.now() + 30_000);
    await control("dexcom", { username, mode: "ok" });
    expect((await pollNow(a, bridge.id)).bridge.status).toBe("ok");
    const before = (await control("dexcom", { username, expire_sessions: true })).logins;
    await control("dexcom", { username, readings: [{ time: Date.now() - 5_000, value: 140 }] });
    const after = await pollNow(a, bridge.id);
    expect(after.imported).toBe(1);
    expect((await control("dexcom", { username })).logins).toBe(before + 1);
  });

  it("a vendor that never answers is given up after the timeout (BRIDGE_TIMEOUT_MS, 30 s at most) and backed off", async () => {
    const a = await register();
    const username = uniq("share-hang");
    await control("dexcom", { username, password: "pw", mode: "hang" });
    const bridge = await create(a, { kind: "dexcom-share", username, password: "pw", server_url: standins.dexcom });
    const polled = await pollNow(a, bridge.id);
    expect(polled.bridge.status).toBe("backoff");
    expect(polled.bridge.last_error).toMatch(/did not answer within 3 s/);
  });
});

describe("LibreLinkUp", () => {
  it("follows the region redirect, sends version/product/account-id, stores ValueInMgPerDl at FactoryTimestamp", async () => {
    const a = await register();
    const username = `${uniq("llu")}@example.com`;
    const graph = series(10, 1 * MIN, (i) => 180 + i);
    await control("librelinkup", { username, password: "pw", region: "de", readings: graph });
    const bridge = await create(a, { kind: "librelinkup", username, password: "pw", region: "eu", server_url: `${standins.librelinkup}/r/eu` });
    const polled = await pollNow(a, bridge.id);
    expect(polled.bridge.status, polled.bridge.last_error).toBe("ok");
    // The alarm may have polled first: the total counts, whichever poll stored them.
    expect(polled.bridge.readings_imported).toBe(10);
    const counters = await control("librelinkup", { username });
    expect(counters.redirects).toBe(1);
    const stored = await readings(a);
    expect(stored.map((r) => r.value)).toEqual(graph.map((r) => r.value)); // mg/dL, not the follower's mmol/L
    expect(stored.map((r) => Date.parse(r.time))).toEqual(graph.map((r) => Math.floor(r.time / 1000) * 1000)); // UTC, not the phone's +2 h
    // Token expiry: HTTP 401, log in again within the same poll.
    await control("librelinkup", { username, expire_tokens: true, readings: [{ time: Date.now() - 2_000, value: 95 }] });
    const again = await pollNow(a, bridge.id);
    expect(again.imported).toBe(1);
    expect((await control("librelinkup", { username })).logins).toBe(counters.logins + 1);
  });

  it("a wrong password (status 2 inside HTTP 200) is a refused login", async () => {
    const a = await register();
    const username = `${uniq("llu-pw")}@example.com`;
    await control("librelinkup", { username, password: "right", region: "eu" });
    const bridge = await create(a, { kind: "librelinkup", username, password: "nope", server_url: `${standins.librelinkup}/r/eu` });
    const polled = await pollNow(a, bridge.id);
    expect(polled.bridge).toMatchObject({ status: "login_refused", next_poll_at: null });
    expect(polled.bridge.last_error).toContain("status 2");
  });
});

describe("Nightscout source", () => {
  it("polls the last day with a token and fetches the whole history in pages through the queue", async () => {
    const a = await register();
    const site = uniq("site");
    const history = series(2600, 2 * MIN, (i) => 80 + (i % 150));
    await control("nightscout", { username: site, token: "follower-abc123", readings: history });
    const bridge = await create(a, { kind: "nightscout", server_url: `${standins.nightscout}/site/${site}`, token: "follower-abc123" });
    expect(bridge.backfill).toMatchObject({ status: "running" });
    const done = await until(
      () => api(`/api/v1/bridges/${bridge.id}`, { token: a.access }),
      (r) => r.json.backfill?.status === "done" && r.json.status === "ok",
      40_000,
    );
    expect(done.json.backfill.status).toBe("done");
    expect(done.json.readings_imported).toBe(2600);
    expect(await readings(a, `&start=${new Date(history[0]!.time - 1000).toISOString()}`).then((r) => r.length)).toBe(1000); // first page of the listing
    const count = await (await userD1ByPublicId(a.id)).prepare("SELECT count(*) AS n FROM glucose_readings r JOIN users u ON u.id = r.user_id WHERE u.public_id = ?").bind(a.id).first<{ n: number }>();
    expect(count!.n).toBe(2600);
  });

  // The history's treatments and device statuses after its entries: cgm-remote-monitor
  // lib/server/treatments.js and devicestatus.js list (sorted by created_at descending, `count` as
  // the limit, `find[created_at][$lte]`), then lib/api/profile `/profile` (ctx.profile.list, newest
  // startDate first, `count`), stored through the v1 upserts (worker/nightscout/treatments.ts
  // importTreatments, devicestatus.ts importDeviceStatuses, profile-routes.ts importProfiles) with their `_id`s.
  it("fetches the history's treatments, device statuses and profiles after its entries, each once with its _id", { timeout: 120_000 }, async () => {
    const a = await register();
    const site = uniq("treat-site");
    const HOUR = 60 * MIN;
    const kinds = [
      (i: number) => ({ eventType: "Meal Bolus", insulin: 1 + (i % 7), carbs: 10 + (i % 50), enteredBy: "AndroidAPS" }),
      (i: number) => ({ eventType: "Correction Bolus", insulin: 0.5 + (i % 3), enteredBy: "AndroidAPS" }),
      (i: number) => ({ eventType: "Note", notes: `note ${i}` }),
    ];
    // 2,300 treatments over 90 days: three pages of the backfill, most of them older than the polls reach.
    const treatments = Array.from({ length: 2300 }, (_, i) => ({
      _id: (0x65a000000000 + i).toString(16).padStart(24, "0"),
      created_at: new Date(Date.now() - 5 * MIN - i * 56 * MIN).toISOString(),
      ...kinds[i % 3]!(i),
    }));
    // 1,200 device statuses over 50 days (two pages), and three profiles, the oldest a year back.
    const devicestatus = Array.from({ length: 1200 }, (_, i) => ({
      _id: (0x65b000000000 + i).toString(16).padStart(24, "0"),
      device: "openaps://samsung SM-G970F",
      created_at: new Date(Date.now() - 3 * MIN - i * HOUR).toISOString(),
      pump: { battery: { percent: 90 - (i % 50) }, reservoir: 100 - (i % 90) },
      uploaderBattery: 80,
    }));
    const profile = (i: number, daysAgo: number) => ({
      _id: (0x65c000000000 + i).toString(16).padStart(24, "0"),
      defaultProfile: "Default",
      startDate: new Date(Date.now() - daysAgo * 24 * HOUR).toISOString(),
      units: "mg/dl",
      store: { Default: { dia: 5 + i, carbratio: [{ time: "00:00", value: 10 }], sens: [{ time: "00:00", value: 40 }], basal: [{ time: "00:00", value: 0.8 }], target_low: [{ time: "00:00", value: 90 }], target_high: [{ time: "00:00", value: 120 }], timezone: "UTC", units: "mg/dl" } },
    });
    const profiles = [profile(0, 2), profile(1, 100), profile(2, 365)];
    await control("nightscout", { username: site, token: "treat-token-1", readings: series(300, 2 * MIN), treatments, devicestatus, profiles });
    const bridge = await create(a, { kind: "nightscout", server_url: `${standins.nightscout}/site/${site}`, token: "treat-token-1" });
    const done = await until(
      () => api(`/api/v1/bridges/${bridge.id}`, { token: a.access }),
      (r) => r.json.backfill?.status === "done" && r.json.status === "ok",
      100_000,
    );
    expect(done.json.backfill).toMatchObject({ status: "done", phase: "profiles", treatments_imported: 2300, devicestatus_imported: 1200, profiles_imported: 3 });
    expect(done.json.readings_imported).toBe(300);
    expect(Date.parse(done.json.backfill.oldest_at)).toBe(Date.parse(profiles.at(-1)!.startDate));
    const d1 = await userD1ByPublicId(a.id);
    const countOf = (table: string) => d1.prepare(`SELECT count(*) AS n, count(DISTINCT ns_id) AS ids FROM ${table} t JOIN users u ON u.id = t.user_id WHERE u.public_id = ?`).bind(a.id).first<{ n: number; ids: number }>();
    expect(await countOf("nightscout_treatments")).toEqual({ n: 2300, ids: 2300 });
    expect(await countOf("device_statuses")).toEqual({ n: 1200, ids: 1200 });
    // The oldest of each, through the Nightscout API with its source _id.
    const { secret } = (await api("/api/v1/uploaders", { token: a.access, body: { name: "reader" } })).json;
    const apiSecret = [...new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(secret)))].map((b) => b.toString(16).padStart(2, "0")).join("");
    const oldestOf = async (collection: string, doc: { created_at: string }) => (await api(`/api/v1/${collection}.json?find[created_at][$lte]=${encodeURIComponent(doc.created_at)}&count=5`, { headers: { "api-secret": apiSecret } })).json.map((t: Record<string, unknown>) => t["_id"]);
    expect(await oldestOf("treatments", treatments.at(-1)!)).toEqual([treatments.at(-1)!["_id"]]);
    expect(await oldestOf("devicestatus", devicestatus.at(-1)!)).toEqual([devicestatus.at(-1)!["_id"]]);
    expect(Date.now() - Date.parse(treatments.at(-1)!.created_at)).toBeGreaterThan(88 * 24 * HOUR);
    const storedProfiles = (await api("/api/v1/profile.json?count=10", { headers: { "api-secret": apiSecret } })).json as Record<string, unknown>[];
    expect(storedProfiles.map((p) => p["_id"]).sort()).toEqual(profiles.map((p) => p["_id"]).sort());
  });

  // A queue delivers at least once: a page's message may come again after its progress was written.
  it("a redelivered page stores and counts nothing twice and starts no second chain of pages", { timeout: 60_000 }, async () => {
    const a = await register();
    const site = uniq("again-site");
    const treatments = Array.from({ length: 1500 }, (_, i) => ({ _id: (0x65d000000000 + i).toString(16).padStart(24, "0"), created_at: new Date(Date.now() - 5 * MIN - i * 30 * MIN).toISOString(), eventType: "Note", notes: `n${i}` }));
    await control("nightscout", { username: site, token: "again-token-1", readings: series(10, 2 * MIN), treatments });
    const bridge = await create(a, { kind: "nightscout", server_url: `${standins.nightscout}/site/${site}`, token: "again-token-1" });
    const done = await until(
      () => api(`/api/v1/bridges/${bridge.id}`, { token: a.access }),
      (r) => r.json.backfill?.status === "done",
      40_000,
    );
    expect(done.json.backfill).toMatchObject({ treatments_imported: 1500 });
    // The treatments phase again from its first page, then that first page delivered twice.
    const userId = await internalIdOf(a.id);
    const d1 = await userD1(userId);
    await d1.prepare("UPDATE bridges SET backfill_status = 'running', backfill_phase = 'treatments', backfill_cursor = NULL, backfill_treatments = 0 WHERE id = ?").bind(bridge.id).run();
    const first = { kind: "bridge_backfill" as const, user_id: userId, bridge_id: bridge.id, before: Date.now(), collection: "treatments" as const };
    expect(await processBridgeBackfill(first, env as unknown as Bindings)).toBe("next-page");
    expect(["page-recorded-before", "not-running"]).toContain(await processBridgeBackfill(first, env as unknown as Bindings));
    const again = await until(
      () => api(`/api/v1/bridges/${bridge.id}`, { token: a.access }),
      (r) => r.json.backfill?.status === "done",
      40_000,
    );
    expect(again.json.backfill).toMatchObject({ status: "done", treatments_imported: 1500 });
    expect(await d1.prepare("SELECT count(*) AS n FROM nightscout_treatments WHERE user_id = ?").bind(userId).first("n")).toBe(1500);
  });

  it("uses the API secret's SHA-1 when the token is refused; refuses both with login_refused", async () => {
    const a = await register();
    const site = uniq("secret-site");
    await control("nightscout", { username: site, secret: "my-api-secret-1", readings: series(4) });
    const ok = await create(a, { kind: "nightscout", server_url: `${standins.nightscout}/site/${site}`, token: "my-api-secret-1" });
    expect((await pollNow(a, ok.id)).bridge.status).toBe("ok");
    const bad = await create(a, { kind: "nightscout", server_url: `${standins.nightscout}/site/${site}`, token: "wrong" });
    expect((await pollNow(a, bad.id)).bridge).toMatchObject({ status: "login_refused", next_poll_at: null });
  });

  it("a history backfill stopped by a refused token resumes once the right token is saved (PATCH)", async () => {
    const a = await register();
    const site = uniq("fixed-site");
    const history = series(700, 2 * MIN, (i) => 90 + (i % 100));
    await control("nightscout", { username: site, token: "right-token-1", readings: history });
    const bridge = await create(a, { kind: "nightscout", server_url: `${standins.nightscout}/site/${site}`, token: "wrong-token" });
    const stopped = await until(
      () => api(`/api/v1/bridges/${bridge.id}`, { token: a.access }),
      (r) => r.json.backfill?.status === "failed" && r.json.status === "login_refused",
      20_000,
    );
    expect(stopped.json).toMatchObject({ status: "login_refused", backfill: { status: "failed", imported: 0 } });
    const patched = await api(`/api/v1/bridges/${bridge.id}`, { method: "PATCH", token: a.access, body: { token: "right-token-1" } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ status: "pending", backfill: { status: "running" } });
    const done = await until(
      () => api(`/api/v1/bridges/${bridge.id}`, { token: a.access }),
      (r) => r.json.backfill?.status === "done" && r.json.status === "ok",
      40_000,
    );
    expect(done.json.readings_imported).toBe(700);
    const count = await (await userD1ByPublicId(a.id)).prepare("SELECT count(*) AS n FROM glucose_readings r JOIN users u ON u.id = r.user_id WHERE u.public_id = ?").bind(a.id).first<{ n: number }>();
    expect(count!.n).toBe(700);
  });

  // The site's other collections (cgm-remote-monitor lib/api/treatments, lib/api/devicestatus,
  // lib/api/profile), stored through the platform's own v1 upserts (worker/nightscout/treatments.ts
  // importTreatments, devicestatus.ts importDeviceStatuses, profile-routes.ts importProfiles).
  it("imports treatments, device statuses and profiles, keeping each source _id so later polls store nothing twice", async () => {
    const a = await register();
    const site = uniq("docs-site");
    const at = (ago: number) => new Date(Date.now() - ago).toISOString();
    const bolus = { _id: "65a0f0f0f0f0f0f0f0f0f001", eventType: "Meal Bolus", created_at: at(30 * MIN), insulin: 4.5, carbs: 45, enteredBy: "AndroidAPS" };
    const note = { _id: "65a0f0f0f0f0f0f0f0f0f002", eventType: "Note", created_at: at(20 * MIN), notes: "site change" };
    const status = { _id: "65a0f0f0f0f0f0f0f0f0f003", device: "openaps://phone", created_at: at(10 * MIN), openaps: { iob: { iob: 1.2, timestamp: at(10 * MIN) } }, pump: { battery: { percent: 80 } } };
    const profile = { _id: "65a0f0f0f0f0f0f0f0f0f004", defaultProfile: "Default", startDate: at(48 * 60 * MIN), units: "mg/dl", store: { Default: { dia: 5, carbratio: [{ time: "00:00", value: 10 }], sens: [{ time: "00:00", value: 40 }], basal: [{ time: "00:00", value: 0.8 }], target_low: [{ time: "00:00", value: 90 }], target_high: [{ time: "00:00", value: 120 }], timezone: "UTC", units: "mg/dl" } } };
    const invalid = { _id: "65a0f0f0f0f0f0f0f0f0f005", eventType: "Correction Bolus", created_at: "not a date", insulin: 1 };
    await control("nightscout", { username: site, token: "docs-token-1", readings: series(3), treatments: [bolus, note, invalid], devicestatus: [status], profiles: [profile] });
    const bridge = await create(a, { kind: "nightscout", server_url: `${standins.nightscout}/site/${site}`, token: "docs-token-1" });
    await pollNow(a, bridge.id);
    await pollNow(a, bridge.id);
    const userId = await internalIdOf(a.id);
    const d1 = await userD1(userId);
    const rows = async (sql: string) => (await d1.prepare(sql).bind(userId).all<Record<string, unknown>>()).results;
    expect(await rows("SELECT ns_id, event_type FROM nightscout_treatments WHERE user_id = ? AND is_valid = 1 ORDER BY time")).toEqual([
      { ns_id: bolus["_id"], event_type: "Meal Bolus" },
      { ns_id: note["_id"], event_type: "Note" },
    ]);
    expect(await rows("SELECT carbs FROM meals WHERE user_id = ?")).toEqual([{ carbs: 45 }]);
    expect(await rows("SELECT units FROM insulin_doses WHERE user_id = ?")).toEqual([{ units: 4.5 }]);
    expect(await rows("SELECT ns_id, device FROM device_statuses WHERE user_id = ? AND is_valid = 1")).toEqual([{ ns_id: status["_id"], device: "openaps://phone" }]);
    expect(await rows("SELECT id FROM nightscout_profiles WHERE user_id = ?")).toEqual([{ id: profile["_id"] }]);
    // A treatment changed on the site replaces the stored one (same _id), as a v1 PUT would.
    await control("nightscout", { username: site, treatments: [{ ...note, notes: "site change, left arm" }] });
    await pollNow(a, bridge.id);
    const notes = await rows("SELECT doc FROM nightscout_treatments WHERE user_id = ? AND event_type = 'Note'");
    expect(notes.map((r) => JSON.parse(r.doc as string).notes)).toEqual(["site change, left arm"]);
    // Another user connecting the same site gets copies of their own; the first user's stay as they were.
    const b = await register();
    await pollNow(b, (await create(b, { kind: "nightscout", server_url: `${standins.nightscout}/site/${site}`, token: "docs-token-1" })).id);
    expect(await rows("SELECT count(*) AS n FROM nightscout_treatments WHERE user_id = ?")).toEqual([{ n: 2 }]);
  });

  // A site with API v3 (cgm-remote-monitor lib/api3/specific/version.js, lib/api3/generic/history:
  // changes after lastModified by srvModified, deletions as isValid false): the polls follow its
  // history, so an edit or a deletion of a document older than the polls' window reaches the copy.
  it("with API v3, follows the treatments' and device statuses' history: old documents edited or deleted on the site follow, nothing stored twice", { timeout: 60_000 }, async () => {
    const a = await register();
    const site = uniq("v3-site");
    const at = (ago: number) => new Date(Date.now() - ago).toISOString();
    const DAY = 24 * 60 * MIN;
    const bolus = { _id: "66b0f0f0f0f0f0f0f0f0f001", eventType: "Meal Bolus", created_at: at(30 * MIN), insulin: 3, carbs: 40, enteredBy: "AndroidAPS" };
    // Three days old, as AndroidAPS uploads through v3: a UUID identifier next to the _id.
    const old = { _id: "66b0f0f0f0f0f0f0f0f0f002", identifier: "0b4f1f7e-56a4-4e7c-9d39-1b1f1f1f1f1f", eventType: "Carb Correction", created_at: at(3 * DAY), carbs: 12 };
    const status = { _id: "66b0f0f0f0f0f0f0f0f0f003", device: "openaps://phone", created_at: at(5 * MIN), uploaderBattery: 70 };
    await control("nightscout", { username: site, token: "v3-token-1", v3: true, readings: series(3), treatments: [bolus, old], devicestatus: [status] });
    const bridge = await create(a, { kind: "nightscout", server_url: `${standins.nightscout}/site/${site}`, token: "v3-token-1" });
    await until(() => api(`/api/v1/bridges/${bridge.id}`, { token: a.access }), (r) => r.json.backfill?.status === "done", 40_000);
    await pollNow(a, bridge.id);
    const userId = await internalIdOf(a.id);
    const d1 = await userD1(userId);
    const rows = async (sql: string) => (await d1.prepare(sql).bind(userId).all<Record<string, unknown>>()).results;
    const treatments = () => rows("SELECT ns_id, identifier, json_extract(doc, '$.carbs') AS carbs, is_valid FROM nightscout_treatments WHERE user_id = ? ORDER BY time");
    // API v3 answers no `_id` (lib/api3/storage/mongoCollection/utils.js normalizeDoc): a document
    // with a UUID identifier is known by it, and its copy gets an `_id` of its own.
    const ownId = expect.stringMatching(/^[0-9a-f]{24}$/);
    expect(await treatments()).toEqual([
      { ns_id: ownId, identifier: old.identifier, carbs: 12, is_valid: 1 },
      { ns_id: bolus["_id"], identifier: null, carbs: 40, is_valid: 1 },
    ]);
    expect(await rows("SELECT ns_id, is_valid FROM device_statuses WHERE user_id = ?")).toEqual([{ ns_id: status["_id"], is_valid: 1 }]);
    // v3 documents carry no server fields into the copy.
    expect(JSON.parse((await rows("SELECT doc FROM nightscout_treatments WHERE user_id = ? AND event_type = 'Meal Bolus'"))[0]!.doc as string)).not.toHaveProperty("srvModified");

    // The three-day-old treatment edited, the bolus and the status deleted on the site.
    await control("nightscout", { username: site, treatments: [{ ...old, carbs: 15 }], delete: { treatments: [bolus["_id"]], devicestatus: [status["_id"]] } });
    await pollNow(a, bridge.id);
    expect(await treatments()).toEqual([
      { ns_id: ownId, identifier: old.identifier, carbs: 15, is_valid: 1 },
      { ns_id: bolus["_id"], identifier: null, carbs: 40, is_valid: 0 },
    ]);
    expect(await rows("SELECT ns_id, is_valid FROM device_statuses WHERE user_id = ?")).toEqual([{ ns_id: status["_id"], is_valid: 0 }]);
    // The bolus's meal and dose went with it; the correction's meal holds the edit.
    expect(await rows("SELECT carbs FROM meals WHERE user_id = ? ORDER BY time")).toEqual([{ carbs: 15 }]);
    expect(await rows("SELECT count(*) AS n FROM insulin_doses WHERE user_id = ?")).toEqual([{ n: 0 }]);

    // Nothing new on the site: a poll changes nothing.
    await pollNow(a, bridge.id);
    expect(await rows("SELECT count(*) AS n FROM nightscout_treatments WHERE user_id = ?")).toEqual([{ n: 2 }]);
    expect(await rows("SELECT count(*) AS n FROM meals WHERE user_id = ?")).toEqual([{ n: 1 }]);
  });

  it("a site without API v3 (404), or reached with its API secret (which v3 does not take), is read through v1", async () => {
    const a = await register();
    for (const v3 of [false, "refusing"] as const) {
      const site = uniq("v1-site");
      const note = { _id: v3 ? "66c0f0f0f0f0f0f0f0f0f001" : "66c0f0f0f0f0f0f0f0f0f002", eventType: "Note", created_at: new Date(Date.now() - 10 * MIN).toISOString(), notes: `from ${site}` };
      // "refusing": v3 present, but the credential is the site's API secret (lib/api3/security.js reads tokens and JWTs only).
      await control("nightscout", v3 ? { username: site, secret: "v1-secret-1", v3: true, readings: series(2), treatments: [note] } : { username: site, token: "v1-token-1", readings: series(2), treatments: [note] });
      const bridge = await create(a, { kind: "nightscout", server_url: `${standins.nightscout}/site/${site}`, token: v3 ? "v1-secret-1" : "v1-token-1" });
      expect((await pollNow(a, bridge.id)).bridge.status).toBe("ok");
    }
    const userId = await internalIdOf(a.id);
    const ids = (await (await userD1(userId)).prepare("SELECT ns_id FROM nightscout_treatments WHERE user_id = ? ORDER BY ns_id").bind(userId).all<{ ns_id: string }>()).results;
    expect(ids.map((r) => r.ns_id)).toEqual(["66c0f0f0f0f0f0f0f0f0f001", "66c0f0f0f0f0f0f0f0f0f002"]);
  });
});

describe("dedupe against other paths", () => {
  it("a reading an uploader already stored (same value, within a minute) is not stored again, and the bridge's copy goes when the uploader's arrives later", async () => {
    const a = await register();
    const username = uniq("share-dup");
    const t = Date.now() - 7 * MIN;
    const res = await api("/api/v1/glucose/readings", { token: a.access, body: { time: new Date(t + 30_000).toISOString(), value: 150, source: "xdrip" } });
    expect(res.status).toBe(201);
    await control("dexcom", { username, password: "pw", readings: [{ time: t, value: 150 }, { time: t + 5 * MIN, value: 160 }] });
    const bridge = await create(a, { kind: "dexcom-share", username, password: "pw", server_url: standins.dexcom });
    const polled = await pollNow(a, bridge.id);
    // The alarm may have polled first; either way the 150 was matched, never stored.
    expect(polled.bridge.readings_imported).toBe(1);
    expect((await readings(a)).map((r) => `${r.source}:${r.value}`).sort()).toEqual(["bridge:dexcom-share:160", "xdrip:150"]);
    // The uploader sends the 160 afterwards: the next poll keeps one copy.
    expect((await api("/api/v1/glucose/readings", { token: a.access, body: { time: new Date(t + 5 * MIN + 20_000).toISOString(), value: 160, source: "xdrip" } })).status).toBe(201);
    await pollNow(a, bridge.id);
    expect((await readings(a)).map((r) => `${r.source}:${r.value}`).sort()).toEqual(["xdrip:150", "xdrip:160"]);
  });
});

describe("production configuration", () => {
  // worker/lib/config.ts productionConfigProblems: only what every request needs; BRIDGE_KEY is
  // checked where bridges use it (worker/bridges/crypto.ts bridgeKeySecret).
  it("a missing BRIDGE_KEY does not refuse the API, but encrypting credentials fails naming it", async () => {
    const production = { ...env, ENVIRONMENT: "production", JWT_SECRET: "a-real-secret-".repeat(4), WEB_ORIGIN: "https://app.glucolens.example", BRIDGE_KEY: undefined } as unknown as Bindings;
    expect(productionConfigProblems(production)).toEqual([]);
    const err = await encryptCredentials(production, crypto.randomUUID(), { token: "t" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 500, code: "misconfigured" });
    expect((err as Error).message).toContain("BRIDGE_KEY");
  });
});

describe("API rules", () => {
  it("names invalid fields (422), refuses server_url without a scheme, and isolates users", async () => {
    const a = await register();
    const b = await register();
    expectFieldError(await api("/api/v1/bridges", { token: a.access, body: { kind: "carelink", username: "x", password: "y" } }), 422, "kind");
    expectFieldError(await api("/api/v1/bridges", { token: a.access, body: { kind: "dexcom-share", username: "x" } }), 422, "password");
    expectFieldError(await api("/api/v1/bridges", { token: a.access, body: { kind: "dexcom-share", username: "x", password: "y", region: "mars" } }), 422, "region");
    expectFieldError(await api("/api/v1/bridges", { token: a.access, body: { kind: "nightscout", token: "t" } }), 422, "server_url");
    expectFieldError(await api("/api/v1/bridges", { token: a.access, body: { kind: "nightscout", token: "t", server_url: "ftp://x.example.com" } }), 422, "server_url");
    expect((await api("/api/v1/bridges", { body: { kind: "nightscout", token: "t", server_url: "https://ns.example.com" } })).status).toBe(401);
    const username = uniq("share-iso");
    await control("dexcom", { username, password: "pw", readings: series(2) });
    const bridge = await create(a, { kind: "dexcom-share", username, password: "pw", server_url: standins.dexcom });
    expectFieldError(await api(`/api/v1/bridges/${bridge.id}`, { method: "PATCH", token: a.access, body: { token: "x" } }), 422, "token");
    for (const [method, path, body] of [
      ["GET", "", undefined],
      ["PATCH", "", { paused: true }],
      ["POST", "/poll", undefined],
      ["POST", "/backfill", undefined],
      ["DELETE", "", undefined],
    ] as const) {
      const res = await api(`/api/v1/bridges/${bridge.id}${path}`, { method, token: b.access, body });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await api("/api/v1/bridges", { token: b.access })).json.items).toEqual([]);
    expect((await api(`/api/v1/bridges/${bridge.id}`, { token: a.access })).json.paused).toBe(false);
    // Pause, resume, remove.
    const paused = await api(`/api/v1/bridges/${bridge.id}`, { method: "PATCH", token: a.access, body: { paused: true } });
    expect(paused.json).toMatchObject({ status: "paused", next_poll_at: null });
    expect((await api(`/api/v1/bridges/${bridge.id}/poll`, { method: "POST", token: a.access })).status).toBe(409);
    expect((await api(`/api/v1/bridges/${bridge.id}`, { method: "DELETE", token: a.access })).status).toBe(204);
    expect((await api(`/api/v1/bridges/${bridge.id}`, { token: a.access })).status).toBe(404);
  });

  it("account deletion removes the bridges and their credentials", async () => {
    const a = await register();
    const username = uniq("share-del");
    await control("dexcom", { username, password: "pw" });
    const bridge = await create(a, { kind: "dexcom-share", username, password: "pw", server_url: standins.dexcom });
    expect((await api("/api/v1/auth/me", { method: "DELETE", token: a.access, body: { password: a.password } })).status).toBe(204);
    expect(await countOnShards("SELECT count(*) AS n FROM bridges WHERE id = ?", bridge.id)).toBe(0);
  });
});
