/**
 * Nightscout API v2 properties (`/api/v2/properties`) as nightscout/cgm-remote-monitor
 * `lib/api2/properties.js` serves the sandbox's plugin properties: `bgnow`, `delta`, `buckets`
 * (lib/plugins/bgnow.js `fillBuckets`/`calcDelta`), `direction` (lib/plugins/direction.js `info`),
 * `iob`/`cob` (lib/plugins/iob.js `calcTotal`, cob.js `cobTotal`), `upbat` (upbat.js
 * `analyzeData`), `basal` (basalprofile.js `setProperties`), `pump`/`loop` (pump.js
 * `setProperties`, loop.js `analyzeData`), read the way
 * Nightguard's `NightscoutService.swift` `extractApiV2PropertiesData` reads them (bgnow.last,
 * bgnow.mills, bgnow.sgvs[0].direction, upbat.display, iob.display, cob.display, delta.display,
 * delta.mgdl). Also the GlucoLens route `GET /api/v1/glucose/iob-cob` and its OpenAPI entry.
 */
import { describe, expect, it } from "vitest";
import { api, register } from "./helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";

const MIN = 60_000;

/** tests/pebble.test.js's five values, 5 minutes apart, the newest a minute ago. */
async function seed(apiSecret: string, now = Date.now()) {
  const values = [91, 88, 86, 92, 90];
  const last = now - MIN;
  const entries = values.map((sgv, i) => ({ type: "sgv", sgv, date: last - (values.length - 1 - i) * 5 * MIN, direction: "Flat", device: "dexcom" }));
  const res = await ns(apiSecret, "/api/v1/entries", { body: entries });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return last;
}

async function setup(overrides: Record<string, unknown> = {}) {
  const account = await register(overrides);
  const up = await uploader(account.access, "Nightguard");
  return { account, up };
}

describe("GET /api/v2/properties", () => {
  it("bgnow, delta, buckets and direction in Nightscout's shapes (mg/dL)", async () => {
    const { up } = await setup();
    const last = await seed(up.apiSecret);
    const res = await ns(up.apiSecret, "/api/v2/properties");
    expect(res.status).toBe(200);
    const p = res.json;
    expect(p.bgnow).toMatchObject({ mean: 90, last: 90, mills: last, sgvs: [{ mgdl: 90, mills: last, direction: "Flat", device: "dexcom", type: "sgv", scaled: 90 }] });
    expect(p.bgnow).not.toHaveProperty("index");
    // calcDelta: 90 − 92 over 5 minutes
    expect(p.delta).toMatchObject({ absolute: -2, elapsedMins: 5, interpolated: false, mean5MinsAgo: 92, mgdl: -2, scaled: -2, display: "-2", times: { recent: last, previous: last - 5 * MIN }, previous: { mean: 92, last: 92 } });
    expect(p.buckets).toHaveLength(4);
    expect(p.buckets.map((b: { mean?: number }) => b.mean)).toEqual([90, 92, 86, 88]);
    expect(p.buckets[0]).toMatchObject({ index: 0, fromMills: last - 2.5 * MIN, toMills: last + 2.5 * MIN });
    expect(p.direction).toEqual({ display: null, value: "Flat", label: "→", entity: "&#8594;" });
    // No treatments, no device status: empty iob/cob as Nightscout's offerProperty keeps them; upbat unknown.
    expect(p.iob).toEqual({});
    expect(p.cob).toEqual({});
    expect(p.upbat).toEqual({ display: "?%", devices: {} });
    // basalprofile.js over the default profile's 0.1 U/h
    expect(p.basal).toMatchObject({ display: "0.100U", current: { basal: 0.1, totalbasal: 0.1, treatment: null } });
    expect(p).not.toHaveProperty("loop");
  });

  it("delta in mmol/L for a mmol/L user (sbx.scaleMgdl, roundBGToDisplayFormat)", async () => {
    const { up } = await setup({ unit: "mmol/L" });
    await seed(up.apiSecret);
    const p = (await ns(up.apiSecret, "/api/v2/properties/delta,bgnow")).json;
    expect(p.delta).toMatchObject({ mgdl: -2, scaled: -0.1, display: "-0.1" });
    expect(p.bgnow.sgvs[0].scaled).toBe("5.0");
    expect(Object.keys(p).sort()).toEqual(["bgnow", "delta"]);
  });

  it("IOB and COB from treatments (a Snack Bolus maps to a meal and an insulin dose)", async () => {
    const { up } = await setup();
    await seed(up.apiSecret);
    const at = new Date(Date.now() - MIN).toISOString();
    expect((await ns(up.apiSecret, "/api/v1/treatments", { body: { eventType: "Snack Bolus", insulin: 1.5, carbs: 22, created_at: at } })).status).toBe(200);
    const p = (await ns(up.apiSecret, "/api/v2/properties/iob,cob,unknown")).json;
    expect(Object.keys(p).sort()).toEqual(["cob", "iob"]);
    // One minute after 1.5 U on the DIA-3 curve: 1.5 · (1 − 0.001852·1.2² + 0.001852·1.2) = 1.49933
    expect(p.iob).toMatchObject({ iob: 1.499, display: "1.50", displayLine: "IOB: 1.50U", source: "Care Portal", lastBolus: { insulin: 1.5 } });
    // Within the 20-minute delay nothing has been absorbed yet.
    expect(p.cob).toMatchObject({ cob: 22, display: 22, displayLine: "COB: 22g", source: "Care Portal", isDecaying: 0, carbs_hr: 20 });
    expect(typeof p.cob.decayedBy).toBe("string");
  });

  it("a loop's fresh device status wins for IOB and COB; upbat, pump and loop from it", async () => {
    const { up } = await setup();
    await seed(up.apiSecret);
    const now = new Date(Date.now() - 30_000).toISOString();
    await ns(up.apiSecret, "/api/v1/treatments", { body: { eventType: "Correction Bolus", insulin: 2, created_at: new Date(Date.now() - 10 * MIN).toISOString() } });
    const status = {
      device: "loop://iPhone",
      created_at: now,
      uploader: { battery: 55 },
      loop: { timestamp: now, iob: { iob: 0.75, timestamp: now }, cob: { cob: 5, timestamp: now } },
      pump: { clock: new Date(Date.now() - 3 * MIN).toISOString(), reservoir: 80.5, battery: { percent: 60 }, status: { status: "normal", bolusing: false, suspended: false } },
    };
    expect((await ns(up.apiSecret, "/api/v1/devicestatus", { body: status })).status).toBe(200);
    const p = (await ns(up.apiSecret, "/api/v2/properties")).json;
    expect(p.iob).toMatchObject({ iob: 0.75, source: "Loop", device: "loop://iPhone", display: "0.75", treatmentIob: expect.any(Number) });
    expect(p.cob).toMatchObject({ cob: 5, source: "Loop", display: 5 });
    expect(p.upbat).toMatchObject({ level: 75, display: "55%", status: "current", devices: { "loop://iPhone": { name: "loop://iPhone", min: { battery: 55 } } } });
    expect(p.pump).toMatchObject({ device: "loop://iPhone", data: { reservoir: { value: 80.5, display: "80.5U", label: "Reservoir" }, battery: { value: 60, display: "60%" }, status: { value: "normal" }, clock: { label: "Last Clock", display: "3m ago" } } });
    expect(p.loop).toMatchObject({ lastLoop: { timestamp: now }, lastOkMoment: now, display: { code: "looping", symbol: "↻" } });
    expect(p).not.toHaveProperty("openaps");
  });

  it("an OpenAPS device status: iob (openaps.iob), cob (newer of enacted/suggested) and the openaps property", async () => {
    const { up } = await setup();
    const t = new Date(Date.now() - 2 * MIN).toISOString();
    const older = new Date(Date.now() - 7 * MIN).toISOString();
    const status = {
      device: "openaps://pi1",
      created_at: t,
      openaps: {
        iob: [{ iob: 0.047, basaliob: -0.298, activity: 0.0147, time: t }],
        enacted: { COB: 12, timestamp: t, received: true, eventualBG: 110, rate: 0.5, duration: 30 },
        suggested: { COB: 9, timestamp: older, eventualBG: 120 },
      },
    };
    expect((await ns(up.apiSecret, "/api/v1/devicestatus", { body: status })).status).toBe(200);
    const p = (await ns(up.apiSecret, "/api/v2/properties/iob,cob,openaps")).json;
    expect(p.iob).toMatchObject({ iob: 0.047, basaliob: -0.298, activity: 0.0147, source: "OpenAPS", device: "openaps://pi1", display: "0.05" });
    expect(p.cob).toMatchObject({ cob: 12, source: "OpenAPS", display: 12 });
    expect(p.openaps).toMatchObject({ lastEnacted: { COB: 12, moment: t }, lastSuggested: { COB: 9 }, lastIOB: { iob: 0.047 }, lastLoopMoment: t, lastEventualBG: 110, status: { code: "enacted", symbol: "⌁" } });
  });

  it("needs a credential; another user's secret sees none of these values", async () => {
    const a = await setup();
    const b = await setup();
    await seed(a.up.apiSecret);
    await ns(a.up.apiSecret, "/api/v1/treatments", { body: { eventType: "Meal Bolus", insulin: 3, carbs: 40, created_at: new Date(Date.now() - 5 * MIN).toISOString() } });
    await ns(a.up.apiSecret, "/api/v1/devicestatus", { body: { device: "phone", uploader: { battery: 40 } } });
    expect((await api("/api/v2/properties")).status).toBe(401);
    const other = (await ns(b.up.apiSecret, "/api/v2/properties")).json;
    expect(other).toMatchObject({ bgnow: {}, iob: {}, cob: {}, upbat: { display: "?%", devices: {} } });
    expect(other).not.toHaveProperty("delta");
    // A bearer token reads the caller's own, as the api-secret does.
    const mine = await api("/api/v2/properties/iob", { token: a.account.access });
    // 3 U five minutes ago: 3 · (1 − 0.001852·2² + 0.001852·2) = 2.98889
    expect(mine.json.iob.display).toBe("2.99");
  });
});

describe("GET /api/v1/glucose/iob-cob (GlucoLens's own clients)", () => {
  it("answers IOB and COB with their sources, the profile used, and nothing of another user", async () => {
    const a = await setup();
    const b = await setup();
    await ns(a.up.apiSecret, "/api/v1/treatments", { body: { eventType: "Meal Bolus", insulin: 4, carbs: 30, created_at: new Date(Date.now() - 2 * MIN).toISOString() } });
    const res = await api("/api/v1/glucose/iob-cob", { token: a.account.access });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ iob: { units: expect.any(Number), display: expect.stringMatching(/^3\.9\d|4\.00$/), source: "Care Portal", last_bolus_time: expect.any(String) }, cob: { grams: 30, display: 30, source: "Care Portal" }, profile: { from_settings: true, dia: 3, carbs_hr: 20, timezone: "Europe/Berlin" } });
    const other = await api("/api/v1/glucose/iob-cob", { token: b.account.access });
    expect(other.json).toMatchObject({ iob: { units: null, display: null, source: null }, cob: { grams: null } });
    expect((await api("/api/v1/glucose/iob-cob")).status).toBe(401);
    expect((await ns(a.up.apiSecret, "/api/v1/glucose/iob-cob")).status).toBe(401);
  });

  it("is in the OpenAPI document with its security and schema", async () => {
    const doc = (await api("/openapi.json")).json;
    const op = doc.paths["/api/v1/glucose/iob-cob"].get;
    expect(op.security).toEqual([{ Bearer: [] }]);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "401"]));
    expect(doc.components.schemas.IobCob.properties).toHaveProperty("iob");
  });
});
