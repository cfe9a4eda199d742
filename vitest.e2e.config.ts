import { defineConfig } from "vitest/config";

// Browser tests: real Chromium (Debian's package, driven by playwright-core) against the platform
// started once by the global setup (test/e2e/global-setup.ts) or, for the tests of `npm start`, by
// the test itself. Run one file at a time: they start servers.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    globalSetup: ["./test/e2e/global-setup.ts"],
  },
});
