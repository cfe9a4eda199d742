/**
 * @module worker/routes/uploaders
 * /api/v1/uploaders: Nightscout uploader secrets of the signed-in user (bearer token). The secret
 * is shown once, with the URL to paste into xDrip+ (`https://SECRET@host/api/v1/`); only its
 * SHA-1 (what uploaders send) and SHA-512 are stored. Each secret holds a Nightscout role:
 * `admin` (uploaders, loop apps) or `readable` (follower apps: reads only; worker/nightscout/auth.ts).
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { directoryDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { UPLOADER_ROLES } from "../db/schema-interop.ts";
import { randomToken } from "../lib/crypto.ts";
import { notFound } from "../lib/errors.ts";
import { createUploader, listUploaders, revokeUploader } from "../repositories/interop.ts";
import { commonErrors, iso, jsonBody, jsonContent, notFoundError } from "../schemas/common.ts";

const security = [{ Bearer: [] }];

const UploaderInput = z
  .object({
    name: z.string({ error: "is required" }).trim().min(1, "must not be empty").max(64, "must be at most 64 characters").openapi({ example: "xDrip+ on my phone" }),
    role: z
      .enum(UPLOADER_ROLES, { error: 'must be "admin" or "readable"' })
      .default("admin")
      .openapi({ description: "Nightscout's role: `admin` reads and writes (uploaders, loop apps); `readable` only reads (follower apps)." }),
  })
  .strict()
  .openapi("UploaderInput");
export const Uploader = z.object({ id: z.string(), name: z.string(), role: z.enum(UPLOADER_ROLES), created_at: z.string(), last_used_at: z.string().nullable() }).openapi("Uploader");
export const CreatedUploader = z.object({ id: z.string(), name: z.string(), role: z.enum(UPLOADER_ROLES), secret: z.string(), nightscout_url: z.string() }).openapi("CreatedUploader");
const UploaderId = z.object({ id: z.string().regex(/^\d{1,12}$/, "is not an uploader id").openapi({ param: { name: "id", in: "path" }, example: "1" }) });

export const uploaderRoutes = new OpenAPIHono<AppEnv>();

uploaderRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["Nightscout"],
    summary: "Create an uploader secret",
    description: "The secret is in this response only. Uploaders send its hex SHA-1 in the `api-secret` header; followers may use `?token=<secret>`.",
    security,
    request: { body: jsonBody(UploaderInput) },
    responses: { 201: jsonContent(CreatedUploader, "Created; the secret is shown once"), ...commonErrors },
  }),
  async (c) => {
    const { name, role } = c.req.valid("json");
    // Letters and digits only, so the secret can sit in a URL's user-info part unescaped.
    const secret = randomToken(24).replace(/[-_]/g, "x");
    const up = await createUploader(directoryDb(c.env), c.get("user").id, name, secret, role);
    const url = new URL(c.req.url);
    return c.json({ id: String(up.id), name: up.name, role: up.role, secret, nightscout_url: `${url.protocol}//${secret}@${url.host}/api/v1/` }, 201);
  },
);

uploaderRoutes.openapi(
  createRoute({ method: "get", path: "/", tags: ["Nightscout"], summary: "List uploader secrets (without the secrets)", security, responses: { 200: jsonContent(z.object({ items: z.array(Uploader) }), "Active uploaders"), ...commonErrors } }),
  async (c) => {
    const items = await listUploaders(directoryDb(c.env), c.get("user").id);
    return c.json({ items: items.map((u) => ({ id: String(u.id), name: u.name, role: u.role, created_at: iso(u.createdAt), last_used_at: u.lastUsedAt === null ? null : iso(u.lastUsedAt) })) }, 200);
  },
);

uploaderRoutes.openapi(
  createRoute({ method: "delete", path: "/{id}", tags: ["Nightscout"], summary: "Revoke an uploader secret", security, request: { params: UploaderId }, responses: { 204: { description: "Revoked" }, ...commonErrors, ...notFoundError } }),
  async (c) => {
    if (!(await revokeUploader(directoryDb(c.env), c.get("user").id, Number(c.req.valid("param").id)))) throw notFound("Uploader");
    return c.body(null, 204);
  },
);
