// Shared by scripts/backup.mjs, restore.mjs and restore-drill.mjs: running wrangler's D1 commands
// against the local database (default .wrangler/state, or any --persist-to folder, e.g. a private
// copy from test/support/local-platform.ts) or the remote one, and per-table row counts and checksums.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };

/**
 * Binding and ids of every D1 database in wrangler.toml (what wrangler's --local reads): the
 * directory (DB) first, then the shards (SHARD_0, SHARD_1, ...; worker/db/shards.ts).
 */
function databaseConfigs() {
  const toml = readFileSync("wrangler.toml", "utf8");
  return [...toml.matchAll(/\[\[d1_databases\]\]([\s\S]*?)(?=\n\[|$)/g)].map((m) => {
    const get = (key) => new RegExp(`^${key}\\s*=\\s*"([^"]+)"`, "m").exec(m[1])?.[1];
    return { binding: get("binding") ?? "DB", name: get("database_name") ?? "glucolens", id: get("database_id") };
  });
}

export const DATABASES = databaseConfigs();
/** The directory database (the default of every function here). */
export const DATABASE = DATABASES[0];

/** The database a `where` names (`where.database`: a binding), or the directory. */
export function databaseOf(where = {}) {
  if (!where.database) return DATABASE;
  const found = DATABASES.find((d) => d.binding === where.database);
  if (!found) throw new Error(`no D1 database bound as ${where.database} in wrangler.toml (${DATABASES.map((d) => d.binding).join(", ")})`);
  return found;
}

/** Parses `--flag value` / `--flag` arguments. */
export function parseArgs(argv, booleans = []) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) out._.push(a);
    else if (booleans.includes(a.slice(2))) out[a.slice(2)] = true;
    else out[a.slice(2)] = argv[++i];
  }
  return out;
}

function wrangler(args, { json = false, cwd } = {}) {
  const r = spawnSync("npx", ["wrangler", ...args], { env, encoding: "utf8", cwd, maxBuffer: 1024 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  if (!json) return r.stdout;
  // --json prints one array of results; wrangler may print banners before it.
  const start = r.stdout.indexOf("[");
  return JSON.parse(r.stdout.slice(start));
}

/**
 * Where: `{ remote: true }` or `{ persistTo: dir }` (undefined: the default local state).
 * `wrangler d1 export` has no --persist-to, so for a private folder it runs from a scratch
 * directory whose wrangler.toml names the same database and whose .wrangler/state is that folder.
 */
export function exportDatabase(output, where = {}) {
  const database = databaseOf(where);
  const out = resolve(output);
  mkdirSync(resolve(out, ".."), { recursive: true });
  if (where.remote) return wrangler(["d1", "export", database.name, "--remote", "--output", out]);
  if (!where.persistTo) return wrangler(["d1", "export", database.binding, "--local", "--output", out]);
  const scratch = mkdtempSync(resolve(".tmp", "d1-export-"));
  try {
    writeFileSync(
      resolve(scratch, "wrangler.toml"),
      `name = "glucolens-backup"\ncompatibility_date = "2026-04-01"\n\n[[d1_databases]]\nbinding = "${database.binding}"\ndatabase_name = "${database.name}"\ndatabase_id = "${database.id}"\n`,
    );
    mkdirSync(resolve(scratch, ".wrangler"));
    symlinkSync(resolve(where.persistTo), resolve(scratch, ".wrangler", "state"));
    return wrangler(["d1", "export", database.binding, "--local", "--output", out], { cwd: scratch });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function whereArgs(where) {
  if (where.remote) return ["--remote"];
  return where.persistTo ? ["--local", "--persist-to", where.persistTo] : ["--local"];
}

export function executeFile(file, where = {}) {
  const database = databaseOf(where);
  return wrangler(["d1", "execute", where.remote ? database.name : database.binding, ...whereArgs(where), "--file", resolve(file), "--yes"]);
}

/** Runs SQL (one or more statements); returns the rows of each statement. */
export function queryEach(sql, where = {}) {
  const database = databaseOf(where);
  const results = wrangler(["d1", "execute", where.remote ? database.name : database.binding, ...whereArgs(where), "--command", sql, "--json", "--yes"], { json: true });
  return results.map((r) => r.results ?? []);
}

export const query = (sql, where = {}) => queryEach(sql, where).flat();

/** The schema objects wrangler's export covers: user tables (D1's own `_cf_` ones excluded). */
export function listObjects(where = {}) {
  return query("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND type IN ('table','view','trigger') ORDER BY type, name", where);
}

/**
 * Statements that drop every table, view and trigger (foreign keys deferred, so the order does
 * not matter): the state a restore starts from.
 */
export function wipeSql(where = {}) {
  const objects = listObjects(where);
  const drops = objects.map((o) => `DROP ${o.type.toUpperCase()} IF EXISTS "${o.name.replaceAll('"', '""')}";`);
  return ["PRAGMA defer_foreign_keys = on;", ...drops].join("\n");
}

/**
 * Row count and SHA-256 of every table's rows in primary-key order (all columns, `quote()`d so
 * types and NULLs count), computed by SQL and hashed here.
 */
export function tableStats(where = {}) {
  const columns = query(
    "SELECT m.name AS t, p.name AS c, p.pk AS pk FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_cf_%' ORDER BY m.name, p.cid",
    where,
  );
  const tables = [...new Set(columns.map((c) => c.t))];
  if (!tables.length) return {};
  const ident = (n) => `"${n.replaceAll('"', '""')}"`;
  const statements = tables.map((t) => {
    const cols = columns.filter((c) => c.t === t);
    const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    const all = cols.map((c) => `quote(${ident(c.c)})`).join(" || '|' || ");
    return `SELECT ${all} AS r FROM ${ident(t)} ORDER BY ${(pk.length ? pk : cols).map((c) => ident(c.c)).join(", ")}`;
  });
  const results = queryEach(statements.join(";\n"), where);
  const stats = {};
  tables.forEach((t, i) => {
    const hash = createHash("sha256");
    for (const row of results[i]) hash.update(`${row.r}\n`);
    stats[t] = { rows: results[i].length, sha256: hash.digest("hex") };
  });
  return stats;
}

/**
 * Splits SQL into statements at top-level semicolons (quotes and identifiers respected; a
 * CREATE TRIGGER runs to its END, so the semicolons of its body stay inside it).
 */
export function splitStatements(sql) {
  const out = [];
  let start = 0;
  let quote = null;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (quote) {
      if (ch === quote) quote = null; // a doubled quote closes and reopens: same result
    } else if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === "[") quote = "]";
    else if (ch === ";") {
      const stmt = sql.slice(start, i + 1).trim();
      if (/^CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(stmt) && !/\bEND\s*;$/i.test(stmt)) continue;
      if (stmt !== ";") out.push(stmt);
      start = i + 1;
    }
  }
  const rest = sql.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}

/**
 * `wrangler d1 export` writes each table's CREATE followed by its rows, in the order the tables
 * were (re)created by migrations; a child table whose parent comes later then fails on import
 * ("no such table: main.users", even with foreign keys deferred). Creating every table first,
 * then the rows, then indexes and the rest, imports in any order.
 */
export function orderForImport(sql) {
  const statements = splitStatements(sql);
  const rank = (s) => (/^PRAGMA/i.test(s) ? 0 : /^CREATE\s+TABLE/i.test(s) ? 1 : /^(INSERT|DELETE)\b/i.test(s) ? 2 : 3);
  return statements
    .map((s, i) => ({ s, i, r: rank(s) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.s)
    .join("\n");
}

/** Wipes the database, then imports `sqlFile` (a `wrangler d1 export` file). */
export function restoreFile(sqlFile, where = {}) {
  const wipe = resolve(".tmp", `wipe-${process.pid}.sql`);
  mkdirSync(".tmp", { recursive: true });
  writeFileSync(wipe, `${wipeSql(where)}\n`);
  try {
    executeFile(wipe, where);
  } finally {
    rmSync(wipe, { force: true });
  }
  const ordered = resolve(".tmp", `import-${process.pid}.sql`);
  writeFileSync(ordered, `${orderForImport(readFileSync(sqlFile, "utf8"))}\n`);
  try {
    executeFile(ordered, where);
  } finally {
    rmSync(ordered, { force: true });
  }
}

/** Differences between two tableStats() results, one line each (empty: identical). */
export function compareStats(expected, actual) {
  const problems = [];
  for (const [table, want] of Object.entries(expected)) {
    const got = actual[table];
    if (!got) problems.push(`${table}: missing`);
    else if (got.rows !== want.rows) problems.push(`${table}: ${got.rows} rows, expected ${want.rows}`);
    else if (got.sha256 !== want.sha256) problems.push(`${table}: checksum differs`);
  }
  for (const table of Object.keys(actual)) if (!(table in expected)) problems.push(`${table}: not in the backup`);
  return problems;
}
