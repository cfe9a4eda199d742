// `npm start`: the whole platform on this machine, in workerd.
//  1. applies the D1 migrations to the local database (.wrangler/state),
//  2. starts the API Worker with `wrangler dev` (API_PORT, default 8787),
//  3. seeds the demo account with 90 days of synthetic data (idempotent) and confirms its address
//     with the verification link the API logs (mail.outbox), as a person would,
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

/** The mail the API logs as `mail.outbox` lines (no SEND_EMAIL binding locally), in order. */
function watchOutbox(child) {
  const mails = [];
  const reader = () => {
    let rest = "";
    return (chunk) => {
    const lines = (rest + chunk.toString()).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) {
      const at = line.indexOf('{"level"');
      if (at < 0 || !line.includes('"mail.outbox"')) continue;
      try {
        mails.push(JSON.parse(line.slice(at)));
      } catch {}
    }
    };
  };
  child.stdout.on("data", reader());
  child.stderr.on("data", reader());
  return mails;
}

async function postJson(path, body, token) {
  const res = await fetch(`${API_URL}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/** Confirms the demo account's address with the link of its verification mail, once. */
async function verifyDemo() {
  const login = await postJson("/api/v1/auth/login", DEMO);
  if (login.status !== 200 || login.json.user.email_verified) return;
  const linkIn = () => outbox.filter((m) => m.to === DEMO.email && /Confirm your/.test(m.subject)).pop();
  if (!linkIn()) await postJson("/api/v1/auth/verify-email/resend", undefined, login.json.access_token);
  const until = Date.now() + 15_000;
  while (!linkIn() && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  const token = /token=([^\s]+)/.exec(linkIn()?.body ?? "")?.[1];
  const res = token ? await postJson("/api/v1/auth/verify-email", { token: decodeURIComponent(token) }) : null;
  console.log(res?.status === 200 ? "→ demo account's address confirmed" : `! could not confirm the demo account's address (${res?.status ?? "no mail"})`);
}

console.log("→ applying D1 migrations to the local database");
run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"], { env: { ...env, CI: "true" } });

console.log(`→ starting the API on ${API_URL}`);
const api = start("api", "npx", ["wrangler", "dev", "--port", API_PORT, "--ip", "127.0.0.1", "--test-scheduled", "--show-interactive-dev-session=false"]);
const outbox = watchOutbox(api);
await waitFor(`${API_URL}/health`, 120);

console.log("→ seeding the demo account (90 days of synthetic data)");
run("npx", ["tsx", "scripts/seed.ts", "--days", "90", "--email", DEMO.email, "--password", DEMO.password, "--seed", "42", "--api", API_URL]);
await verifyDemo();

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
