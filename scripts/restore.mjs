// `npm run restore -- FILE [--remote --yes] [--persist-to DIR] [--database BINDING]`
// Replaces one D1 database (the binding named in FILE.json, or --database; default the directory
// DB; run once per file to restore every shard) with a backup made by `npm run backup`: drops every table, view and
// trigger, imports FILE with `wrangler d1 execute --file`, then compares each table's row count
// and checksum with FILE.json (when present) and exits 1 on any difference.
// The remote database is only touched with both --remote and --yes (it is wiped first). A
// remote mistake of the last 30 days is better undone with Time Travel (docs/operations.md).
import { existsSync, readFileSync } from "node:fs";
import { compareStats, parseArgs, restoreFile, tableStats } from "./d1-tools.mjs";

const args = parseArgs(process.argv.slice(2), ["remote", "yes"]);
const file = args._[0];
if (!file || !existsSync(file)) {
  console.error("usage: npm run restore -- FILE.sql [--remote --yes] [--persist-to DIR] [--database BINDING]");
  process.exit(2);
}
const manifestBinding = existsSync(`${file}.json`) ? JSON.parse(readFileSync(`${file}.json`, "utf8")).binding : undefined;
const where = { remote: Boolean(args.remote), persistTo: args["persist-to"], database: args.database ?? manifestBinding };
if (where.remote && !args.yes) {
  console.error("restore: --remote wipes the deployed database before importing; add --yes to confirm");
  process.exit(2);
}

const started = Date.now();
restoreFile(file, where);
const manifestFile = `${file}.json`;
if (existsSync(manifestFile)) {
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  const problems = compareStats(manifest.tables, tableStats(where));
  if (problems.length) {
    console.error(`restore: imported, but the database differs from the backup:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`restore: ${file} imported and verified (${Object.keys(manifest.tables).length} tables, same rows and checksums) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} else {
  console.log(`restore: ${file} imported in ${((Date.now() - started) / 1000).toFixed(1)} s (no manifest to verify against)`);
}
