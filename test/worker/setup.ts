import { applyD1Migrations, env } from "cloudflare:test";

// Applies the real migrations to the directory and to every shard database (wrangler.toml binds
// SHARD_0, SHARD_1, SHARD_2, so every test runs on three shards). applyD1Migrations records what
// it applied, so running this before every test file is idempotent.
const shards = Object.keys(env).filter((k) => /^SHARD_\d+$/.test(k));
if (shards.length < 3) throw new Error(`The worker tests expect at least 3 shard bindings, found ${shards.join(", ") || "none"}`);
for (const d1 of [env.DB, ...shards.map((k) => (env as unknown as Record<string, D1Database>)[k]!)]) {
  await applyD1Migrations(d1, env.TEST_MIGRATIONS);
}
