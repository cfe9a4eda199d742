/**
 * @module worker/nightscout
 * GlucoLens as a Nightscout site: its API v1 (lib/api/ of nightscout/cgm-remote-monitor), the v2
 * authorization request and `/api/versions`, on the API origin, one user per credential.
 *
 * Files: `auth.ts` (credentials → user), `query.ts` (`find` → SQL), `ids.ts` (24-hex `_id`s),
 * `http.ts` (bodies, batches, counts), `entries.ts` + `entries-store.ts` (readings),
 * `documents-store.ts` (treatments, device status, food, activity), one route file per collection,
 * `status.ts` (status, verifyauth, experiments, versions), `subjects.ts` (v2 subjects); `live-routes.ts` mounts profiles
 * (`profile-*.ts`), `/api/v2/properties` (`properties.ts`) and `/pebble` (`pebble.ts`), whose
 * IOB/COB come from `iob-cob.ts` and the pure functions in analytics/insulin/. API v3 lives in
 * `v3/` (its own index.ts).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";
import { requireNightscout } from "./auth.ts";
import { activityRoutes } from "./activity.ts";
import { deviceStatusRoutes } from "./devicestatus.ts";
import { entriesRoutes } from "./entries.ts";
import { foodRoutes } from "./food.ts";
import { NIGHTSCOUT_LIVE_PATHS, nightscoutLiveRoutes } from "./live-routes.ts";
import { notificationRoutes } from "./notifications.ts";
import { NIGHTSCOUT_DATA_PATH } from "./paths.ts";
import { statusRoutes, versionRoutes } from "./status.ts";
import { subjectRoutes } from "./subjects.ts";
import { treatmentRoutes } from "./treatments.ts";
import { registerNightscoutV3Docs } from "./v3/docs.ts";
import { nightscoutV3Routes } from "./v3/index.ts";

export function registerNightscout(app: OpenAPIHono<AppEnv>): void {
  // A Nightscout credential (or a GlucoLens bearer token) on every data route; others pass.
  app.use("/api/v1/*", async (c, next) => (NIGHTSCOUT_DATA_PATH.test(c.req.path) ? requireNightscout(c, next) : next()));
  app.route("/api/v1", statusRoutes);
  app.route("/api/v1", entriesRoutes);
  app.route("/api/v1", treatmentRoutes);
  app.route("/api/v1", deviceStatusRoutes);
  app.route("/api/v1", foodRoutes);
  app.route("/api/v1", activityRoutes);
  app.route("/api/v1", notificationRoutes);
  app.route("/", versionRoutes);
  for (const path of ["/api/v2/authorization/subjects", "/api/v2/authorization/subjects/*"]) app.use(path, requireNightscout);
  app.route("/api/v2/authorization/subjects", subjectRoutes);
  // Profiles, API v2 properties and /pebble (profile-*.ts, properties.ts, pebble.ts), same credentials.
  for (const path of NIGHTSCOUT_LIVE_PATHS) app.use(path, requireNightscout);
  app.route("/", nightscoutLiveRoutes);
  // API v3 (v3/): its own credential check (Bearer or ?token=) and answer shapes.
  app.route("/api/v3", nightscoutV3Routes);
  registerNightscoutV3Docs(app);
}
