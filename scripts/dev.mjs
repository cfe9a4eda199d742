// `npm run dev`: the platform with hot reload, for working on it (`npm start` serves the built one).
//  1. applies the D1 migrations to the local database (.wrangler/state),
//  2. starts the API Worker with `wrangler dev` (API_PORT, default 8787),
//  3. seeds the demo account with 90 days of synthetic data (idempotent),
//  4. starts the web site (WEB_PORT, default 8788) against the local API,
//  5. prints the URLs and the demo login, and stops everything on Ctrl-C.
import { createSupervisor } from "./processes.mjs";

const API_PORT = process.env.API_PORT ?? "8787";
const WEB_PORT = process.env.WEB_PORT ?? "8788";
const API_URL = `http://127.0.0.1:${API_PORT}`;
const DEMO = { email: "demo@glucolens.local", password: "glucolens-demo" };
const env = { ...process.env, WRANGLER_SEND_METRICS: "false", API_PORT, WEB_PORT, API_URL };
const { quiet, serve, waitFor } = createSupervisor(env);

console.log("→ applying D1 migrations to the local databases (directory and shards)");
await quiet(process.execPath, ["scripts/migrate-all.mjs", "--local"], { env: { ...env, CI: "true" } });

console.log(`→ starting the API on ${API_URL}`);
serve("api", "wrangler", ["dev", "--port", API_PORT, "--ip", "127.0.0.1", "--test-scheduled", "--show-interactive-dev-session=false"]);
await waitFor(`${API_URL}/health`, 120);

console.log("→ seeding the demo account (90 days of synthetic data)");
await quiet("tsx", ["scripts/seed.ts", "--days", "90", "--email", DEMO.email, "--password", DEMO.password, "--seed", "42", "--api", API_URL]);

console.log(`→ starting the web site on http://localhost:${WEB_PORT}`);
serve("web", "remix", ["vite:dev", "--config", "web/vite.config.ts"]);
await waitFor(`http://127.0.0.1:${WEB_PORT}/login`, 120);

console.log(`
  GlucoLens is running.
    Web site:  http://localhost:${WEB_PORT}
    API:       http://localhost:${API_PORT}   (docs: http://localhost:${API_PORT}/docs)
    Demo login: ${DEMO.email} / ${DEMO.password}
  Magic-link mail and other dev mail is printed in this log ([api] mail.outbox).
  Press Ctrl-C to stop.
`);
