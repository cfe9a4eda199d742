import { defineConfig } from "vitest/config";

// The real socket.io clients (socket.io-client 2 for Engine.IO 3, 4 for Engine.IO 4) are Node
// packages: these tests run in Node against a private copy of the built Worker on Miniflare
// (test/support/local-platform.ts startBuiltPlatform).
export default defineConfig({
  test: {
    include: ["test/socketio-clients/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
