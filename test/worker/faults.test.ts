/**
 * Faults inside workerd:
 * - the user's Durable Object is evicted in the middle of a stream of readings: no alert is
 *   lost, the window is restored, and a reconnecting client gets it in `hello`;
 * - D1 answering "unavailable" errors: the app's error handler maps them to 503 + Retry-After
 *   in the envelope (the end-to-end check with a really locked SQLite file is
 *   test/load/faults-http.test.ts, which can reach a wrangler dev's files).
 * Queue redelivery (twice, failing then retried) is covered by pipeline.test.ts ("redelivered,
 * duplicated and out-of-order messages") and pipeline-failure.test.ts (retry with backoff).
 *
 * Eviction: the pool (0.15.1) has no evictDurableObject; `state.abort()` inside the object throws
 * the instance away and keeps its storage, as eviction does (see monitor-durable.test.ts).
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { isD1Unavailable } from "../../worker/lib/unavailable.ts";
import { api, register } from "./helpers.ts";
import { Feed, historyUntil, MIN, monitorOf, postReading } from "./monitor-helpers.ts";

describe("Durable Object evicted mid-stream", () => {
  it("loses no alert and restores the window after each of three evictions", { timeout: 120_000 }, async () => {
    const a = await register();
    const start = Date.now() - 60 * MIN;
    const values = [120, 118, 115, 111, 106, 100, 93, 86, 78, 70, 66, 64];
    let feed = await Feed.open(a);
    const restored: [number, number | undefined][] = [];
    const expected: [number, number][] = [];
    for (const [i, value] of values.entries()) {
      await postReading(a, value, start + i * 5 * MIN);
      if (i % 4 !== 3) continue;
      // Evict between two readings; the next POST wakes a new instance from storage.
      await runInDurableObject(monitorOf(a), (_instance, state) => state.abort("simulated eviction")).catch(() => undefined);
      feed.close();
      feed = await Feed.open(a);
      const hello = feed.all("hello").at(-1)!;
      restored.push([hello.state.readings_in_window, hello.state.current?.value]);
      expected.push([i + 1, value]);
    }
    // Each reconnect's hello carried the whole window as it was before the eviction.
    expect(restored).toEqual(expected);
    // The low (< 70) and urgent low (< 55 is not reached) rules: exactly one low alert, raised once.
    const alerts = await historyUntil(a, (items) => items.some((x: { kind: string }) => x.kind === "low"));
    expect(alerts.filter((x: { kind: string }) => x.kind === "low")).toHaveLength(1);
    const state = (await api("/api/v1/alerts/state", { token: a.access })).json;
    expect(state.readings_in_window).toBe(values.length);
    expect(state.active_alerts.map((x: { kind: string }) => x.kind)).toContain("low");
    // The window matches what D1 holds.
    const stored = (await api("/api/v1/glucose/readings?limit=1000", { token: a.access })).json.items;
    expect(stored).toHaveLength(values.length);
    feed.close();
  });
});

describe("D1 unavailable", () => {
  it("recognises the transient D1 errors and nothing else", () => {
    for (const message of [
      "D1_ERROR: Network connection lost.",
      "D1_ERROR: D1 DB is overloaded. Requests queued for too long.",
      "D1_ERROR: storage operation exceeded timeout which caused object to be reset.",
      "D1_ERROR: Cannot resolve D1 DB due to transient issue on remote node.",
      "D1_ERROR: database is locked: SQLITE_BUSY",
    ]) {
      expect(isD1Unavailable(new Error("Failed query", { cause: new Error(message) })), message).toBe(true);
    }
    for (const message of ["D1_ERROR: no such table: nope: SQLITE_ERROR", "UNIQUE constraint failed: users.email", "TypeError: x is undefined"]) {
      expect(isD1Unavailable(new Error(message)), message).toBe(false);
    }
  });
});
