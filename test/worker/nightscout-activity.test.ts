/**
 * Nightscout's activity collection (worker/nightscout/activity.ts): nightscout/cgm-remote-monitor
 * tests/api.activity.test.js ported whole, then the rules of lib/api/activity/index.js and
 * lib/server/activity.js (create's upsert, save, list's default window and Last-Modified) it rests
 * on, bad input, and isolation between users.
 */
// Nightscout's documents name their id `_id`.
/* eslint-disable no-underscore-dangle */
import { describe, expect, it } from "vitest";
import { api, expectFieldError, register } from "./helpers.ts";
import { ns, uploader } from "./interop-helpers.ts";

const DAY = 86_400_000;
const HEX24 = /^[0-9a-f]{24}$/;

async function setup() {
  const a = await register();
  const up = await uploader(a.access);
  return { a, up, call: (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => ns(up.apiSecret, path, init) };
}

describe("tests/api.activity.test.js", () => {
  const sample = { created_at: "2024-10-26T20:32:49.173Z", heartrate: 120, steps: 0, activitylevel: "?" };

  it("put a activity, query, delete, verify gone", async () => {
    const { call } = await setup();
    expect((await call("/api/v1/activity/", { method: "PUT", body: sample })).status).toBe(200);
    const found = await call("/api/v1/activity/?find[created_at][$gte]=2024-10-25T20:32&find[created_at][$lte]=2024-10-27T20:22");
    expect(found.status).toBe(200);
    expect(found.json).toEqual([{ ...sample, _id: expect.stringMatching(HEX24) }]);
    expect((await call(`/api/v1/activity/${found.json[0]._id}`, { method: "DELETE" })).status).toBe(200);
    expect((await call("/api/v1/activity/?find[created_at][$gte]=2024-10-25T20:32&find[created_at][$lte]=2024-10-27T20:22")).json).toEqual([]);
    // The test's last query names an empty range (gte after lte): 200 and nothing.
    const empty = await call("/api/v1/activity/?find[created_at][$gte]=2024-10-27T20:32&find[created_at][$lte]=2024-10-25T20:22");
    expect([empty.status, empty.json]).toEqual([200, []]);
  });

  it("post a activity, query, delete, verify gone", async () => {
    const { call } = await setup();
    expect((await call("/api/v1/activity/", { body: sample })).status).toBe(200);
    const found = await call("/api/v1/activity/?find[created_at][$gte]=2024-10-25T20:32&find[created_at][$lte]=2027-10-25T20:22");
    expect(found.json).toHaveLength(1);
    expect((await call(`/api/v1/activity/${found.json[0]._id}`, { method: "DELETE" })).status).toBe(200);
    expect((await call("/api/v1/activity/?find[created_at][$gte]=2024-10-25T20:32&find[created_at][$lte]=2027-10-25T20:22")).json).toEqual([]);
  });

  it("post single activity returns array with one item", async () => {
    const { call } = await setup();
    const res = await call("/api/v1/activity/", { body: { created_at: new Date().toISOString(), heartrate: 85, steps: 1500, activitylevel: "moderate" } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual([expect.objectContaining({ _id: expect.stringMatching(HEX24), heartrate: 85, steps: 1500, activitylevel: "moderate" })]);
    expect((await call(`/api/v1/activity/${res.json[0]._id}`, { method: "DELETE" })).status).toBe(200);
  });

  it("post activity array returns array", async () => {
    const { call } = await setup();
    const now = new Date().toISOString();
    const res = await call("/api/v1/activity/", { body: [{ created_at: now, heartrate: 70, steps: 500, activitylevel: "low" }, { created_at: now, heartrate: 150, steps: 3000, activitylevel: "high" }] });
    expect(res.status).toBe(200);
    expect(res.json.map((d: { heartrate: number }) => d.heartrate)).toEqual([70, 150]);
    expect(res.json[0]._id).not.toBe(res.json[1]._id);
    for (const d of res.json) expect((await call(`/api/v1/activity/${d._id}`, { method: "DELETE" })).status).toBe(200);
    expect((await call("/api/v1/activity")).json).toEqual([]);
  });

  it("post empty array returns empty array", async () => {
    const { call } = await setup();
    const res = await call("/api/v1/activity/", { body: [] });
    expect([res.status, res.json]).toEqual([200, []]);
  });
});

describe("lib/server/activity.js create, save and list", () => {
  it("create: a retry without _id stores nothing twice (replaceOne by the document itself); a sent _id is kept and replaced", async () => {
    const { call } = await setup();
    const at = new Date(Date.now() - 60_000).toISOString();
    const doc = { created_at: at, heartrate: 90, steps: 12 };
    const first = (await call("/api/v1/activity", { body: [doc, { ...doc, steps: 13 }] })).json;
    const again = (await call("/api/v1/activity.json", { body: [doc, doc] })).json;
    expect(again.map((d: { _id: string }) => d._id)).toEqual([first[0]._id, first[0]._id]);
    expect((await call("/api/v1/activity")).json).toHaveLength(2);
    const id = "5f2b3c4d5e6f708192a3b4c5";
    await call("/api/v1/activity", { body: { _id: id, created_at: at, heartrate: 100 } });
    await call("/api/v1/activity", { body: { _id: id, created_at: at, heartrate: 101 } });
    const list = (await call("/api/v1/activity")).json;
    expect(list).toHaveLength(3);
    expect(list.filter((d: { _id: string }) => d._id === id)).toEqual([{ _id: id, created_at: at, heartrate: 101 }]);
  });

  it("save (PUT): a document without _id gets one and created_at now; with _id it replaces the document", async () => {
    const { call } = await setup();
    const before = Date.now();
    const saved = await call("/api/v1/activity/", { method: "PUT", body: { heartrate: 60 } });
    expect(saved.status).toBe(200);
    expect(saved.json._id).toMatch(HEX24);
    expect(Date.parse(saved.json.created_at)).toBeGreaterThanOrEqual(before - 1000);
    await call("/api/v1/activity/", { method: "PUT", body: { ...saved.json, heartrate: 61 } });
    expect((await call("/api/v1/activity")).json).toEqual([{ ...saved.json, heartrate: 61 }]);
  });

  it("list: newest first, all of them without count, `count` limits, Nightscout's default window without a date, Last-Modified and 304", async () => {
    const { call } = await setup();
    const now = Date.now();
    const docs = [1, 2, 3].map((h) => ({ created_at: new Date(now - h * 3600_000).toISOString(), steps: h }));
    await call("/api/v1/activity", { body: [...docs, { created_at: new Date(now - 10 * DAY).toISOString(), steps: 240 }] });
    const list = await call("/api/v1/activity");
    expect(list.json.map((d: { steps: number }) => d.steps)).toEqual([1, 2, 3]);
    expect((await call("/api/v1/activity?count=2")).json.map((d: { steps: number }) => d.steps)).toEqual([1, 2]);
    expect((await call(`/api/v1/activity?find[created_at][$lt]=${new Date(now - 5 * DAY).toISOString()}`)).json.map((d: { steps: number }) => d.steps)).toEqual([240]);
    const lastModified = list.headers.get("last-modified")!;
    expect(Date.parse(lastModified)).toBe(Math.floor(Date.parse(docs[0]!.created_at) / 1000) * 1000);
    expect((await call("/api/v1/activity", { headers: { "if-modified-since": lastModified } })).status).toBe(304);
    expect((await call("/api/v1/activity", { headers: { "if-modified-since": new Date(now - 2 * 3600_000).toUTCString() } })).status).toBe(200);
  });
});

describe("bad input", () => {
  it("an invalid _id is 400 naming it (the whole batch, as objectid-validation.js); a bad created_at or a non-object is refused naming it, the good items stored", async () => {
    const { call } = await setup();
    expectFieldError(await call("/api/v1/activity", { body: [{ heartrate: 1 }, { _id: "nope", heartrate: 2 }] }), 400, "1._id");
    expectFieldError(await call("/api/v1/activity", { method: "PUT", body: { _id: 7, heartrate: 2 } }), 400, "0._id");
    expectFieldError(await call("/api/v1/activity/nope", { method: "DELETE" }), 400, "_id");
    expect((await call("/api/v1/activity")).json).toEqual([]);
    expectFieldError(await call("/api/v1/activity", { body: { created_at: "yesterday", heartrate: 3 } }), 422, "0.created_at");
    expectFieldError(await call("/api/v1/activity", { method: "PUT", body: [{ heartrate: 3 }] }), 422, "0");
    const mixed = await call("/api/v1/activity", { body: [{ heartrate: 4 }, "x", { created_at: "soon", heartrate: 5 }] });
    expect(mixed.status).toBe(200);
    expect(mixed.headers.get("x-rejected-items")).toBe("2");
    expect(mixed.json[0]).toMatchObject({ heartrate: 4, _id: expect.stringMatching(HEX24) });
    expect(mixed.json[1].error.fields[0].path).toBe("1");
    expect(mixed.json[2].error.fields[0].path).toBe("2.created_at");
    expect((await call("/api/v1/activity")).json.map((d: { heartrate: number }) => d.heartrate)).toEqual([4]);
  });

  it("no credential is 401 as Nightscout's denied default role", async () => {
    const res = await api("/api/v1/activity");
    expect(res.status).toBe(401);
  });
});

describe("isolation", () => {
  it("B never reads, replaces or deletes A's activity, by id, by find or by content", async () => {
    const A = await setup();
    const B = await setup();
    const at = new Date(Date.now() - 60_000).toISOString();
    const a = (await A.call("/api/v1/activity", { body: { created_at: at, heartrate: 77 } })).json[0];
    expect((await B.call(`/api/v1/activity?find[_id]=${a._id}`)).json).toEqual([]);
    expect((await B.call("/api/v1/activity")).json).toEqual([]);
    expect((await B.call(`/api/v1/activity/${a._id}`, { method: "DELETE" })).status).toBe(200);
    await B.call("/api/v1/activity", { method: "PUT", body: { _id: a._id, created_at: at, heartrate: 1 } });
    const same = (await B.call("/api/v1/activity", { body: { created_at: at, heartrate: 77 } })).json[0];
    expect(same._id).not.toBe(a._id);
    expect((await A.call("/api/v1/activity")).json).toEqual([a]);
    expect((await B.call("/api/v1/activity")).json).toHaveLength(2);
  });
});
