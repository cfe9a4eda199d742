/**
 * @module worker/nightscout/notifications
 * `GET /api/v1/notifications/ack?level=&group=&time=` (lib/api/notifications-api.js): acknowledges
 * the user's active alerts of that level and below, as the socket's `ack` does, and answers 200
 * "OK" (res.sendStatus). `group` and `time` (the snooze length) are taken as Nightscout takes
 * them and not used: a GlucoLens alert is acknowledged until its condition clears.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { acknowledgeUpTo } from "../monitor/client.ts";
import { LEVEL } from "../../vocabulary/socketio.ts";

export const notificationRoutes = new Hono<AppEnv>();

notificationRoutes.get("/notifications/ack", async (c) => {
  const level = Number(c.req.query("level"));
  if (level !== LEVEL.warning && level !== LEVEL.urgent) throw new ApiError(400, "bad_request", "level must be 1 (warning) or 2 (urgent)", [{ path: "level", message: "must be 1 (warning) or 2 (urgent)" }]);
  await acknowledgeUpTo(c.env, c.get("user"), level);
  return c.text("OK", 200);
});
