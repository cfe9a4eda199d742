/**
 * `/pebble` as nightscout/cgm-remote-monitor `lib/server/pebble.js` (`mapSGVs`, `addExtraData`,
 * `prepareBGs`) answers it, following `tests/pebble.test.js` ("/pebble default(1) count",
 * "with mmol param", "?count=2", "without battery", "with a negative battery", "/pebble" with IOB
 * and COB, "with no treatments", "with IOB from devicestatus"): the same five values 91, 88, 86,
 * 92, 90 five minutes apart, the Snack Bolus 1.50 U / 22 g and profile {dia 4, sens 70,
 * carbratio 15, carbs_hr 30}. Watch faces and GlucoDataHandler's Nightscout source read `bgs[0]`
 * (`sgv`, `trend`, `direction`, `datetime`, `bgdelta`, `battery`, `iob`, `cob`).
 */
import { describe, expect, it } from "vitest";
import { api, expectFieldError, register } from "./helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";

const MIN = 60_000;

async function setup() {
  const account = await register();
  const up = await uploader(account.access, "Pebble");
  const values = [91, 88, 86, 92, 90];
  const last = Date.now() - MIN;
  const entries = values.map((sgv, i) => ({ type: "sgv", sgv, date: last - (values.length - 1 - i) * 5 * MIN, direction: "Flat", device: "dexcom" }));
  expect((await ns(up.apiSecret, "/api/v1/entries", { body: entries })).status).toBe(200);
  return { account, up, last };
}

const profile = { defaultProfile: "Default", startDate: "2020-01-01T00:00:00.000Z", store: { Default: { dia: 4, sens: 70, carbratio: 15, carbs_hr: 30, units: "mg/dl", timezone: "UTC" } } };

describe("/pebble (tests/pebble.test.js)", () => {
  it("/pebble default(1) count, battery from the uploader, iob and cob 0 with no treatments", async () => {
    const { up, last } = await setup();
    await ns(up.apiSecret, "/api/v1/devicestatus", { body: { device: "xDrip", uploader: { battery: 100 } } });
    const res = await ns(up.apiSecret, "/pebble");
    expect(res.status).toBe(200);
    expect(res.json.status).toEqual([{ now: expect.any(Number) }]);
    expect(res.json.cals).toEqual([]);
    expect(res.json.bgs).toEqual([{ sgv: "90", trend: 4, direction: "Flat", datetime: last, bgdelta: -2, battery: "100", iob: 0, cob: 0 }]);
  });

  it("/pebble with mmol param", async () => {
    const { up } = await setup();
    const bg = (await ns(up.apiSecret, "/pebble?units=mmol")).json.bgs[0];
    expect(bg).toMatchObject({ sgv: "5.0", bgdelta: "-0.1", trend: 4, direction: "Flat" });
  });

  it("/pebble?count=2, newest first, and /pebble.json", async () => {
    const { up, last } = await setup();
    const bgs = (await ns(up.apiSecret, "/pebble.json?count=2")).json.bgs;
    expect(bgs).toHaveLength(2);
    expect(bgs[0]).toMatchObject({ sgv: "90", datetime: last, bgdelta: -2 });
    expect(bgs[1]).toEqual({ sgv: "92", trend: 4, direction: "Flat", datetime: last - 5 * MIN });
  });

  it("/pebble without battery, and with a negative battery", async () => {
    const { up } = await setup();
    expect((await ns(up.apiSecret, "/pebble")).json.bgs[0]).not.toHaveProperty("battery");
    await ns(up.apiSecret, "/api/v1/devicestatus", { body: { uploader: { battery: -1 } } });
    expect((await ns(up.apiSecret, "/pebble")).json.bgs[0]).not.toHaveProperty("battery");
  });

  it("/pebble with IOB and COB from a Snack Bolus and the posted profile", async () => {
    const { up } = await setup();
    expect((await ns(up.apiSecret, "/api/v1/profile", { body: profile })).status).toBe(200);
    await ns(up.apiSecret, "/api/v1/treatments", { body: { eventType: "Snack Bolus", insulin: "1.50", carbs: "22", created_at: new Date(Date.now() - 30_000).toISOString() } });
    expect((await ns(up.apiSecret, "/pebble")).json.bgs[0]).toMatchObject({ iob: "1.50", cob: 22 });
  });

  it("/pebble with IOB from devicestatus (pump bolusiob)", async () => {
    const { up } = await setup();
    await ns(up.apiSecret, "/api/v1/devicestatus", { body: { device: "connect://paradigm", pump: { iob: { bolusiob: 2.3 } } } });
    expect((await ns(up.apiSecret, "/pebble")).json.bgs[0]).toMatchObject({ iob: "2.30", cob: 0 });
  });

  it("refuses a bad count or units naming it", async () => {
    const { up } = await setup();
    expectFieldError(await ns(up.apiSecret, "/pebble?count=abc"), 422, "count");
    expectFieldError(await ns(up.apiSecret, "/pebble?count=0"), 422, "count");
    expectFieldError(await ns(up.apiSecret, "/pebble?units=furlongs"), 422, "units");
  });

  it("needs a credential (token query as watch faces send it); another user's secret sees nothing", async () => {
    const { up } = await setup();
    const other = await uploader((await register()).access, "Pebble");
    expect((await api("/pebble")).status).toBe(401);
    expect((await api(`/pebble?token=${encodeURIComponent(up.secret)}`)).json.bgs[0].sgv).toBe("90");
    expect((await ns(other.apiSecret, "/pebble")).json).toMatchObject({ bgs: [], cals: [] });
  });
});
