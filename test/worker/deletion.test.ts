/**
 * Account security checks that auth.test.ts leaves open, and account deletion checked
 * against every table D1 has (enumerated from sqlite_master, so a new table is covered) and the
 * user's Durable Object storage:
 * - an expired access token, one signed with another key and one with `alg: none` are refused;
 * - a refresh token is refused after logout and after the account is deleted;
 * - deleting an account leaves no row that names the user (any *user_id / owner column equal to
 *   its id, any text column containing its public id or email) and an empty monitor (but for
 *   its tombstone; deletion-final.test.ts shows that nothing is accepted afterwards).
 */
import { env, runInDurableObject } from "cloudflare:test";
import { sign } from "hono/jwt";
import { describe, expect, inject, it } from "vitest";
import { api, register } from "./helpers.ts";
import { allDatabases } from "./shard-helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";
import { historyUntil, monitorOf, postReading } from "./monitor-helpers.ts";
import { samples } from "./record-samples.ts";

/** The development key (worker/lib/config.ts): the tests run on the development defaults. */
const DEV_KEY = "glucolens-development-jwt-secret-not-for-production";

describe("tokens", () => {
  it("refuses expired, foreign-key and alg-none access tokens", async () => {
    const a = await register();
    const [, p] = a.access.split(".");
    const payload = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/")));
    const now = Math.floor(Date.now() / 1000);
    const expired = await sign({ ...payload, iat: now - 3600, exp: now - 60 }, DEV_KEY, "HS256");
    const foreign = await sign(payload, "some-other-key-that-is-long-enough-0123456789", "HS256");
    const none = `${btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replace(/=+$/, "")}.${p}.`;
    // The same claims with the right key are accepted, so the refusals are about what changed.
    expect((await api("/api/v1/auth/me", { token: await sign(payload, DEV_KEY, "HS256") })).status).toBe(200);
    for (const token of [expired, foreign, none]) {
      const res = await api("/api/v1/auth/me", { token });
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe("unauthorized");
    }
  });

  it("refuses a token it has already accepted once the token's exp has passed", async () => {
    const a = await register();
    const [, p] = a.access.split(".");
    const payload = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/")));
    const exp = Math.floor(Date.now() / 1000) + 2;
    const shortLived = await sign({ ...payload, exp }, DEV_KEY, "HS256");
    // Accepted twice (the second time from the verification cache), then refused after exp.
    for (let i = 0; i < 2; i++) expect((await api("/api/v1/auth/me", { token: shortLived })).status).toBe(200);
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
    const res = await api("/api/v1/auth/me", { token: shortLived });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("unauthorized");
  });

  it("refuses a refresh token after logout and after account deletion", async () => {
    const a = await register();
    expect((await api("/api/v1/auth/logout", { body: { refresh_token: a.refresh } })).status).toBeLessThan(300);
    expect((await api("/api/v1/auth/refresh", { body: { refresh_token: a.refresh } })).status).toBe(401);
    const b = await register();
    expect((await api("/api/v1/auth/me", { method: "DELETE", token: b.access, body: { password: b.password } })).status).toBe(204);
    expect((await api("/api/v1/auth/refresh", { body: { refresh_token: b.refresh } })).status).toBe(401);
  });
});

describe("account deletion", () => {
  it("leaves no row naming the user in any D1 table, and an empty monitor", { timeout: 120_000 }, async () => {
    const a = await register();
    const other = await register();
    const internal = (await env.DB.prepare("SELECT id FROM users WHERE public_id = ?").bind(a.id).first<{ id: number }>())!.id;
    // Something in every part of the account.
    for (const s of samples) expect((await api(`/api/v1/${s.path}`, { token: a.access, body: s.valid })).status).toBe(201);
    await postReading(a, 150, Date.now() - 10 * 60_000);
    await postReading(a, 50, Date.now() - 60_000);
    await historyUntil(a, (items) => items.length > 0);
    const up = await uploader(a.access);
    await ns(up.apiSecret, "/api/v1/treatments", { body: [{ eventType: "Carb Correction", carbs: 15, created_at: new Date().toISOString() }] });
    await ns(up.apiSecret, "/api/v1/devicestatus", { body: [{ device: "xDrip", uploaderBattery: 80, created_at: new Date().toISOString() }] });
    // Nightscout API v3: a settings document, and an entry deleted into a tombstone.
    const jwt = (await api(`/api/v2/authorization/request/${up.secret}`)).json.token as string;
    const v3 = (path: string, init: { method?: string; body?: unknown } = {}) => api(path, { ...init, headers: { authorization: `Bearer ${jwt}` } });
    expect((await v3("/api/v3/settings", { body: { identifier: "del-settings", date: Date.now(), app: "AAPS" } })).status).toBe(201);
    expect((await v3("/api/v3/entries", { body: { identifier: "del-bg", type: "sgv", sgv: 101, date: Date.now() - 5 * 60_000, direction: "Flat", device: "AAPS", app: "AAPS", utcOffset: 0, units: "mg/dl" } })).status).toBe(201);
    expect((await v3("/api/v3/entries/del-bg", { method: "DELETE" })).status).toBe(200);
    // A cloud bridge (its vendor the Dexcom Share stand-in), polled once.
    const username = `share-del-${crypto.randomUUID().slice(0, 8)}`;
    await fetch(`${inject("bridgeStandins").dexcom}/__control`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password: "pw" }) });
    const bridge = await api("/api/v1/bridges", { token: a.access, body: { kind: "dexcom-share", username, password: "pw", server_url: inject("bridgeStandins").dexcom } });
    expect(bridge.status, JSON.stringify(bridge.json)).toBe(201);
    await api(`/api/v1/bridges/${bridge.json.id}/poll`, { method: "POST", token: a.access });
    await api("/api/v1/webhooks/secret", { method: "POST", token: a.access });
    await api("/api/v1/auth/magic-link", { body: { email: a.email } });
    await api("/api/v1/insights/trigger-analysis", { token: a.access, body: {} });
    await api("/api/v1/alerts/ticket", { method: "POST", token: a.access });
    await postReading(other, 120);

    const res = await api("/api/v1/auth/me", { method: "DELETE", token: a.access, body: { password: a.password } });
    expect(res.status, JSON.stringify(res.json)).toBe(204);
    // Queue work that was in flight for the user finishes (or is dropped) before the count.
    await new Promise((r) => setTimeout(r, 1500));

    // Every database: the directory and each shard.
    const leftovers: string[] = [];
    let checked = 0;
    let tableCount = 0;
    for (const { name: database, d1 } of allDatabases()) {
      const tables = (await d1.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'").all<{ name: string }>()).results.map((r) => r.name);
      expect(tables.length).toBeGreaterThan(10);
      tableCount += tables.length;
      for (const table of tables) {
        const columns = (await d1.prepare(`SELECT name, type FROM pragma_table_info(?)`).bind(table).all<{ name: string; type: string }>()).results;
        for (const col of columns) {
          const q = `"${table}"."${col.name}"`;
          let n = 0;
          if (/(^|_)(user_id|owner_id|owner|user)$/i.test(col.name) || (table === "users" && col.name === "id")) {
            n = (await d1.prepare(`SELECT count(*) AS n FROM "${table}" WHERE ${q} = ?`).bind(internal).first<{ n: number }>())!.n;
            n += (await d1.prepare(`SELECT count(*) AS n FROM "${table}" WHERE ${q} = ?`).bind(a.id).first<{ n: number }>())!.n;
            checked++;
          } else if (/text|char|clob|^$/i.test(col.type)) {
            n = (await d1.prepare(`SELECT count(*) AS n FROM "${table}" WHERE instr(${q}, ?) > 0 OR instr(${q}, ?) > 0`).bind(a.id, a.email).first<{ n: number }>())!.n;
            checked++;
          }
          if (n) leftovers.push(`${database}.${table}.${col.name}: ${n}`);
        }
      }
    }
    console.log(`deletion: ${tableCount} tables in ${allDatabases().length} databases, ${checked} columns checked, ${leftovers.length} with rows left`);
    expect(leftovers).toEqual([]);

    // The Durable Object's own storage is empty (its SQLite tables and any key-value entries).
    const rows = await runInDurableObject(monitorOf(a), async (_instance, state) => {
      const names = [...state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")].map((r) => String(r.name));
      const counts = Object.fromEntries(names.map((n) => [n, Number([...state.storage.sql.exec(`SELECT count(*) AS n FROM "${n}"`)][0]!.n)]));
      return { counts, kv: (await state.storage.list()).size };
    });
    // Only the tombstone row (meta.deleted, naming nobody) that makes the deletion final.
    for (const [name, n] of Object.entries(rows.counts)) expect(n, `monitor table ${name}`).toBe(name === "meta" ? 1 : 0);
    expect(rows.kv).toBe(0);
    // The other user's data is untouched.
    expect((await api("/api/v1/glucose/readings", { token: other.access })).json.items).toHaveLength(1);
  });
});
