/**
 * Test helpers: the real export files of ../shared/data and chunked feeding.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ParsedRow, ParseResult, StreamParser } from "../types.ts";

/** ../shared/data beside the repository root (interop/test → ../../../shared/data). */
export const DATA_DIR = fileURLToPath(new URL("../../../shared/data/", import.meta.url));

export const readText = (path: string) => readFileSync(DATA_DIR + path, "utf8");
export const readBytes = (path: string) => new Uint8Array(readFileSync(DATA_DIR + path));

export const FILES = {
  clarity: "dexcom-clarity/cgmquantify-sample.csv",
  libre2: "libreview/cgm-data-processor-libre2-mmol.csv",
  libre3: "libreview/cgm-food-response-libre3plus-mgdl.csv",
  nightscout: "nightscout/cgm-format-entries.json",
  apple: "apple-health/hkimport-export.xml",
  iglu5: "iglu/example_data_5_subject.csv",
  iglu1: "iglu/example_data_1_subject.csv",
  hall: "iglu/example_data_hall.csv",
  hallMeals: "iglu/example_meals_hall.csv",
} as const;

/** A small deterministic PRNG (mulberry32), so that a failing chunking is reproducible from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cut points for `length` items: random sizes 1…maxChunk plus the forced ones (sorted, unique, inside). */
export function cutPoints(length: number, seed: number, maxChunk: number, forced: number[] = []): number[] {
  const rnd = prng(seed);
  const cuts = new Set<number>(forced.filter((c) => c > 0 && c < length));
  for (let at = 0; ; ) {
    at += 1 + Math.floor(rnd() * maxChunk);
    if (at >= length) break;
    cuts.add(at);
  }
  return [...cuts].sort((a, b) => a - b);
}

/** Feeds `text` to the parser in pieces cut at `cuts`; returns what parseAll would. */
export function feedText(parser: StreamParser, text: string, cuts: number[]): ParseResult {
  const rows: ParsedRow[] = [];
  let from = 0;
  for (const c of [...cuts, text.length]) {
    rows.push(...parser.push(text.slice(from, c)));
    from = c;
  }
  rows.push(...parser.end());
  return { ...parser.report, rows };
}

/** Feeds UTF-8 bytes in pieces cut at `cuts` (which may split a multi-byte character). */
export function feedBytes(parser: StreamParser, bytes: Uint8Array, cuts: number[]): ParseResult {
  const rows: ParsedRow[] = [];
  let from = 0;
  for (const c of [...cuts, bytes.length]) {
    rows.push(...parser.pushBytes(bytes.subarray(from, c)));
    from = c;
  }
  rows.push(...parser.end());
  return { ...parser.report, rows };
}

export const iso = (ms: number) => new Date(ms).toISOString();
