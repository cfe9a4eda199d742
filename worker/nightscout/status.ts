/**
 * @module worker/nightscout/status
 * The small Nightscout routes: `/api/v1/status` (lib/api/status.js: `.json` the settings, `.txt`
 * "STATUS OK", `.html` `<h1>STATUS OK</h1>`, `.js` `this.serverSettings = {…};`, `.png`/`.svg` a
 * 302 to the shields.io badge), `/api/v1/verifyauth` (lib/api/verifyauth.js: 200 even without a
 * credential, `message.message` "OK" or "UNAUTHORIZED"), `/api/v1/experiments/test`
 * (lib/api/experiments/index.js, `{status: "ok"}` for an admin), `/api/versions` (lib/api/root.js;
 * API v3 is not served yet, so it is not listed)
 * and `/api/v2/authorization/request/<token>` (lib/authorization/endpoints.js).
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { userDb } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { getMonitorConfig } from "../repositories/alerts.ts";
import { issueNightscoutJwt, nightscoutUnauthorized, notPermitted, permissionsOf, permits, resolveNightscout } from "./auth.ts";
import { iso } from "./http.ts";

/** lib/api/const.json, and the package version Nightscout clients compare against (15.x). */
const API1_VERSION = "1.0.0";
const API2_VERSION = "2.0.0";
/** lib/api3/const.json API3_VERSION. */
export const API3_VERSION = "3.0.3-alpha";
export const VERSION = "15.0.7";

async function statusInfo(c: Context<AppEnv>) {
  const config = await getMonitorConfig(await userDb(c), c.get("user").id);
  if (!config) throw new ApiError(401, "unauthorized", "Account no longer exists");
  const now = Date.now();
  const { rules } = config;
  return {
    status: "ok",
    name: "GlucoLens",
    version: VERSION,
    serverTime: iso(now),
    serverTimeEpoch: now,
    apiEnabled: true,
    careportalEnabled: true,
    boluscalcEnabled: false,
    settings: {
      // Nightscout's unit names; thresholds are always mg/dL, as in Nightscout.
      units: config.unit === "mmol/L" ? "mmol" : "mg/dl",
      timeFormat: 24,
      customTitle: "GlucoLens",
      theme: "default",
      alarmUrgentHigh: rules.urgent_high.enabled,
      alarmHigh: rules.high.enabled,
      alarmLow: rules.low.enabled,
      alarmUrgentLow: true,
      authDefaultRoles: "denied",
      thresholds: { bgHigh: rules.urgent_high.value, bgTargetTop: rules.high.value, bgTargetBottom: rules.low.value, bgLow: rules.urgent_low.value },
      enable: ["careportal", "iob", "cob", "devicestatus", "food"],
    },
    extendedSettings: { devicestatus: { advanced: true } },
    authorized: null,
  };
}

const BADGE = "http://img.shields.io/badge/Nightscout-OK-green";

async function status(c: Context<AppEnv>, ext: string | undefined) {
  const accept = c.req.header("accept") ?? "";
  const format = ext ?? (/text\/html/.test(accept) ? "html" : /text\/plain/.test(accept) && !/json/.test(accept) ? "txt" : "json");
  if (format === "png" || format === "svg") return c.redirect(`${BADGE}.${format}`, 302);
  if (format === "html") return c.html("<h1>STATUS OK</h1>");
  if (format === "txt") return c.text("STATUS OK");
  const info = await statusInfo(c);
  if (format === "js") return c.body(`this.serverSettings = ${JSON.stringify(info)} ;`, 200, { "Content-Type": "application/javascript; charset=utf-8" });
  return c.json(info, 200);
}

export const statusRoutes = new Hono<AppEnv>();

statusRoutes.get("/status", (c) => status(c, undefined));
statusRoutes.get("/status/", (c) => status(c, undefined));
for (const ext of ["json", "txt", "js", "html", "png", "svg"]) statusRoutes.get(`/status.${ext}`, (c) => status(c, ext));

statusRoutes.get("/verifyauth", async (c) => {
  const r = await resolveNightscout(c);
  const ok = r.attempted && r.resolved !== null;
  // lib/api/verifyauth.js: what the credential's role permits.
  const perms = ok ? permissionsOf(c) : [];
  const message = {
    canRead: ok && permits(perms, "*:*:read"),
    canWrite: ok && permits(perms, "*:*:write"),
    isAdmin: ok && permits(perms, "*:*:admin"),
    message: ok ? "OK" : "UNAUTHORIZED",
    rolefound: ok && r.resolved!.via !== "api-secret" ? "FOUND" : "NOTFOUND",
    permissions: r.attempted ? "ROLE" : "DEFAULT",
  };
  return c.json({ status: 200, message }, 200);
});

// lib/api/experiments/index.js: isPermitted('authorization:debug:test'), which the admin role holds
// and `readable` (`*:*:read`) does not; xDrip4iOS and Loop test an uploader's credential with it.
statusRoutes.get("/experiments/test", (c) => {
  if (!permits(permissionsOf(c), "authorization:debug:test")) return notPermitted(c, "authorization:debug:test");
  return c.json({ status: "ok" }, 200);
});

export const versionRoutes = new Hono<AppEnv>();
versionRoutes.get("/api/versions", (c) =>
  c.json(
    [
      { version: API1_VERSION, url: "/api/v1" },
      { version: API2_VERSION, url: "/api/v2" },
      { version: API3_VERSION, url: "/api/v3" },
    ],
    200,
  ),
);
versionRoutes.get("/api/v2/authorization/request/:token", async (c) => {
  const answer = await issueNightscoutJwt(c, c.req.param("token"));
  if (!answer) return nightscoutUnauthorized(c, true);
  return c.json(answer, 200);
});
