// Smoke test of the README's start command (CI runs it): `npm start` must bring up the API, its
// docs, the web site and the demo account (seeded, confirmed, analysed, live) with a short log.
// Stops the platform afterwards.
import { spawn } from "node:child_process";

const API_PORT = process.env.SMOKE_API_PORT ?? "8797";
const WEB_PORT = process.env.SMOKE_WEB_PORT ?? "8798";
const api = `http://127.0.0.1:${API_PORT}`;
const web = `http://127.0.0.1:${WEB_PORT}`;

const child = spawn("npm", ["start"], { env: { ...process.env, API_PORT, WEB_PORT }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
let log = "";
child.stdout.on("data", (c) => (log += c));
child.stderr.on("data", (c) => (log += c));

function stop() {
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {}
}

function fail(message) {
  console.error(`✗ start smoke test: ${message}\n--- npm start output ---\n${log.slice(-6000)}`);
  stop();
  process.exit(1);
}

const started = Date.now();
while (!log.includes("GlucoLens is running")) {
  if (child.exitCode !== null) fail(`npm start exited with ${child.exitCode}`);
  if (Date.now() - started > 300_000) fail("not running after 300 s");
  await new Promise((r) => setTimeout(r, 500));
}
const seconds = ((Date.now() - started) / 1000).toFixed(0);
// The demo's analysis finishes after "running" is printed, and says so.
while (!log.includes("The demo account is analysed")) {
  if (child.exitCode !== null) fail(`npm start exited with ${child.exitCode}`);
  if (Date.now() - started > 420_000) fail("the demo account was not analysed after 420 s");
  await new Promise((r) => setTimeout(r, 500));
}

const check = async (url, init) => {
  const res = await fetch(url, init);
  if (!res.ok) fail(`${url} answered ${res.status}`);
  return res;
};
await check(`${api}/health`);
await check(`${api}/docs`);
await check(`${api}/docs/swagger-ui-bundle.js`);
await check(`${web}/login`);
const login = await (
  await check(`${api}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "demo@glucolens.local", password: "glucolens-demo" }) })
).json();
const now = Date.now();
const series = await (await check(`${api}/api/v1/glucose/series?start=${now - 91 * 86_400_000}&end=${now + 60_000}`, { headers: { authorization: `Bearer ${login.access_token}` } })).json();
if (series.count < 24_000) fail(`demo account has only ${series.count} readings`);
const auth = { headers: { authorization: `Bearer ${login.access_token}` } };
const dashboard = await (await check(`${api}/api/v1/insights/dashboard`, auth)).json();
if (!dashboard.insights?.length) fail("the demo account arrived without insights");
if (!login.user.email_verified) fail("the demo account's address is not confirmed");
const newest = series.t.at(-1) * 1000;
if (Date.now() - newest > 120_000) fail(`the demo's newest reading is ${Math.round((Date.now() - newest) / 1000)} s old: the demo uploader is not live`);
// The log up to the summary's last line ("Press Ctrl-C … Requests:") is what a newcomer reads first.
const head = log.slice(0, log.indexOf("Requests:")).split("\n").length;
if (head >= 25) fail(`${head} log lines before the first request`);
console.log(`✓ npm start came up in ${seconds} s, the demo analysed after ${((Date.now() - started) / 1000).toFixed(0)} s (${head} log lines): API, docs, web site, a demo account with ${series.count} readings, ${dashboard.insights.length} top insights and a reading ${Math.round((Date.now() - newest) / 1000)} s old`);
stop();
process.exit(0);
