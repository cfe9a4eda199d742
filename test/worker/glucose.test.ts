import { describe, expect, it } from "vitest";
import { api, expectFieldError, register } from "./helpers.ts";
import { userD1ByPublicId } from "./shard-helpers.ts";

const MIN = 60_000;
const base = Date.UTC(2024, 4, 1, 6, 0, 0);

describe("single readings", () => {
  it("creates, converts mmol/L, reads back, updates and deletes", async () => {
    const a = await register();
    const created = await api("/api/v1/glucose/readings", {
      token: a.access,
      body: { time: "2024-05-01T08:00:00+02:00", value: 5.5, unit: "mmol/L", source: "libre", trend: "FortyFiveDown" },
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ id: expect.any(String), time: "2024-05-01T06:00:00.000Z", value: 99.1, unit: "mg/dL", source: "libre", trend: "FortyFiveDown" });

    const got = await api(`/api/v1/glucose/readings/${created.json.id}`, { token: a.access });
    expect(got.json).toEqual(created.json);

    const patched = await api(`/api/v1/glucose/readings/${created.json.id}`, { method: "PATCH", token: a.access, body: { value: 104 } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ id: created.json.id, value: 104, trend: "FortyFiveDown" });

    const moved = await api(`/api/v1/glucose/readings/${created.json.id}`, { method: "PATCH", token: a.access, body: { time: base + 5 * MIN } });
    expect(moved.json.time).toBe(new Date(base + 5 * MIN).toISOString());
    expect((await api(`/api/v1/glucose/readings/${created.json.id}`, { token: a.access })).status).toBe(404);

    expect((await api(`/api/v1/glucose/readings/${moved.json.id}`, { method: "DELETE", token: a.access })).status).toBe(204);
    expect((await api(`/api/v1/glucose/readings/${moved.json.id}`, { token: a.access })).status).toBe(404);
  });

  it("reports a duplicate (same time and source) with 409 and stores it once", async () => {
    const a = await register();
    const body = { time: base, value: 120, source: "dexcom" };
    expect((await api("/api/v1/glucose/readings", { token: a.access, body })).status).toBe(201);
    expectFieldError(await api("/api/v1/glucose/readings", { token: a.access, body: { ...body, value: 130 } }), 409, "time");
    // Same time, other source: a different reading.
    expect((await api("/api/v1/glucose/readings", { token: a.access, body: { ...body, source: "libre" } })).status).toBe(201);
    const list = await api(`/api/v1/glucose/readings?start=${base}&end=${base + 1}`, { token: a.access });
    expect(list.json.items.map((r: { value: number }) => r.value)).toEqual([120, 120]);
  });

  it.each([
    [{ value: "high" }, "value"],
    [{ value: 5 }, "value"],
    [{ value: 900 }, "value"],
    [{ value: 40, unit: "mmol/L" }, "value"],
    [{ time: "2024-05-01T08:00:00" }, "time"],
    [{ time: "yesterday" }, "time"],
    [{ time: Date.now() + 3 * 24 * 3600_000 }, "time"],
    [{ trend: "Sideways" }, "trend"],
    [{ unit: "mg" }, "unit"],
    [{ source: "" }, "source"],
  ])("validates %o", async (override, field) => {
    const a = await register();
    expectFieldError(await api("/api/v1/glucose/readings", { token: a.access, body: { time: base, value: 100, ...override } }), 422, field);
  });

  it("answers 404 for unknown or malformed ids and 401 without a token", async () => {
    const a = await register();
    expect((await api("/api/v1/glucose/readings/zzz", { token: a.access })).status).toBe(404);
    expect((await api("/api/v1/glucose/readings/abc.1", { token: a.access })).status).toBe(404);
    expect((await api("/api/v1/glucose/readings")).status).toBe(401);
    expect((await api("/api/v1/glucose/bulk", { body: { readings: [] } })).status).toBe(401);
  });
});

describe("bulk readings", () => {
  it("stores valid items, rejects invalid ones by index and field, counts duplicates", async () => {
    const a = await register();
    const readings = [
      { time: base, value: 100 },
      { time: base + 5 * MIN, value: "oops" },
      { time: base + 10 * MIN, value: 110, trend: "Flat" },
      { time: base, value: 100 },
      { value: 90 },
    ];
    const res = await api("/api/v1/glucose/bulk", { token: a.access, body: { readings } });
    expect(res.status).toBe(200);
    expect(res.json.inserted).toBe(2);
    expect(res.json.duplicates).toBe(1);
    expect(res.json.rejected).toEqual([
      { index: 1, fields: [{ path: "value", message: expect.any(String) }] },
      { index: 4, fields: [{ path: "time", message: expect.any(String) }] },
    ]);
  });

  it("is idempotent: posting the same 10,000 readings twice stores 10,000", async () => {
    const a = await register();
    const readings = Array.from({ length: 10_000 }, (_, i) => ({ time: base + i * 5 * MIN, value: 100 + Math.round(40 * Math.sin(i / 20)), source: "dexcom-g7" }));
    const first = await api("/api/v1/glucose/bulk", { token: a.access, body: { readings } });
    expect(first.json).toEqual({ inserted: 10_000, duplicates: 0, rejected: [] });
    const second = await api("/api/v1/glucose/bulk", { token: a.access, body: { readings } });
    expect(second.json).toEqual({ inserted: 0, duplicates: 10_000, rejected: [] });
    const count = await (await userD1ByPublicId(a.id)).prepare("SELECT count(*) AS n FROM glucose_readings WHERE user_id = (SELECT id FROM users WHERE public_id = ?)").bind(a.id).first<{ n: number }>();
    expect(count!.n).toBe(10_000);
  });

  it("refuses more than 10,000 items and non-array bodies", async () => {
    const a = await register();
    const readings = Array.from({ length: 10_001 }, (_, i) => ({ time: base + i * MIN, value: 100 }));
    expectFieldError(await api("/api/v1/glucose/bulk", { token: a.access, body: { readings } }), 422, "readings");
    expectFieldError(await api("/api/v1/glucose/bulk", { token: a.access, body: { readings: "many" } }), 422, "readings");
    expectFieldError(await api("/api/v1/glucose/bulk", { token: a.access, body: [] }), 422);
  });

  it("refuses oversized bodies with 413", async () => {
    const a = await register();
    const res = await api("/api/v1/glucose/readings", { token: a.access, raw: JSON.stringify({ time: base, value: 100, source: "x".repeat(300_000) }) });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe("payload_too_large");
  });
});

describe("listing readings", () => {
  it("pages through a range with the cursor in time order", async () => {
    const a = await register();
    const readings = Array.from({ length: 25 }, (_, i) => ({ time: base + i * 5 * MIN, value: 80 + i }));
    await api("/api/v1/glucose/bulk", { token: a.access, body: { readings } });
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { json: { items: { value: number }[]; next_cursor: string | null } } = await api(
        `/api/v1/glucose/readings?start=${new Date(base + 5 * MIN).toISOString()}&end=${base + 20 * 5 * MIN}&limit=7${cursor ? `&cursor=${cursor}` : ""}`,
        { token: a.access },
      );
      seen.push(...page.json.items.map((r) => r.value));
      cursor = page.json.next_cursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 19 }, (_, i) => 81 + i));
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=10001", "limit"],
    ["limit=abc", "limit"],
    ["start=tomorrow", "start"],
    [`start=${base + 10}&end=${base}`, "end"],
    ["cursor=%%%", "cursor"],
  ])("validates the query %s", async (query, field) => {
    const a = await register();
    expectFieldError(await api(`/api/v1/glucose/readings?${query}`, { token: a.access }), 422, field);
  });

  it("deletes a time range", async () => {
    const a = await register();
    await api("/api/v1/glucose/bulk", { token: a.access, body: { readings: Array.from({ length: 10 }, (_, i) => ({ time: base + i * 5 * MIN, value: 100 })) } });
    const res = await api(`/api/v1/glucose/readings?start=${base + 5 * MIN}&end=${base + 20 * MIN}`, { method: "DELETE", token: a.access });
    expect(res.json).toEqual({ deleted: 3 });
    expectFieldError(await api(`/api/v1/glucose/readings?start=${base}`, { method: "DELETE", token: a.access }), 422, "end");
    const left = await api("/api/v1/glucose/readings", { token: a.access });
    expect(left.json.items).toHaveLength(7);
  });
});

describe("series", () => {
  it("answers a range as columns in time order", async () => {
    const a = await register();
    await api("/api/v1/glucose/bulk", { token: a.access, body: { readings: [2, 0, 1].map((i) => ({ time: base + i * 5 * MIN, value: 100 + i + 0.5 })) } });
    const res = await api(`/api/v1/glucose/series?start=${base}&end=${base + 3600_000}`, { token: a.access });
    expect(res.json).toEqual({ unit: "mg/dL", count: 3, t: [0, 1, 2].map((i) => (base + i * 5 * MIN) / 1000), v: [100.5, 101.5, 102.5] });
    const empty = await api(`/api/v1/glucose/series?start=${base - 3600_000}&end=${base}`, { token: a.access });
    expect(empty.json).toEqual({ unit: "mg/dL", count: 0, t: [], v: [] });
    expectFieldError(await api(`/api/v1/glucose/series?start=${base}`, { token: a.access }), 422, "end");
    expectFieldError(await api(`/api/v1/glucose/series?start=${base}&end=${base + 500 * 86_400_000}`, { token: a.access }), 422, "end");
  });
});
