import { defineConfig } from "vitest/config";

// The web site's pure modules (data shaping, units, forms) and its server helpers (API client,
// sessions, CSRF) with fetch stubbed: plain Node, no browser, no workerd. `npm test` runs this
// suite when the file exists (scripts/test.mjs).
export default defineConfig({
  test: {
    include: ["web/app/**/*.test.ts"],
  },
});
