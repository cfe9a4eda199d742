import { defineConfig } from "vitest/config";

// Web Push delivery end to end (issue 10): a private `wrangler dev` sends real push requests to a
// push service on localhost (test/push-service/server.ts), which verifies VAPID and decrypts
// them. They run in Node because the push service is a Node HTTP server.
export default defineConfig({
  test: {
    include: ["test/push-service/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One platform per file; the files share the machine's ports, so one after another.
    fileParallelism: false,
  },
});
