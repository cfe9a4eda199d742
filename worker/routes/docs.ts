/**
 * @module worker/routes/docs
 * /openapi.json (OpenAPI 3.1 generated from the same zod schemas that validate requests) and an
 * interactive Swagger UI at /docs, whose files are served from the Worker's own assets.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";

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

export function registerDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "Bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "The access_token from register, login, refresh or magic-link verification (15 minutes).",
  });
  app.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: {
      title: "GlucoLens API",
      version: "1.0.0",
      description:
        "Continuous glucose monitoring platform. All times are ISO 8601 with an offset (or epoch milliseconds) on input and ISO 8601 UTC on output; glucose values are answered in mg/dL. Every error uses one envelope: `{\"error\":{\"code\",\"message\",\"fields\":[{\"path\",\"message\"}]}}`.",
    },
    servers: [{ url: new URL(c.req.url).origin, description: "This server" }],
  }));
  app.get("/docs", (c) => c.html(page));
  // Responses from the assets binding have immutable headers; copy them so middleware
  // (security headers, request id) can still add to them.
  app.get("/docs/*", async (c) => {
    const res = await c.env.ASSETS.fetch(c.req.raw);
    return new Response(res.body, res);
  });
}
