/**
 * File imports (POST /api/v1/imports) with small inline files, and exports (json, csv, fhir)
 * with the json → glucolens-json round trip into a new account. The real files in
 * ../shared/data are imported over HTTP in test/interop-http/.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, expectFieldError, register } from "./helpers.ts";
import { samples } from "./record-samples.ts";

async function upload(token: string, query: string, body: BodyInit, contentType = "text/csv") {
  const res = await SELF.fetch(`${BASE}/api/v1/imports${query}`, { method: "POST", headers: { authorization: `Bearer ${token}`, ...(typeof body === "string" ? { "content-type": contentType } : {}) }, body });
  return { status: res.status, json: await res.json<any>() };
}

const day = new Date(Date.now() - 5 * 86400_000).toISOString().slice(0, 10);
const nightscoutFile = JSON.stringify([
  { _id: "a1", type: "sgv", sgv: 120, date: Date.parse(`${day}T10:00:00Z`), dateString: `${day}T10:00:00.000Z`, direction: "Flat", device: "share2" },
  { _id: "a2", type: "sgv", sgv: 125, date: Date.parse(`${day}T10:05:00Z`), dateString: `${day}T10:05:00.000Z`, direction: "FortyFiveUp", device: "share2" },
  { _id: "a3", type: "sgv", sgv: 3, date: Date.parse(`${day}T10:10:00Z`), dateString: `${day}T10:10:00.000Z`, device: "share2" },
]);

describe("imports", () => {
  it("imports a Nightscout entries.json, reports rejected rows, and stores nothing new on re-import", async () => {
    const a = await register();
    const first = await upload(a.access, "?format=auto", nightscoutFile, "application/json");
    expect(first.status, JSON.stringify(first.json)).toBe(200);
    expect(first.json).toMatchObject({ format: "nightscout", imported: 2, duplicates: 0, by_type: { glucose: { imported: 2, duplicates: 0 } } });
    expect(first.json.rejected).toHaveLength(1);
    expect(first.json.rejected[0]).toMatchObject({ row: 3, reason: expect.any(String) });
    const again = await upload(a.access, "", nightscoutFile, "application/json");
    expect(again.json).toMatchObject({ imported: 0, duplicates: 2 });
    expect((await api("/api/v1/glucose/readings", { token: a.access })).json.items).toHaveLength(2);
  });

  it("takes multipart form uploads", async () => {
    const a = await register();
    const form = new FormData();
    form.append("file", new Blob([nightscoutFile], { type: "application/json" }), "entries.json");
    const res = await upload(a.access, "?format=nightscout", form);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json.imported).toBe(2);
  });

  it("requires a timezone for zone-less formats and names bad parameters", async () => {
    const a = await register();
    const clarity = [
      "Index,Timestamp (YYYY-MM-DDThh:mm:ss),Event Type,Event Subtype,Patient Info,Device Info,Source Device ID,Glucose Value (mg/dL),Insulin Value (u),Carb Value (grams),Duration (hh:mm:ss),Glucose Rate of Change (mg/dL/min),Transmitter Time (Long Integer),Transmitter ID",
      `1,${day}T10:00:00,EGV,,,,Android G6,120,,,,,1000,80XXXX`,
    ].join("\n");
    expectFieldError(await upload(a.access, "?format=dexcom-clarity", clarity), 422, "timezone");
    expectFieldError(await upload(a.access, "?format=excel", clarity), 422, "format");
    expectFieldError(await upload(a.access, "?format=dexcom-clarity&timezone=Mars/Olympus", clarity), 422, "timezone");
    const ok = await upload(a.access, "?format=dexcom-clarity&timezone=Europe/Berlin", clarity);
    expect(ok.status, JSON.stringify(ok.json)).toBe(200);
    expect(ok.json).toMatchObject({ format: "dexcom-clarity", imported: 1 });
    const stored = await api("/api/v1/glucose/readings", { token: a.access });
    // 10:00 on the device clock in Berlin (CET in late November).
    expect(stored.json.items[0].time).toBe(new Date(`${day}T10:00:00+01:00`).toISOString());
    expectFieldError(await upload(a.access, "?format=auto", "hello there, nothing to see"), 422);
    expect((await upload(a.access.slice(0, -2), "", nightscoutFile)).status).toBe(401);
  });
});

describe("export", () => {
  async function seeded() {
    const a = await register();
    await upload(a.access, "", nightscoutFile, "application/json");
    await api("/api/v1/meals", { token: a.access, body: { time: `${day}T12:00:00Z`, carbs: 60, description: "pasta", tags: ["lunch"] } });
    await api("/api/v1/insulin", { token: a.access, body: { time: `${day}T12:00:00Z`, units: 6, kind: "bolus" } });
    await api("/api/v1/blood-pressure", { token: a.access, body: { time: `${day}T08:00:00Z`, systolic: 120, diastolic: 80 } });
    await api("/api/v1/body-metrics", { token: a.access, body: { time: `${day}T07:00:00Z`, weight_kg: 72.5 } });
    return a;
  }

  it("exports every record type as one JSON document that re-imports into a new account identically", async () => {
    const a = await seeded();
    const exported = await api("/api/v1/export?format=json", { token: a.access });
    expect(exported.status).toBe(200);
    expect(exported.json).toMatchObject({ format: "glucolens-json", glucose: [{ value: 120, source: "share2", trend: "Flat" }, { value: 125 }], meals: [{ carbs: 60, tags: ["lunch"] }], insulin: [{ units: 6 }] });
    const b = await register();
    const imported = await upload(b.access, "?format=glucolens-json", JSON.stringify(exported.json), "application/json");
    expect(imported.status, JSON.stringify(imported.json)).toBe(200);
    expect(imported.json).toMatchObject({ imported: 6, duplicates: 0, rejected: [] });
    const again = await api("/api/v1/export?format=json", { token: b.access });
    const strip = (doc: any) => {
      const { exported_at: _e, ...rest } = doc;
      for (const k of Object.keys(rest)) if (Array.isArray(rest[k])) rest[k] = rest[k].map(({ id: _id, ...x }: any) => x);
      return rest;
    };
    expect(strip(again.json)).toEqual(strip(exported.json));
    // Re-importing the export stores nothing new.
    expect((await upload(b.access, "?format=glucolens-json", JSON.stringify(exported.json), "application/json")).json).toMatchObject({ imported: 0, duplicates: 6 });
  });

  it("round-trips one record of every kind through export and glucolens-json import", async () => {
    const a = await register();
    for (const sample of samples) {
      const res = await api(`/api/v1/${sample.path}`, { token: a.access, body: sample.valid });
      expect(res.status, `${sample.path}: ${JSON.stringify(res.json)}`).toBe(201);
    }
    const exported = await api("/api/v1/export?format=json", { token: a.access });
    for (const sample of samples) expect(exported.json[sample.path], sample.path).toHaveLength(1);
    const b = await register();
    const imported = await upload(b.access, "?format=glucolens-json", JSON.stringify(exported.json), "application/json");
    expect(imported.json, JSON.stringify(imported.json)).toMatchObject({ imported: samples.length, duplicates: 0, rejected: [] });
    const again = await api("/api/v1/export?format=json", { token: b.access });
    for (const sample of samples) {
      const strip = (xs: Record<string, unknown>[]) => xs.map(({ id: _id, ...x }) => x);
      expect(strip(again.json[sample.path]), sample.path).toEqual(strip(exported.json[sample.path]));
    }
    const fhir = await api("/api/v1/export?format=fhir", { token: a.access });
    expect(fhir.json.entry.map((e: any) => e.resource.code.coding[0].code)).toContain("4548-4");
  });

  it("exports per-type CSV and honours start/end", async () => {
    const a = await seeded();
    const index = await api("/api/v1/export?format=csv", { token: a.access });
    expect(index.json.files.map((f: { type: string }) => f.type)).toContain("glucose");
    const res = await SELF.fetch(`${BASE}/api/v1/export/glucose.csv?start=${encodeURIComponent(`${day}T10:03:00Z`)}`, { headers: { authorization: `Bearer ${a.access}` } });
    expect(res.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toBe("time,value,unit,source,trend,flags");
    expect(lines.slice(1)).toEqual([`${day}T10:05:00.000Z,125,mg/dL,share2,FortyFiveUp,`]);
    const meals = await (await SELF.fetch(`${BASE}/api/v1/export/meals.csv`, { headers: { authorization: `Bearer ${a.access}` } })).text();
    expect(meals).toContain("pasta");
    expect((await api("/api/v1/export/nothing.csv", { token: a.access })).status).toBe(404);
    expectFieldError(await api("/api/v1/export?format=xml", { token: a.access }), 422, "format");
    expectFieldError(await api("/api/v1/export?format=json&start=tomorrow", { token: a.access }), 422, "start");
  });

  it("exports a FHIR R4 Bundle of Observations with LOINC codes", async () => {
    const a = await seeded();
    const res = await api("/api/v1/export?format=fhir", { token: a.access });
    expect(res.json).toMatchObject({ resourceType: "Bundle", type: "collection" });
    const codes = res.json.entry.map((e: any) => e.resource.code.coding[0].code);
    expect(codes.filter((c: string) => c === "2339-0")).toHaveLength(2);
    expect(codes).toEqual(expect.arrayContaining(["85354-9", "29463-7"]));
    const glucose = res.json.entry.find((e: any) => e.resource.code.coding[0].code === "2339-0").resource;
    expect(glucose).toMatchObject({ resourceType: "Observation", status: "final", valueQuantity: { value: 120, unit: "mg/dL", system: "http://unitsofmeasure.org" } });
  });

  it("never exports another user's data", async () => {
    const a = await seeded();
    const b = await register();
    const doc = await api("/api/v1/export?format=json", { token: b.access });
    expect(doc.json.glucose).toEqual([]);
    expect(doc.json.meals).toEqual([]);
    expect((await api("/api/v1/export?format=json")).status).toBe(401);
    expect(a.id).not.toBe(b.id);
  });
});
