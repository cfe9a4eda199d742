import { describe, expect, it } from "vitest";
import { api, expectFieldError, register } from "./helpers.ts";
import { samples, shifted } from "./record-samples.ts";

describe.each(samples)("/api/v1/$path", (sample) => {
  const url = `/api/v1/${sample.path}`;

  it("creates, gets, updates and deletes", async () => {
    const a = await register();
    const created = await api(url, { token: a.access, body: sample.valid });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(created.json.id).toEqual(expect.any(String));
    for (const [k, v] of Object.entries(sample.valid)) expect(created.json[k], k).toEqual(v);

    const got = await api(`${url}/${created.json.id}`, { token: a.access });
    expect(got.json).toEqual(created.json);

    const updated = await api(`${url}/${created.json.id}`, { method: "PATCH", token: a.access, body: sample.update });
    expect(updated.status, JSON.stringify(updated.json)).toBe(200);
    for (const [k, v] of Object.entries(sample.update)) expect(updated.json[k], k).toEqual(v);

    expect((await api(`${url}/${created.json.id}`, { method: "DELETE", token: a.access })).status).toBe(204);
    expect((await api(`${url}/${created.json.id}`, { token: a.access })).status).toBe(404);
  });

  it("refuses an update with no body or a broken one (400 naming body), or not JSON (415), and keeps the record", async () => {
    const a = await register();
    const created = await api(url, { token: a.access, body: sample.valid });
    for (const [raw, type, status] of [[undefined, undefined, 400], ["", "application/json", 400], ["{", "application/json", 400], ["[1]", "text/plain", 415]] as const) {
      const res = await api(`${url}/${created.json.id}`, { method: "PATCH", token: a.access, raw, headers: type ? { "content-type": type } : {} });
      expectFieldError(res, status, status === 400 ? "body" : undefined);
    }
    expect((await api(`${url}/${created.json.id}`, { token: a.access })).json).toEqual(created.json);
  });

  it("names the invalid field for every bad body (create and update)", async () => {
    const a = await register();
    const created = await api(url, { token: a.access, body: sample.valid });
    for (const [override, field] of sample.invalid) {
      const body = { ...sample.valid, ...override };
      expectFieldError(await api(url, { token: a.access, body }), 422, field || undefined);
      expectFieldError(await api(`${url}/${created.json.id}`, { method: "PATCH", token: a.access, body: override }), 422, field || undefined);
    }
    // Nothing invalid was stored, and the record kept its values.
    const list = await api(url, { token: a.access });
    expect(list.json.items).toEqual([created.json]);
  });

  it("reports an identical record as a duplicate", async () => {
    const a = await register();
    expect((await api(url, { token: a.access, body: sample.valid })).status).toBe(201);
    expect((await api(url, { token: a.access, body: sample.valid })).status).toBe(409);
  });

  it("bulk-creates with per-item rejections and duplicate counts, then pages with a cursor", async () => {
    const a = await register();
    const items = Array.from({ length: 12 }, (_, i) => shifted(sample, i));
    items.push({ ...sample.valid, ...sample.invalid[0]![0] }, items[0]!);
    const res = await api(`${url}/bulk`, { token: a.access, body: { items } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.inserted).toBe(12);
    expect(res.json.duplicates).toBe(1);
    expect(res.json.rejected).toHaveLength(1);
    expect(res.json.rejected[0].index).toBe(12);

    const again = await api(`${url}/bulk`, { token: a.access, body: { items: items.slice(0, 12) } });
    expect(again.json).toMatchObject({ inserted: 0, duplicates: 12 });

    const ids = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { json: { items: Record<string, string>[]; next_cursor: string | null } } = await api(`${url}?limit=5${cursor ? `&cursor=${cursor}` : ""}`, { token: a.access });
      const times = page.json.items.map((r) => r[sample.timeField]!);
      expect(times).toEqual([...times].sort());
      for (const r of page.json.items) ids.add(r.id!);
      cursor = page.json.next_cursor;
      pages++;
    } while (cursor);
    expect(ids.size).toBe(12);
    expect(pages).toBe(3);
  });

  it("filters by start and end", async () => {
    const a = await register();
    await api(`${url}/bulk`, { token: a.access, body: { items: Array.from({ length: 6 }, (_, i) => shifted(sample, i)) } });
    const all = (await api(url, { token: a.access })).json.items as Record<string, string>[];
    const times = all.map((r) => Date.parse(sample.timeField === "date" ? `${r.date}T00:00:00Z` : r[sample.timeField]!));
    const start = times[1]!;
    const end = times[4]!;
    const some = await api(`${url}?start=${new Date(start).toISOString()}&end=${end}`, { token: a.access });
    expect(some.json.items).toHaveLength(3);
  });

  it("requires a token", async () => {
    expect((await api(url)).status).toBe(401);
    expect((await api(url, { body: sample.valid })).status).toBe(401);
    expect((await api(`${url}/1`)).status).toBe(401);
  });
});
