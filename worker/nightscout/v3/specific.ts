/**
 * @module worker/nightscout/v3/specific
 * API v3's own routes (lib/api3/specific/): `version` (no credential), `status` (with the
 * credential's permissions per collection, as letters c r u d) and `lastModified` (the newest
 * srvModified of each collection the credential may read, or its newest document date when later).
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { API3_VERSION, VERSION } from "../status.ts";
import { COLLECTION_NAMES, COLLECTIONS } from "./collections.ts";
import { sendJson } from "./respond.ts";
import { checkPermission } from "./security.ts";

/** storageTools.js getVersionInfo; the storage is D1 rather than MongoDB. */
const versionInfo = () => ({ version: VERSION, apiVersion: API3_VERSION, srvDate: Date.now(), storage: { storage: "cloudflare-d1", version: "1" } });

export const versionOp = (c: Context<AppEnv>) => sendJson(c, 200, versionInfo());

export function statusOp(c: Context<AppEnv>) {
  const apiPermissions: Record<string, string> = {};
  for (const name of COLLECTION_NAMES) {
    const perms = (["create", "read", "update", "delete"] as const).filter((p) => checkPermission(c, `api:${name}:${p}`)).map((p) => p[0]).join("");
    if (perms) apiPermissions[name] = perms;
  }
  return sendJson(c, 200, { ...versionInfo(), apiPermissions });
}

export async function lastModifiedOp(c: Context<AppEnv>) {
  const collections: Record<string, number> = {};
  const readable = COLLECTION_NAMES.filter((name) => checkPermission(c, `api:${name}:read`));
  const values = await Promise.all(readable.map((name) => COLLECTIONS[name].lastModified(c)));
  readable.forEach((name, i) => {
    if (values[i]) collections[name] = values[i]!;
  });
  return sendJson(c, 200, { srvDate: Date.now(), collections });
}
