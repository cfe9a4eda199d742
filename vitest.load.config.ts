import { defineConfig } from "vitest/config";

// Load and fault tests against a private `wrangler dev` (test/support/local-platform.ts) from Node:
// many uploaders at once, aborted and re-sent requests, a restarted Worker, a locked D1 file.
export default defineConfig({
  test: {
    include: ["test/load/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 420_000,
    // One wrangler dev per file, files one after another (they would compete for 2 cores).
    fileParallelism: false,
  },
});
