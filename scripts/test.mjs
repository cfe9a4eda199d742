// `npm test`: every test suite, one after another, then one summary line
// ("tests: N passed, N failed") that CI reads. Suites:
//   analytics  plain Node (the library is runtime-free)
//   interop    import-file parsers on the real export files in ../shared/data (plain Node)
//   worker     inside workerd: real local D1, Durable Objects, WebSockets, queues
//   interop-http  the real export files imported over HTTP into a private copy of the built Worker
//   push       Web Push delivered by a private wrangler dev to a local push service (Node)
//   socketio-clients  the real socket.io clients (2 and 4) against a private copy of the built Worker (Node)
//   load       concurrent uploaders with retries, a restarted Worker, a locked D1 (Node + wrangler dev)
//   report-render  the clinician PDF rendered by poppler (pdftoppm, pdfinfo, pdftotext; Node + wrangler dev)
//   web        the web site's data-shaping units (plain Node)
//   e2e        real Chromium against the locally started platform (when present)
// `npm test -- worker` runs only the named suites.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";

const suites = [
  { name: "analytics", args: ["--config", "vitest.analytics.config.ts"] },
  { name: "interop", args: ["--config", "vitest.interop.config.ts"] },
  { name: "worker", args: ["--config", "vitest.worker.config.ts"] },
  { name: "interop-http", args: ["--config", "vitest.interop-http.config.ts"] },
  { name: "push", args: ["--config", "vitest.push.config.ts"] },
  { name: "socketio-clients", args: ["--config", "vitest.socketio-clients.config.ts"] },
  { name: "load", args: ["--config", "vitest.load.config.ts"] },
  { name: "report-render", args: ["--config", "vitest.report-render.config.ts"] },
  { name: "web", args: ["--config", "vitest.web.config.ts"], optional: "vitest.web.config.ts" },
  { name: "e2e", args: ["--config", "vitest.e2e.config.ts"], optional: "vitest.e2e.config.ts" },
];

const wanted = process.argv.slice(2);
mkdirSync(".tmp", { recursive: true });
let passed = 0;
let failed = 0;
let skipped = 0;
const broken = [];
for (const suite of suites) {
  if (wanted.length && !wanted.includes(suite.name)) continue;
  if (suite.optional && !existsSync(suite.optional)) continue;
  console.log(`\n━━ ${suite.name} ━━`);
  const report = `.tmp/test-${suite.name}.json`;
  const r = spawnSync("npx", ["vitest", "run", ...suite.args, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], {
    stdio: "inherit",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, "utf8"));
    passed += json.numPassedTests;
    failed += json.numFailedTests;
    skipped += json.numPendingTests + json.numTodoTests;
  }
  if (r.status !== 0) broken.push(suite.name);
}
console.log(`\nSuites failing: ${broken.length ? broken.join(", ") : "none"}`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(broken.length ? 1 : 0);
