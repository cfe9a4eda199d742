/**
 * Nightscout v1 data semantics (worker/nightscout/): ported from nightscout/cgm-remote-monitor
 * tests/api.treatments.test.js, tests/api.entries.test.js, tests/api.entries.uuid.test.js,
 * tests/api.devicestatus.test.js and tests/api.food.test.js, plus the rules of
 * lib/server/{entries,treatments,devicestatus,query}.js they rest on.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { api, expectFieldError, register } from "./helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";

const MIN = 60_000;
const HEX24 = /^[0-9a-f]{24}$/;

async function setup() {
  const a = await register();
  const up = await uploader(a.access);
  return { a, up, call: (path: string, init: { method?: string; body?: unknown } = {}) => ns(up.apiSecret, path, init) };
}

describe("treatments (tests/api.treatments.test.js)", () => {
  it("post single treatments: numbers coerced, notes purified, preBolus splits the carbs", async () => {
    const { call } = await setup();
    const now = new Date().toISOString();
    const res = await call("/api/v1/treatments/", { body: { eventType: "Meal Bolus", created_at: now, carbs: "30", insulin: "2.00", preBolus: "15", glucose: 100, glucoseType: "Finger", units: "mg/dl", notes: "<IMG SRC=\"javascript:alert('XSS');\">" } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const list = await call("/api/v1/treatments");
    const sorted = [...list.json].sort((x, y) => Date.parse(x.created_at) - Date.parse(y.created_at));
    expect(sorted).toHaveLength(2);
    expect(sorted[0]).toMatchObject({ glucose: 100, notes: "<img>", insulin: 2, preBolus: 15 });
    expect(sorted[0].eventTime).toBeUndefined();
    expect(sorted[0].carbs).toBeUndefined();
    expect(sorted[1]).toMatchObject({ carbs: 30, eventType: "Meal Bolus", created_at: new Date(Date.parse(now) + 15 * MIN).toISOString() });
    for (const t of sorted) expect(t._id).toMatch(HEX24);
  });

  it("post single treatments in zoned time format: created_at kept in UTC with utcOffset", async () => {
    const { call } = await setup();
    const local = new Date(Date.now() - 2 * 3600_000);
    const zoned = new Date(local.getTime() + 2 * 3600_000).toISOString().replace("Z", "+02:00");
    const res = await call("/api/v1/treatments", { body: { eventType: "Carb Correction", carbs: 12, created_at: zoned } });
    expect(res.json[0]).toMatchObject({ created_at: local.toISOString(), utcOffset: 120 });
  });

  it("post a treatment array and dedupe (created_at + eventType)", async () => {
    const { call } = await setup();
    const now = new Date().toISOString();
    const check = { eventType: "BG Check", glucose: 100, units: "mg/dl", created_at: now };
    const res = await call("/api/v1/treatments", { body: [...Array(8).fill(check), { eventType: "Meal Bolus", created_at: now, carbs: "30", insulin: "2.00", preBolus: "15", glucose: 100, glucoseType: "Finger", units: "mg/dl" }] });
    expect(res.status).toBe(200);
    expect(new Set(res.json.slice(0, 8).map((t: { _id: string }) => t._id)).size).toBe(1);
    expect((await call("/api/v1/treatments")).json).toHaveLength(3);
    // The same batch again stores nothing more.
    await call("/api/v1/treatments", { body: [check, check] });
    expect((await call("/api/v1/treatments")).json).toHaveLength(3);
  });

  it("post a treatment, query find[carbs], delete by find, verify gone (and its meal with it)", async () => {
    const { a, call } = await setup();
    await call("/api/v1/treatments", { body: { eventType: "Meal Bolus", created_at: new Date().toISOString(), carbs: "99", insulin: "2.00" } });
    expect((await call("/api/v1/treatments?find[carbs]=99")).json[0].carbs).toBe(99);
    expect((await api("/api/v1/meals", { token: a.access })).json.items).toHaveLength(1);
    expect((await call("/api/v1/treatments?find[carbs]=99", { method: "DELETE" })).json).toMatchObject({ deletedCount: 1, ok: 1 });
    expect((await call("/api/v1/treatments?find[carbs]=99")).json).toEqual([]);
    expect((await api("/api/v1/meals", { token: a.access })).json.items).toHaveLength(0);
    expect((await api("/api/v1/insulin", { token: a.access })).json.items).toHaveLength(0);
  });

  it("supports UUID treatment ids for post, put and delete (UUID _id → identifier)", async () => {
    const { call } = await setup();
    const uuid = "69F15FD2-8075-4DEB-AEA3-4352F455840D";
    const at = (m: number) => new Date(Date.now() - m * MIN).toISOString();
    const posted = await call("/api/v1/treatments", { body: { _id: uuid, eventType: "Temporary Override", created_at: at(60), duration: 60 } });
    expect(posted.json[0]).toMatchObject({ _id: expect.stringMatching(HEX24), identifier: uuid });
    const reposted = await call("/api/v1/treatments", { body: { _id: uuid, eventType: "Temporary Override", created_at: at(30), duration: 30 } });
    expect(reposted.json[0]._id).toBe(posted.json[0]._id);
    const put = await call("/api/v1/treatments", { method: "PUT", body: { _id: uuid, eventType: "Temporary Override", created_at: at(15), duration: 15 } });
    expect(put.json).toMatchObject({ _id: posted.json[0]._id, ok: 1 });
    const list = await call("/api/v1/treatments");
    expect(list.json).toHaveLength(1);
    expect(list.json[0]).toMatchObject({ duration: 15, identifier: uuid });
    expect((await call(`/api/v1/treatments/${uuid}`, { method: "DELETE" })).json.deletedCount).toBe(1);
    expect((await call("/api/v1/treatments")).json).toEqual([]);
  });

  it("deduplicates by identifier on re-upload (AAPS-style)", async () => {
    const { call } = await setup();
    const body = { identifier: "aaps-1", eventType: "Correction Bolus", insulin: 1.2, created_at: new Date(Date.now() - 10 * MIN).toISOString() };
    const first = await call("/api/v1/treatments", { body: [body] });
    const again = await call("/api/v1/treatments", { body: [{ ...body, insulin: 1.4 }] });
    expect(again.json[0]._id).toBe(first.json[0]._id);
    const list = await call("/api/v1/treatments");
    expect(list.json.map((t: { insulin: number }) => t.insulin)).toEqual([1.4]);
  });

  it("keeps a client-sent 24-hex _id and deletes by it (DELETE /treatments/:id)", async () => {
    const { call } = await setup();
    const id = "5f0c1e2d3a4b5c6d7e8f9a0b";
    const res = await call("/api/v1/treatments", { body: { _id: id, eventType: "Site Change", created_at: new Date(Date.now() - MIN).toISOString() } });
    expect(res.json[0]._id).toBe(id);
    expect((await call(`/api/v1/treatments?find[_id]=${id}`)).json).toHaveLength(1);
    expect((await call(`/api/v1/treatments/${id}`, { method: "DELETE" })).json.deletedCount).toBe(1);
    expect((await call(`/api/v1/treatments/${id}`, { method: "DELETE" })).json.deletedCount).toBe(0);
  });

  it("find: regex on notes/eventType/enteredBy, $exists, repeated $ne, json fields, default count and window", async () => {
    const { call } = await setup();
    const at = (m: number) => new Date(Date.now() - m * MIN).toISOString();
    await call("/api/v1/treatments", {
      body: [
        { eventType: "Note", notes: "Sensor started", enteredBy: "xdrip", created_at: at(1), uuid: "u-1" },
        { eventType: "Temporary Target", duration: 30, targetTop: 140, targetBottom: 120, enteredBy: "Nightguard", created_at: at(2) },
        { eventType: "Carb Correction", carbs: 20, enteredBy: "Trio", created_at: at(3) },
        { eventType: "Carb Correction", carbs: 15, enteredBy: "remote", created_at: at(4) },
        { eventType: "Old", notes: "five days ago", created_at: at(5 * 24 * 60) },
      ],
    });
    const events = async (q: string) => (await call(`/api/v1/treatments?${q}`)).json.map((t: { eventType: string }) => t.eventType);
    expect(await events("find[notes]=/sens/i")).toEqual(["Note"]);
    expect(await events("find[eventType]=/^Temp/")).toEqual(["Temporary Target"]);
    expect(await events("find[carbs][$exists]=true&find[enteredBy][$ne]=Trio&find[enteredBy][$ne]=xdrip")).toEqual(["Carb Correction"]);
    expect(await events("find[uuid]=u-1")).toEqual(["Note"]);
    expect(await events("find[duration][$gte]=30")).toEqual(["Temporary Target"]);
    expect(await events("find[eventType][$in][]=Note&find[eventType][$in][]=Old")).toEqual(["Note"]);
    // The 4-day default window (query.js enforceDateFilter), lifted by a date condition.
    expect(await events("count=10")).toHaveLength(4);
    expect(await events(`find[created_at][$gte]=${encodeURIComponent(at(6 * 24 * 60))}`)).toHaveLength(5);
    expectFieldError(await call("/api/v1/treatments?find[created_at][$gte]=soon"), 422, "find[created_at][$gte]");
    expectFieldError(await call("/api/v1/treatments?find[notes][$regex]=("), 422, "find[notes][$regex]");
    expectFieldError(await call("/api/v1/treatments?find[carbs][$foo]=1"), 422, "find[carbs][$foo]");
  });

  it("refuses a bad item naming its field and stores the others; a bad single item is 422", async () => {
    const { call } = await setup();
    const res = await call("/api/v1/treatments", { body: [{ eventType: "Bolus", insulin: "lots" }, { eventType: "Carb Correction", carbs: 10, created_at: new Date().toISOString() }] });
    expect(res.status).toBe(200);
    expect(res.json[0].error.fields).toEqual([{ path: "0.insulin", message: "must be a number" }]);
    expect(res.json[1]).toMatchObject({ carbs: 10, _id: expect.stringMatching(HEX24) });
    expectFieldError(await call("/api/v1/treatments", { body: { eventType: 7 } }), 422, "0.eventType");
    expectFieldError(await call("/api/v1/treatments", { body: [42] }), 422, "0");
  });
});

describe("entries (tests/api.entries.test.js, lib/server/entries.js)", () => {
  it("post an entry, query it by id and type, delete by id, verify gone", async () => {
    const { call } = await setup();
    const date = Date.now() - 5 * MIN;
    const res = await call("/api/v1/entries/", { body: { type: "sgv", sgv: "123", date, dateString: new Date(date).toISOString(), device: "test-device", direction: "TripleUp" } });
    expect(res.json).toHaveLength(1);
    const entry = res.json[0];
    expect(entry).toMatchObject({ _id: expect.stringMatching(HEX24), sgv: 123, direction: "TripleUp", type: "sgv" });
    expect((await call(`/api/v1/entries/${entry._id}`)).json[0]).toEqual(entry);
    expect((await call("/api/v1/entries/sgv.json")).json).toEqual([entry]);
    expect((await call("/api/v1/entries/mbg.json")).json).toEqual([]);
    expect((await call(`/api/v1/entries/${entry._id}`, { method: "DELETE" })).json.deletedCount).toBe(1);
    expect((await call("/api/v1/entries.json")).json).toEqual([]);
  });

  it("dedupes by time + type whichever device (upsertQueryFor sysTime + type); retries store nothing twice", async () => {
    const { a, call } = await setup();
    const date = Date.now() - 5 * MIN;
    await call("/api/v1/entries", { body: [{ type: "sgv", sgv: 100, date, device: "xDrip" }] });
    const second = await call("/api/v1/entries", { body: [{ type: "sgv", sgv: 104, date, device: "Juggluco", direction: "Flat" }] });
    expect(second.json[0]).toMatchObject({ sgv: 104, device: "xDrip" });
    await call("/api/v1/entries", { body: [{ type: "mbg", mbg: 98, date, device: "Contour" }] });
    const list = await call("/api/v1/entries.json");
    expect(list.json.map((e: { type: string; sgv?: number; mbg?: number }) => [e.type, e.sgv ?? e.mbg])).toEqual([["sgv", 104], ["mbg", 98]]);
    expect((await api("/api/v1/glucose/readings", { token: a.access })).json.items).toHaveLength(2);
  });

  it("keeps a client-sent 24-hex _id, extras only where sent, and PUT upserts", async () => {
    const { a, call } = await setup();
    const date = Date.now() - 5 * MIN;
    const id = "6123456789abcdef01234567";
    const res = await call("/api/v1/entries", { method: "PUT", body: [{ _id: id, type: "sgv", sgv: 140, date, noise: 1, filtered: 151000, unfiltered: 150000, rssi: -80 }, { type: "sgv", sgv: 141, date: date + MIN }] });
    expect(res.json[0]).toMatchObject({ _id: id, noise: 1, filtered: 151000, unfiltered: 150000, rssi: -80 });
    expect(res.json[1].noise).toBeUndefined();
    expect((await call(`/api/v1/entries/${id}`)).json[0]).toMatchObject({ sgv: 140, rssi: -80 });
    expect((await call("/api/v1/entries.json?find[noise][$exists]=true")).json.map((e: { sgv: number }) => e.sgv)).toEqual([140]);
    expect((await call("/api/v1/entries.json?find[rssi][$lt]=-50")).json.map((e: { sgv: number }) => e.sgv)).toEqual([140]);
    // A reading deleted through the GlucoLens API and sent again without extras has none left over.
    const native = (await api("/api/v1/glucose/readings?limit=10", { token: a.access })).json.items.find((r: { value: number }) => r.value === 140);
    expect((await api(`/api/v1/glucose/readings/${native.id}`, { method: "DELETE", token: a.access })).status).toBe(204);
    const again = await call("/api/v1/entries", { body: [{ type: "sgv", sgv: 142, date }] });
    expect(again.json[0]._id).not.toBe(id);
    expect(again.json[0].rssi).toBeUndefined();
  });

  it("an AAPS entry keeps its app (tests/api.aaps-client.test.js 'SGV entry with AAPS device metadata is stored correctly')", async () => {
    const { call } = await setup();
    const entry = { type: "sgv", sgv: 123, date: Date.now() - 3 * MIN, device: "AndroidAPS-DexcomG6", direction: "Flat", app: "AAPS" };
    const res = await call("/api/v1/entries/", { body: [entry] });
    expect(res.json).toHaveLength(1);
    expect(res.json[0]._id).toMatch(HEX24);
    expect((await call("/api/v1/entries.json?count=1")).json[0]).toMatchObject({ type: "sgv", sgv: 123, device: entry.device, direction: "Flat", app: "AAPS" });
  });

  it("serves sgv as whole mg/dL even for a reading entered in mmol/L", async () => {
    const { a, call } = await setup();
    const time = new Date(Date.now() - 3 * MIN).toISOString();
    const native = await api("/api/v1/glucose/readings", { token: a.access, body: { time, value: 6.2, unit: "mmol/L", source: "meter-app" } });
    expect(native.status, JSON.stringify(native.json)).toBe(201);
    const [entry] = (await call("/api/v1/entries.json")).json;
    expect(Number.isInteger(entry.sgv)).toBe(true);
    expect(entry.sgv).toBe(112);
  });

  it("find operators on entries: $gt/$lt on date and sgv, $in on type, $ne, device", async () => {
    const { call } = await setup();
    const base = Date.now() - 60 * MIN;
    await call("/api/v1/entries", { body: Array.from({ length: 6 }, (_, i) => ({ type: "sgv", sgv: 100 + 10 * i, date: base + i * 5 * MIN, device: i % 2 ? "odd" : "even" })) });
    await call("/api/v1/entries", { body: { type: "mbg", mbg: 120, date: base + MIN, device: "meter" } });
    const sgvs = async (q: string) => (await call(`/api/v1/entries.json?count=100&${q}`)).json.map((e: { sgv?: number; mbg?: number }) => e.sgv ?? e.mbg);
    expect(await sgvs("find[sgv][$gte]=130")).toEqual([150, 140, 130]);
    expect(await sgvs(`find[date][$gt]=${base}&find[date][$lt]=${base + 15 * MIN}`)).toEqual([120, 110, 120]);
    expect(await sgvs("find[type][$in][]=mbg")).toEqual([120]);
    expect(await sgvs("find[device]=odd")).toEqual([150, 130, 110]);
    expect(await sgvs("find[device][$ne]=odd&find[type]=sgv")).toEqual([140, 120, 100]);
    expect(await sgvs("find[device]=/^ev/")).toEqual([140, 120, 100]);
    expect((await call("/api/v1/entries?find[sgv][$lt]=115", { method: "DELETE" })).json.deletedCount).toBe(2);
    expect(await sgvs("find[type]=sgv")).toEqual([150, 140, 130, 120]);
  });

  it("keeps every Nightscout direction and trend number", async () => {
    const { call } = await setup();
    const base = Date.now() - 60 * MIN;
    const directions = ["TripleUp", "DoubleUp", "SingleUp", "FortyFiveUp", "Flat", "FortyFiveDown", "SingleDown", "DoubleDown", "TripleDown", "NOT COMPUTABLE", "RATE OUT OF RANGE", "NONE"];
    await call("/api/v1/entries", { body: directions.map((direction, i) => ({ type: "sgv", sgv: 120, date: base + i * MIN, direction })) });
    const served = (await call("/api/v1/entries.json?count=100")).json.map((e: { direction: string }) => e.direction).reverse();
    expect(served).toEqual(directions);
    await call("/api/v1/entries", { body: { type: "sgv", sgv: 120, date: base + 30 * MIN, trend: 8 } });
    expect((await call("/api/v1/entries/current.json")).json[0].direction).toBe("NOT COMPUTABLE");
  });

  it("post empty array returns [] and preview stores nothing (POST /entries/preview)", async () => {
    const { call } = await setup();
    expect((await call("/api/v1/entries", { body: [] })).json).toEqual([]);
    const preview = await call("/api/v1/entries/preview", { body: [{ type: "sgv", sgv: 100, date: Date.now() - MIN }] });
    expect(preview.json[0]).toMatchObject({ sgv: 100 });
    expect((await call("/api/v1/entries.json")).json).toEqual([]);
  });
});

describe("devicestatus (tests/api.devicestatus.test.js)", () => {
  it("stores, answers _id, dedupes a retry, deletes by id and by find", async () => {
    const { call } = await setup();
    const doc = { device: "openaps://phone", created_at: new Date(Date.now() - MIN).toISOString(), uploaderBattery: 80, pump: { battery: { percent: 50 } } };
    const first = await call("/api/v1/devicestatus", { body: [doc] });
    expect(first.json[0]._id).toMatch(HEX24);
    const retry = await call("/api/v1/devicestatus", { body: [doc] });
    expect(retry.json[0]._id).toBe(first.json[0]._id);
    expect((await call("/api/v1/devicestatus.json")).json).toHaveLength(1);
    expect((await call("/api/v1/devicestatus.json?find[pump.battery.percent][$gte]=40")).json).toHaveLength(1);
    expect((await call("/api/v1/devicestatus.json?find[pump][battery][percent][$gte]=60")).json).toHaveLength(0);
    expect((await call(`/api/v1/devicestatus/${first.json[0]._id}`, { method: "DELETE" })).json.deletedCount).toBe(1);
    expect((await call("/api/v1/devicestatus.json")).json).toEqual([]);
    await call("/api/v1/devicestatus", { body: [{ ...doc, created_at: new Date().toISOString() }] });
    expect((await call("/api/v1/devicestatus?find[device]=openaps://phone", { method: "DELETE" })).json.deletedCount).toBe(1);
  });

  it("OpenAPS predBGs longer than 288 are cut to 288, shorter ones kept (tests/api.partial-failures.test.js, devicestatus.js truncatePredictions)", async () => {
    const { call } = await setup();
    const series = (n: number) => Array.from({ length: n }, (_, i) => 120 - i * 0.1);
    const doc = { device: "truncation-test", created_at: new Date(Date.now() - MIN).toISOString(), openaps: { suggested: { predBGs: { IOB: series(350), COB: series(350), UAM: series(350), ZT: series(350) } }, enacted: { predBGs: { IOB: series(100), COB: series(300) } } } };
    const [saved] = (await call("/api/v1/devicestatus/", { body: [doc] })).json;
    for (const type of ["IOB", "COB", "UAM", "ZT"]) expect(saved.openaps.suggested.predBGs[type], type).toHaveLength(288);
    expect(saved.openaps.enacted.predBGs.IOB).toHaveLength(100);
    expect(saved.openaps.enacted.predBGs.COB).toHaveLength(288);
    const [stored] = (await call("/api/v1/devicestatus.json?count=1")).json;
    expect(stored.openaps.suggested.predBGs.IOB).toEqual(series(288));
  });

  it("_id validation: 400 'Invalid _id format' (sendJSONStatus shape) for a UUID, a short _id, an array with one, a DELETE by one; 24-hex kept; DELETE * by find", async () => {
    const { call } = await setup();
    const at = (day: number) => new Date(Date.UTC(2024, 0, day)).toISOString();
    const invalid = (res: { status: number; json: any }, field: string) => {
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ status: 400, message: expect.stringMatching(/Invalid _id format/i) });
      expect(res.json.error.fields[0].path).toBe(field);
    };
    invalid(await call("/api/v1/devicestatus/", { body: { _id: "my-uuid-12345", device: "test-device", created_at: at(1) } }), "0._id");
    invalid(await call("/api/v1/devicestatus/", { body: { _id: "abc", device: "test-device", created_at: at(1) } }), "0._id");
    invalid(await call("/api/v1/devicestatus/invalid-uuid-here", { method: "DELETE" }), "_id");
    invalid(await call("/api/v1/devicestatus/", { body: [{ device: "device1", created_at: at(1) }, { _id: "bad-uuid", device: "device2", created_at: at(2) }] }), "1._id");
    expect((await call("/api/v1/devicestatus.json?find[created_at][$gte]=2023-12-31")).json).toEqual([]);
    const valid = await call("/api/v1/devicestatus/", { body: { _id: "bbbbbbbbbbbbbbbbbbbbbbbb", device: "test-device-valid", created_at: at(2) } });
    expect(valid.json.map((d: { _id: string }) => d._id)).toEqual(["bbbbbbbbbbbbbbbbbbbbbbbb"]);
    expect((await call("/api/v1/devicestatus/bbbbbbbbbbbbbbbbbbbbbbbb", { method: "DELETE" })).status).toBe(200);
    expect((await call("/api/v1/devicestatus/", { body: { device: "delete-wildcard-test", created_at: "2020-01-01T00:00:00Z" } })).json[0]._id).toMatch(HEX24);
    expect((await call("/api/v1/devicestatus/*?find[created_at][$lte]=2020-01-02", { method: "DELETE" })).json.deletedCount).toBe(1);
  });
});

describe("food (tests/api.food.test.js)", () => {
  it("'put a food, query, delete, verify gone' with a form body (type=food&…, as the careportal sends it); a form treatment is coerced as JSON's", async () => {
    const { up, call } = await setup();
    const form = (path: string, method: string, raw: string) => api(path, { method, raw, headers: { "api-secret": up.apiSecret, "content-type": "application/x-www-form-urlencoded" } });
    const put = await form("/api/v1/food/", "PUT", "type=food&category=snack&subcategory=fast&name=a+food&portion=0&carbs=10&fat=0&protein=0&energy=0&gi=2&unit=g");
    expect(put.status).toBe(200);
    const foods = (await call("/api/v1/food/")).json;
    expect(foods).toEqual([expect.objectContaining({ type: "food", category: "snack", name: "a food", carbs: "10", unit: "g" })]);
    expect((await call(`/api/v1/food/${foods[0]._id}`, { method: "DELETE" })).status).toBe(200);
    expect((await call("/api/v1/food/")).json).toHaveLength(0);
    // Nested keys as qs reads them (body-parser urlencoded extended).
    const at = new Date(Date.now() - 5 * MIN).toISOString();
    const posted = await form("/api/v1/treatments/", "POST", `eventType=Meal+Bolus&carbs=30&insulin=2.5&created_at=${encodeURIComponent(at)}&notes=lunch&boluscalc[profile]=Default`);
    expect(posted.status).toBe(200);
    expect(posted.json[0]).toMatchObject({ eventType: "Meal Bolus", carbs: 30, insulin: 2.5, notes: "lunch", boluscalc: { profile: "Default" } });
  });

  it("creates, lists regular and quickpicks, updates and deletes; a bad _id is 400", async () => {
    const { call } = await setup();
    const created = await call("/api/v1/food/", { body: [{ type: "food", category: "Fruit", name: "Apple", carbs: 15, unit: "pcs" }, { type: "quickpick", name: "Snack", hidden: "false", position: 2 }] });
    expect(created.status).toBe(200);
    expect(created.json[0]._id).toMatch(HEX24);
    expect((await call("/api/v1/food/regular")).json.map((f: { name: string }) => f.name)).toEqual(["Apple"]);
    expect((await call("/api/v1/food/quickpicks")).json.map((f: { name: string }) => f.name)).toEqual(["Snack"]);
    await call("/api/v1/food/", { method: "PUT", body: { ...created.json[0], carbs: 20 } });
    expect((await call("/api/v1/food")).json.find((f: { name: string }) => f.name === "Apple").carbs).toBe(20);
    expect((await call(`/api/v1/food/${created.json[0]._id}`, { method: "DELETE" })).json).toEqual({});
    expect((await call("/api/v1/food")).json).toHaveLength(1);
    expectFieldError(await call("/api/v1/food/", { body: { _id: "nope", name: "x" } }), 400, "0._id");
    expectFieldError(await call("/api/v1/food/nope", { method: "DELETE" }), 400, "_id");
  });
});

describe("isolation of the new routes", () => {
  it("B's credentials never read, change or delete A's documents by id or by find", async () => {
    const A = await setup();
    const B = await setup();
    const at = new Date(Date.now() - MIN).toISOString();
    const t = (await A.call("/api/v1/treatments", { body: { eventType: "Note", notes: "A's", created_at: at } })).json[0];
    const d = (await A.call("/api/v1/devicestatus", { body: { device: "a", created_at: at } })).json[0];
    const f = (await A.call("/api/v1/food", { body: { type: "food", name: "A's food" } })).json[0];
    const e = (await A.call("/api/v1/entries", { body: { type: "sgv", sgv: 111, date: Date.now() - MIN } })).json[0];
    for (const [path, id] of [["treatments", t._id], ["devicestatus", d._id], ["entries", e._id]] as const) {
      expect((await B.call(`/api/v1/${path}/${id}`, { method: "DELETE" })).json.deletedCount, path).toBe(0);
      expect((await B.call(`/api/v1/${path}?find[_id]=${id}`, { method: "DELETE" })).json.deletedCount, path).toBe(0);
      expect((await B.call(`/api/v1/${path}.json?find[_id]=${id}`)).json, path).toEqual([]);
    }
    await B.call(`/api/v1/food/${f._id}`, { method: "DELETE" });
    expect((await B.call("/api/v1/food")).json).toEqual([]);
    // B's upsert with A's ids lands in B's account only.
    await B.call("/api/v1/treatments", { body: { _id: t._id, eventType: "Note", notes: "B's", created_at: at } });
    expect((await A.call("/api/v1/treatments")).json.map((x: { notes: string }) => x.notes)).toEqual(["A's"]);
    expect((await A.call("/api/v1/devicestatus.json")).json).toHaveLength(1);
    expect((await A.call("/api/v1/food")).json).toHaveLength(1);
    expect((await A.call("/api/v1/entries.json")).json).toHaveLength(1);
    expect((await B.call("/api/v1/count/treatments/where")).json).toEqual([{ _id: null, count: 1 }]);
    expect((await A.call("/api/v1/count/treatments/where")).json).toEqual([{ _id: null, count: 1 }]);
  });
});
