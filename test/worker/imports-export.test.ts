/**
 * File imports (POST /api/v1/imports) with small inline files, and exports (json, csv, fhir)
 * with the json → glucolens-json round trip into a new account. The real files in
 * ../shared/data are imported over HTTP in test/interop-http/.
 */
import { SELF } from "cloudflare:test";
import { strFromU8, unzipSync } from "fflate";
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
    await api("/api/v1/notes", { token: a.access, body: { time: `${day}T09:00:00Z`, text: "Sensor changed, left arm", tags: ["sensor", "site"] } });
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
    // 2 readings, a meal, an insulin dose, blood pressure, body metrics and a note.
    expect(imported.json).toMatchObject({ imported: 7, duplicates: 0, rejected: [], by_type: { notes: { imported: 1, duplicates: 0 } } });
    const again = await api("/api/v1/export?format=json", { token: b.access });
    const strip = (doc: any) => {
      const { exported_at: _e, ...rest } = doc;
      for (const k of Object.keys(rest)) if (Array.isArray(rest[k])) rest[k] = rest[k].map(({ id: _id, ...x }: any) => x);
      return rest;
    };
    expect(strip(again.json)).toEqual(strip(exported.json));
    // Re-importing the export stores nothing new.
    expect((await upload(b.access, "?format=glucolens-json", JSON.stringify(exported.json), "application/json")).json).toMatchObject({ imported: 0, duplicates: 7 });
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
    const zipRes = await SELF.fetch(`${BASE}/api/v1/export?format=csv&start=${encodeURIComponent(`${day}T10:03:00Z`)}`, { headers: { authorization: `Bearer ${a.access}` } });
    expect(zipRes.headers.get("content-type")).toBe("application/zip");
    const index = await api("/api/v1/export?format=csv", { token: a.access, headers: { accept: "application/json" } });
    expect(index.json.files.map((f: { type: string }) => f.type)).toEqual(["glucose", "sleep", "meals", "activities", "insulin", "medications", "hba1c", "blood-pressure", "body-metrics", "notes"]);
    expect(zipRes.headers.get("content-disposition")).toContain("glucolens-csv.zip");
    const files = unzipSync(new Uint8Array(await zipRes.arrayBuffer()));
    expect(Object.keys(files)).toEqual(["glucose", "sleep", "meals", "activities", "insulin", "medications", "hba1c", "blood-pressure", "body-metrics", "notes"].map((t) => `${t}.csv`));
    expect(strFromU8(files["glucose.csv"]!)).toBe(`time,value,unit,source,trend,flags\r\n${day}T10:05:00.000Z,125,mg/dL,share2,FortyFiveUp,\r\n`);
    expect(strFromU8(files["meals.csv"]!)).toContain("pasta");
    // The note (09:00) is before start: its file has the header only.
    expect(strFromU8(files["notes.csv"]!)).toBe("id,time,text,tags,source\r\n");
    const notes = await (await SELF.fetch(`${BASE}/api/v1/export/notes.csv`, { headers: { authorization: `Bearer ${a.access}` } })).text();
    expect(notes).toBe(`id,time,text,tags,source\r\n${(await api("/api/v1/notes", { token: a.access })).json.items[0].id},${day}T09:00:00.000Z,"Sensor changed, left arm",sensor;site,\r\n`);
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

describe("notes", () => {
  it("creates, lists, reads, changes and deletes notes, naming every bad field", async () => {
    const a = await register();
    const created = await api("/api/v1/notes", { token: a.access, body: { time: `${day}T08:00:00Z`, text: "  Started new sensor  ", tags: ["sensor"], source: "manual" } });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(created.json).toEqual({ id: expect.any(String), time: `${day}T08:00:00.000Z`, text: "Started new sensor", tags: ["sensor"], source: "manual" });
    const bulk = await api("/api/v1/notes/bulk", { token: a.access, body: { items: [{ time: `${day}T09:00:00Z`, text: "coffee" }, { time: `${day}T08:00:00Z`, text: "Started new sensor", tags: ["sensor"], source: "manual" }, { time: `${day}T10:00:00Z`, text: "" }] } });
    expect(bulk.status, JSON.stringify(bulk.json)).toBe(200);
    expect(JSON.stringify(bulk.json)).toContain("text");
    const list = await api("/api/v1/notes", { token: a.access });
    expect(list.json.items.map((n: { text: string }) => n.text)).toEqual(["Started new sensor", "coffee"]);
    const patched = await api(`/api/v1/notes/${created.json.id}`, { method: "PATCH", token: a.access, body: { text: "Sensor G7 started", tags: null } });
    expect(patched.json).toMatchObject({ text: "Sensor G7 started", tags: [] });
    expect((await api(`/api/v1/notes/${created.json.id}`, { token: a.access })).json.text).toBe("Sensor G7 started");
    for (const [body, field] of [[{ time: `${day}T08:00:00Z` }, "text"], [{ time: `${day}T08:00:00Z`, text: "x".repeat(2001) }, "text"], [{ time: "yesterday", text: "x" }, "time"], [{ time: `${day}T08:00:00Z`, text: "x", tags: "a" }, "tags"], [{ time: `${day}T08:00:00Z`, text: "x", mood: "ok" }, ""]] as const) {
      const res = await api("/api/v1/notes", { token: a.access, body });
      if (field) expectFieldError(res, 422, field);
      else expectFieldError(res, 422);
    }
    expectFieldError(await api(`/api/v1/notes/${created.json.id}`, { method: "PATCH", token: a.access, body: { text: "" } }), 422, "text");
    // Another account can neither see nor change nor delete it.
    const b = await register();
    expect((await api(`/api/v1/notes/${created.json.id}`, { token: b.access })).status).toBe(404);
    expect((await api(`/api/v1/notes/${created.json.id}`, { method: "PATCH", token: b.access, body: { text: "mine" } })).status).toBe(404);
    expect((await api(`/api/v1/notes/${created.json.id}`, { method: "DELETE", token: b.access })).status).toBe(404);
    expect((await api("/api/v1/notes", { token: b.access })).json.items).toEqual([]);
    expect((await api(`/api/v1/notes/${created.json.id}`, { method: "DELETE", token: a.access })).status).toBe(204);
    expect((await api("/api/v1/notes", { token: a.access })).json.items).toHaveLength(1);
  });

  it("go through the JSON export into a new account, and come in from LibreView files", async () => {
    const a = await register();
    await api("/api/v1/notes", { token: a.access, body: { time: `${day}T08:00:00Z`, text: "Sensor changed, left arm", tags: ["sensor", "site"] } });
    const doc = await api("/api/v1/export?format=json", { token: a.access });
    expect(doc.json.notes).toEqual([{ id: expect.any(Number), time: `${day}T08:00:00.000Z`, text: "Sensor changed, left arm", tags: ["sensor", "site"], source: null }]);
    const b = await register();
    const imported = await upload(b.access, "?format=glucolens-json", JSON.stringify(doc.json), "application/json");
    expect(imported.json.by_type.notes).toEqual({ imported: 1, duplicates: 0 });
    expect((await api("/api/v1/notes", { token: b.access })).json.items.map(({ id: _id, ...n }: Record<string, unknown>) => n)).toEqual(doc.json.notes.map(({ id: _id, ...n }: Record<string, unknown>) => n));
    const libre = [
      "Glucose Data,Generated on,05-01-2026 08:43 UTC,Generated by,X",
      "Device,Serial Number,Device Timestamp,Record Type,Historic Glucose mg/dL,Scan Glucose mg/dL,Non-numeric Rapid-Acting Insulin,Rapid-Acting Insulin (units),Non-numeric Food,Carbohydrates (grams),Carbohydrates (servings),Non-numeric Long-Acting Insulin,Long-Acting Insulin (units),Notes,Strip Glucose mg/dL,Ketone mmol/L,Meal Insulin (units),Correction Insulin (units),User Change Insulin (units)",
      "FreeStyle LibreLink,s1,13-01-2026 08:00,6,,,,,,,,,,Pizza night,,,,,",
      "FreeStyle LibreLink,s1,13-01-2026 08:05,0,101,,,,,,,,,,,,,,",
    ].join("\r\n");
    const fromFile = await upload(b.access, "?format=libreview&timezone=Europe/London", libre);
    expect(fromFile.json.by_type).toMatchObject({ notes: { imported: 1, duplicates: 0 }, glucose: { imported: 1 } });
    expect((await upload(b.access, "?format=libreview&timezone=Europe/London", libre)).json.by_type.notes).toEqual({ imported: 0, duplicates: 1 });
  });
});
