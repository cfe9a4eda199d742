// `npm run backup -- [--remote] [--persist-to DIR] [--output FILE] [--database BINDING]`
// Exports each D1 database (schema and data; the directory DB and every shard SHARD_n) to one SQL
// file with `wrangler d1 export`, plus a manifest FILE.json with each table's row count and
// checksum (scripts/d1-tools.mjs), which `npm run restore` checks after importing. Default: every
// database of `npm start` (.wrangler/state) into backups/<database_name>-<time>.sql;
// `--database SHARD_1` only that one. `--remote`: the deployed databases.
// For point-in-time recovery of the remote database, see D1 Time Travel in docs/operations.md.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { DATABASES, databaseOf, exportDatabase, parseArgs, tableStats } from "./d1-tools.mjs";

const args = parseArgs(process.argv.slice(2), ["remote"]);
const where = { remote: Boolean(args.remote), persistTo: args["persist-to"] };
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const databases = args.database ? [databaseOf({ database: args.database })] : DATABASES;
for (const database of databases) {
  const at = { ...where, database: database.binding };
  const output =
    args.output && databases.length === 1 ? args.output : args.output ? args.output.replace(/(\.sql)?$/, `.${database.binding}.sql`) : `backups/${database.name}-${where.remote ? "remote" : "local"}-${stamp}.sql`;
  const started = Date.now();
  exportDatabase(output, at);
  const tables = tableStats(at);
  const manifest = { database: database.name, binding: database.binding, source: where.remote ? "remote" : where.persistTo ?? ".wrangler/state", created_at: new Date().toISOString(), file: output, tables };
  writeFileSync(`${output}.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  const rows = Object.values(tables).reduce((n, t) => n + t.rows, 0);
  console.log(`backup: ${database.binding} -> ${output} (${Object.keys(tables).length} tables, ${rows} rows, ${((Date.now() - started) / 1000).toFixed(1)} s); manifest ${output}.json`);
  // A backup holds everyone's health data: it must never end up in a commit.
  if (spawnSync("git", ["check-ignore", "-q", output]).status === 1) {
    console.warn(`backup: WARNING ${output} is not ignored by git; add its folder to .gitignore (backups/ is meant to be)`);
  }
}
