/**
 * Nightscout routing and authorization (worker/nightscout/index.ts, auth.ts, status.ts), ported
 * from nightscout/cgm-remote-monitor: tests/api.verifyauth.test.js, tests/api.status.test.js,
 * tests/api.root.test.js, tests/api.security.test.js (authorization/request, JWT as Bearer), and
 * lib/api/index.js's route table (`.json` and other extensions, trailing slashes).
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, register } from "./helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";

const MIN = 60_000;

describe("verifyauth (lib/api/verifyauth.js, tests/api.verifyauth.test.js)", () => {
  it("answers 200 UNAUTHORIZED without a credential, and with a wrong one", async () => {
    const none = await api("/api/v1/verifyauth");
    expect(none.status).toBe(200);
    expect(none.json).toEqual({ status: 200, message: { canRead: false, canWrite: false, isAdmin: false, message: "UNAUTHORIZED", rolefound: "NOTFOUND", permissions: "DEFAULT" } });
    const wrong = await ns("f".repeat(40), "/api/v1/verifyauth");
    expect(wrong.status).toBe(200);
    expect(wrong.json.message).toMatchObject({ canRead: false, message: "UNAUTHORIZED", permissions: "ROLE" });
  });

  it("answers OK for the api-secret (admin, no subject) and for a token (a subject)", async () => {
    const a = await register();
    const up = await uploader(a.access);
    expect((await ns(up.apiSecret, "/api/v1/verifyauth")).json.message).toEqual({ canRead: true, canWrite: true, isAdmin: true, message: "OK", rolefound: "NOTFOUND", permissions: "ROLE" });
    expect((await api(`/api/v1/verifyauth?token=${up.secret}`)).json.message).toMatchObject({ message: "OK", rolefound: "FOUND" });
  });
});

describe("denied default role (lib/authorization/index.js isPermitted, AUTH_DEFAULT_ROLES=denied)", () => {
  it("answers every data route 401 in sendJSONStatus shape, with the envelope", async () => {
    for (const path of ["/api/v1/entries.json", "/api/v1/entries/current.json", "/api/v1/treatments.json", "/api/v1/devicestatus.json", "/api/v1/food", "/api/v1/status.json", "/api/v1/experiments/test", "/api/v1/count/entries/where", "/api/v1/echo/entries/sgv"]) {
      const res = await api(path);
      expect(res.status, path).toBe(401);
      expect(res.json, path).toMatchObject({ status: 401, message: "Unauthorized", description: "Invalid/Missing", error: { code: "unauthorized", fields: [] } });
    }
    expect((await api("/api/v1/entries", { body: [{ type: "sgv", sgv: 100, date: Date.now() }] })).status).toBe(401);
  });
});

describe("credentials select the user", () => {
  it("api-secret header, ?secret=, ?token=, a GlucoLens bearer token, and the v2 JWT as Bearer or ?token=", async () => {
    const a = await register();
    const up = await uploader(a.access);
    await ns(up.apiSecret, "/api/v1/entries", { body: { type: "sgv", sgv: 123, date: Date.now() - MIN, device: "x" } });
    const seen = async (init: { path: string; headers?: Record<string, string>; token?: string }) => (await api(init.path, { headers: init.headers, token: init.token })).json.map((e: { sgv: number }) => e.sgv);
    expect(await seen({ path: "/api/v1/entries.json", headers: { "api-secret": up.apiSecret } })).toEqual([123]);
    expect(await seen({ path: `/api/v1/entries.json?secret=${up.apiSecret}` })).toEqual([123]);
    expect(await seen({ path: `/api/v1/entries.json?token=${up.secret}` })).toEqual([123]);
    expect(await seen({ path: "/api/v1/entries.json", token: a.access })).toEqual([123]);
    // tests/api.security.test.js: GET /api/v2/authorization/request/<token> → { token, sub, permissionGroups, iat, exp }.
    const jwt = await api(`/api/v2/authorization/request/${up.secret}`);
    expect(jwt.status).toBe(200);
    expect(jwt.json).toMatchObject({ token: expect.stringMatching(/^ey/), sub: "xDrip+", permissionGroups: [["*"]], iat: expect.any(Number), exp: expect.any(Number) });
    expect(jwt.json.exp - jwt.json.iat).toBe(8 * 3600);
    expect(JSON.stringify(jwt.json)).not.toContain(up.secret);
    expect(await seen({ path: "/api/v1/entries.json", token: jwt.json.token })).toEqual([123]);
    expect(await seen({ path: `/api/v1/entries.json?token=${jwt.json.token}` })).toEqual([123]);
    expect((await api("/api/v1/verifyauth", { token: jwt.json.token })).json.message.message).toBe("OK");
    // The Nightscout JWT is no GlucoLens access token.
    expect((await api("/api/v1/glucose/readings", { token: jwt.json.token })).status).toBe(401);
    expect((await api("/api/v2/authorization/request/not-a-token")).status).toBe(401);
    // Revoking the uploader ends its JWT too.
    await api(`/api/v1/uploaders/${up.id}`, { method: "DELETE", token: a.access });
    expect((await api("/api/v1/entries.json", { token: jwt.json.token })).status).toBe(401);
    expect((await api(`/api/v1/entries.json?secret=${up.apiSecret}`)).status).toBe(401);
  });

  it("another account's JWT reads only its own account", async () => {
    const a = await register();
    const b = await register();
    const upA = await uploader(a.access);
    const upB = await uploader(b.access);
    await ns(upA.apiSecret, "/api/v1/entries", { body: { type: "sgv", sgv: 150, date: Date.now() - MIN, device: "a" } });
    const jwtB = (await api(`/api/v2/authorization/request/${upB.secret}`)).json.token;
    expect((await api("/api/v1/entries.json", { token: jwtB })).json).toEqual([]);
    expect((await api("/api/v1/treatments.json", { token: jwtB })).json).toEqual([]);
  });
});

describe("route table (lib/api/index.js, lib/api/status.js, lib/api/root.js, lib/api/experiments)", () => {
  it("serves status in each of Nightscout's formats", async () => {
    const a = await register();
    const up = await uploader(a.access);
    const json = await ns(up.apiSecret, "/api/v1/status.json");
    expect(json.json).toMatchObject({ status: "ok", apiEnabled: true, careportalEnabled: true, version: expect.stringMatching(/^15\./), settings: { units: "mg/dl" } });
    expect((await ns(up.apiSecret, "/api/v1/status")).json.status).toBe("ok");
    expect((await ns(up.apiSecret, "/api/v1/status/")).json.status).toBe("ok");
    expect((await ns(up.apiSecret, "/api/v1/status.txt")).json).toBe("STATUS OK");
    expect((await ns(up.apiSecret, "/api/v1/status.html")).json).toBe("<h1>STATUS OK</h1>");
    const js = await ns(up.apiSecret, "/api/v1/status.js");
    expect(js.json).toMatch(/^this\.serverSettings = \{.*\} ;$/);
    const png = await SELF.fetch(`${BASE}/api/v1/status.png?secret=${up.apiSecret}`, { redirect: "manual" });
    expect(png.status).toBe(302);
    expect(png.headers.get("location")).toBe("http://img.shields.io/badge/Nightscout-OK-green.png");
  });

  it("answers /api/versions and /api/v1/experiments/test", async () => {
    const a = await register();
    const up = await uploader(a.access);
    expect((await api("/api/versions")).json).toEqual([
      { version: "1.0.0", url: "/api/v1" },
      { version: "2.0.0", url: "/api/v2" },
      { version: "3.0.3-alpha", url: "/api/v3" },
    ]);
    expect((await ns(up.apiSecret, "/api/v1/experiments/test")).json).toEqual({ status: "ok" });
  });

  it("takes every collection with and without .json and a trailing slash", async () => {
    const a = await register();
    const up = await uploader(a.access);
    const t = Date.now() - 10 * MIN;
    for (const [i, path] of ["/api/v1/entries", "/api/v1/entries/", "/api/v1/entries.json"].entries()) {
      expect((await ns(up.apiSecret, path, { body: [{ type: "sgv", sgv: 100 + i, date: t + i * MIN }] })).status, path).toBe(200);
    }
    for (const [i, path] of ["/api/v1/treatments", "/api/v1/treatments/", "/api/v1/treatments.json"].entries()) {
      expect((await ns(up.apiSecret, path, { body: { eventType: "Note", notes: `n${i}`, created_at: new Date(t + i * MIN).toISOString() } })).status, path).toBe(200);
    }
    for (const [i, path] of ["/api/v1/devicestatus", "/api/v1/devicestatus/", "/api/v1/devicestatus.json"].entries()) {
      expect((await ns(up.apiSecret, path, { body: { device: "phone", created_at: new Date(t + i * MIN).toISOString(), uploaderBattery: 50 + i } })).status, path).toBe(200);
    }
    // tests/api.entries.test.js '/entries/:model' asks `/entries/sgv/.json`, which Express routes as `/entries/sgv.json`.
    for (const path of ["/api/v1/entries", "/api/v1/entries/", "/api/v1/entries.json", "/api/v1/entries/.json", "/api/v1/entries/sgv", "/api/v1/entries/sgv/", "/api/v1/entries/sgv.json", "/api/v1/entries/sgv/.json"]) {
      expect((await ns(up.apiSecret, path)).json, path).toHaveLength(3);
    }
    for (const path of ["/api/v1/treatments", "/api/v1/treatments/", "/api/v1/treatments.json", "/api/v1/treatments/.json"]) expect((await ns(up.apiSecret, path)).json, path).toHaveLength(3);
    for (const path of ["/api/v1/devicestatus", "/api/v1/devicestatus/", "/api/v1/devicestatus.json"]) expect((await ns(up.apiSecret, path)).json, path).toHaveLength(3);
  });

  it("serves entries as csv, tsv and txt (format_entries formatWithSeparator)", async () => {
    const a = await register();
    const up = await uploader(a.access);
    const t = Date.now() - MIN;
    await ns(up.apiSecret, "/api/v1/entries", { body: { type: "sgv", sgv: 111, date: t, direction: "Flat", device: "dev" } });
    const line = `"${new Date(t).toISOString()}"X${t}X111X"Flat"X"dev"`;
    expect((await ns(up.apiSecret, "/api/v1/entries.csv")).json).toBe(line.replaceAll("X", ","));
    expect((await ns(up.apiSecret, "/api/v1/entries.tsv")).json).toBe(line.replaceAll("X", "\t"));
    expect((await ns(up.apiSecret, "/api/v1/entries/sgv.txt")).json).toBe(line.replaceAll("X", "\t"));
    expect((await api("/api/v1/entries", { headers: { "api-secret": up.apiSecret, accept: "text/csv" } })).json).toBe(line.replaceAll("X", ","));
  });

  it("times, slice, echo and count (lib/api/entries/index.js)", async () => {
    const a = await register();
    const up = await uploader(a.access);
    const day = new Date(Date.now() - 86_400_000);
    const at = (h: number, m: number) => Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), h, m);
    const body = [at(13, 0), at(13, 5), at(14, 0), at(20, 0)].map((date, i) => ({ type: "sgv", sgv: 100 + i, date }));
    await ns(up.apiSecret, "/api/v1/entries", { body });
    const ymd = day.toISOString().slice(0, 10);
    const times = await ns(up.apiSecret, `/api/v1/times/${ymd}/T{13..14}:00.json?count=10`);
    expect(times.json.map((e: { sgv: number }) => e.sgv).sort()).toEqual([100, 102]);
    const slice = await ns(up.apiSecret, `/api/v1/slice/entries/dateString/sgv/${ymd}T13.json?count=10`);
    expect(slice.json.map((e: { sgv: number }) => e.sgv).sort()).toEqual([100, 101]);
    const count = await ns(up.apiSecret, "/api/v1/count/entries/where?find[sgv][$gte]=102");
    expect(count.json).toEqual([{ _id: null, count: 2 }]);
    const echo = await ns(up.apiSecret, "/api/v1/echo/entries/sgv.json?find[sgv][$gte]=120");
    expect(echo.json).toMatchObject({ storage: "entries", query: { sgv: { $gte: "120" }, type: "sgv" } });
  });

  // tests/api.entries.test.js '/echo/ api shows query' and '/times/echo can describe query'.
  it("/echo answers the query, its input as Express parses it and the storage; /times/echo the expanded patterns", async () => {
    const a = await register();
    const up = await uploader(a.access);
    const echo = await ns(up.apiSecret, "/api/v1/echo/entries/sgv.json?find[dateString][$gte]=2014-07-19&find[dateString][$lte]=2014-07-20");
    expect(echo.status).toBe(200);
    expect(echo.json).toMatchObject({
      query: { dateString: { $gte: "2014-07-19", $lte: "2014-07-20" }, type: "sgv" },
      input: { find: { dateString: { $gte: "2014-07-19", $lte: "2014-07-20" } } },
      storage: "entries",
    });
    const times = await ns(up.apiSecret, "/api/v1/times/echo/2014-07/.*T{00..05}:.json?count=20&find[sgv][$gte]=160");
    expect(times.status).toBe(200);
    expect(times.json.req.query).toMatchObject({ count: "20", find: { sgv: { $gte: "160" }, dateString: { $regex: "^2014-07" } } });
    expect(times.json.pattern).toEqual(["00", "01", "02", "03", "04", "05"].map((h) => `.*.*T${h}:`));
    // A prefix that expands to several is part of each pattern.
    expect((await ns(up.apiSecret, "/api/v1/times/echo/20{14..15}/T{13..14}")).json.pattern).toEqual(["^2014.*T13", "^2014.*T14", "^2015.*T13", "^2015.*T14"]);
  });
});
