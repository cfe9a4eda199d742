/**
 * @module worker/nightscout/notifications
 * `GET /api/v1/notifications/ack?level=&group=&time=` (lib/api/notifications-api.js): acknowledges
 * the user's active alerts of that level and below, as the socket's `ack` does, and answers 200
 * "OK" (res.sendStatus). `group` and `time` (the snooze length) are taken as Nightscout takes
 * them and not used: a GlucoLens alert is acknowledged until its condition clears.
 */
import { Hono } from "hono";
import { ApiError } from "../lib/errors.ts";
import type { AppEnv, Bindings } from "../env.ts";
import type { AuthUser } from "../middleware/auth.ts";
import { monitorStub } from "../monitor/client.ts";
import { LEVEL } from "../../vocabulary/socketio.ts";

/**
 * Nightscout's ack of a level (notifications.js ack; the socket's `ack` calls it too): acknowledges
 * the user's active alerts of that level and below (urgent is 2, warning 1).
 */
export async function acknowledgeUpTo(env: Bindings, user: AuthUser, level: number): Promise<number> {
  const monitor = monitorStub(env, user.publicId);
  const owner = { userId: user.id, publicId: user.publicId };
  let acknowledged = 0;
  for (const a of (await monitor.state(owner)).active_alerts) {
    if ((a.level === "urgent" ? LEVEL.urgent : LEVEL.warning) > level) continue;
    await monitor.acknowledge(owner, a.id);
    acknowledged++;
  }
  return acknowledged;
}

export const notificationRoutes = new Hono<AppEnv>();

notificationRoutes.get("/notifications/ack", async (c) => {
  const level = Number(c.req.query("level"));
  if (level !== LEVEL.warning && level !== LEVEL.urgent) throw new ApiError(400, "bad_request", "level must be 1 (warning) or 2 (urgent)", [{ path: "level", message: "must be 1 (warning) or 2 (urgent)" }]);
  await acknowledgeUpTo(c.env, c.get("user"), level);
  return c.text("OK", 200);
});
