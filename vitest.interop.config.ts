import { defineConfig } from "vitest/config";

// The import parsers are runtime-free like analytics/, so their tests run in plain Node. They read the
// real export files in ../shared/data (beside the clone in CI).
export default defineConfig({
  test: {
    include: ["interop/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
