import { describe, expect, it } from "vitest";
import { api, register } from "./helpers.ts";
import { userD1ByPublicId } from "./shard-helpers.ts";
import { samples } from "./record-samples.ts";

// User B must never read, change or delete user A's data: every attempt answers 404 (the record
// does not exist for B) and A's data is unchanged afterwards.
describe("cross-user isolation", () => {
  it.each(samples)("B cannot reach A's $path", async (sample) => {
    const a = await register();
    const b = await register();
    const url = `/api/v1/${sample.path}`;
    const created = (await api(url, { token: a.access, body: sample.valid })).json;
    expect((await api(`${url}/${created.id}`, { token: b.access })).status).toBe(404);
    expect((await api(`${url}/${created.id}`, { method: "PATCH", token: b.access, body: sample.update })).status).toBe(404);
    expect((await api(`${url}/${created.id}`, { method: "DELETE", token: b.access })).status).toBe(404);
    expect((await api(url, { token: b.access })).json.items).toEqual([]);
    expect((await api(`${url}/${created.id}`, { token: a.access })).json).toEqual(created);
  });

  it("B cannot reach A's glucose readings", async () => {
    const a = await register();
    const b = await register();
    const t = Date.UTC(2024, 4, 1);
    const reading = (await api("/api/v1/glucose/readings", { token: a.access, body: { time: t, value: 140, source: "cgm" } })).json;
    expect((await api(`/api/v1/glucose/readings/${reading.id}`, { token: b.access })).status).toBe(404);
    expect((await api(`/api/v1/glucose/readings/${reading.id}`, { method: "PATCH", token: b.access, body: { value: 60 } })).status).toBe(404);
    expect((await api(`/api/v1/glucose/readings/${reading.id}`, { method: "DELETE", token: b.access })).status).toBe(404);
    expect((await api(`/api/v1/glucose/readings?start=${t - 1}&end=${t + 1}`, { method: "DELETE", token: b.access })).json).toEqual({ deleted: 0 });
    expect((await api("/api/v1/glucose/readings", { token: b.access })).json.items).toEqual([]);
    // B posting the same (time, source) stores B's own reading, not a duplicate of A's.
    expect((await api("/api/v1/glucose/readings", { token: b.access, body: { time: t, value: 99, source: "cgm" } })).status).toBe(201);
    expect((await api(`/api/v1/glucose/readings/${reading.id}`, { token: a.access })).json.value).toBe(140);
  });

  it("deleting B's account leaves A's data alone", async () => {
    const a = await register();
    const b = await register();
    await api("/api/v1/glucose/readings", { token: a.access, body: { time: Date.UTC(2024, 4, 1), value: 140 } });
    await api("/api/v1/auth/me", { method: "DELETE", token: b.access, body: { password: b.password } });
    const n = await (await userD1ByPublicId(a.id)).prepare("SELECT count(*) AS n FROM glucose_readings g JOIN users u ON u.id = g.user_id WHERE u.public_id = ?").bind(a.id).first<{ n: number }>();
    expect(n!.n).toBe(1);
  });
});
