/**
 * Caps on imports in parts (worker/imports/parts.ts): what is carried from one part to the next
 * (parser state and unparsed bytes), the number of parts and the bytes of an upload. Each is a
 * 413 naming the limit; the upload's state is removed; rows of parts already answered stay, as
 * their answers said, and the refused part stores nothing of its own.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { MAX_CARRIED_BYTES, MAX_UPLOAD_BYTES, MAX_UPLOAD_PARTS } from "../../worker/imports/parts.ts";
import { api, BASE, register, type Account } from "./helpers.ts";
import { runOnShards, userD1ByPublicId } from "./shard-helpers.ts";

const MIB = 1024 ** 2;

async function post(token: string, query: string, body: Uint8Array | string) {
  const res = await SELF.fetch(`${BASE}/api/v1/imports${query}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" }, body });
  return { status: res.status, json: await res.json<any>() };
}

const uploadRows = async (a: Account, id: string) =>
  (await (await userD1ByPublicId(a.id)).prepare(
    "SELECT (SELECT count(*) FROM import_uploads u JOIN users ON users.id = u.user_id WHERE users.public_id = ?1 AND u.id = ?2) + (SELECT count(*) FROM import_upload_parts p JOIN users ON users.id = p.user_id WHERE users.public_id = ?1 AND p.upload_id = ?2) + (SELECT count(*) FROM import_upload_state s JOIN users ON users.id = s.user_id WHERE users.public_id = ?1 AND s.upload_id = ?2) AS n",
  )
    .bind(a.id, id)
    .first<{ n: number }>())!.n;

const day = new Date(Date.now() - 3 * 86400_000).toISOString().slice(0, 10);
const record = (minute: number, value: number) =>
  `<Record type="HKQuantityTypeIdentifierBloodGlucose" sourceName="Meter" unit="mg/dL" startDate="${day} 08:${String(minute).padStart(2, "0")}:00 +0000" endDate="${day} 08:${String(minute).padStart(2, "0")}:00 +0000" value="${value}"/>\n`;

describe("imports in parts: caps", () => {
  it("refuses an XML comment left open across parts once it carries more than the cap (413), removing the upload", { timeout: 120_000 }, async () => {
    const a = await register();
    const id = crypto.randomUUID();
    const head = `<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n${record(0, 110)}${record(5, 115)}<!-- `;
    const filler = (n: number) => "x".repeat(n);
    const part = 3 * MIB;
    const p0 = await post(a.access, `?format=apple-health&upload_id=${id}&part=0`, head + filler(part - head.length));
    expect(p0.status, JSON.stringify(p0.json)).toBe(200);
    expect(p0.json.imported).toBe(2);
    const p1 = await post(a.access, `?upload_id=${id}&part=1`, filler(part));
    expect(p1.status, JSON.stringify(p1.json)).toBe(200);
    // A third part would carry 9 MiB: over the 8 MiB cap.
    expect(3 * part).toBeGreaterThan(MAX_CARRIED_BYTES);
    const p2 = await post(a.access, `?upload_id=${id}&part=2`, filler(part));
    expect(p2.status, JSON.stringify(p2.json)).toBe(413);
    expect(p2.json.error).toMatchObject({ code: "import_state_too_large", fields: [{ path: "body" }] });
    expect(p2.json.error.message).toContain(`${MAX_CARRIED_BYTES / MIB} MiB`);
    expect(await uploadRows(a, id)).toBe(0);
    // The two rows answered for part 0 stay.
    expect((await api("/api/v1/glucose/readings", { token: a.access })).json.items.map((r: { value: number }) => r.value)).toEqual([110, 115]);
    const next = await post(a.access, `?upload_id=${id}&part=3&last=true`, `-->${record(10, 45)}</HealthData>`);
    expect(next.status).toBe(404);
  });

  it("refuses a part beyond the parts cap (413 naming part) and removes the upload", async () => {
    const a = await register();
    const id = crypto.randomUUID();
    const p0 = await post(a.access, `?format=nightscout&upload_id=${id}&part=0`, `[${JSON.stringify({ type: "sgv", sgv: 120, date: Date.now() - 86400_000, device: "x" })}`);
    expect(p0.status, JSON.stringify(p0.json)).toBe(200);
    // As if MAX_UPLOAD_PARTS parts had been received (the same check a real long upload reaches).
    await runOnShards("UPDATE import_uploads SET next_part = ? WHERE id = ?", MAX_UPLOAD_PARTS, id);
    const over = await post(a.access, `?upload_id=${id}&part=${MAX_UPLOAD_PARTS}`, ",");
    expect(over.status, JSON.stringify(over.json)).toBe(413);
    expect(over.json.error).toMatchObject({ code: "too_many_parts", fields: [{ path: "part" }] });
    expect(over.json.error.message).toContain(String(MAX_UPLOAD_PARTS));
    expect(await uploadRows(a, id)).toBe(0);
  });

  it("refuses the part that takes an upload over its total bytes (413 naming body) and removes it", async () => {
    const a = await register();
    const id = crypto.randomUUID();
    const p0 = await post(a.access, `?format=nightscout&upload_id=${id}&part=0`, `[${JSON.stringify({ type: "sgv", sgv: 120, date: Date.now() - 86400_000, device: "x" })}`);
    expect(p0.status, JSON.stringify(p0.json)).toBe(200);
    // As if the upload had received all but 10 bytes of the cap.
    await runOnShards("UPDATE import_uploads SET totals = json_set(totals, '$.bytes', ?) WHERE id = ?", MAX_UPLOAD_BYTES - 10, id);
    const over = await post(a.access, `?upload_id=${id}&part=1`, `,${JSON.stringify({ type: "sgv", sgv: 45, date: Date.now(), device: "x" })}`);
    expect(over.status, JSON.stringify(over.json)).toBe(413);
    expect(over.json.error).toMatchObject({ code: "upload_too_large", fields: [{ path: "body" }] });
    expect(await uploadRows(a, id)).toBe(0);
    expect((await api("/api/v1/glucose/readings", { token: a.access })).json.items.map((r: { value: number }) => r.value)).not.toContain(45);
  });
});
