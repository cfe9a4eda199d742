/**
 * Imports sent in parts (POST /api/v1/imports?upload_id=…&part=…&last=…): the totals of a file
 * sent in pieces cut inside lines and UTF-8 characters equal those of the whole file; retries
 * answer again and store nothing; order, unknown and expired uploads, parameters and isolation.
 * The real files in parts are in test/interop-http/parts.test.ts.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, expectFieldError, register } from "./helpers.ts";
import { countOnShards, runOnShards } from "./shard-helpers.ts";

async function post(token: string, query: string, body: Uint8Array | string) {
  const res = await SELF.fetch(`${BASE}/api/v1/imports${query}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" }, body });
  return { status: res.status, headers: res.headers, json: await res.json<any>() };
}

const day = Date.parse(new Date(Date.now() - 6 * 86400_000).toISOString().slice(0, 10));
/** A Nightscout entries.json of `n` readings from "Zoë’s phone" (multi-byte characters), every 37th an error code. */
function entries(n: number): Uint8Array {
  const docs = Array.from({ length: n }, (_, i) => ({ type: "sgv", sgv: i % 37 === 36 ? 5 : 90 + (i % 50), date: day + i * 300_000, device: "Zoë’s phone", direction: "Flat" }));
  return new TextEncoder().encode(JSON.stringify(docs, null, 1));
}

/** Sends `bytes` in pieces of `size` bytes; answers every part's response. */
async function inParts(token: string, id: string, bytes: Uint8Array, size: number, first = "") {
  const out = [];
  for (let part = 0, at = 0; at < bytes.length || part === 0; part++, at += size) {
    const last = at + size >= bytes.length;
    const res = await post(token, `?upload_id=${id}&part=${part}${last ? "&last=true" : ""}${part === 0 ? first : ""}`, bytes.subarray(at, at + size));
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    out.push(res.json);
  }
  return out;
}

const summary = (j: any) => ({ format: j.format, imported: j.imported, duplicates: j.duplicates, rejected: j.rejected, rejected_total: j.rejected_total, by_type: j.by_type });

describe("imports in parts", () => {
  it("gives the whole file's totals and row numbers when cut inside lines and characters, with running totals", async () => {
    const file = entries(600);
    const whole = await post((await register()).access, "", file);
    expect(whole.status, JSON.stringify(whole.json)).toBe(200);
    expect(whole.json.rejected.length).toBeGreaterThan(10);
    const a = await register();
    // 997 bytes: cuts fall at every offset within lines and inside the 2- and 3-byte characters.
    const parts = await inParts(a.access, crypto.randomUUID(), file, 997);
    expect(parts.length).toBeGreaterThan(20);
    const final = parts.at(-1);
    expect(final).toMatchObject({ done: true, next_part: null });
    expect(summary(final)).toEqual(summary(whole.json));
    // Running totals only grow, and parts before 4 KB wait for the format to be known.
    expect(parts[0]).toMatchObject({ part: 0, done: false, next_part: 1, format: null, imported: 0 });
    const imported = parts.map((p) => p.imported);
    expect(imported).toEqual([...imported].sort((x, y) => x - y));
    expect(parts[10].format).toBe("nightscout");
    const stored = await api("/api/v1/glucose/readings?limit=1000", { token: a.access });
    expect(stored.json.items).toHaveLength(final.by_type.glucose.imported);
    expect(stored.json.items[0].source).toBe("Zoë’s phone");
  });

  it("answers a retried part as the first time and stores nothing twice; other bytes under its number are refused", async () => {
    const a = await register();
    const file = entries(120);
    const id = crypto.randomUUID();
    const p0 = await post(a.access, `?upload_id=${id}&part=0`, file.subarray(0, 5000));
    const again0 = await post(a.access, `?upload_id=${id}&part=0`, file.subarray(0, 5000));
    expect(again0.status).toBe(200);
    expect(again0.headers.get("idempotent-replayed")).toBe("true");
    expect(again0.json).toEqual(p0.json);
    const p1 = await post(a.access, `?upload_id=${id}&part=1`, file.subarray(5000, 9000));
    const again1 = await post(a.access, `?upload_id=${id}&part=1`, file.subarray(5000, 9000));
    expect(again1.json).toEqual(p1.json);
    expectFieldError(await post(a.access, `?upload_id=${id}&part=1`, file.subarray(5001, 9000)), 409, "part");
    const end = await post(a.access, `?upload_id=${id}&part=2&last=true`, file.subarray(9000));
    const endAgain = await post(a.access, `?upload_id=${id}&part=2&last=true`, file.subarray(9000));
    expect(endAgain.json).toEqual(end.json);
    const whole = await post((await register()).access, "", file);
    expect(summary(end.json)).toEqual(summary(whole.json));
    const stored = await api("/api/v1/glucose/readings?limit=1000", { token: a.access });
    expect(stored.json.items).toHaveLength(whole.json.imported);
    expectFieldError(await post(a.access, `?upload_id=${id}&part=3`, "[]"), 409, "part");
  });

  it("refuses parts out of order, unknown and expired uploads, and bad parameters", async () => {
    const a = await register();
    const file = entries(60);
    const id = crypto.randomUUID();
    expectFieldError(await post(a.access, `?upload_id=${id}&part=1`, file), 404, "upload_id");
    expect((await post(a.access, `?upload_id=${id}&part=0`, file.subarray(0, 100))).status).toBe(200);
    const skipped = await post(a.access, `?upload_id=${id}&part=2`, file.subarray(100, 200));
    expectFieldError(skipped, 409, "part");
    expect(skipped.json.error.fields[0].message).toContain("expected 1");
    expectFieldError(await post(a.access, `?upload_id=bad&part=0`, file), 422, "upload_id");
    expectFieldError(await post(a.access, `?upload_id=${id}`, file), 422, "part");
    expectFieldError(await post(a.access, `?upload_id=${id}&part=-1`, file), 422, "part");
    expectFieldError(await post(a.access, `?upload_id=${id}&part=1&last=maybe`, file), 422, "last");
    expectFieldError(await post(a.access, `?part=0`, file), 422, "upload_id");
    expectFieldError(await post(a.access, `?upload_id=${crypto.randomUUID()}&part=0&format=libreview`, file), 422, "timezone");
    expectFieldError(await post(a.access, `?upload_id=${crypto.randomUUID()}&part=0&format=glucolens-json`, "{}"), 422, "format");
    // An upload left alone for a day is discarded.
    await runOnShards("UPDATE import_uploads SET expires_at = ?1 WHERE id = ?2", Date.now() - 1, id);
    expectFieldError(await post(a.access, `?upload_id=${id}&part=1`, file.subarray(100)), 410, "upload_id");
    expectFieldError(await post(a.access, `?upload_id=${id}&part=1`, file.subarray(100)), 404, "upload_id");
    const left = { n: await countOnShards("SELECT (SELECT count(*) FROM import_upload_parts WHERE upload_id = ?1) + (SELECT count(*) FROM import_upload_state WHERE upload_id = ?1) AS n", id) };
    expect(left?.n).toBe(0);
  });

  it("keeps each user's uploads apart, even under the same upload_id", async () => {
    const a = await register();
    const b = await register();
    const file = entries(100);
    const id = crypto.randomUUID();
    await post(a.access, `?upload_id=${id}&part=0`, file.subarray(0, 6000));
    expectFieldError(await post(b.access, `?upload_id=${id}&part=1`, file.subarray(6000)), 404, "upload_id");
    // B's part 0 under the same id is B's own upload; A's continues untouched.
    const bParts = await inParts(b.access, id, file, 6000);
    const aEnd = await post(a.access, `?upload_id=${id}&part=1&last=true`, file.subarray(6000));
    expect(summary(aEnd.json)).toEqual(summary(bParts.at(-1)));
    expect((await api("/api/v1/glucose/readings?limit=1000", { token: a.access })).json.items).toHaveLength(aEnd.json.imported);
    expect((await api("/api/v1/glucose/readings?limit=1000", { token: b.access })).json.items).toHaveLength(aEnd.json.imported);
  });

  it("takes parts as multipart forms and names the file field when missing", async () => {
    const a = await register();
    const file = entries(40);
    const id = crypto.randomUUID();
    const form = new FormData();
    form.append("file", new Blob([file]), "entries.json");
    const res = await SELF.fetch(`${BASE}/api/v1/imports?upload_id=${id}&part=0&last=true`, { method: "POST", headers: { authorization: `Bearer ${a.access}` }, body: form });
    const json = await res.json<any>();
    expect(res.status, JSON.stringify(json)).toBe(200);
    expect(json).toMatchObject({ done: true, format: "nightscout", by_type: { glucose: { imported: 39 } } });
    const empty = new FormData();
    empty.append("other", "x");
    const bad = await SELF.fetch(`${BASE}/api/v1/imports?upload_id=${crypto.randomUUID()}&part=0`, { method: "POST", headers: { authorization: `Bearer ${a.access}` }, body: empty });
    expectFieldError({ status: bad.status, json: await bad.json<any>() }, 422, "file");
  });
});
