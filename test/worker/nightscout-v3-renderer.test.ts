/**
 * API v3's output formats, ported from nightscout/cgm-remote-monitor tests/api3.renderer.test.js
 * (lib/api3/shared/renderer.js: extension2accept and render): READ, SEARCH and HISTORY answer
 * XML or CSV for a `.xml`/`.csv` extension or the Accept header, the same text both ways, and 406
 * "Unsupported output format requested" for any other format.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { XMLParser } from "fast-xml-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { v3Client, type V3Client } from "./nightscout-v3-helpers.ts";

/** tests/fixtures/api3/const.json SAMPLE_ENTRIES[0] and [1], dated 5 minutes ago and now as the test does. */
const sample = (date: number, sgv: number, filtered: number, unfiltered: number, rssi: number) => ({
  identifier: crypto.randomUUID(),
  date,
  device: "dexcom",
  direction: "FortyFiveUp",
  filtered,
  noise: 2,
  rssi,
  sgv,
  type: "sgv",
  unfiltered,
  app: "cgm-remote-monitor.test",
});

const xmlParser = new XMLParser({ ignoreAttributes: false, parseTagValue: false });

/** checkProps: every property of the model equals the rendered one as a string. */
function checkProps(model: Record<string, unknown>, item: Record<string, unknown>) {
  for (const [key, value] of Object.entries(model)) expect(String(item[key]), key).toBe(String(value));
}

/** checkItems: each model is among the items (found by identifier) with string-identical properties. */
function checkItems(models: Record<string, unknown>[], items: Record<string, unknown>[]) {
  expect(items.length).toBeGreaterThanOrEqual(models.length);
  for (const model of models) {
    const item = items.find((d) => d.identifier === model.identifier);
    expect(item, String(model.identifier)).toBeDefined();
    checkProps(model, item!);
  }
}

function checkXmlItems(models: Record<string, unknown>[], text: string) {
  expect(text.startsWith("<?xml version='1.0' encoding='utf-8'?>")).toBe(true);
  const items = xmlParser.parse(text).items.item;
  checkItems(models, Array.isArray(items) ? items : [items]);
}

function checkCsvItems(models: Record<string, unknown>[], text: string) {
  expect(text).not.toBe("");
  checkItems(models, parseCsv(text, { columns: true, skip_empty_lines: true }));
}

describe("Nightscout API v3 output renderers (api3.renderer.test.js)", () => {
  let client: V3Client;
  const historyFrom = Date.now() - 1000;
  const doc1 = sample(Date.now() - 5 * 60_000, 149, 167584, 171584, 183);
  const doc2 = sample(Date.now(), 152, 170656, 175776, 181);
  const url = "/api/v3/entries";

  beforeAll(async () => {
    client = await v3Client();
  });

  it("should create 2 mock documents", async () => {
    for (const doc of [doc1, doc2]) {
      expect((await client.call(url, { method: "POST", body: doc })).status).toBe(201);
      expect((await client.call(`${url}/${doc.identifier}`)).status).toBe(200);
    }
  });

  it("READ/SEARCH/HISTORY should not accept unsupported content type", async () => {
    const ttf = { accept: "font/ttf" };
    for (const [path, headers] of [
      [`${url}/${doc1.identifier}.ttf?fields=_all`, {}],
      [`${url}/${doc1.identifier}?fields=_all`, ttf],
      [`${url}.ttf?fields=_all`, {}],
      [`${url}?fields=_all`, ttf],
      [`${url}/history/${doc1.date}.ttf`, {}],
      [`${url}/history/${doc1.date}`, ttf],
    ] as const) {
      const res = await client.call(path, { headers });
      expect(res.status, path).toBe(406);
      expect(res.json.message).toBe("Unsupported output format requested");
      expect(res.json.result).toBeUndefined();
      expect(res.json.error.fields[0].path).toBe("Accept");
    }
  });

  it("READ should accept xml content type", async () => {
    const res = await client.call(`${url}/${doc1.identifier}.xml?fields=_all`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/xml/);
    expect(res.json.startsWith("<?xml version='1.0' encoding='utf-8'?>")).toBe(true);
    checkProps(doc1, xmlParser.parse(res.json).item);
    const res2 = await client.call(`${url}/${doc1.identifier}?fields=_all`, { headers: { accept: "application/xml" } });
    expect(res2.status).toBe(200);
    expect(res2.json).toBe(res.json);
  });

  it("READ should accept csv content type", async () => {
    const res = await client.call(`${url}/${doc1.identifier}.csv?fields=_all`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    checkCsvItems([doc1], res.json);
    const res2 = await client.call(`${url}/${doc1.identifier}?fields=_all`, { headers: { accept: "text/csv" } });
    expect(res2.json).toBe(res.json);
  });

  it("SEARCH should accept xml content type", async () => {
    const res = await client.call(`${url}.xml?date$gte=${doc1.date}`);
    expect(res.status).toBe(200);
    checkXmlItems([doc1, doc2], res.json);
    const res2 = await client.call(`${url}?date$gte=${doc1.date}`, { headers: { accept: "application/xml" } });
    expect(res2.json).toBe(res.json);
  });

  it("SEARCH should accept csv content type", async () => {
    const res = await client.call(`${url}.csv?date$gte=${doc1.date}`);
    expect(res.status).toBe(200);
    checkCsvItems([doc1, doc2], res.json);
    const res2 = await client.call(`${url}?date$gte=${doc1.date}`, { headers: { accept: "text/csv" } });
    expect(res2.json).toBe(res.json);
  });

  it("HISTORY should accept xml content type", async () => {
    const res = await client.call(`${url}/history/${historyFrom}.xml`);
    expect(res.status).toBe(200);
    checkXmlItems([doc1, doc2], res.json);
    const res2 = await client.call(`${url}/history/${historyFrom}`, { headers: { accept: "application/xml" } });
    expect(res2.json).toBe(res.json);
  });

  it("HISTORY should accept csv content type", async () => {
    const res = await client.call(`${url}/history/${historyFrom}.csv`);
    expect(res.status).toBe(200);
    checkCsvItems([doc1, doc2], res.json);
    const res2 = await client.call(`${url}/history/${historyFrom}`, { headers: { accept: "text/csv" } });
    expect(res2.json).toBe(res.json);
  });

  it("JSON stays the answer without an Accept header, for */* and for .json; a browser's Accept gets XML as from Express's res.format", async () => {
    for (const [path, headers] of [
      [`${url}/${doc1.identifier}`, {}],
      [`${url}/${doc1.identifier}.json`, {}],
      [`${url}/${doc1.identifier}`, { accept: "*/*" }],
    ] as const) {
      const res = await client.call(path, { headers });
      expect(res.status, path).toBe(200);
      expect(res.json.result.identifier).toBe(doc1.identifier);
    }
    const browser = await client.call(`${url}/${doc1.identifier}`, { headers: { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" } });
    expect(browser.headers.get("content-type")).toMatch(/^application\/xml/);
  });

  it("other operations take the extension off the path too; an ISO date in a history path is not an extension", async () => {
    const doc = sample(Date.now() - 10 * 60_000, 140, 1, 2, 3);
    expect((await client.call(`${url}.json`, { method: "POST", body: doc })).status).toBe(201);
    expect((await client.call(`${url}/${doc.identifier}.json`, { method: "PATCH", body: { noise: 3 } })).status).toBe(200);
    const iso = await client.call(`${url}/history/${new Date(historyFrom).toISOString()}`);
    expect(iso.status).toBe(200);
    expect(iso.json.result.map((d: { identifier: string }) => d.identifier)).toContain(doc.identifier);
    expect((await client.call(`${url}/${doc.identifier}.json?permanent=true`, { method: "DELETE" })).status).toBe(200);
  });

  it("an empty result is an empty CSV and an empty <items/>", async () => {
    const csv = await client.call(`${url}.csv?date$gt=${Date.now() + 86_400_000}`);
    expect(csv.status).toBe(200);
    expect(csv.json).toBeNull(); // an empty body
    const xml = await client.call(`${url}.xml?date$gt=${Date.now() + 86_400_000}`);
    expect(xml.json).toContain("<items />");
  });
});
