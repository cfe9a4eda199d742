import { defineConfig } from "vitest/config";

// The analytics library and the shared vocabulary are runtime-free, so their tests run in plain Node (fast, no workerd needed).
export default defineConfig({
  test: {
    include: ["analytics/**/*.test.ts", "vocabulary/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
