// `npm run dev`: the platform with hot reload, for working on it (`npm start` serves the built one).
//  1. applies the D1 migrations to the local database (.wrangler/state),
//  2. starts the API Worker with `wrangler dev` (API_PORT, default 8787),
//  3. seeds the demo account with 90 days of synthetic data (idempotent),
//  4. starts the web site (WEB_PORT, default 8788) against the local API,
//  5. prints the URLs and the demo login, and stops everything on Ctrl-C.
import { spawn, spawnSync } from "node:child_process";

const API_PORT = process.env.API_PORT ?? "8787";
const WEB_PORT = process.env.WEB_PORT ?? "8788";
const API_URL = `http://127.0.0.1:${API_PORT}`;
const DEMO = { email: "demo@glucolens.local", password: "glucolens-demo" };
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", API_PORT, WEB_PORT, API_URL };
const children = [];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", env, ...opts });
  if (r.status !== 0) {
    console.error(`\n✗ ${cmd} ${args.join(" ")} failed`);
    process.exit(r.status ?? 1);
  }
}

function start(name, cmd, args) {
  const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const prefix = (chunk) => chunk.toString().split("\n").filter(Boolean).map((l) => `[${name}] ${l}`).join("\n") + "\n";
  child.stdout.on("data", (c) => process.stdout.write(prefix(c)));
  child.stderr.on("data", (c) => process.stderr.write(prefix(c)));
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
  for (const c of children) c.kill("SIGTERM");
  setTimeout(() => process.exit(code), 500);
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

async function waitFor(url, seconds) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not come up within ${seconds} s`);
}

console.log("→ applying D1 migrations to the local databases (directory and shards)");
run("node", ["scripts/migrate-all.mjs", "--local"], { env: { ...env, CI: "true" } });

console.log(`→ starting the API on ${API_URL}`);
start("api", "npx", ["wrangler", "dev", "--port", API_PORT, "--ip", "127.0.0.1", "--test-scheduled", "--show-interactive-dev-session=false"]);
await waitFor(`${API_URL}/health`, 120);

console.log("→ seeding the demo account (90 days of synthetic data)");
run("npx", ["tsx", "scripts/seed.ts", "--days", "90", "--email", DEMO.email, "--password", DEMO.password, "--seed", "42", "--api", API_URL]);

console.log(`→ starting the web site on http://localhost:${WEB_PORT}`);
start("web", "npm", ["run", "--silent", "web:dev"]);
await waitFor(`http://127.0.0.1:${WEB_PORT}/login`, 120);

console.log(`
  GlucoLens is running.
    Web site:  http://localhost:${WEB_PORT}
    API:       http://localhost:${API_PORT}   (docs: http://localhost:${API_PORT}/docs)
    Demo login: ${DEMO.email} / ${DEMO.password}
  Magic-link mail and other dev mail is printed in this log ([api] mail.outbox).
  Press Ctrl-C to stop.
`);
