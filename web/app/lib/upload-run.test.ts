import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createParser } from "../../../interop/index.ts";
import type { BulkResult, Chunk } from "./upload-chunks.ts";
import { importFile, scanFile, type ByteSource } from "./upload-run.ts";

const DATA = new URL("../../../../shared/data/", import.meta.url);
const file = (path: string) => new Blob([readFileSync(new URL(path, DATA))]);

/**
 * A stand-in for the bulk endpoints' de-duplication, only to check the accumulation: readings are
 * duplicates by (time, source), records by identical JSON, as the API does (the browser test
 * checks the real API).
 */
function fakeStore() {
  const seen = new Set<string>();
  const sizes: number[] = [];
  const send = async (c: Chunk): Promise<BulkResult> => {
    sizes.push(c.items.length);
    let inserted = 0;
    let duplicates = 0;
    const rejected: BulkResult["rejected"] = [];
    c.items.forEach((item, index) => {
      const r = item as { time?: number; source?: string; value?: number };
      if (c.kind === "glucose" && (r.value ?? 0) > 600) return rejected.push({ index, fields: [{ path: "value", message: "must be between 20–600 mg/dL" }] });
      const key = c.kind === "glucose" ? `g|${r.time}|${r.source}` : `${c.kind}|${JSON.stringify(item)}`;
      if (seen.has(key)) duplicates++;
      else {
        seen.add(key);
        inserted++;
      }
    });
    return { inserted, duplicates, rejected };
  };
  return { send, sizes };
}

describe("scanFile", () => {
  it("reads the real Clarity sample: format, unit, local times in the chosen zone, counts, preview, dates", async () => {
    const r = await scanFile(file("dexcom-clarity/cgmquantify-sample.csv"), createParser("dexcom-clarity", { timeZone: "America/New_York" }), { previewLimit: 5 });
    expect(r.report.format).toBe("dexcom-clarity");
    expect(r.report.unit).toBe("mg/dL");
    expect(r.report.time_zone).toMatchObject({ mode: "local", zone: "America/New_York" });
    expect(r.report.counts.glucose).toBe(2148);
    expect(r.report.rejected_total).toBe(0);
    expect(r.preview).toHaveLength(5);
    expect(new Date(r.range!.first).toISOString()).toBe("2016-10-24T15:24:17.000Z"); // 11:24:17 EDT
  });

  it("reports byte progress up to 1", async () => {
    const seen: number[] = [];
    await scanFile(file("nightscout/cgm-format-entries.json"), createParser("nightscout"), { onProgress: (p) => seen.push(p.fraction) });
    expect(seen.at(-1)).toBe(1);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1]!)).toBe(true);
  });
});

describe("importFile", () => {
  it("imports the Clarity sample in one chunk; the same file again is all duplicates", async () => {
    const store = fakeStore();
    const parser = () => createParser("dexcom-clarity", { timeZone: "America/New_York" });
    const first = await importFile(file("dexcom-clarity/cgmquantify-sample.csv"), parser(), store.send);
    expect(first.summary.byKind).toEqual({ glucose: { imported: 2148, duplicates: 0, rejected: 0 } });
    expect(first.summary.skipped).toEqual(first.report.skipped);
    const again = await importFile(file("dexcom-clarity/cgmquantify-sample.csv"), parser(), store.send);
    expect([again.summary.imported, again.summary.duplicates, again.summary.rejectedTotal]).toEqual([0, 2148, 0]);
  });

  it("splits a large file into chunks of ≤ 5,000 per kind (iglu, 13,866 readings)", async () => {
    const store = fakeStore();
    const mapping = { time: "time", value: "gl", unit: "mg/dL" as const, timeFormat: "YYYY-MM-DD HH:mm:ss", sourceColumn: "id", timeZone: "EST" };
    const { summary } = await importFile(file("iglu/example_data_5_subject.csv"), createParser("csv", { mapping }), store.send);
    expect(summary.imported).toBe(13_866);
    expect(Math.max(...store.sizes)).toBeLessThanOrEqual(5_000);
    expect(store.sizes.reduce((a, b) => a + b, 0)).toBe(13_866);
  });

  it("Apple Health: several kinds, the parser's rejections and the endpoint's, named by row", async () => {
    const store = fakeStore();
    const { summary, report } = await importFile(file("apple-health/hkimport-export.xml"), createParser("apple-health"), store.send);
    expect(Object.keys(summary.byKind).sort()).toEqual(["activities", "glucose", "meals", "sleep"]);
    // 2 readings of 666 mg/dL refused (fake endpoint) + the parser's zero-length workout.
    expect(summary.rejectedTotal).toBe(report.rejected_total + 2);
    expect(summary.rejected.map((r) => r.row)).toEqual([...summary.rejected.map((r) => r.row)].sort((a, b) => a - b));
    expect(summary.rejected.filter((r) => r.reason.startsWith("glucose: value"))).toHaveLength(2);
  });

  it("streams: the first chunk is sent before the whole file has been read", async () => {
    const text = `[${Array.from({ length: 12_000 }, (_, i) => JSON.stringify({ sgv: 100 + (i % 50), date: 1_700_000_000_000 + i * 300_000, device: "x", type: "sgv" })).join(",")}]`;
    const bytes = new TextEncoder().encode(text);
    let pulled = 0;
    const piece = 16_384;
    const source: ByteSource = {
      size: bytes.length,
      stream: () =>
        new ReadableStream<Uint8Array>({
          pull(ctrl) {
            if (pulled >= bytes.length) return ctrl.close();
            ctrl.enqueue(bytes.subarray(pulled, pulled + piece));
            pulled += piece;
          },
        }),
    };
    const readAtSend: number[] = [];
    const store = fakeStore();
    const { summary } = await importFile(source, createParser("nightscout"), (c) => {
      readAtSend.push(Math.min(pulled, bytes.length));
      return store.send(c);
    });
    expect(summary.imported).toBe(12_000);
    expect(readAtSend[0]).toBeLessThan(bytes.length / 2);
  });

  it("stops when aborted and propagates a failed send", async () => {
    const ctrl = new AbortController();
    ctrl.abort(new Error("stopped"));
    await expect(importFile(file("dexcom-clarity/cgmquantify-sample.csv"), createParser("dexcom-clarity", { timeZone: "UTC" }), fakeStore().send, { signal: ctrl.signal })).rejects.toThrow("stopped");
    await expect(
      importFile(file("dexcom-clarity/cgmquantify-sample.csv"), createParser("dexcom-clarity", { timeZone: "UTC" }), () => Promise.reject(new Error("503"))),
    ).rejects.toThrow("503");
  });
});
