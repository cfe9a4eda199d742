/**
 * A local Nightscout site stand-in for its API v1 entries (cgm-remote-monitor
 * lib/api/entries/index.js, lib/authorization): `GET /site/<name>/api/v1/entries/sgv.json` with
 * `count`, `find[date][$gt]`, `find[date][$lt]`, newest first; auth by `?token=` or the
 * `api-secret` header (SHA-1 of the API secret), else HTTP 401. Sites are keyed by name. Also
 * `treatments.json` and `devicestatus.json` (lib/api/treatments, lib/api/devicestatus:
 * `find[created_at][$gte]` and `[$lte]` with an ISO date, `count`, newest first) and `profile.json`
 * (lib/api/profile: the stored profiles, newest first), each document as the test gave it.
 */
import { json, sha1Hex, type Control, type StandinReading } from "./common.ts";

interface Site {
  name: string;
  token: string | null;
  secret: string | null;
  entries: StandinReading[];
  treatments: Record<string, unknown>[];
  devicestatus: Record<string, unknown>[];
  profiles: Record<string, unknown>[];
  mode: "ok" | "outage" | "hang";
  requests: number;
}

const sites = new Map<string, Site>();

export const nightscoutControl: Control = {
  upsert(body) {
    const name = String(body.username);
    const s: Site = sites.get(name) ?? { name, token: null, secret: null, entries: [], treatments: [], devicestatus: [], profiles: [], mode: "ok", requests: 0 };
    if (body.token !== undefined) s.token = body.token === null ? null : String(body.token);
    if (body.secret !== undefined) s.secret = body.secret === null ? null : String(body.secret);
    if (body.mode !== undefined) s.mode = body.mode as Site["mode"];
    if (Array.isArray(body.readings)) s.entries = [...s.entries, ...(body.readings as StandinReading[])];
    // A document with an `_id` already there replaces it (an edit on the site).
    for (const key of ["treatments", "devicestatus", "profiles"] as const) {
      if (!Array.isArray(body[key])) continue;
      const next = body[key] as Record<string, unknown>[];
      s[key] = [...s[key].filter((d) => !next.some((n) => n["_id"] === d["_id"])), ...next];
    }
    sites.set(name, s);
    return { username: name, requests: s.requests };
  },
};

export async function nightscout(request: Request, path: string): Promise<Response> {
  const m = /^\/site\/([^/]+)\/api\/v1\/(entries(?:\/sgv)?|treatments|devicestatus|profile)(?:\.json)?$/.exec(path);
  const site = m ? sites.get(decodeURIComponent(m[1]!)) : undefined;
  if (!site) return json({ status: 404, message: "Not found" }, 404);
  site.requests++;
  const q = new URL(request.url).searchParams;
  const secret = request.headers.get("api-secret");
  const allowed = (site.token !== null && q.get("token") === site.token) || (site.secret !== null && secret === (await sha1Hex(site.secret)));
  if (!allowed) return json({ status: 401, message: "Unauthorized", description: "Invalid/Missing" }, 401);
  if (site.mode === "hang") return new Promise<Response>(() => undefined);
  if (site.mode === "outage") return new Response("Bad Gateway", { status: 502 });
  const collection = m![2]!;
  if (collection !== "entries" && collection !== "entries/sgv") {
    const docs = collection === "profile" ? site.profiles : collection === "treatments" ? site.treatments : site.devicestatus;
    const from = q.has("find[created_at][$gte]") ? Date.parse(q.get("find[created_at][$gte]")!) : -Infinity;
    const to = q.has("find[created_at][$lte]") ? Date.parse(q.get("find[created_at][$lte]")!) : Infinity;
    const count = Number(q.get("count") ?? 10);
    const time = (d: Record<string, unknown>) => Date.parse(String(d.created_at ?? d.startDate ?? 0));
    return json(docs.filter((d) => collection === "profile" || (time(d) >= from && time(d) <= to)).sort((x, y) => time(y) - time(x)).slice(0, count));
  }
  const gt = q.has("find[date][$gt]") ? Number(q.get("find[date][$gt]")) : -Infinity;
  const lt = q.has("find[date][$lt]") ? Number(q.get("find[date][$lt]")) : Infinity;
  const count = Number(q.get("count") ?? 10);
  const items = site.entries
    .filter((e) => e.time > gt && e.time < lt)
    .sort((x, y) => y.time - x.time)
    .slice(0, count)
    .map((e) => ({ _id: `${e.time}`, type: "sgv", sgv: e.value, date: e.time, dateString: new Date(e.time).toISOString(), direction: e.trend ?? "Flat", device: "xDrip-DexcomG6" }));
  return json(items);
}
