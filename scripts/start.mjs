// `npm start`: what `npm run deploy` ships, running on this machine (`npm run dev` for hot reload).
//  1. builds the API Worker bundle, the web site and its Pages Function (each skipped when up to date),
//  2. applies the D1 migrations to the local databases, the directory and every shard (STATE_DIR,
//     default .wrangler/state),
//  3. serves the built API (API_PORT, default 8787) with its queues, Durable Objects and Cron
//     Triggers, and the built web site (WEB_PORT, default 8788), with Miniflare (scripts/serve.ts),
//  4. seeds the demo account once, confirms its address with the link the API logs (mail is not sent
//     locally), has the real queue analyse it, and keeps it live with a reading
//     a minute through the Nightscout uploader path (scripts/demo-live.ts; DEMO_LIVE=0 turns that off),
//  5. prints where everything runs as soon as both sites serve and the demo is seeded (the demo's
//     analysis goes on in the queue; a line says when it is done), then one line per API request;
//     Ctrl-C stops everything.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createSupervisor } from "./processes.mjs";

const API_PORT = process.env.API_PORT ?? "8787";
const WEB_PORT = process.env.WEB_PORT ?? "8788";
// Local storage (D1, Durable Objects, the demo's uploader secret); another folder gives a fresh platform.
const STATE_DIR = process.env.STATE_DIR ?? ".wrangler/state";
const API_URL = `http://127.0.0.1:${API_PORT}`;
const DEMO = { email: "demo@glucolens.local", password: "glucolens-demo" };
const LIVE = process.env.DEMO_LIVE !== "0";
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", API_PORT, WEB_PORT, API_URL, STATE_DIR, CI: "true", NO_COLOR: "1" };
const BUILD = ".wrangler/build";
const started = Date.now();
/** Seconds since the start, for the summary's split of where the time went. */
const since = () => Math.round((Date.now() - started) / 1000);
let ready = false;
const { quiet, serve, waitFor } = createSupervisor(env);

/** Request lines and info events (the demo's seeding and analysis) would bury the summary: shown once ready. */
function show(line) {
  if (line === "ready" || line === "analysed") return false;
  return ready || !(/^[A-Z]+ \/\S* \d{3} \d+ ms$/.test(line) || /^[a-z_]+\.[a-z_.]+( |$)/.test(line));
}

/** Newest modification time under these paths (folders walked, node_modules and builds left out). */
function newest(paths) {
  let latest = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const name of readdirSync(p)) if (!["node_modules", "build", ".cache"].includes(name)) visit(join(p, name));
    } else latest = Math.max(latest, s.mtimeMs);
  };
  paths.forEach(visit);
  return latest;
}

/** Builds `out` with `make` unless its stamp is newer than every source. */
async function build(out, sources, make) {
  const stamp = join(out, ".built");
  if (existsSync(stamp) && statSync(stamp).mtimeMs > newest([...sources, "package-lock.json"])) return;
  await make();
  mkdirSync(out, { recursive: true });
  writeFileSync(stamp, new Date().toISOString());
}

async function postJson(path, body, token) {
  const res = await fetch(`${API_URL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body ?? {}),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/** Confirms the demo account's address with the link of its verification mail, as a person would. */
async function verifyDemo() {
  const login = await postJson("/api/v1/auth/login", DEMO);
  if (login.status !== 200 || login.json.user.email_verified) return;
  const token = () => demoMail.map((l) => /verify-email\?token=([A-Za-z0-9_-]+)/.exec(l)?.[1]).filter(Boolean).pop();
  if (!token()) await postJson("/api/v1/auth/verify-email/resend", {}, login.json.access_token);
  const until = Date.now() + 15_000;
  while (!token() && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  const res = token() ? await postJson("/api/v1/auth/verify-email", { token: token() }) : null;
  if (res?.status !== 200) console.error(`! could not confirm the demo account's address (${res?.status ?? "no mail"})`);
}

console.log("→ building the API Worker and the web site (skipped when up to date)");
// The migrations and both builds run side by side; the API starts serving while the web site
// still builds, but the seeding waits for both builds: a build running beside the seeding starved
// the runtime so that it dropped connections (seen as ECONNRESET and lost queue batches).
// The directory and every shard (scripts/migrate-all.mjs).
const migrated = quiet(process.execPath, ["scripts/migrate-all.mjs", "--local", "--persist-to", STATE_DIR]);
const apiBuilt = build(`${BUILD}/api`, ["worker", "durable", "analytics", "interop", "wrangler.toml"], () =>
  quiet("wrangler", ["deploy", "--dry-run", "--outdir", resolve(`${BUILD}/api`)]),
);
const webBuilt = build(`${BUILD}/web`, ["web", "interop", "analytics"], async () => {
  await quiet("remix", ["vite:build", "--config", "web/vite.config.ts"]);
  await quiet("wrangler", ["pages", "functions", "build", "--outdir", resolve(`${BUILD}/web`)], { cwd: "web" });
});

await Promise.all([apiBuilt, migrated]);
const bundle = readdirSync(`${BUILD}/api`).find((f) => f.endsWith(".js"));
// Mail is not sent locally: the API logs it (mail.outbox); the demo's verification link is read there.
const demoMail = [];
serve("api", "tsx", ["scripts/serve.ts", "api", `${BUILD}/api/${bundle}`], {
  show,
  onLine: (line) => {
    if (line.startsWith("mail.outbox ") && line.includes(`to=${DEMO.email} `)) demoMail.push(line);
  },
});
await webBuilt;
const builtAt = since();
serve("web", "tsx", ["scripts/serve.ts", "web", `${BUILD}/web/index.js`, "web/build/client"], { show });
await waitFor(`${API_URL}/health`, 120);

console.log("→ seeding and analysing the demo account (first start only)");
await quiet("tsx", ["scripts/seed.ts", "--quiet", "--days", "90", "--email", DEMO.email, "--password", DEMO.password, "--seed", "42", "--api", API_URL]);
await verifyDemo();
const seededAt = since();
// The analysis runs in the queue while the summary is printed: nothing waits for it but Insights.
// Optional: a demo that fails (its analysis too slow on a loaded machine) leaves the platform serving.
serve("demo", "tsx", ["scripts/demo-live.ts", "--api", API_URL, "--email", DEMO.email, "--password", DEMO.password], {
  show,
  optional: true,
  onLine: (line) => {
    if (line === "analysed") console.log(`  The demo account is analysed (after ${since()} s): Insights and the dashboard's top insights are there.`);
  },
});
await waitFor(`http://127.0.0.1:${WEB_PORT}/login`, 120);

ready = true;
console.log(`
  GlucoLens is running (the built Worker and site, as deployed) after ${since()} s (built and migrated at ${builtAt} s, demo seeded at ${seededAt} s).
    Web site:   http://localhost:${WEB_PORT}
    API:        http://localhost:${API_PORT}   (docs: http://localhost:${API_PORT}/docs)
    Demo login: ${DEMO.email} / ${DEMO.password}  (${LIVE ? "a live reading every minute, DEMO_LIVE=0 to stop it" : "no live readings"};
                its analysis finishes in the background, a line below says when)
  Mail (magic links) is printed here as mail.outbox lines. \`npm run dev\` serves with hot reload instead.
  Press Ctrl-C to stop. Requests:`);
