import { defineConfig } from "vitest/config";

// Browser tests: real Chromium (Debian's package, driven by playwright-core) against the platform
// started by the test itself (test/e2e/platform.ts). Run one file at a time: they start servers.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
