/**
 * Every real export file in ../shared/data imported through `POST /api/v1/imports` of a private
 * copy of the API (the production bundle on Miniflare, bench/serve-built.ts: no file watcher, so
 * nothing can restart the Worker mid-test), with its exact expected counts (interop/README.md describes each file), and a
 * second import of each storing nothing new. Then each file sent in parts (`upload_id`/`part`/
 * `last`), cut inside lines, UTF-8 characters and XML elements, gives exactly the whole file's
 * answer, and a retried part changes nothing.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBuiltPlatform, type Platform } from "../support/local-platform.ts";

const DATA = new URL("../../../shared/data/", import.meta.url);
let platform: Platform;

beforeAll(async () => {
  platform = await startBuiltPlatform(Number(process.env.INTEROP_HTTP_PORT ?? 8793), "interop-http");
});
afterAll(async () => {
  await platform?.stop();
});

/**
 * fetch as a well-behaved client does it: a 503 with Retry-After (the API's answer when the local
 * D1 is briefly busy, documented as safe to retry) is retried up to three times. Each 503 is
 * printed with the server's last log lines, so a busy database shows in the CI log, not silently.
 */
async function send(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, init);
    } catch (err) {
      // A connection reset before any answer (seen once in a full CI-like run, the machine busy
      // with the previous suite's workerd): nothing was answered, so sending again is what any
      // client does; it is printed, and an import part sent twice is answered again by design.
      if (attempt > 3) throw err;
      console.warn(`connection error on ${init.method} ${url} (attempt ${attempt}): ${String((err as Error).cause ?? err)}`);
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    const wait = Number(res.headers.get("retry-after"));
    if (res.status !== 503 || !wait || attempt > 3) return res;
    console.warn(`503 on ${init.method} ${url} (attempt ${attempt}): ${await res.text()}\n${platform.logTail()}`);
    await new Promise((r) => setTimeout(r, wait * 1000));
  }
}

let n = 0;
async function account(): Promise<string> {
  const res = await send(`${platform.url}/api/v1/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": `10.9.0.${++n}` },
    body: JSON.stringify({ email: `import-${n}-${Date.now()}@example.com`, password: "correct horse battery", name: "Importer", timezone: "UTC", unit: "mg/dL" }),
  });
  const text = await res.text();
  expect(res.status, `${text}\n${platform.logTail()}`).toBe(201);
  return (JSON.parse(text) as { access_token: string }).access_token;
}

async function importFile(token: string, file: string, query: string) {
  const res = await send(`${platform.url}/api/v1/imports${query}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" }, body: readFileSync(new URL(file, DATA)) });
  const json = (await res.json()) as any;
  expect(res.status, JSON.stringify(json).slice(0, 500)).toBe(200);
  return json;
}

interface Case {
  file: string;
  query: string;
  format: string;
  /** [imported, duplicates] per type. Duplicates are rows repeating a (time, source) or an identical record of the same file. */
  by_type: Record<string, [number, number]>;
  rejected: number;
}

const cases: Case[] = [
  { file: "dexcom-clarity/cgmquantify-sample.csv", query: "?timezone=America/New_York", format: "dexcom-clarity", by_type: { glucose: [2148, 0] }, rejected: 0 },
  // 2,349 historic + 760 scans, of which 13 scans repeat the minute of an earlier scan (LibreView
  // keeps minutes only; e.g. lines 2422/2423 "05-09-2025 22:00"): the first one is kept, as for the
  // 6 in the Libre 3 file (lines 738/739, 81 then 84 mg/dL). Any zone gives the same counts.
  // Line 3242 is the non-numeric rapid-acting insulin the parser rejects.
  { file: "libreview/cgm-data-processor-libre2-mmol.csv", query: "?format=libreview&timezone=Europe/London", format: "libreview", by_type: { glucose: [3096, 13], insulin: [147, 0], meals: [88, 0] }, rejected: 1 },
  { file: "libreview/cgm-food-response-libre3plus-mgdl.csv", query: "?timezone=Europe/London", format: "libreview", by_type: { glucose: [981, 6] }, rejected: 0 },
  { file: "nightscout/cgm-format-entries.json", query: "?format=auto", format: "nightscout", by_type: { glucose: [1000, 0] }, rejected: 0 },
  // 35 glucose rows of which 2 are the 666 mg/dL test entries the API refuses (rows 95, 126),
  // plus the zero-length workout the parser rejects; one food correlation is repeated exactly.
  { file: "apple-health/hkimport-export.xml", query: "?format=apple-health", format: "apple-health", by_type: { glucose: [33, 0], sleep: [87, 0], activities: [60, 0], meals: [33, 1] }, rejected: 3 },
  { file: "iglu/example_data_5_subject.csv", query: "?format=csv&timezone=EST", format: "csv", by_type: { glucose: [13866, 0] }, rejected: 0 },
  { file: "iglu/example_data_1_subject.csv", query: "?format=csv&timezone=EST", format: "csv", by_type: { glucose: [2915, 0] }, rejected: 0 },
];

describe("real export files through POST /api/v1/imports", () => {
  for (const c of cases) {
    it(`${c.file}: exact counts, and a re-import stores nothing new`, async () => {
      const token = await account();
      const first = await importFile(token, c.file, c.query);
      expect(first.format).toBe(c.format);
      const counts = Object.fromEntries(Object.entries(first.by_type as Record<string, { imported: number; duplicates: number }>).filter(([k]) => k !== "notes").map(([k, v]) => [k, [v.imported, v.duplicates]]));
      expect(counts).toEqual(c.by_type);
      expect(first.rejected_total).toBe(c.rejected);
      expect(first.rejected).toHaveLength(c.rejected);
      const again = await importFile(token, c.file, c.query);
      expect(again.imported).toBe(0);
      expect(again.duplicates).toBe(first.imported + first.duplicates);
    });
  }

  it("a zone-less file without timezone is refused naming timezone", async () => {
    const token = await account();
    const res = await fetch(`${platform.url}/api/v1/imports`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: readFileSync(new URL("dexcom-clarity/cgmquantify-sample.csv", DATA)) });
    expect(res.status).toBe(422);
    const json = (await res.json()) as { error: { fields: { path: string }[] } };
    expect(json.error.fields.map((f) => f.path)).toContain("timezone");
  });
});

/** Random part sizes (deterministic) plus a cut inside the first multi-byte character. */
function cuts(bytes: Uint8Array, parts: number, seed: number): number[] {
  let a = seed;
  const rnd = () => ((a = (a * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out = new Set<number>();
  const mean = bytes.length / parts;
  for (let at = Math.floor(mean * (0.5 + rnd())); at < bytes.length; at += Math.max(1, Math.floor(mean * (0.5 + rnd())))) out.add(at);
  const mb = bytes.findIndex((b) => b >= 0xc0);
  if (mb >= 0) out.add(mb + 1);
  return [...out].sort((x, y) => x - y);
}

async function postPart(token: string, query: string, body: Uint8Array<ArrayBuffer>) {
  const res = await send(`${platform.url}/api/v1/imports${query}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" }, body });
  const json = (await res.json()) as any;
  expect(res.status, JSON.stringify(json).slice(0, 500)).toBe(200);
  return { json, replayed: res.headers.get("idempotent-replayed") };
}

async function readingCount(token: string): Promise<number> {
  let total = 0;
  let cursor: string | null = null;
  do {
    const res = await fetch(`${platform.url}/api/v1/glucose/readings?limit=1000${cursor ? `&cursor=${cursor}` : ""}`, { headers: { authorization: `Bearer ${token}` } });
    const json = (await res.json()) as { items: unknown[]; next_cursor: string | null };
    total += json.items.length;
    cursor = json.next_cursor;
  } while (cursor);
  return total;
}

const summary = (j: any) => ({ format: j.format, imported: j.imported, duplicates: j.duplicates, rejected: j.rejected, rejected_total: j.rejected_total, by_type: j.by_type });

describe("real export files sent in parts", () => {
  for (const c of cases) {
    it(`${c.file}: ~30 parts cut anywhere give the whole file's answer; a retried part changes nothing`, async () => {
      const bytes = new Uint8Array(readFileSync(new URL(c.file, DATA)));
      const whole = await importFile(await account(), c.file, c.query);
      const token = await account();
      const id = crypto.randomUUID();
      const at = [0, ...cuts(bytes, 30, c.file.length), bytes.length];
      const retry = Math.floor(at.length / 2);
      let last: any = null;
      let retried: { first: unknown; again: Awaited<ReturnType<typeof postPart>>; before: number; after: number } | null = null;
      for (let part = 0; part < at.length - 1; part++) {
        const piece = bytes.slice(at[part], at[part + 1]);
        const end = part === at.length - 2;
        const q = `?upload_id=${id}&part=${part}${end ? "&last=true" : ""}${part === 0 ? `&${c.query.slice(1)}` : ""}`;
        last = (await postPart(token, q, piece)).json;
        if (part === retry) {
          const before = await readingCount(token);
          const again = await postPart(token, q, piece);
          retried = { first: last, again, before, after: await readingCount(token) };
        }
      }
      expect(retried?.again.replayed).toBe("true");
      expect(retried?.again.json).toEqual(retried?.first);
      expect(retried?.after).toBe(retried?.before);
      expect(last.done).toBe(true);
      expect(summary(last)).toEqual(summary(whole));
      expect(await readingCount(token)).toBe(whole.by_type.glucose?.imported ?? 0);
    });
  }
});
