import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Worker tests run inside workerd against real local D1 (the real migrations), the real
// Durable Object and real WebSockets: nothing of the platform is mocked.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    plugins: [
      cloudflareTest({
        main: "./worker/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          // SHARD_ADMIN_SECRET turns on the operator routes (worker/routes/admin-shards.ts) for test/worker/shards.test.ts.
          // BRIDGE_TIMEOUT_MS: a short vendor timeout, so the "silent vendor" test ends quickly.
          bindings: { TEST_MIGRATIONS: migrations, SHARD_ADMIN_SECRET: "test-shard-admin-secret", BRIDGE_TIMEOUT_MS: "3000" },
          // Low rate limits that no route uses: test/worker/limits.test.ts passes them in place
          // of the loose wrangler.toml ones, so no other test file can reach a limit.
          ratelimits: {
            TEST_RATE_LIMIT_LOW: { simple: { limit: 3, period: 60 } },
            TEST_RATE_LIMIT_DEVICE: { simple: { limit: 2, period: 60 } },
          },
        },
      }),
    ],
    test: {
      include: ["test/worker/**/*.test.ts"],
      // One workerd for every file, not a new one per file: starting workerd with its four D1
      // databases and re-evaluating the Worker cost ~17 s a file (57 files: 16 of the suite's 21
      // minutes). The files share storage, so each one registers its own accounts and never
      // counts rows across users; the suite passes in file order and shuffled.
      isolate: false,
      setupFiles: ["./test/worker/setup.ts"],
      // Local stand-ins of Dexcom Share, LibreLinkUp and a Nightscout site on real HTTP ports.
      globalSetup: ["./test/worker/bridge-standins/global-setup.ts"],
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  };
});
