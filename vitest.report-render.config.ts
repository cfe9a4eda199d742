import { defineConfig } from "vitest/config";

// The clinician PDF rendered by poppler (pdftoppm, pdfinfo, pdftotext): workerd cannot run
// programs, so this runs in Node against a private `wrangler dev` (test/support/local-platform.ts).
export default defineConfig({
  test: {
    include: ["test/report-render/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 180_000,
  },
});
