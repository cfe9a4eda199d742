// Copies Swagger UI's browser files into worker/vendor/swagger-ui/ for the /docs page, so it works
// offline and loads nothing from a CDN. The names end in .txt / .bin so that wrangler's default
// module rules bundle them into the Worker as Text / Data modules (worker/routes/docs.ts imports
// them): an [assets] binding would do the same job, but locally Miniflare then routes every API
// request through two more workers (the assets router and its RPC proxy), about 0.6 ms of CPU each.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "node_modules", "swagger-ui-dist");
const to = join(root, "worker", "vendor", "swagger-ui");
if (!existsSync(from)) {
  console.warn("swagger-ui-dist is not installed; /docs will have no assets");
  process.exit(0);
}
mkdirSync(to, { recursive: true });
const files = { "swagger-ui-bundle.js": "swagger-ui-bundle.js.txt", "swagger-ui.css": "swagger-ui.css.txt", "favicon-32x32.png": "favicon-32x32.png.bin" };
for (const [file, name] of Object.entries(files)) copyFileSync(join(from, file), join(to, name));
