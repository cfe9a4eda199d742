/**
 * A fresh local state folder with every migration applied to every D1 database, for a private
 * platform (local-platform.ts). `wrangler d1 migrations apply` takes ~50 s for the four
 * databases, and a test run starts a dozen private platforms: the migrations run once into a
 * template folder, keyed by the migrations and wrangler.toml, and each start copies it. (The
 * four cannot be applied at once: their wrangler processes share Miniflare's metadata SQLite
 * and fail with SQLITE_BUSY.)
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";

const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" };

/** Changes whenever a migration or the database list changes. */
function templateKey(): string {
  const hash = createHash("sha256").update(readFileSync("wrangler.toml"));
  for (const file of readdirSync("migrations").filter((f) => f.endsWith(".sql")).sort()) hash.update(file).update(readFileSync(`migrations/${file}`));
  return hash.digest("hex").slice(0, 16);
}

/** Replaces `stateDir` with a copy of the migrated template (made first when missing). */
export function freshMigratedState(stateDir: string): void {
  const template = `.tmp/migrated-state-${templateKey()}`;
  if (!existsSync(template)) {
    // Built aside and renamed, so a concurrent start never copies a half-migrated template.
    const building = `${template}.building-${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    const migrate = spawnSync("node", ["scripts/migrate-all.mjs", "--local", "--persist-to", building], { env, encoding: "utf8" });
    if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);
    try {
      renameSync(building, template);
    } catch {
      rmSync(building, { recursive: true, force: true }); // another start made it first
    }
  }
  rmSync(stateDir, { recursive: true, force: true });
  cpSync(template, stateDir, { recursive: true });
}
