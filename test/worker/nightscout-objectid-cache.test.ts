/**
 * Loop's ObjectIdCache workflow (LoopKit ObjectIdCache.swift): nightscout/cgm-remote-monitor
 * tests/objectid-cache.test.js ported whole. Loop POSTs a treatment with its `syncIdentifier`,
 * caches the `_id` answered, and PUTs or DELETEs by that `_id` later. `syncIdentifier` is no
 * matching key (lib/server/treatments.js upsertQueryFor: identifier, `_id`, created_at +
 * eventType), so a re-POST after the cache is lost stores a second document when its created_at
 * differs; where Nightscout's test only logs that, the port asserts it. Reads that Nightscout makes
 * with ctx.treatments.list go through `GET /api/v1/treatments?find[…]` with the uploader secret.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { register } from "./helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";

const HEX24 = /^[0-9a-f]{24}$/;
const MIN = 60_000;

async function setup() {
  const a = await register();
  const up = await uploader(a.access);
  const call = (path: string, init: { method?: string; body?: unknown } = {}) => ns(up.apiSecret, path, init);
  const bySync = async (syncId: string) => (await call(`/api/v1/treatments?find[syncIdentifier]=${encodeURIComponent(syncId)}`)).json as Record<string, any>[];
  return { call, bySync };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe("tests/objectid-cache.test.js (ObjectIdCache Workflow Tests)", () => {
  describe("TEST-CACHE-001: POST carb → cache syncIdentifier → PUT with id", () => {
    it("simulates full Loop carb workflow: POST, cache, PUT", async () => {
      const { call, bySync } = await setup();
      const syncId = `loop-carb-sync-${Date.now()}`;
      const now = Date.now() - MIN;
      const posted = await call("/api/v1/treatments/", { body: [{ eventType: "Carb Correction", carbs: 25, created_at: iso(now), enteredBy: "loop://iPhone", syncIdentifier: syncId, absorptionTime: 180 }] });
      expect(posted.status).toBe(200);
      expect(posted.json).toHaveLength(1);
      const serverId = posted.json[0]._id;
      expect(serverId).toMatch(HEX24);
      expect(posted.json[0].syncIdentifier).toBe(syncId);
      const put = await call("/api/v1/treatments/", { method: "PUT", body: { _id: serverId, eventType: "Carb Correction", carbs: 30, created_at: iso(now + 1000), enteredBy: "loop://iPhone", syncIdentifier: syncId, absorptionTime: 240 } });
      expect(put.status).toBe(200);
      const list = await bySync(syncId);
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ _id: serverId, carbs: 30, absorptionTime: 240 });
    });
  });

  describe("TEST-CACHE-002: POST dose → cache syncIdentifier → DELETE with id", () => {
    it("simulates Loop dose workflow: POST, cache, DELETE", async () => {
      const { call, bySync } = await setup();
      const syncId = `loop-dose-sync-${Date.now()}`;
      const posted = await call("/api/v1/treatments/", { body: [{ eventType: "Bolus", insulin: 2.5, created_at: iso(Date.now() - MIN), enteredBy: "loop://iPhone", syncIdentifier: syncId }] });
      const serverId = posted.json[0]._id;
      expect(await bySync(syncId)).toHaveLength(1);
      expect((await call(`/api/v1/treatments/${serverId}`, { method: "DELETE" })).status).toBe(200);
      expect(await bySync(syncId)).toEqual([]);
    });
  });

  describe("TEST-CACHE-003: Cache miss (24hr expiry) → POST same syncIdentifier", () => {
    it("re-POST same syncIdentifier after cache miss CREATES duplicate (no server-side dedup)", async () => {
      const { call, bySync } = await setup();
      const syncId = `loop-cache-miss-${Date.now()}`;
      const now = Date.now() - MIN;
      const entry = (at: number) => ({ eventType: "Carb Correction", carbs: 20, created_at: iso(at), enteredBy: "loop://iPhone", syncIdentifier: syncId, absorptionTime: 180 });
      const first = (await call("/api/v1/treatments/", { body: [entry(now)] })).json[0]._id;
      // The re-POST's created_at is later (Nightscout's test takes `new Date()` again).
      const second = await call("/api/v1/treatments/", { body: [entry(now + 1000)] });
      expect(second.status).toBe(200);
      const list = await bySync(syncId);
      expect(list).toHaveLength(2);
      expect(list.map((t) => t._id)).toContain(first);
      // The same created_at is the same treatment (created_at + eventType): a retry stores nothing.
      await call("/api/v1/treatments/", { body: [entry(now)] });
      expect(await bySync(syncId)).toHaveLength(2);
    });
  });

  describe("TEST-CACHE-004: App restart (cache empty) → POST existing syncIdentifier", () => {
    it("simulates app restart: re-POST same syncIdentifiers creates duplicates (no server dedup)", async () => {
      const { call } = await setup();
      const stamp = Date.now();
      const now = stamp - 10 * MIN;
      const syncIds = [1, 2, 3].map((n) => `loop-restart-${n}-${stamp}`);
      const batch = (shift: number) => syncIds.map((syncId, idx) => ({ eventType: "Carb Correction", carbs: 10 + idx * 5, created_at: iso(now + idx * MIN + shift), enteredBy: "loop://iPhone", syncIdentifier: syncId, absorptionTime: 180 }));
      const initial = await call("/api/v1/treatments/", { body: batch(0) });
      expect(initial.json.map((t: { _id: string }) => t._id)).toHaveLength(3);
      const again = await call("/api/v1/treatments/", { body: batch(1000) });
      expect(again.status).toBe(200);
      expect((await call("/api/v1/treatments")).json).toHaveLength(6);
    });
  });

  describe("TEST-CACHE-005: Batch POST → verify response order → cache mapping", () => {
    it("batch response maintains order for correct syncIdentifier → _id mapping", async () => {
      const { call, bySync } = await setup();
      const stamp = Date.now();
      const now = stamp - 10 * MIN;
      const syncIds = Array.from({ length: 5 }, (_, i) => `loop-batch-${i}-${stamp}`);
      const batch = syncIds.map((syncId, i) => ({ eventType: "Carb Correction", carbs: 10 + i * 5, created_at: iso(now + i * MIN), enteredBy: "loop://iPhone", syncIdentifier: syncId, absorptionTime: 180 + i * 30 }));
      const res = await call("/api/v1/treatments/", { body: batch });
      expect(res.status).toBe(200);
      expect(res.json).toHaveLength(5);
      res.json.forEach((item: Record<string, any>, i: number) => {
        expect(item.syncIdentifier).toBe(syncIds[i]);
        expect(item._id).toMatch(HEX24);
        expect(item.carbs).toBe(10 + i * 5);
      });
      const cache = Object.fromEntries(res.json.map((item: Record<string, any>) => [item.syncIdentifier, item._id]));
      const put = await call("/api/v1/treatments/", { method: "PUT", body: { _id: cache[syncIds[2]!], eventType: "Carb Correction", carbs: 99, created_at: iso(now + 5 * MIN), enteredBy: "loop://iPhone", syncIdentifier: syncIds[2] } });
      expect(put.status).toBe(200);
      const list = await bySync(syncIds[2]!);
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ _id: cache[syncIds[2]!], carbs: 99 });
    });
  });

  describe("Additional Cache Scenarios", () => {
    it("temp basal with syncIdentifier follows cache workflow", async () => {
      const { call, bySync } = await setup();
      const syncId = `loop-tempbasal-${Date.now()}`;
      const tempBasal = { eventType: "Temp Basal", duration: 30, rate: 1.5, absolute: 1.5, created_at: iso(Date.now() - MIN), enteredBy: "loop://iPhone", syncIdentifier: syncId };
      const posted = await call("/api/v1/treatments/", { body: [tempBasal] });
      const serverId = posted.json[0]._id;
      expect(serverId).toMatch(HEX24);
      expect(posted.json[0].syncIdentifier).toBe(syncId);
      expect((await call("/api/v1/treatments/", { method: "PUT", body: { ...tempBasal, _id: serverId, rate: 0.5, absolute: 0.5 } })).status).toBe(200);
      const list = await bySync(syncId);
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ _id: serverId, rate: 0.5, absolute: 0.5 });
    });

    it("hex string syncIdentifier (from pump events) is preserved", async () => {
      const { call } = await setup();
      const hexSyncId = "deadbeef0123456789abcdef";
      const res = await call("/api/v1/treatments/", { body: [{ eventType: "Bolus", insulin: 1, created_at: iso(Date.now() - MIN), enteredBy: "loop://iPhone", syncIdentifier: hexSyncId }] });
      expect(res.json[0].syncIdentifier).toBe(hexSyncId);
      expect(res.json[0]._id).toMatch(HEX24);
      expect(res.json[0]._id).not.toBe(hexSyncId);
    });
  });
});
