/**
 * @module worker/nightscout/properties
 * Nightscout API v2 properties (lib/api2/properties.js): `GET /api/v2/properties` answers every
 * property of the caller's data, `GET /api/v2/properties/<a>,<b>` only those named (unknown names
 * are left out, as Nightscout's `_.pick`), `?pretty` indents. Properties, in Nightscout's shapes:
 * `bgnow`, `delta` (when two buckets have values), `buckets`, `direction` (when the newest value
 * is under 15 minutes old), `iob`, `cob`, `upbat`, `basal` (the profile's scheduled rate, without
 * temp basals), and `pump`, `loop`, `openaps` when such a
 * device reported in the last 6 hours (Nightscout shows them when their plugin is enabled).
 * Glucose values are mg/dL; `scaled`, `delta.scaled` and `delta.display` are in the user's
 * display unit (Nightscout's server `units`).
 */
import { Hono, type Context } from "hono";
import { userDb, userD1 } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { getMonitorConfig } from "../repositories/alerts.ts";
import { bgnowProperties, directionProperty, type DisplayUnits } from "./bgnow.ts";
import { loopProperty, openapsProperty, pumpProperty, upbatProperty } from "./device-plugins.ts";
import { liveData, type LiveData } from "./live-data.ts";
import { nightscoutUnits } from "./profile-default.ts";

/** A COB result with its decay end as Nightscout serialises a Date (ISO), 0 when no meal decayed. */
function cobOut(cob: Record<string, unknown>): Record<string, unknown> {
  const out = { ...cob };
  if (typeof out["decayedBy"] === "number" && out["decayedBy"] !== 0) out["decayedBy"] = new Date(out["decayedBy"]).toISOString();
  if (out["treatmentCOB"] && typeof out["treatmentCOB"] === "object") out["treatmentCOB"] = cobOut(out["treatmentCOB"] as Record<string, unknown>);
  return out;
}

/** Every property of the sandbox, as Nightscout's plugins offer them. */
export function allProperties(data: LiveData, units: DisplayUnits): Record<string, unknown> {
  const { time, statuses } = data;
  const props: Record<string, unknown> = {};
  const { bgnow, delta, buckets } = bgnowProperties(data.sgvs, time, units);
  props["bgnow"] = bgnow;
  if (delta) props["delta"] = delta;
  props["buckets"] = buckets;
  const direction = directionProperty(data.sgvs, time);
  if (direction) props["direction"] = direction;
  props["iob"] = data.iob;
  props["cob"] = cobOut({ ...data.cob });
  props["upbat"] = upbatProperty(statuses, time);
  // basalprofile.js: the profile's scheduled rate (temp basal and combo bolus treatments are not applied).
  const basal = data.profile.getBasal(time);
  if (basal) props["basal"] = { display: basal.toFixed(3) + "U", current: { basal, treatment: null, combobolustreatment: null, tempbasal: basal, combobolusbasal: 0, totalbasal: basal } };
  if (statuses.some((s) => s.pump)) props["pump"] = pumpProperty(statuses, time);
  if (statuses.some((s) => s.loop)) props["loop"] = loopProperty(statuses, time);
  if (statuses.some((s) => s.openaps)) props["openaps"] = openapsProperty(statuses, time);
  return props;
}

async function properties(c: Context<AppEnv>, selection: string | undefined) {
  const db = await userDb(c);
  const user = c.get("user");
  const [config, data] = await Promise.all([getMonitorConfig(db, user.id), liveData(db, (await userD1(c)), user, Date.now())]);
  if (!config || !data) throw new ApiError(401, "unauthorized", "Account no longer exists");
  let result = allProperties(data, nightscoutUnits(config.unit));
  const names = (selection ?? "").split(",").filter(Boolean);
  if (names.length) result = Object.fromEntries(names.filter((n) => Object.hasOwn(result, n)).map((n) => [n, result[n]]));
  if (c.req.query("pretty") !== undefined) return c.body(JSON.stringify(result, null, 2), 200, { "content-type": "application/json" });
  return c.json(result, 200);
}

export const propertiesRoutes = new Hono<AppEnv>();
propertiesRoutes.get("/properties", (c) => properties(c, undefined));
propertiesRoutes.get("/properties/", (c) => properties(c, undefined));
propertiesRoutes.get("/properties/:names", (c) => properties(c, c.req.param("names")));
