/**
 * `npm run seed -- --days 90 --email demo@glucolens.local --password … --seed 42 [--api URL] [--timezone Europe/Berlin] [--name Demo]`
 *
 * Signs in (or creates the account) and fills it over the public API with
 * deterministic synthetic data (seed/synthetic.ts) ending now. An account that already has
 * readings is left alone unless --force; within one 5-minute window a rerun stores nothing new
 * anyway, since the API de-duplicates readings and records.
 */
import { parseArgs } from "node:util";
import { generateSynthetic } from "../seed/synthetic.ts";

const { values: args } = parseArgs({
  options: {
    days: { type: "string", default: "90" },
    email: { type: "string", default: "demo@glucolens.local" },
    password: { type: "string", default: "glucolens-demo" },
    name: { type: "string", default: "Demo User" },
    seed: { type: "string", default: "42" },
    timezone: { type: "string", default: "Europe/Berlin" },
    api: { type: "string", default: process.env.API_URL ?? `http://127.0.0.1:${process.env.API_PORT ?? "8787"}` },
    quiet: { type: "boolean", default: false },
    force: { type: "boolean", default: false },
  },
});

const log = (msg: string) => args.quiet || console.log(msg);

async function call(path: string, body: unknown, token?: string): Promise<{ status: number; json: any }> {
  const init = { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) };
  // A connection dropped before the answer is sent again: every upload here is de-duplicated.
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${args.api}${path}`, init);
      return { status: res.status, json: await res.json().catch(() => null) };
    } catch (err) {
      if (attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Signs in first: registering an address that has an account answers 201 too (with a second,
 * unverified account), so only a failed login means the account must be created.
 */
async function signIn(): Promise<string> {
  const login = await call("/api/v1/auth/login", { email: args.email, password: args.password });
  if (login.status === 200) return login.json.access_token;
  if (login.status !== 401) throw new Error(`login failed (${login.status}): ${JSON.stringify(login.json)}`);
  const reg = await call("/api/v1/auth/register", { email: args.email, password: args.password, name: args.name, timezone: args.timezone, unit: "mg/dL" });
  if (reg.status !== 201) throw new Error(`register failed (${reg.status}): ${JSON.stringify(reg.json)}`);
  return reg.json.access_token;
}

async function upload(token: string, path: string, key: "readings" | "items", items: unknown[], chunk: number) {
  let inserted = 0;
  let duplicates = 0;
  for (let i = 0; i < items.length; i += chunk) {
    const res = await call(path, { [key]: items.slice(i, i + chunk) }, token);
    if (res.status !== 200 || res.json.rejected.length) throw new Error(`${path} failed (${res.status}): ${JSON.stringify(res.json).slice(0, 500)}`);
    inserted += res.json.inserted;
    duplicates += res.json.duplicates;
  }
  return { inserted, duplicates };
}

const days = Number(args.days);
const seed = Number(args.seed);
if (!Number.isInteger(days) || days < 1 || days > 3650) throw new Error("--days must be a whole number from 1 to 3650");
if (!Number.isInteger(seed)) throw new Error("--seed must be a whole number");

const token = await signIn();
// The data ends "now", so a later run would generate shifted times that are not duplicates:
// an account that already has readings is left alone unless --force is given.
const existing = await fetch(`${args.api}/api/v1/glucose/readings?limit=1`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json() as Promise<{ items: unknown[] }>);
if (existing.items.length && !args.force) {
  log(`${args.email} already has readings; not seeding again (use --force to add more).`);
  process.exit(0);
}
const end = Math.floor(Date.now() / 300_000) * 300_000;
const data = generateSynthetic({ days, seed, timezone: args.timezone, end });
const results: Record<string, { inserted: number; duplicates: number }> = {};
results.glucose = await upload(token, "/api/v1/glucose/bulk", "readings", data.readings, 10_000);
for (const [path, items] of [
  ["sleep", data.sleep],
  ["meals", data.meals],
  ["activities", data.activities],
  ["insulin", data.insulin],
  ["medications", data.medications],
] as const) {
  results[path] = await upload(token, `/api/v1/${path}/bulk`, "items", items as unknown[], 2_000);
}
log(`Seeded ${args.email} with ${days} days (seed ${seed}):`);
for (const [k, v] of Object.entries(results)) log(`  ${k.padEnd(12)} ${String(v.inserted).padStart(6)} new, ${v.duplicates} already there`);
