import { applyD1Migrations, env } from "cloudflare:test";

// Applies the real migrations to the test D1 database. applyD1Migrations records what it applied,
// so running this before every test file is idempotent.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
