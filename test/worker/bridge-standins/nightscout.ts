/**
 * A local Nightscout site stand-in for its API v1 entries (cgm-remote-monitor
 * lib/api/entries/index.js, lib/authorization): `GET /site/<name>/api/v1/entries/sgv.json` with
 * `count`, `find[date][$gt]`, `find[date][$lt]`, newest first; auth by `?token=` or the
 * `api-secret` header (SHA-1 of the API secret), else HTTP 401. Sites are keyed by name. Also
 * `treatments.json` and `devicestatus.json` (lib/api/treatments, lib/api/devicestatus:
 * `find[created_at][$gte]` and `[$lte]` with an ISO date, `count`, newest first) and `profile.json`
 * (lib/api/profile: the stored profiles, newest first), each document as the test gave it.
 *
 * A site made with `v3: true` also serves API v3 to the token (lib/api3): `/api/v3/version`
 * (`result.apiVersion`) and `/api/v3/{treatments,devicestatus}/history/{lastModified}` with
 * `limit` (lib/api3/generic/history: documents with srvModified after lastModified, oldest change
 * first, as `{status, result}`, each with `identifier` for `_id`, srvCreated/srvModified and
 * `isValid`, deleted ones with `isValid: false`). Without it, `/api/v3/…` is 404 as on an older
 * Nightscout. A control body's `delete: {treatments: [ids]}` deletes documents.
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
  v3: boolean;
  /** srvModified per `_id` (API v3's history), and the deleted documents. */
  modified: Map<string, { created: number; modified: number }>;
  deleted: Map<string, { doc: Record<string, unknown>; collection: string }>;
}

let clock = 0;
/** srvModified: now, but always later than the last one given. */
const tick = () => (clock = Math.max(clock + 1, Date.now()));

const sites = new Map<string, Site>();

export const nightscoutControl: Control = {
  upsert(body) {
    const name = String(body.username);
    const s: Site = sites.get(name) ?? { name, token: null, secret: null, entries: [], treatments: [], devicestatus: [], profiles: [], mode: "ok", requests: 0, v3: false, modified: new Map(), deleted: new Map() };
    if (body.v3 !== undefined) s.v3 = body.v3 === true;
    if (body.token !== undefined) s.token = body.token === null ? null : String(body.token);
    if (body.secret !== undefined) s.secret = body.secret === null ? null : String(body.secret);
    if (body.mode !== undefined) s.mode = body.mode as Site["mode"];
    if (Array.isArray(body.readings)) s.entries = [...s.entries, ...(body.readings as StandinReading[])];
    // A document with an `_id` already there replaces it (an edit on the site).
    for (const key of ["treatments", "devicestatus", "profiles"] as const) {
      if (!Array.isArray(body[key])) continue;
      const next = body[key] as Record<string, unknown>[];
      s[key] = [...s[key].filter((d) => !next.some((n) => n["_id"] === d["_id"])), ...next];
      for (const d of next) {
        const id = String(d["_id"]);
        const t = tick();
        s.modified.set(id, { created: s.modified.get(id)?.created ?? t, modified: t });
      }
    }
    const remove = (body.delete ?? {}) as Record<string, string[]>;
    for (const key of ["treatments", "devicestatus"] as const) {
      for (const id of remove[key] ?? []) {
        const doc = s[key].find((d) => d["_id"] === id);
        if (!doc) continue;
        s[key] = s[key].filter((d) => d !== doc);
        s.deleted.set(id, { doc, collection: key });
        s.modified.set(id, { created: s.modified.get(id)?.created ?? 0, modified: tick() });
      }
    }
    sites.set(name, s);
    return { username: name, requests: s.requests };
  },
};

/** API v3's version and history of a site (see the module comment). */
function apiV3(site: Site, request: Request, rest: string): Response {
  if (!site.v3) return json({ status: 404, message: "Not found" }, 404);
  const q = new URL(request.url).searchParams;
  if (site.token === null || q.get("token") !== site.token) return json({ status: 401, message: "Missing or bad access token or JWT" }, 401);
  if (site.mode === "outage") return new Response("Bad Gateway", { status: 502 });
  if (rest === "version") return json({ status: 200, result: { version: "15.0.7", apiVersion: "3.0.5", srvDate: Date.now(), storage: { storage: "mongodb", version: "7.0.0" } } });
  const m = /^(treatments|devicestatus)\/history\/(\d+)$/.exec(rest);
  if (!m) return json({ status: 404, message: "Not found" }, 404);
  const collection = m[1] as "treatments" | "devicestatus";
  const after = Number(m[2]);
  const limit = Number(q.get("limit") ?? 1000);
  const live = site[collection].map((doc) => ({ doc, isValid: true }));
  const gone = [...site.deleted.values()].filter((d) => d.collection === collection).map((d) => ({ doc: d.doc, isValid: false }));
  const result = [...live, ...gone]
    .map(({ doc, isValid }) => {
      const { _id: id, ...fields } = doc;
      const times = site.modified.get(String(id)) ?? { created: 0, modified: 0 };
      return { ...fields, identifier: fields.identifier ?? id, srvCreated: times.created, srvModified: times.modified, isValid };
    })
    .filter((d) => d.srvModified > after)
    .sort((x, y) => x.srvModified - y.srvModified)
    .slice(0, limit);
  return json({ status: 200, result });
}

export async function nightscout(request: Request, path: string): Promise<Response> {
  const v3 = /^\/site\/([^/]+)\/api\/v3\/(.+)$/.exec(path);
  if (v3) {
    const site = sites.get(decodeURIComponent(v3[1]!));
    if (!site) return json({ status: 404, message: "Not found" }, 404);
    site.requests++;
    return apiV3(site, request, v3[2]!);
  }
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
