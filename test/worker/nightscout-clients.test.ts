/**
 * Nightscout clients' request sequences replayed against GlucoLens (worker/nightscout/), each as
 * read in the client's source: paths, methods, headers, bodies, and what the client checks in the
 * answer. Each test names the file and function it follows.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { api } from "./helpers.ts";
import { sha1Hex } from "./interop-helpers.ts";
import { client, MIN } from "./nightscout-client-helpers.ts";

describe("xDrip+ (NightscoutFoundation/xDrip app/src/main/java/com/eveningoutpost/dexdrip/utilitymodels/NightscoutUploader.java)", () => {
  it("NightscoutService: upload entries, getStatus, upsertTreatments (PUT), findTreatmentByUUID, deleteTreatment, uploadDeviceStatus", async () => {
    const { call } = await client();
    const now = Date.now();
    // upload(secret, body): POST entries with xDrip's BgReading fields.
    const entries = [0, 1, 2].map((i) => ({ device: "xDrip-DexcomG6", date: now - (3 - i) * 5 * MIN, dateString: new Date(now - (3 - i) * 5 * MIN).toISOString(), sgv: 120 + i, delta: 1.5, direction: "Flat", type: "sgv", filtered: 120000, unfiltered: 121000, rssi: 100, noise: 1, sysTime: new Date(now).toISOString() }));
    expect((await call("POST", "/api/v1/entries", entries)).status).toBe(200);
    // getStatus: GET status.json; isNightscoutCompatible reads `version` (not 0.6–0.8).
    const status = await call("GET", "/api/v1/status.json");
    expect(status.status).toBe(200);
    expect(status.json.version).not.toMatch(/^0\.[678]/);
    // upsertTreatments: PUT treatments with _id = uuid_to_id(uuid) (the UUID without dashes, first 24 characters).
    const uuid = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    const id = uuid.replaceAll("-", "").slice(0, 24);
    const treatment = { _id: id, uuid, eventType: "Snack Bolus", created_at: new Date(now - 10 * MIN).toISOString(), carbs: 20, insulin: 1.5, enteredBy: "xdrip" };
    expect((await call("PUT", "/api/v1/treatments", [treatment])).status).toBe(200);
    expect((await call("PUT", "/api/v1/treatments", [{ ...treatment, carbs: 25 }])).status).toBe(200);
    // findTreatmentByUUID: GET treatments.json?find[uuid]=…
    const found = await call("GET", `/api/v1/treatments.json?find[uuid]=${uuid}`);
    expect(found.json).toHaveLength(1);
    expect(found.json[0]).toMatchObject({ _id: id, carbs: 25 });
    // deleteTreatment: DELETE treatments/{id}, the 24-hex id xDrip computed itself.
    expect((await call("DELETE", `/api/v1/treatments/${id}`)).status).toBe(200);
    expect((await call("GET", `/api/v1/treatments.json?find[uuid]=${uuid}`)).json).toEqual([]);
    // uploadDeviceStatus: POST devicestatus with the uploader battery.
    expect((await call("POST", "/api/v1/devicestatus", [{ device: "xDrip-DexcomG6", uploader: { battery: 80 } }])).status).toBe(200);
    // The follower reads entries.json?count=… (parses `int sgv`).
    const read = await call("GET", "/api/v1/entries.json?count=24");
    expect(read.json.map((e: { sgv: number }) => e.sgv)).toEqual([122, 121, 120]);
    for (const e of read.json) expect(Number.isInteger(e.sgv)).toBe(true);
  });
});

describe("Juggluco (j-kaltes/Juggluco Common/src/main/cpp/net/watchserver/uploader.cpp)", () => {
  it("uploadCGM: one POST /api/v1/entries of maxitems = 10,440 readings is stored whole, answered 200, and its retry stores nothing twice", async () => {
    const { a, call } = await client();
    const start = Date.now() - 10_440 * MIN - 5 * MIN;
    // mkuploaditem: {"type","device","dateString" (local offset),"date","sgv","delta","direction","noise","filtered","unfiltered","rssi"}
    const batch = Array.from({ length: 10_440 }, (_, i) => {
      const date = start + i * MIN;
      const local = new Date(date + 3600_000).toISOString().replace("Z", "+0100");
      return { type: "sgv", device: "3MH00ABCDEF", dateString: local, date, sgv: 80 + (i % 120), delta: 0.5, direction: "Flat", noise: 1, filtered: 100000, unfiltered: 100000, rssi: 100 };
    });
    const first = await call("POST", "/api/v1/entries", batch);
    // uploadCGM accepts res == 200 || res == 201 and then moves its position on.
    expect(first.status).toBe(200);
    expect(first.json).toHaveLength(10_440);
    expect(first.json[0]).toMatchObject({ utcOffset: 60, device: "3MH00ABCDEF" });
    const count = async () => (await call("GET", `/api/v1/count/entries/where?find[date][$gte]=${start}`)).json[0].count;
    expect(await count()).toBe(10_440);
    expect((await call("POST", "/api/v1/entries", batch)).status).toBe(200);
    expect(await count()).toBe(10_440);
    // The same readings are ordinary GlucoLens readings.
    expect((await api("/api/v1/glucose/readings?limit=1", { token: a.access })).json.items[0]).toMatchObject({ source: "3MH00ABCDEF" });
  });

  it("a batch with out-of-range readings stores the others and answers 200, naming each bad item", async () => {
    const { call } = await client();
    const now = Date.now();
    const batch = [100, 5, 700, 110].map((sgv, i) => ({ type: "sgv", device: "3MH", date: now - (4 - i) * MIN, sgv, direction: "Flat" }));
    const res = await call("POST", "/api/v1/entries", batch);
    expect(res.status).toBe(200);
    expect(res.json[1].error.fields[0].path).toBe("1.sgv");
    expect(res.json[2].error.fields[0].path).toBe("2.sgv");
    expect((await call("GET", "/api/v1/entries.json")).json.map((e: { sgv: number }) => e.sgv)).toEqual([110, 100]);
  });
});

describe("Loop / NightscoutKit (Nightscout.swift)", () => {
  it("verifyAuthorization: GET /api/v1/experiments/test with the SHA-1 api-secret must be 200; a wrong secret 401", async () => {
    const { call } = await client();
    // configureURLRequest: Content-Type and Accept application/json, api-secret = apiSecret.sha1().
    const ok = await call("GET", "/api/v1/experiments/test", undefined, { accept: "application/json", "content-type": "application/json" });
    expect(ok.status).toBe(200);
    const bad = await api("/api/v1/experiments/test", { headers: { "api-secret": await sha1Hex("wrong"), accept: "application/json" } });
    expect(bad.status).toBe(401);
  });

  it("fetchEntries(from:maxCount: .max): find[date][$gte]/[$lte] in ms and count=Int.max", async () => {
    const { call } = await client();
    const now = Date.now();
    await call("POST", "/api/v1/entries", [0, 1, 2, 3].map((i) => ({ type: "sgv", sgv: 100 + i, date: now - i * 5 * MIN, device: "loop://iPhone" })));
    const res = await call("GET", `/api/v1/entries?find[date][$gte]=${now - 12 * MIN}&find[date][$lte]=${now}&count=9223372036854775807`);
    expect(res.status).toBe(200);
    expect(res.json.map((e: { sgv: number }) => e.sgv)).toEqual([100, 101, 102]);
  });
});

describe("Trio (nightscout/Trio Trio/Sources/Services/Network/Nightscout/NightscoutAPI.swift)", () => {
  it("checkConnection, uploadGlucose, fetchLastGlucose, uploadTreatments, fetchCarbs, fetchTempTargets, deleteCarbs, uploadDeviceStatus", async () => {
    const { call } = await client();
    // checkConnection: POST treatments.json {eventType: "Note", enteredBy: "Trio", notes: "Trio connected"}, no created_at.
    expect((await call("POST", "/api/v1/treatments.json", { eventType: "Note", enteredBy: "Trio", notes: "Trio connected" })).status).toBe(200);
    // uploadGlucose: POST /api/v1/entries.json.
    const now = Date.now();
    expect((await call("POST", "/api/v1/entries.json", [{ sgv: 140, date: now - MIN, dateString: new Date(now - MIN).toISOString(), direction: "FortyFiveUp", type: "sgv", device: "Trio" }])).status).toBe(200);
    // fetchLastGlucose: GET entries/sgv.json?count=1600&find[dateString][$gte]=<ISO with fractional seconds>.
    const glucose = await call("GET", `/api/v1/entries/sgv.json?count=1600&find[dateString][$gte]=${new Date(now - 60 * MIN).toISOString()}`);
    expect(glucose.json.map((e: { sgv: number }) => e.sgv)).toEqual([140]);
    // uploadTreatments: POST treatments.json with Trio's own `id`.
    const carbs = [
      { id: "trio-carb-1", eventType: "Carb Correction", carbs: 30, created_at: new Date(now - 20 * MIN).toISOString(), enteredBy: "Trio" },
      { id: "remote-carb-1", eventType: "Carb Correction", carbs: 12, created_at: new Date(now - 15 * MIN).toISOString(), enteredBy: "careportal" },
      { eventType: "Temporary Target", duration: 60, targetTop: 150, targetBottom: 150, created_at: new Date(now - 10 * MIN).toISOString(), enteredBy: "Nightguard" },
    ];
    expect((await call("POST", "/api/v1/treatments.json", carbs)).status).toBe(200);
    // fetchCarbs: find[carbs][$exists]=true, find[enteredBy][$ne] twice (CarbsEntry.local, NightscoutTreatment.local), find[created_at][$gt].
    const since = new Date(now - 60 * MIN).toISOString();
    const remote = await call("GET", `/api/v1/treatments.json?find[carbs][$exists]=true&find[enteredBy][$ne]=Trio&find[enteredBy][$ne]=freeaps-x&find[created_at][$gt]=${since}`);
    expect(remote.json.map((t: { carbs: number }) => t.carbs)).toEqual([12]);
    // fetchTempTargets: find[eventType]=Temporary+Target and find[duration][$exists]=true.
    const targets = await call("GET", `/api/v1/treatments.json?find[eventType]=Temporary+Target&find[enteredBy][$ne]=Trio&find[enteredBy][$ne]=freeaps-x&find[duration][$exists]=true&find[created_at][$gt]=${since}`);
    expect(targets.json).toHaveLength(1);
    expect(targets.json[0]).toMatchObject({ targetTop: 150, duration: 60 });
    // deleteCarbs: DELETE treatments.json?find[id][$eq]=<id>, 2xx required.
    expect((await call("DELETE", "/api/v1/treatments.json?find[id][$eq]=trio-carb-1")).status).toBe(200);
    expect((await call("GET", "/api/v1/treatments.json?find[carbs][$exists]=true")).json.map((t: { carbs: number }) => t.carbs)).toEqual([12]);
    // uploadDeviceStatus: POST devicestatus.json.
    const ds = { device: "Trio", openaps: { iob: { iob: 1.1, timestamp: new Date(now).toISOString() } }, pump: { reservoir: 120 }, uploader: { batteryVoltage: 4.1, battery: 80 }, created_at: new Date(now).toISOString() };
    expect((await call("POST", "/api/v1/devicestatus.json", ds)).status).toBe(200);
    expect((await call("GET", "/api/v1/devicestatus.json?count=1")).json[0]).toMatchObject({ openaps: { iob: { iob: 1.1 } } });
  });
});

describe("Spike (package services, NightscoutService.as)", () => {
  it("testNightscoutCredentials: PUT /api/v1/treatments answered with ok = 1, then DELETE treatments/<id>; entries answered with the device name", async () => {
    const { call } = await client();
    // credentialsTester: {_id: UniqueId.createEventId(), eventType: "Note", duration: 30, notes}.
    const eventId = "SpikeEvent1234567890ABCD";
    const put = await call("PUT", "/api/v1/treatments", { _id: eventId, eventType: "Note", duration: 30, notes: "Spike App Authentication Test" });
    expect(put.status).toBe(200);
    // onTestCredentialsComplete: responseInfo.ok == 1; "Cannot PUT /api/v1/treatments" means failure.
    expect(put.json.ok).toBe(1);
    expect(JSON.stringify(put.json)).not.toContain("Cannot PUT");
    expect((await call("DELETE", `/api/v1/treatments/${eventId}`)).json.deletedCount).toBe(1);
    expect((await call("GET", "/api/v1/treatments")).json.some((t: { notes?: string }) => t.notes === "Spike App Authentication Test")).toBe(false);
    // createGlucoseReading + onUploadGlucoseReadingsComplete: the answer must contain the device name.
    const date = Date.now() - MIN;
    const fmt = new Date(date).toISOString().replace("Z", "+0000");
    const res = await call("POST", "/api/v1/entries", [{ device: "Spike-G5", date, dateString: fmt, sgv: 117, direction: "Flat", type: "sgv", filtered: 117000, unfiltered: 117000, rssi: 100, noise: 1, sysTime: fmt }]);
    expect(JSON.stringify(res.json)).toContain("Spike-G5");
  });
});

describe("followers reading whole days (count up to 100,000, lib/server/entries.js list parseInt(count))", () => {
  it("a day asked for with count=100000 and find[date] is answered in full, streamed", async () => {
    const { call } = await client();
    const dayStart = Date.now() - 26 * 3600_000;
    const day = Array.from({ length: 288 }, (_, i) => ({ type: "sgv", sgv: 90 + (i % 50), date: dayStart + i * 5 * MIN, device: "G7" }));
    await call("POST", "/api/v1/entries", day);
    const res = await call("GET", `/api/v1/entries.json?find[date][$gte]=${dayStart}&find[date][$lt]=${dayStart + 86_400_000}&count=100000`);
    expect(res.status).toBe(200);
    expect(res.json).toHaveLength(288);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
  });
});
