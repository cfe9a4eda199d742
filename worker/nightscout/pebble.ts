/**
 * @module worker/nightscout/pebble
 * Nightscout's `/pebble` (lib/server/pebble.js), read by Pebble and other watch faces and by
 * GlucoDataHandler for IOB/COB: `{status: [{now}], bgs, cals}`. `bgs` are the newest `?count=`
 * (default 1, up to 1000) CGM values, newest first, each `{sgv, trend, direction, datetime}` with
 * `sgv` a string in the requested unit (`?units=mmol`, else the user's display unit; one decimal
 * in mmol/L); the first also carries `bgdelta` (a number in mg/dL, a one-decimal string in
 * mmol/L, 0 when it cannot be computed), `battery` (the latest uploader battery, a string),
 * `iob` (its display string, or 0) and `cob` (grams, or 0). `cals` is always empty: GlucoLens
 * keeps no raw sensor data. The bolus wizard preview (`bwp`) is not computed.
 * `/pebble.json` answers the same.
 */
import { Hono, type Context } from "hono";
import { userDb, userD1 } from "../db/shards.ts";
import type { AppEnv } from "../env.ts";
import { ApiError, invalid } from "../lib/errors.ts";
import { getMonitorConfig } from "../repositories/alerts.ts";
import { nightscoutTrendCode } from "../../vocabulary/trend.ts";
import { mmolText } from "../../vocabulary/units.ts";
import { bgnowProperties, type DisplayUnits } from "./bgnow.ts";
import { liveData } from "./live-data.ts";
import { nightscoutUnits } from "./profile-default.ts";

const MAX_COUNT = 1000;

/** Pebble's trend numbers (lib/server/pebble.js DIRECTIONS); 8 for anything else. */
export const directionToTrend = (direction: string) => nightscoutTrendCode(direction) ?? 8;

function unitsOf(c: Context<AppEnv>, fallback: DisplayUnits): DisplayUnits {
  const raw = c.req.query("units");
  if (raw === undefined || raw === "") return fallback;
  if (/^mmol(\/l)?$/i.test(raw)) return "mmol";
  if (/^mg\/?dl$/i.test(raw)) return "mg/dl";
  throw invalid([{ path: "units", message: 'must be "mmol" or "mg/dl"' }]);
}

function countOf(c: Context<AppEnv>): number {
  const raw = c.req.query("count");
  if (raw === undefined || raw === "") return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_COUNT) throw invalid([{ path: "count", message: `must be a whole number from 1 to ${MAX_COUNT}` }]);
  return n;
}

async function pebble(c: Context<AppEnv>) {
  const db = await userDb(c);
  const user = c.get("user");
  const config = await getMonitorConfig(db, user.id);
  if (!config) throw new ApiError(401, "unauthorized", "Account no longer exists");
  const units = unitsOf(c, nightscoutUnits(config.unit));
  const count = countOf(c);
  const now = Date.now();
  const data = await liveData(db, (await userD1(c)), user, now, count);
  if (!data) throw new ApiError(401, "unauthorized", "Account no longer exists");
  const mmol = units === "mmol";
  const bgs: Record<string, unknown>[] = [...data.sgvs]
    .reverse()
    .slice(0, count)
    .map((s) => ({ sgv: mmol ? mmolText(s.mgdl) : s.mgdl.toString(), trend: directionToTrend(s.direction), direction: s.direction, datetime: s.mills }));
  const first = bgs[0];
  if (first) {
    const { delta } = bgnowProperties(data.sgvs, now, units);
    const bgdelta = delta?.scaled || 0;
    first["bgdelta"] = mmol ? bgdelta.toFixed(1) : bgdelta;
    const uploader = data.statuses.findLast((s) => s.uploader !== undefined);
    const battery = uploader?.uploader?.["battery"];
    if (typeof battery === "number" && battery >= 0 && battery) first["battery"] = battery.toString();
    first["iob"] = ("display" in data.iob && data.iob.display) || 0;
    first["cob"] = ("display" in data.cob && data.cob.display) || 0;
  }
  return c.json({ status: [{ now }], bgs, cals: [] }, 200);
}

export const pebbleRoutes = new Hono<AppEnv>();
pebbleRoutes.get("/pebble", pebble);
pebbleRoutes.get("/pebble.json", pebble);
