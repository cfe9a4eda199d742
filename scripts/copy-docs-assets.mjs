// Copies Swagger UI's browser files into worker/public/docs/ (served by the Worker's assets
// binding at /docs/*), so the API docs page works offline and loads nothing from a CDN.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "node_modules", "swagger-ui-dist");
const to = join(root, "worker", "public", "docs");
if (!existsSync(from)) {
  console.warn("swagger-ui-dist is not installed; /docs will have no assets");
  process.exit(0);
}
mkdirSync(to, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"]) copyFileSync(join(from, file), join(to, file));
