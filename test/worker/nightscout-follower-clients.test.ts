/**
 * Nightscout apps that read a site (followers, widgets, report generators) replayed against
 * GlucoLens (worker/nightscout/), each request as read in the client's source; each test names the
 * file and function it follows.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { api } from "./helpers.ts";
import { client, MIN } from "./nightscout-client-helpers.ts";

/** Readings every 5 minutes, newest last, as an uploader would have posted them. */
async function seed(call: Awaited<ReturnType<typeof client>>["call"], values: number[], newest = Date.now() - MIN) {
  const entries = values.map((sgv, i) => ({ type: "sgv", sgv, date: newest - (values.length - 1 - i) * 5 * MIN, direction: "Flat", device: "xDrip-DexcomG7" }));
  expect((await call("POST", "/api/v1/entries", entries)).status).toBe(200);
  return entries;
}

describe("GlucoDataHandler (pachi81/GlucoDataHandler common/src/main/java/de/michelinside/glucodatahandler/common/tasks/NightscoutSourceTask.kt)", () => {
  it("getValue with a token: /pebble (bgs[0] datetime, sgv, trend, iob, cob), /api/v1/entries/current.json, getGraphData's entries/sgv.json?find[date][$gt]&count", async () => {
    const { call, withToken } = await client();
    const entries = await seed(call, [110, 115, 121]);
    const newest = entries.at(-1)!;
    // handlePebbleResponse: bgs[0] must have datetime, sgv and trend or direction; iob and cob are read when present.
    const pebble = await withToken("/pebble");
    expect(pebble.status).toBe(200);
    expect(pebble.json.bgs[0]).toMatchObject({ datetime: newest.date, sgv: "121", trend: 4, direction: "Flat" });
    expect(Number.isNaN(Number.parseFloat(pebble.json.bgs[0].sgv))).toBe(false);
    expect(pebble.json.bgs[0]).toHaveProperty("iob");
    expect(pebble.json.bgs[0]).toHaveProperty("cob");
    // ENTRIES_ENDPOINT: the array's first entry must have type "sgv", date, sgv and direction.
    const current = await withToken("/api/v1/entries/current.json");
    expect(current.status).toBe(200);
    expect(current.json[0]).toMatchObject({ type: "sgv", date: newest.date, sgv: 121, direction: "Flat", device: "xDrip-DexcomG7" });
    // GRAPHDATA_ENDPOINT: "/api/v1/entries/sgv.json?find[date][$gt]=%d&count=%d", then "&token=".
    const first = entries[0]!.date;
    const graph = await withToken(`/api/v1/entries/sgv.json?find[date][$gt]=${first}&count=30`);
    expect(graph.json.map((e: { sgv: number }) => e.sgv)).toEqual([121, 115]);
  });

  it("with the API secret instead: the `api-secret` header carries Utils.encryptSHA1(secret)", async () => {
    const { call } = await client();
    await seed(call, [99]);
    const pebble = await call("GET", "/pebble");
    expect(pebble.json.bgs[0].sgv).toBe("99");
    expect((await api("/pebble")).status).toBe(401);
  });
});

describe("Nightscout Reporter (zreptil/nightscout-reporter-angular src/app/_services/nightscout.service.ts loadData)", () => {
  it("status.json, profile.json?count, Profile Switch treatments, then per day entries/treatments/devicestatus with count=100000", async () => {
    const { call, withToken } = await client();
    // A whole UTC day two days ago (Reporter asks for local days; the profile's time zone is UTC here).
    const beg = Math.floor((Date.now() - 2 * 86_400_000) / 86_400_000) * 86_400_000;
    const end = beg + 86_400_000 - 1;
    const day = Array.from({ length: 288 }, (_, i) => ({ type: "sgv", sgv: 80 + (i % 90), date: beg + i * 5 * MIN, device: "G7" }));
    expect((await call("POST", "/api/v1/entries", day)).status).toBe(200);
    const iso = (t: number) => new Date(t).toISOString();
    await call("POST", "/api/v1/treatments", [
      { eventType: "Meal Bolus", carbs: 40, insulin: 4, created_at: iso(beg + 8 * 3600_000), enteredBy: "AndroidAPS" },
      { eventType: "Temp Basal", rate: 0.5, absolute: 0.5, duration: 30, created_at: iso(beg - 2 * 3600_000), enteredBy: "AndroidAPS" },
      { eventType: "Profile Switch", profile: "Default", duration: 0, created_at: iso(beg + 3600_000), enteredBy: "AndroidAPS" },
    ]);
    await call("POST", "/api/v1/devicestatus", [{ device: "openaps://phone", created_at: iso(beg + 12 * 3600_000), openaps: { iob: { iob: 1.2 } } }]);

    // The status first: StatusData.fromJson; a `status` of "401" ends the report.
    const status = await withToken("/api/v1/status.json");
    expect(status.status).toBe(200);
    expect(status.json.status).toBe("ok");
    expect(status.json.settings).toBeTruthy();
    // urlData.fullUrl('profile.json', `count=${maxCount}`).
    const profiles = await withToken("/api/v1/profile.json?count=100");
    expect(profiles.status).toBe(200);
    expect(profiles.json[0]).toHaveProperty("store");
    // Profile Switch treatments since January 1st of the year before (unencoded space in eventType).
    const switches = await withToken(`/api/v1/treatments.json?find[created_at][$gte]=${new Date(beg).getUTCFullYear() - 1}-01-01T00:00:00.000Z&find[eventType]=Profile Switch`);
    expect(switches.json.map((t: { profile: string }) => t.profile)).toEqual(["Default"]);
    // The day's entries by date in ms with count=100000.
    const entries = await withToken(`/api/v1/entries.json?find[date][$gte]=${beg}&find[date][$lte]=${end}&count=100000`);
    expect(entries.json).toHaveLength(288);
    // The last temp basal of the day before: the query ends with a stray `'`, as Reporter sends it; it matches nothing and is no error.
    const tempBasal = await withToken(`/api/v1/treatments.json?find[created_at][$lt]=${iso(beg)}&find[created_at][$gt]=${iso(beg - 86_400_000)}&count=100&find[eventType][$eq]=Temp%20Basal'`);
    expect(tempBasal.status).toBe(200);
    expect(tempBasal.json).toEqual([]);
    const tempBasalFixed = await withToken(`/api/v1/treatments.json?find[created_at][$lt]=${iso(beg)}&find[created_at][$gt]=${iso(beg - 86_400_000)}&count=100&find[eventType][$eq]=Temp%20Basal`);
    expect(tempBasalFixed.json).toEqual([expect.objectContaining({ eventType: "Temp Basal", absolute: 0.5 })]);
    // The day's treatments and device status by created_at (ISO) with count=100000.
    const treatments = await withToken(`/api/v1/treatments.json?find[created_at][$gte]=${iso(beg)}&find[created_at][$lte]=${iso(end)}&count=100000`);
    expect(treatments.json.map((t: { eventType: string }) => t.eventType).sort()).toEqual(["Meal Bolus", "Profile Switch"]);
    const statuses = await withToken(`/api/v1/devicestatus.json?find[created_at][$gte]=${iso(beg)}&find[created_at][$lte]=${iso(end)}&count=100000`);
    expect(statuses.json).toEqual([expect.objectContaining({ device: "openaps://phone" })]);
    // The day's activity.json (Nightscout's activity collection, lib/api/activity) by created_at with count=100000.
    await call("POST", "/api/v1/activity", [{ created_at: iso(beg + 9 * 3600_000), steps: 4200, heartrate: 96 }, { created_at: iso(beg - 3600_000), steps: 10 }]);
    const activity = await withToken(`/api/v1/activity.json?find[created_at][$gte]=${iso(beg)}&find[created_at][$lte]=${iso(end)}&count=100000`);
    expect(activity.status).toBe(200);
    expect(activity.json).toEqual([expect.objectContaining({ steps: 4200, heartrate: 96 })]);
  });
});

describe("Nightguard (nightscout/nightguard nightguard/external/NightscoutService.swift)", () => {
  it("status.json, api/v2/properties, readChartData (count=20), chart data in a period (Double timestamps), devicestatus count=5, with ?token=", async () => {
    const { call, withToken } = await client();
    const entries = await seed(call, [100, 104, 108, 112]);
    // readStatus: api/v1/status.json (units, thresholds from settings).
    const status = await withToken("/api/v1/status.json");
    expect(status.status).toBe(200);
    expect(status.json.settings).toHaveProperty("units");
    expect(status.json.settings).toHaveProperty("thresholds");
    // readCurrentData: api/v2/properties; bgnow, delta and direction drive the main screen.
    const props = await withToken("/api/v2/properties");
    expect(props.status).toBe(200);
    expect(props.json.bgnow).toMatchObject({ last: 112, mills: entries.at(-1)!.date });
    expect(props.json.delta).toMatchObject({ mgdl: 4 });
    // readChartData: api/v1/entries.json?count=20.
    expect((await withToken("/api/v1/entries.json?count=20")).json.map((e: { sgv: number }) => e.sgv)).toEqual([112, 108, 104, 100]);
    // readChartDataWithinPeriodOfTime: find[date][$gt] and [$lte] are Swift Doubles ("1712345678901.0"), count=1440.
    const from = `${entries[0]!.date - 1}.0`;
    const to = `${entries.at(-1)!.date}.0`;
    const period = await withToken(`/api/v1/entries.json?find[date][$gt]=${from}&find[date][$lte]=${to}&count=1440`);
    expect(period.status).toBe(200);
    expect(period.json).toHaveLength(4);
    // readDeviceStatus: api/v1/devicestatus.json?count=5.
    await call("POST", "/api/v1/devicestatus", { device: "loop://iPhone", pump: { reservoir: 80, battery: { percent: 60 } } });
    expect((await withToken("/api/v1/devicestatus.json?count=5")).json[0]).toMatchObject({ pump: { reservoir: 80 } });
  });

  it("createTemporaryTarget: POST api/v1/treatments?now=… without created_at, then readLastTemporaryTarget by eventType and a date-only created_at", async () => {
    const { withToken } = await client();
    const before = Date.now();
    // The body as Nightguard writes it: no created_at, targets in mg/dl, `reason`.
    const res = await withToken(`/api/v1/treatments?now=${encodeURIComponent("(Function)")}`, {
      method: "POST",
      body: { eventType: "Temporary Target", duration: 60, reason: "Too Low", targetBottom: 120, targetTop: 120, units: "mg/dl", enteredBy: "nightguard" },
    });
    expect(res.status).toBe(200);
    expect(Date.parse(res.json[0].created_at)).toBeGreaterThanOrEqual(before - 1000);
    // find[eventType]=Temporary Target, find[created_at][$gte]=<yyyy-MM-dd of yesterday>, count=1.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const last = await withToken(`/api/v1/treatments?find[eventType]=Temporary%20Target&find[created_at][$gte]=${yesterday}&count=1`);
    expect(last.json).toEqual([expect.objectContaining({ eventType: "Temporary Target", targetTop: 120, duration: 60, reason: "Too Low" })]);
  });
});

describe("nightscout-connect's Nightscout source (nightscout/nightscout-connect lib/sources/nightscout.js)", () => {
  it("a URL with ?token=: sessionFromAuth exchanges it at /api/v2/authorization/request/<token>, dataFromSesssion reads entries.json by dateString with the Bearer JWT", async () => {
    const { call, secret } = await client();
    const entries = await seed(call, [130, 128, 126]);
    // authFromCredentials without a token first checks verifyauth; canRead is not granted anonymously.
    const check = await api("/api/v1/verifyauth");
    expect(check.status).toBe(200);
    expect(check.json.message.canRead).toBeFalsy();
    // Without a token in its URL it makes itself one at /api/v2/authorization/subjects with the API
    // secret (nightscout-readable-role.test.ts); without any credential that route is 401 (isPermitted).
    expect((await api("/api/v2/authorization/subjects")).status).toBe(401);
    // sessionFromAuth: body.token, ttl from exp - iat.
    const session = await api(`/api/v2/authorization/request/${encodeURIComponent(secret)}`);
    expect(session.status).toBe(200);
    expect(typeof session.json.token).toBe("string");
    expect(session.json.exp - session.json.iat).toBeGreaterThan(0);
    // dataFromSesssion: {find: {dateString: {$gte: ISO}}, count} through qs (brackets percent-encoded).
    const since = new Date(entries[0]!.date).toISOString();
    const query = `${encodeURIComponent("find[dateString][$gte]")}=${encodeURIComponent(since)}&count=3`;
    const data = await api(`/api/v1/entries.json?${query}`, { headers: { authorization: `Bearer ${session.json.token}` } });
    expect(data.status).toBe(200);
    expect(data.json.map((e: { sgv: number }) => e.sgv)).toEqual([126, 128, 130]);
  });
});
