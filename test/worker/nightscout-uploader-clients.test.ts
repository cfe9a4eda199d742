/**
 * Nightscout uploaders (bridges from a cloud or a pump, closed-loop apps) replayed against
 * GlucoLens (worker/nightscout/), each request as read in the client's source; each test names the
 * file and function it follows.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { api } from "./helpers.ts";
import { client, MIN } from "./nightscout-client-helpers.ts";

const iso = (t: number) => new Date(t).toISOString();

describe("share2nightscout-bridge (nightscout/share2nightscout-bridge index.js)", () => {
  it("report_to_nightscout: POST /api/v1/entries.json with api-secret = sha1(API_SECRET), the same readings again on every poll; nullify_battery_status", async () => {
    const { a, call } = await client();
    const now = Date.now();
    // dex_to_entry: {sgv, date (WT), dateString, trend (Dexcom's number), direction, device: "share2", type: "sgv"}.
    const dex = [{ Value: 101, Trend: 4, wt: now - 10 * MIN }, { Value: 96, Trend: 5, wt: now - 5 * MIN }, { Value: 90, Trend: 6, wt: now }];
    const directions = ["NONE", "DoubleUp", "SingleUp", "FortyFiveUp", "Flat", "FortyFiveDown", "SingleDown", "DoubleDown", "NOT COMPUTABLE", "RATE OUT OF RANGE"];
    const entries = dex.map((d) => ({ sgv: d.Value, date: d.wt, dateString: iso(d.wt), trend: d.Trend, direction: directions[d.Trend], device: "share2", type: "sgv" }));
    // The first run fetches firstFetchCount = 3, later runs maxCount = 1, every 2.5 minutes.
    const first = await call("POST", "/api/v1/entries.json", entries, { accept: "application/json" });
    expect(first.status).toBe(200);
    expect(first.json).toHaveLength(3);
    expect((await call("POST", "/api/v1/entries.json", entries.slice(-1))).status).toBe(200);
    expect((await call("POST", "/api/v1/entries.json", entries.slice(-1))).status).toBe(200);
    const stored = await call("GET", "/api/v1/entries.json?count=10");
    expect(stored.json.map((e: { sgv: number; direction: string }) => [e.sgv, e.direction])).toEqual([
      [90, "SingleDown"],
      [96, "FortyFiveDown"],
      [101, "Flat"],
    ]);
    expect((await api("/api/v1/glucose/readings?limit=10", { token: a.access })).json.items).toHaveLength(3);
    // nullify_battery_status: POST devicestatus.json {uploaderBattery: false} (no created_at).
    expect((await call("POST", "/api/v1/devicestatus.json", { uploaderBattery: false })).status).toBe(200);
  });
});

describe("nightscout-connect's Nightscout output (nightscout/nightscout-connect lib/outputs/nightscout.js)", () => {
  it("gap_for, then record_batch: entries, treatments, devicestatus and profiles with API-SECRET; a second batch of the same data stores nothing twice", async () => {
    const { apiSecret } = await client();
    // Every request carries `API-SECRET: sha1(apiSecret)` (encode_api_secret), written in capitals.
    const call = (method: string, path: string, body?: unknown) => api(path, { method, body, headers: { "API-SECRET": apiSecret } });
    // gap_for: the newest of each collection (count=1), and treatments of 45 days (count=500) for glookoGuid.
    for (const path of ["/api/v1/entries.json?count=1", "/api/v1/treatments.json?count=1", "/api/v1/devicestatus.json?count=1", "/api/v1/profile.json?count=1"]) {
      const res = await call("GET", path);
      expect(res.status, path).toBe(200);
      expect(Array.isArray(res.json), path).toBe(true);
    }
    expect((await call("GET", `/api/v1/treatments.json?count=500&find[created_at][$gte]=${iso(Date.now() - 45 * 86_400_000)}`)).status).toBe(200);

    const now = Date.now();
    // A LibreLinkUp source's batch (lib/sources/librelinkup.js): entries, a Sensor Start treatment, a device status.
    const batch = {
      entries: [0, 1, 2].map((i) => ({ type: "sgv", sgv: 150 - i * 3, date: now - (2 - i) * MIN, dateString: iso(now - (2 - i) * MIN), direction: "FortyFiveDown", device: "nightscout-connect-librelinkup" })),
      treatments: [{ eventType: "Sensor Start", created_at: iso(now - 3 * 86_400_000), enteredBy: "librelinkup", notes: "Libre 3" }],
      devicestatus: [{ device: "nightscout-connect-librelinkup", created_at: iso(now - MIN), uploader: { battery: 77 } }],
      profiles: [{ defaultProfile: "Default", startDate: iso(now - 86_400_000), units: "mg/dl", store: { Default: { dia: 4, carbratio: [{ time: "00:00", value: 10, timeAsSeconds: 0 }], sens: [{ time: "00:00", value: 40, timeAsSeconds: 0 }], basal: [{ time: "00:00", value: 0.8, timeAsSeconds: 0 }], target_low: [{ time: "00:00", value: 90, timeAsSeconds: 0 }], target_high: [{ time: "00:00", value: 140, timeAsSeconds: 0 }], timezone: "UTC", units: "mg/dl" } } }],
    };
    const profileIds: string[] = [];
    for (let round = 0; round < 2; round++) {
      // record_glucose: POST entries.json; the answer's length is logged.
      const e = await call("POST", "/api/v1/entries.json", batch.entries);
      expect(e.status).toBe(200);
      expect(e.json).toHaveLength(3);
      // record_treatments: the newest Sensor Start first (count=1, find[enteredBy], find[eventType]), then POST.
      const previous = await call("GET", "/api/v1/treatments.json?count=1&find[enteredBy]=librelinkup&find[eventType]=Sensor%20Start");
      expect(previous.json).toHaveLength(round);
      expect((await call("POST", "/api/v1/treatments.json", batch.treatments)).status).toBe(200);
      // record_devicestatus: the newest of its device (count=1, find[device]), then POST.
      expect((await call("GET", "/api/v1/devicestatus.json?count=1&find[device]=nightscout-connect-librelinkup")).json).toHaveLength(round);
      expect((await call("POST", "/api/v1/devicestatus.json", batch.devicestatus)).status).toBe(200);
      // record_profiles: profile.json?count=1000 to skip what is stored by identifier or _id; these
      // profiles carry neither, so they are posted again, and the copy already stored is answered.
      expect((await call("GET", "/api/v1/profile.json?count=1000")).status).toBe(200);
      const posted = await call("POST", "/api/v1/profile.json", batch.profiles);
      expect(posted.status).toBe(200);
      profileIds.push(posted.json[0]._id);
    }
    expect((await call("GET", "/api/v1/entries.json?count=10")).json).toHaveLength(3);
    expect((await call("GET", "/api/v1/treatments.json?find[eventType]=Sensor%20Start")).json).toHaveLength(1);
    expect((await call("GET", "/api/v1/devicestatus.json?count=10")).json).toHaveLength(1);
    expect(profileIds[0]).toMatch(/^[0-9a-f]{24}$/);
    expect(profileIds[1]).toBe(profileIds[0]);
  });
});

describe("minimed-connect-to-nightscout (nightscout/minimed-connect-to-nightscout transform.js, run.js)", () => {
  it("requestLoop: GET entries.json?count=sgvLimit+5, POST entries.json (the newest with the trend), POST devicestatus.json with pump, connect and uploader", async () => {
    const { call } = await client();
    const now = Date.now();
    // run.js: nightscout.get(entriesUrl + '?count=' + (sgvLimit + 5)) before filtering what is already there.
    expect((await call("GET", "/api/v1/entries.json?count=29")).json).toEqual([]);
    // sgvEntries: {type: "sgv", sgv, date, dateString, device: "connect-ngp"}, the newest merged with CARELINK_TREND_TO_NIGHTSCOUT_TREND (UP_TRIPLE: trend 1, TripleUp).
    const sgvs = [0, 1, 2].map((i) => ({ type: "sgv", sgv: 180 + i * 10, date: now - (2 - i) * 5 * MIN, dateString: iso(now - (2 - i) * 5 * MIN), device: "connect-ngp" }));
    Object.assign(sgvs[2]!, { trend: 1, direction: "TripleUp" });
    expect((await call("POST", "/api/v1/entries.json", sgvs)).status).toBe(200);
    // deviceStatusEntry (NGP): created_at, device, uploader.battery, pump {battery.percent, reservoir, iob {timestamp, bolusiob}, clock}, connect {…}.
    const status = {
      created_at: iso(now - MIN),
      device: "connect-ngp",
      uploader: { battery: 85 },
      pump: { battery: { percent: 75 }, reservoir: 112.5, iob: { timestamp: iso(now - MIN), bolusiob: 1.35 }, clock: iso(now - MIN) },
      connect: { sensorState: "NORMAL", calibStatus: "LESS_THAN_TWELVE_HRS", sensorDurationHours: 91, timeToNextCalibHours: 11, conduitInRange: true, conduitMedicalDeviceInRange: true, conduitSensorInRange: true },
    };
    expect((await call("POST", "/api/v1/devicestatus.json", [status])).status).toBe(200);
    // The next loop: the newest reading carries the trend; the status is served back, and the pump's IOB drives IOB.
    const read = await call("GET", "/api/v1/entries.json?count=29");
    expect(read.json[0]).toMatchObject({ sgv: 200, direction: "TripleUp", device: "connect-ngp" });
    expect((await call("GET", "/api/v1/devicestatus.json?count=1")).json[0]).toMatchObject({ pump: { reservoir: 112.5, iob: { bolusiob: 1.35 } }, connect: { sensorState: "NORMAL" } });
    const props = await call("GET", "/api/v2/properties/iob,pump");
    expect(props.json.iob).toMatchObject({ iob: 1.35, source: "MM Connect" });
    // A retried upload stores nothing twice.
    expect((await call("POST", "/api/v1/devicestatus.json", [status])).status).toBe(200);
    expect((await call("GET", "/api/v1/devicestatus.json?count=10")).json).toHaveLength(1);
  });
});

describe("Loop's NightscoutService uploads (LoopKit/NightscoutKit Sources/NightscoutKit/NightscoutClient.swift, Models/)", () => {
  it("upload(treatments): POST /api/v1/treatments answered with one `_id` per item; modifyTreatments PUT with `_id`; deleteTreatmentsByObjectId DELETE treatments/<id>", async () => {
    const { call } = await client();
    const now = Date.now();
    // NightscoutTreatment.dictionaryRepresentation: created_at, timestamp, enteredBy, eventType, syncIdentifier (Loop's own id), insulinType.
    const base = (t: number, syncIdentifier: string) => ({ created_at: iso(t), timestamp: iso(t), enteredBy: "loop://iPhone", syncIdentifier });
    const treatments = [
      // BolusNightscoutTreatment: type, insulin, programmed, unabsorbed, duration (minutes), automatic.
      { ...base(now - 30 * MIN, "bolus-7f1e"), eventType: "Correction Bolus", type: "normal", insulin: 1.25, programmed: 1.25, unabsorbed: 0, duration: 0, automatic: true, insulinType: "Humalog" },
      // CarbCorrectionNightscoutTreatment: carbs, absorptionTime (minutes), foodType.
      { ...base(now - 25 * MIN, "carb-81aa"), eventType: "Carb Correction", carbs: 45, absorptionTime: 180, foodType: "🍕" },
      // TempBasalNightscoutTreatment: rate, absolute, duration, temp, amount, reason.
      { ...base(now - 20 * MIN, "temp-basal-93c0"), eventType: "Temp Basal", rate: 1.5, absolute: 1.5, duration: 30, temp: "absolute", amount: 0.75, reason: "automatic" },
    ];
    const posted = await call("POST", "/api/v1/treatments", treatments);
    // postToNS: the answer must be an array of as many objects as were sent, each with an `_id`.
    expect(posted.status).toBe(200);
    expect(posted.json).toHaveLength(3);
    const ids: string[] = posted.json.map((t: { _id: string }) => t._id);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(posted.json[0]).toMatchObject({ syncIdentifier: "bolus-7f1e", insulin: 1.25, automatic: true });
    // A retried upload (Loop resends what it has no id for yet) answers the same ids.
    expect((await call("POST", "/api/v1/treatments", treatments)).json.map((t: { _id: string }) => t._id)).toEqual(ids);
    // modifyTreatments: PUT /api/v1/treatments with one treatment carrying `_id`.
    const put = await call("PUT", "/api/v1/treatments", { ...treatments[1], _id: ids[1], carbs: 50 });
    expect(put.status).toBe(200);
    const carbs = await call("GET", `/api/v1/treatments.json?find[_id]=${ids[1]}`);
    expect(carbs.json).toEqual([expect.objectContaining({ _id: ids[1], carbs: 50, syncIdentifier: "carb-81aa" })]);
    // deleteTreatmentsByObjectId: DELETE /api/v1/treatments/<objectId>, any 2xx.
    expect((await call("DELETE", `/api/v1/treatments/${ids[0]}`)).status).toBe(200);
    const left = await call("GET", `/api/v1/treatments.json?find[created_at][$gte]=${iso(now - 60 * MIN)}`);
    expect(left.json.map((t: { syncIdentifier: string }) => t.syncIdentifier).sort()).toEqual(["carb-81aa", "temp-basal-93c0"]);
  });

  it("uploadDeviceStatus (flushDeviceStatuses): loop, pump, uploader and override as DeviceStatus.dictionaryRepresentation; Loop's IOB/COB become the site's", async () => {
    const { call } = await client();
    const now = Date.now();
    const status = {
      device: "loop://iPhone",
      created_at: iso(now - MIN),
      pump: { clock: iso(now - MIN), pumpID: "1234567", manufacturer: "Insulet", model: "Dash", reservoir: 50, bolusing: false, suspended: false, battery: { percent: 80 } },
      uploader: { name: "iPhone", timestamp: iso(now - MIN), battery: 64 },
      loop: {
        name: "Loop",
        version: "3.4.0",
        timestamp: iso(now - MIN),
        iob: { timestamp: iso(now - MIN), iob: 2.15, basaliob: 0.4 },
        cob: { timestamp: iso(now - MIN), cob: 31 },
        predicted: { startDate: iso(now - MIN), values: [120, 118, 115, 112] },
        recommendedBolus: 0,
        enacted: { timestamp: iso(now - MIN), rate: 0.9, duration: 30, received: true, bolusVolume: 0 },
      },
      override: { name: "Exercise", timestamp: iso(now - MIN), active: true, currentCorrectionRange: { minValue: 140, maxValue: 160 }, duration: 3600, multiplier: 0.8 },
    };
    expect((await call("POST", "/api/v1/devicestatus", [status])).status).toBe(200);
    const props = await call("GET", "/api/v2/properties/iob,cob,loop,pump");
    expect(props.json.iob).toMatchObject({ iob: 2.15, source: "Loop" });
    expect(props.json.cob).toMatchObject({ cob: 31, source: "Loop" });
    expect(props.json.loop).toBeTruthy();
    expect(props.json.pump).toBeTruthy();
    expect((await call("GET", "/api/v1/devicestatus.json?count=1")).json[0]).toMatchObject({ loop: { predicted: { values: [120, 118, 115, 112] } }, override: { name: "Exercise" } });
  });

  it("uploadProfile: POST /api/v1/profile [ProfileSet] with loopSettings; fetchCurrentProfile GET /profile/current; fetchProfiles GET /api/v1/profiles by startDate", async () => {
    const { a, call } = await client();
    const start = Date.now() - 3600_000;
    // ProfileSet.dictionaryRepresentation: defaultProfile, startDate, mills (a string), units, enteredBy, loopSettings, store.
    const entry = (value: number) => [{ time: "00:00", value, timeAsSeconds: 0 }];
    const profileSet = {
      defaultProfile: "Default",
      startDate: iso(start),
      mills: String(start),
      units: "mg/dL",
      enteredBy: "Loop",
      loopSettings: { dosingEnabled: true, overridePresets: [{ name: "Exercise", symbol: "🏃", duration: 3600, insulinNeedsScaleFactor: 0.8, targetRange: [140, 160] }], minimumBGGuard: 75, preMealTargetRange: [80, 90], maximumBasalRatePerHour: 3, maximumBolus: 8, deviceToken: "abcdef", dosingStrategy: "automaticBolus", bundleIdentifier: "com.loopkit.Loop" },
      store: { Default: { dia: 6, carbs_hr: "0", delay: "0", timezone: "ETC/GMT", target_low: entry(100), target_high: entry(110), sens: entry(45), basal: entry(0.85), carbratio: entry(9), units: "mg/dL" } },
    };
    const posted = await call("POST", "/api/v1/profile", [profileSet]);
    // postToNS: one object per profile sent, with its `_id`.
    expect(posted.status, JSON.stringify(posted.json)).toBe(200);
    expect(posted.json).toHaveLength(1);
    expect(posted.json[0]._id).toMatch(/^[0-9a-f]{24}$/);
    // fetchCurrentProfile: the newest, loopSettings kept as sent.
    const current = await call("GET", "/api/v1/profile/current");
    expect(current.json).toMatchObject({ defaultProfile: "Default", loopSettings: { dosingEnabled: true, maximumBolus: 8, dosingStrategy: "automaticBolus" } });
    // fetchProfiles(dateInterval:maxCount:): /api/v1/profiles?find[startDate][$gte]=…&find[startDate][$lte]=…&count=….
    const listed = await call("GET", `/api/v1/profiles?find[startDate][$gte]=${iso(start - 60_000)}&find[startDate][$lte]=${iso(Date.now())}&count=10`);
    expect(listed.status).toBe(200);
    expect(listed.json.map((p: { _id: string }) => p._id)).toEqual([posted.json[0]._id]);
    expect((await call("GET", `/api/v1/profiles?find[startDate][$lte]=${iso(start - 60_000)}`)).json).toEqual([]);
    // Only startDate can be asked; anything else is refused naming the parameter. Another account sees none of them.
    const bad = await call("GET", "/api/v1/profiles?find[defaultProfile]=Default");
    expect(bad.status).toBe(422);
    expect(bad.json.error.fields[0].path).toBe("find[defaultProfile]");
    const other = await client();
    expect((await other.call("GET", "/api/v1/profiles")).json).toEqual([]);
    // A posted profile drives IOB/COB only: the account's unit is unchanged.
    expect((await api("/api/v1/auth/me", { token: a.access })).json.unit).toBe("mg/dL");
  });
});
