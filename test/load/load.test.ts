/**
 * A smaller `npm run bench:load` as a test (bench/load.ts): 8 uploaders × 300 readings at once
 * against a private wrangler dev, with 10 % duplicates, re-sent batches and batches aborted
 * mid-flight: every reading stored exactly once, the live window equal to D1, every live low
 * alerted. Run: npx vitest run --config vitest.load.config.ts test/load/load.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPlatform, type Platform } from "../support/local-platform.ts";
import { runLoad } from "../../bench/load.ts";

const PORT = Number(process.env.LOAD_TEST_PORT ?? 8862);
let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform(PORT, "load-test");
});
afterAll(async () => {
  await platform?.stop();
});

describe("concurrent uploaders with duplicates and retries", () => {
  it("stores every reading exactly once and the live window matches D1", async () => {
    const result = await runLoad(platform.url, { uploaders: 8, readings: 300, batch: 50, dupRate: 0.1, resendRate: 0.15, abortRate: 0.15, liveAlerts: 4, seed: 11 });
    console.log(`load test: ${JSON.stringify(result)}`);
    expect(result.aborted + result.resends).toBeGreaterThan(0);
    expect(result.duplicates_sent).toBeGreaterThan(0);
    expect(result.stored).toBe(result.readings_distinct);
    expect(result.stored_exactly_once).toBe(true);
    expect(result.window_mismatches).toEqual([]);
    expect(result.alerts_received).toBe(result.alerts_expected);
  });
});
