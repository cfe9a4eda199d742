// `npm start`: what `npm run deploy` ships, running on this machine (`npm run dev` for hot reload).
//  1. builds the API Worker bundle, the web site and its Pages Function (each skipped when up to date),
//  2. applies the D1 migrations to the local database (.wrangler/state),
//  3. serves the built API (API_PORT, default 8787) with its queues, Durable Objects and Cron
//     Triggers, and the built web site (WEB_PORT, default 8788), with Miniflare (scripts/serve.ts),
//  4. seeds the demo account once, confirms its address with the link the API logs (mail is not sent
//     locally), has the real queue analyse it, and keeps it live with a reading
//     a minute through the Nightscout uploader path (scripts/demo-live.ts; DEMO_LIVE=0 turns that off),
//  5. prints where everything runs, then one line per API request; Ctrl-C stops everything.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

const API_PORT = process.env.API_PORT ?? "8787";
const WEB_PORT = process.env.WEB_PORT ?? "8788";
const API_URL = `http://127.0.0.1:${API_PORT}`;
const DEMO = { email: "demo@glucolens.local", password: "glucolens-demo" };
const LIVE = process.env.DEMO_LIVE !== "0";
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", API_PORT, WEB_PORT, API_URL, CI: "true", NO_COLOR: "1" };
const BUILD = ".wrangler/build";
const started = Date.now();
const children = [];
let ready = false;

/** Runs a command with its output kept back; prints it and stops only when the command fails. */
function quiet(cmd, args, opts = {}) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"], ...opts });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    child.on("exit", (code) => {
      if (code === 0) return done();
      console.error(`✗ ${cmd} ${args.join(" ")} failed:\n${output}`);
      stop(1);
    });
  });
}

/** A long-running child whose lines are printed with a prefix (request lines only once ready). */
function serve(name, cmd, args, onLine = () => {}) {
  const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      onLine(line);
      if (line === "ready" || line === "analysed") return;
      // Before the platform is up, request lines and info events (the demo's seeding and analysis)
      // would bury the summary; warnings, errors and anything else still show.
      if (!ready && (/^[A-Z]+ \/\S* \d{3} \d+ ms$/.test(line) || /^[a-z_]+\.[a-z_.]+( |$)/.test(line))) return;
      console.log(`[${name}] ${line}`);
    });
  }
  child.on("exit", (code) => {
    if (!stopping) {
      console.error(`[${name}] exited with ${code}; stopping`);
      stop(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const c of children) {
    try {
      process.kill(-c.pid, "SIGTERM");
    } catch {}
  }
  setTimeout(() => process.exit(code), 500);
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

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

const waitFor = async (url, seconds) => {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  console.error(`✗ ${url} did not come up within ${seconds} s`);
  stop(1);
};

console.log("→ building the API Worker and the web site (skipped when up to date)");
const apiBuilt = build(`${BUILD}/api`, ["worker", "durable", "analytics", "interop", "wrangler.toml"], () =>
  quiet("npx", ["wrangler", "deploy", "--dry-run", "--outdir", resolve(`${BUILD}/api`)]),
);
const webBuilt = build(`${BUILD}/web`, ["web", "interop", "analytics"], async () => {
  await quiet("npx", ["remix", "vite:build", "--config", "web/vite.config.ts"]);
  await quiet("npx", ["wrangler", "pages", "functions", "build", "--outdir", resolve(`${BUILD}/web`)], { cwd: "web" });
});

// Both builds finish before workerd starts: a build running beside the seeding starved the
// runtime so that it dropped connections (seen as ECONNRESET and lost queue batches).
await Promise.all([apiBuilt, webBuilt]);
// The directory and every shard (scripts/migrate-all.mjs).
await quiet("node", ["scripts/migrate-all.mjs", "--local"]);
const bundle = readdirSync(`${BUILD}/api`).find((f) => f.endsWith(".js"));
// Mail is not sent locally: the API logs it (mail.outbox); the demo's verification link is read there.
const demoMail = [];
serve("api", "npx", ["tsx", "scripts/serve.ts", "api", `${BUILD}/api/${bundle}`], (line) => {
  if (line.startsWith("mail.outbox ") && line.includes(`to=${DEMO.email} `)) demoMail.push(line);
});
serve("web", "npx", ["tsx", "scripts/serve.ts", "web", `${BUILD}/web/index.js`, "web/build/client"]);
await waitFor(`${API_URL}/health`, 60);

console.log("→ seeding and analysing the demo account (first start only)");
await quiet("npx", ["tsx", "scripts/seed.ts", "--quiet", "--days", "90", "--email", DEMO.email, "--password", DEMO.password, "--seed", "42", "--api", API_URL]);
await verifyDemo();
await new Promise((done) =>
  serve("demo", "npx", ["tsx", "scripts/demo-live.ts", "--api", API_URL, "--email", DEMO.email, "--password", DEMO.password], (line) => {
    if (line === "analysed") done();
  }),
);
await waitFor(`http://127.0.0.1:${WEB_PORT}/login`, 60);

ready = true;
console.log(`
  GlucoLens is running (the built Worker and site, as deployed) after ${Math.round((Date.now() - started) / 1000)} s.
    Web site:   http://localhost:${WEB_PORT}
    API:        http://localhost:${API_PORT}   (docs: http://localhost:${API_PORT}/docs)
    Demo login: ${DEMO.email} / ${DEMO.password}  (analysed; ${LIVE ? "a live reading every minute, DEMO_LIVE=0 to stop it" : "no live readings"})
  Mail (magic links) is printed here as mail.outbox lines. \`npm run dev\` serves with hot reload instead.
  Press Ctrl-C to stop. Requests:`);
