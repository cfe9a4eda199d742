/**
 * @module worker/nightscout/subjects
 * `/api/v2/authorization/subjects` (nightscout/cgm-remote-monitor lib/authorization/endpoints.js):
 * the user's uploader secrets as Nightscout subjects, so that an app holding the admin secret can
 * make itself a token of a narrower role (nightscout-connect's Nightscout source makes
 * `nightscout-connect-reader`, LoopFollow `provisionReadOnlyToken` a `readable` one).
 *
 * - A subject made here is an uploader secret whose token is derived as Nightscout derives a
 *   subject's access token (lib/authorization/storage.js reload, lib/server/enclave.js
 *   getSubjectHash): `<name lowercased, \W removed, 10 chars>-<first 16 hex of
 *   sha1(sha1(secret) + _id)>`, the secret being the admin uploader secret the request came with.
 *   So the list can show it again (only the SHA-1 of that secret is needed, which is stored), and
 *   LoopFollow, which derives the token itself from the created `_id`, gets the same one.
 * - Uploader secrets made in GlucoLens (random, shown once) are listed without `accessToken`.
 * - `_id` is 24 hex digits: the creation second, then the uploader's id.
 * - Permissions as Nightscout's: `admin:api:subjects:read|create|delete`, which only the admin role
 *   holds. A GlucoLens access token has no secret to derive from: it may list, not create.
 */
import { Hono, type Context } from "hono";
import { directoryDb } from "../db/shards.ts";
import { UPLOADER_ROLES, type UploaderRole } from "../db/schema-interop.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, notFound } from "../lib/errors.ts";
import { createSubject, digestHex, findUploaderDigest, listSubjects, revokeUploader } from "../repositories/interop.ts";
import { notPermitted, permissionsOf, permits } from "./auth.ts";
import { readBody } from "./http.ts";
import { objectIdOf } from "./ids.ts";

/** `_id` of an uploader: 8 hex digits of its creation second, 16 of its id. */
export function subjectId(row: { id: number; createdAt: number }): string {
  return objectIdOf(row.createdAt, row.id.toString(16).padStart(16, "0"));
}

/** storage.js: `abbrev + '-' + digest.substring(0, 16)`, digest = sha1(sha1(api secret) + _id). */
export async function subjectToken(name: string, id: string, parentSha1: string): Promise<string> {
  const abbrev = name.toLowerCase().replace(/\W/g, "").slice(0, 10);
  return `${abbrev}-${(await digestHex("SHA-1", parentSha1.toLowerCase() + id)).slice(0, 16)}`;
}

function demand(c: Context<AppEnv>, permission: string): Response | null {
  return permits(permissionsOf(c), permission) ? null : notPermitted(c, permission);
}

/** A subject's roles as GlucoLens holds them: admin, else readable; any other role is refused naming `roles`. */
function roleOf(roles: unknown): UploaderRole {
  const names = Array.isArray(roles) ? roles : typeof roles === "string" ? [roles] : null;
  if (!names || !names.length || !names.every((r) => typeof r === "string")) {
    throw new ApiError(400, "bad_request", "roles must be a list of role names", [{ path: "roles", message: "must be a list of role names" }]);
  }
  for (const role of UPLOADER_ROLES) if (names.includes(role)) return role;
  throw new ApiError(400, "bad_request", `GlucoLens offers the roles ${UPLOADER_ROLES.join(" and ")}`, [{ path: "roles", message: `must include ${UPLOADER_ROLES.join(" or ")}` }]);
}

export const subjectRoutes = new Hono<AppEnv>();

subjectRoutes.get("/", async (c) => {
  const refused = demand(c, "admin:api:subjects:read");
  if (refused) return refused;
  const rows = await listSubjects(directoryDb(c.env), c.get("user").id);
  const subjects = await Promise.all(
    rows.map(async (r) => {
      const id = subjectId(r);
      return { _id: id, name: r.name, roles: [r.role], ...(r.parentSha1 && { accessToken: await subjectToken(r.name, id, r.parentSha1) }) };
    }),
  );
  return c.json(subjects, 200);
});

subjectRoutes.post("/", async (c) => {
  const refused = demand(c, "admin:api:subjects:create");
  if (refused) return refused;
  const body = await readBody(c, {});
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new ApiError(400, "bad_request", "The subject must be an object", [{ path: "body", message: "must be an object" }]);
  const { name, roles, notes } = body as Record<string, unknown>;
  if (typeof name !== "string" || !name.trim() || name.trim().length > 64) {
    throw new ApiError(400, "bad_request", "name must be 1 to 64 characters", [{ path: "name", message: "must be 1 to 64 characters" }]);
  }
  const role = roleOf(roles);
  const parentId = c.get("nsUploaderId");
  const db = directoryDb(c.env);
  const parent = parentId === undefined ? null : await findUploaderDigest(db, c.get("user").id, parentId);
  if (!parent) {
    throw new ApiError(401, "unauthorized", "A subject's token is derived from an uploader secret: send one (api-secret or token), not a GlucoLens access token");
  }
  const subject = await createSubject(db, c.get("user").id, parent.id, name.trim(), role, (row) => subjectToken(name.trim(), subjectId(row), parent.sha1));
  // storage.js create answers the inserted document.
  return c.json({ _id: subjectId(subject), name: subject.name, roles: [subject.role], ...(typeof notes === "string" && { notes }), created_at: new Date(subject.createdAt).toISOString() }, 200);
});

subjectRoutes.delete("/:id", async (c) => {
  const refused = demand(c, "admin:api:subjects:delete");
  if (refused) return refused;
  const id = c.req.param("id").toLowerCase();
  if (!/^[0-9a-f]{24}$/.test(id)) throw new ApiError(400, "bad_request", "Invalid _id format", [{ path: "_id", message: "must be a 24-character hex string" }]);
  // Only the user's own: another user's or an unknown `_id` is 404 (Nightscout answers {} for an unknown one).
  const db = directoryDb(c.env);
  const found = (await listSubjects(db, c.get("user").id)).find((r) => subjectId(r) === id);
  if (!found) throw notFound("Subject");
  await revokeUploader(db, c.get("user").id, found.id);
  return c.json({}, 200);
});
