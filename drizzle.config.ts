import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes SQL migrations into migrations/; wrangler applies them.
export default defineConfig({
  dialect: "sqlite",
  schema: ["./worker/db/schema.ts", "./worker/db/schema-insights.ts", "./worker/db/schema-interop.ts", "./worker/db/schema-notes.ts", "./worker/db/schema-models.ts", "./worker/db/schema-sharing.ts", "./worker/db/schema-profiles.ts", "./worker/db/schema-reports.ts", "./worker/db/schema-bridges.ts", "./worker/db/schema-shards.ts"],
  out: "./migrations",
});
