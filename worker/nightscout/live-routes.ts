/**
 * @module worker/nightscout/live-routes
 * The Nightscout routes of this folder under one router, mounted at the root by worker/app.ts:
 * profiles (`/api/v1/profile…`), API v2 properties (`/api/v2/properties…`) and `/pebble`.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { pebbleRoutes } from "./pebble.ts";
import { profileRoutes } from "./profile-routes.ts";
import { propertiesRoutes } from "./properties.ts";

/** The paths that take a Nightscout credential (requireUploaderOrBearer). */
export const NIGHTSCOUT_LIVE_PATHS = ["/api/v1/profile", "/api/v1/profile/*", "/api/v1/profile.json", "/api/v1/profiles", "/api/v1/profiles/", "/api/v1/profiles.json", "/api/v2/properties", "/api/v2/properties/*", "/pebble", "/pebble.json"];

export const nightscoutLiveRoutes = new Hono<AppEnv>();
nightscoutLiveRoutes.route("/api/v1", profileRoutes);
nightscoutLiveRoutes.route("/api/v2", propertiesRoutes);
nightscoutLiveRoutes.route("/", pebbleRoutes);
