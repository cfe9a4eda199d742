/**
 * The alert history write (worker/repositories/alerts.ts insertAlertEvents, raw SQL over one JSON
 * parameter) against real local D1: every field round-trips, a retried write is stored once, and
 * one user's events never land under another.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { getDb } from "../../worker/db/client.ts";
import { insertAlertEvents, listAlertEvents, type NewAlertEvent } from "../../worker/repositories/alerts.ts";
import { register } from "./helpers.ts";
import { userD1 } from "./shard-helpers.ts";

const internalId = async (publicId: string) => (await env.DB.prepare("SELECT id FROM users WHERE public_id = ?").bind(publicId).first<{ id: number }>())!.id;

describe("insertAlertEvents", () => {
  it("stores every field, skips events already stored (same key), and keeps users apart", async () => {
    const a = await internalId((await register()).id);
    const b = await internalId((await register()).id);
    const db = getDb(await userD1(a));
    const dbB = getDb(await userD1(b));
    const t = Date.UTC(2026, 0, 5, 3, 0);
    const raised: NewAlertEvent = { key: crypto.randomUUID(), alertId: "al-1", event: "raised", kind: "low", level: "warning", time: t, value: 62.5, message: "Low: 62 mg/dL and falling (−2.1 mg/dL/min)", until: null };
    const snoozed: NewAlertEvent = { key: crypto.randomUUID(), alertId: null, event: "snoozed", kind: "high", level: "warning", time: t + 60_000, value: null, message: "High snoozed for 30 minutes", until: t + 31 * 60_000 };
    await insertAlertEvents(db, a, [raised, snoozed]);
    // The object's outbox retries a write it could not confirm: the same keys again, plus a new one.
    const resolved: NewAlertEvent = { ...raised, key: crypto.randomUUID(), event: "resolved", time: t + 120_000, value: 75, message: "Low resolved: 75 mg/dL" };
    await insertAlertEvents(db, a, [raised, snoozed, resolved]);
    await insertAlertEvents(dbB, b, [{ ...raised, key: crypto.randomUUID() }]);

    const { items } = await listAlertEvents(db, a, { limit: 10 });
    expect(items.map(({ id: _id, ...rest }) => rest)).toEqual([raised, snoozed, resolved]);
    expect((await listAlertEvents(dbB, b, { limit: 10 })).items).toHaveLength(1);
  });

  it("writes a long backlog in one call", async () => {
    const a = await internalId((await register()).id);
    const db = getDb(await userD1(a));
    const events: NewAlertEvent[] = Array.from({ length: 1_203 }, (_, i) => ({ key: `k${i}`, alertId: `al-${i}`, event: "raised", kind: "high", level: "warning", time: 1_700_000_000_000 + i * 60_000, value: 200 + (i % 50), message: `High: ${200 + (i % 50)} mg/dL`, until: null }));
    await insertAlertEvents(db, a, events);
    const n = await (await userD1(a)).prepare("SELECT count(*) AS n FROM alert_events WHERE user_id = ?").bind(a).first<{ n: number }>();
    expect(n!.n).toBe(1_203);
  });
});
