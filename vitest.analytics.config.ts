import { defineConfig } from "vitest/config";

// The analytics library is runtime-free, so its tests run in plain Node (fast, no workerd needed).
export default defineConfig({
  test: {
    include: ["analytics/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
