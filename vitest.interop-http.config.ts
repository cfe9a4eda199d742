import { defineConfig } from "vitest/config";

// Imports of the real export files in ../shared/data over HTTP: workerd has no file system, so
// these tests run in Node and post each file to a private `wrangler dev` (test/support/local-platform.ts).
export default defineConfig({
  test: {
    include: ["test/interop-http/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 180_000,
  },
});
