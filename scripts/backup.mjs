// `npm run backup -- [--remote] [--persist-to DIR] [--output FILE]`
// Exports the D1 database (schema and data) to one SQL file with `wrangler d1 export`, plus a
// manifest FILE.json with each table's row count and checksum (scripts/d1-tools.mjs), which
// `npm run restore` checks after importing. Default: the local database of `npm start`
// (.wrangler/state) into backups/glucolens-<time>.sql. `--remote`: the deployed database.
// For point-in-time recovery of the remote database, see D1 Time Travel in docs/operations.md.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { DATABASE, exportDatabase, parseArgs, tableStats } from "./d1-tools.mjs";

const args = parseArgs(process.argv.slice(2), ["remote"]);
const where = { remote: Boolean(args.remote), persistTo: args["persist-to"] };
const output = args.output ?? `backups/${DATABASE.name}-${where.remote ? "remote" : "local"}-${new Date().toISOString().replace(/[:.]/g, "-")}.sql`;

const started = Date.now();
exportDatabase(output, where);
const tables = tableStats(where);
const manifest = { database: DATABASE.name, source: where.remote ? "remote" : where.persistTo ?? ".wrangler/state", created_at: new Date().toISOString(), file: output, tables };
writeFileSync(`${output}.json`, `${JSON.stringify(manifest, null, 2)}\n`);
const rows = Object.values(tables).reduce((n, t) => n + t.rows, 0);
console.log(`backup: ${output} (${Object.keys(tables).length} tables, ${rows} rows, ${((Date.now() - started) / 1000).toFixed(1)} s); manifest ${output}.json`);
// A backup holds everyone's health data: it must never end up in a commit.
if (spawnSync("git", ["check-ignore", "-q", output]).status === 1) {
  console.warn(`backup: WARNING ${output} is not ignored by git; add its folder to .gitignore (backups/ is meant to be)`);
}
