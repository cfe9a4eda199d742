// `npm run restore-drill`: proves that a backup restores, on a private local database (no
// network, no account; runnable in CI). Steps: start a private API (test/support/local-platform.ts,
// state in .tmp/restore-drill-state), put data in through the API (accounts, readings, records,
// alert settings, an uploader), stop it, then for each database (the directory and every shard):
// back up (wrangler d1 export), wipe every table, check the database is empty, restore (wrangler
// d1 execute --file), and compare each table's row count and checksum with the values before the
// backup. Exits 1 on any difference.
// Port: RESTORE_DRILL_PORT (default 8853).
import { rmSync, writeFileSync } from "node:fs";
import { startPlatform } from "../test/support/local-platform.ts";
import { compareStats, DATABASES, executeFile, exportDatabase, listObjects, restoreFile, tableStats, wipeSql } from "./d1-tools.mjs";

const port = Number(process.env.RESTORE_DRILL_PORT ?? 8853);
const started = Date.now();
const step = (what) => console.log(`drill: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

async function call(url, path, token, body, method = body === undefined ? "GET" : "POST") {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const platform = await startPlatform(port, "restore-drill");
const where = { persistTo: platform.stateDir };
try {
  step(`private API on ${platform.url}`);
  const now = Date.now();
  for (let u = 0; u < 3; u++) {
    const account = await call(platform.url, "/api/v1/auth/register", null, { email: `drill-${u}-${now}@drill.local`, password: "restore drill password", name: `Drill ${u}`, timezone: u ? "Europe/Berlin" : "UTC", unit: u ? "mmol/L" : "mg/dL" });
    const token = account.access_token;
    const readings = Array.from({ length: 2000 }, (_, i) => ({ time: now - i * 300_000, value: 90 + ((i * 37) % 120), source: "drill-cgm", trend: "Flat" }));
    await call(platform.url, "/api/v1/glucose/bulk", token, { readings });
    await call(platform.url, "/api/v1/meals", token, { time: now - 3600_000, carbs: 45 + u, description: "Drill lunch — ünïcode 'quoted'" });
    await call(platform.url, "/api/v1/sleep", token, { start: now - 10 * 3600_000, end: now - 3 * 3600_000 });
    await call(platform.url, "/api/v1/alerts/settings", token, { low: { enabled: true, value: u ? 4 : 72 } }, "PUT");
    await call(platform.url, "/api/v1/uploaders", token, { name: "drill uploader" });
  }
  step("data posted (3 accounts, 6,000 readings, records, settings, uploaders)");
} finally {
  // The export must read a database nobody is writing to.
  await platform.stop();
}
await new Promise((r) => setTimeout(r, 1000));

// Every database: the directory and each shard (worker/db/shards.ts).
const results = [];
for (const { binding } of DATABASES) {
  const at = { ...where, database: binding };
  const before = tableStats(at);
  const backup = `.tmp/restore-drill-backup.${binding}.sql`;
  exportDatabase(backup, at);
  writeFileSync(`${backup}.json`, `${JSON.stringify({ database: binding, tables: before }, null, 2)}\n`);
  step(`${binding}: backup ${backup}: ${Object.keys(before).length} tables, ${Object.values(before).reduce((n, t) => n + t.rows, 0)} rows`);

  const wipe = `.tmp/restore-drill-wipe.${binding}.sql`;
  writeFileSync(wipe, `${wipeSql(at)}\n`);
  executeFile(wipe, at);
  rmSync(wipe, { force: true });
  const left = listObjects(at);
  if (left.length) {
    console.error(`drill: FAILED, the wipe of ${binding} left ${left.map((o) => o.name).join(", ")}`);
    process.exit(1);
  }
  step(`${binding}: wiped, no tables left`);

  restoreFile(backup, at);
  const after = tableStats(at);
  const problems = compareStats(before, after);
  if (problems.length) {
    console.error(`drill: FAILED after restoring ${binding}:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  for (const [table, s] of Object.entries(after)) if (s.rows) console.log(`  ${binding.padEnd(8)} ${table.padEnd(28)} ${String(s.rows).padStart(7)} rows  ${s.sha256.slice(0, 16)}`);
  results.push({ binding, tables: Object.keys(after).length, rows: Object.values(after).reduce((n, t) => n + t.rows, 0) });
  rmSync(backup, { force: true });
  rmSync(`${backup}.json`, { force: true });
}
step(`restored ${results.map((r) => `${r.binding} (${r.tables} tables, ${r.rows} rows)`).join(", ")}: same row counts and checksums — PASSED`);
rmSync(platform.stateDir, { recursive: true, force: true });
