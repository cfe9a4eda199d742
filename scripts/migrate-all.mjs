#!/usr/bin/env node
// Applies the D1 migrations to every database of wrangler.toml: the directory (DB) and each shard
// (SHARD_0, SHARD_1, ...); they share one migrations folder (worker/db/shards.ts, docs/storage.md).
//
//   node scripts/migrate-all.mjs --local [--persist-to DIR]     (npm run db:migrate, npm start)
//   node scripts/migrate-all.mjs --remote                       (npm run deploy)
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DATABASES, query } from "./d1-tools.mjs";

/** Every `[[d1_databases]]` binding of wrangler.toml, in file order (the directory first). */
const d1Bindings = () => DATABASES.map((d) => d.binding);

/**
 * Runs `wrangler d1 migrations apply` for each binding; throws with wrangler's output on failure.
 * A failed run is tried once more: each migration is applied and recorded in one transaction, so
 * a second run starts at the first migration not recorded. Locally, workerd has failed a
 * migration once with an internal assertion (`false == true`) and no SQL error; a real error in a
 * migration fails both runs and is reported.
 */
export function migrateAll({ remote = false, persistTo, env = process.env } = {}) {
  for (const binding of d1Bindings()) {
    const args = ["wrangler", "d1", "migrations", "apply", binding, remote ? "--remote" : "--local", ...(persistTo ? ["--persist-to", persistTo] : [])];
    const run = () => spawnSync("npx", args, { env: { ...env, CI: "true", WRANGLER_SEND_METRICS: "false" }, encoding: "utf8" });
    let r = run();
    if (r.status !== 0) {
      console.error(`migrations of ${binding} failed; trying once more:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
      r = run();
    }
    if (r.status !== 0) throw new Error(`migrations of ${binding} failed:\n${r.stdout}\n${r.stderr}`);
  }
}

/**
 * Accounts of the directory with no shard: stored before the sharded layout (migration 0014), their
 * rows are still in the directory's copies of the per-user tables until the Worker adopts them
 * (worker/db/shard-adopt.ts).
 */
export function unplacedAccounts(where) {
  const [row] = query("SELECT count(*) AS n FROM users WHERE id NOT IN (SELECT user_id FROM user_shards)", where);
  return Number(row?.n ?? 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf("--persist-to");
  const remote = argv.includes("--remote");
  const persistTo = at >= 0 ? argv[at + 1] : undefined;
  try {
    migrateAll({ remote, persistTo });
    console.log(`migrations applied to ${d1Bindings().join(", ")}`);
    const unplaced = unplacedAccounts(remote ? { remote: true } : { persistTo });
    if (unplaced) {
      console.log(
        `${unplaced} account(s) were stored before the sharded layout: the Worker moves each onto its shard on the ` +
          `account's first request, the hourly cron 50 at a time, or all at once with \`npm run move-user -- --adopt\`.`,
      );
    }
  } catch (err) {
    console.error(String(err instanceof Error ? err.message : err));
    process.exit(1);
  }
}
