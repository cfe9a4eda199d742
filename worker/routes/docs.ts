/**
 * @module worker/routes/docs
 * /openapi.json (OpenAPI 3.1 generated from the same zod schemas that validate requests) and an
 * interactive Swagger UI at /docs, whose files are bundled into the Worker as modules (copied from
 * swagger-ui-dist by scripts/copy-docs-assets.mjs; see there why not an [assets] binding).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";
import { completeDocument } from "../lib/openapi-document.ts";
import favicon from "../vendor/swagger-ui/favicon-32x32.png.bin";
import bundle from "../vendor/swagger-ui/swagger-ui-bundle.js.txt";
import css from "../vendor/swagger-ui/swagger-ui.css.txt";

const files: Record<string, { body: string | ArrayBuffer; type: string }> = {
  "swagger-ui-bundle.js": { body: bundle, type: "text/javascript; charset=utf-8" },
  "swagger-ui.css": { body: css, type: "text/css; charset=utf-8" },
  "favicon-32x32.png": { body: favicon, type: "image/png" },
};

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>GlucoLens API</title>
  <link rel="icon" href="/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true, persistAuthorization: true });
  </script>
</body>
</html>`;

/**
 * The OpenAPI 3.1 document of `app`: the routes' own definitions, completed with what the shared
 * middleware answers (worker/lib/openapi-document.ts). Also built in Node by scripts/openapi-lint.mjs.
 */
export function openApiDocument(app: OpenAPIHono<AppEnv>, origin: string) {
  const doc = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "GlucoLens API",
      version: "1.0.0",
      description:
        "Continuous glucose monitoring platform. All times are ISO 8601 with an offset (or epoch milliseconds) on input and ISO 8601 UTC on output; glucose values are answered in mg/dL. Every error uses one envelope: `{\"error\":{\"code\",\"message\",\"fields\":[{\"path\",\"message\"}]}}`.",
    },
    servers: [{ url: origin, description: "This server" }],
  });
  return completeDocument(doc);
}

export function registerDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "Bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "The access_token from register, login, refresh or magic-link verification (15 minutes).",
  });
  app.get("/openapi.json", (c) => c.json(openApiDocument(app, new URL(c.req.url).origin)));
  app.get("/docs", (c) => c.html(page));
  app.get("/docs/:file", (c) => {
    const file = files[c.req.param("file")];
    if (!file) return c.notFound();
    // The names carry no version, so browsers revalidate daily rather than keep a stale bundle.
    return c.body(file.body, 200, { "content-type": file.type, "cache-control": "public, max-age=86400" });
  });
}
