#!/usr/bin/env node
/**
 * Lints the OpenAPI document the Worker serves (GET /openapi.json) with Redocly CLI, by the rules
 * of redocly.yaml. Nothing is started: the app is bundled for Node with esbuild (the Worker-only
 * `cloudflare:*` modules stubbed, the Swagger UI files loaded as text and bytes as wrangler does),
 * `openApiDocument(createApp())` is written to a temporary file, and `redocly lint` reads it.
 *
 *   node scripts/openapi-lint.mjs                 lint (exit status of redocly)
 *   node scripts/openapi-lint.mjs --write FILE    also keep the document in FILE
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "glucolens-openapi-"));

try {
  const bundle = join(dir, "app.mjs");
  await build({
    stdin: {
      contents: 'export { createApp } from "./worker/app.ts"; export { openApiDocument } from "./worker/routes/docs.ts";',
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    // CommonJS packages in the bundle (easyxml's sax) require Node built-ins.
    banner: { js: 'import { createRequire as bannerRequire } from "node:module"; const require = bannerRequire(import.meta.url);' },
    outfile: bundle,
    logLevel: "error",
    loader: { ".bin": "binary", ".txt": "text" },
    plugins: [
      {
        // Only imported, never called while the document is built.
        name: "workers-runtime-stubs",
        setup(b) {
          b.onResolve({ filter: /^cloudflare:/ }, (args) => ({ path: args.path, namespace: "stub" }));
          b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({ contents: "export class EmailMessage {} export class DurableObject {} export class WorkerEntrypoint {} export const env = {};", loader: "js" }));
        },
      },
    ],
  });
  const { createApp, openApiDocument } = await import(pathToFileURL(bundle).href);
  const doc = openApiDocument(createApp(), "http://localhost:8787");
  const file = join(dir, "openapi.json");
  writeFileSync(file, JSON.stringify(doc, null, 2));
  const out = process.argv.indexOf("--write");
  if (out > 0 && process.argv[out + 1]) writeFileSync(process.argv[out + 1], JSON.stringify(doc, null, 2));
  const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  console.log(`openapi-lint: ${Object.keys(doc.paths).length} paths, ${operations} operations`);
  const lint = spawnSync(join(root, "node_modules/.bin/redocly"), ["lint", file, "--config", join(root, "redocly.yaml")], { stdio: "inherit", cwd: root, env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } });
  process.exitCode = lint.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
