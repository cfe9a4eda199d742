/**
 * The clinician AGP report as poppler sees it (Node + a private `wrangler dev`, port
 * REPORT_RENDER_PORT): `GET /api/v1/reports/agp.pdf` of a seeded account rendered page by page
 * with `pdftoppm`, sized with `pdfinfo` and read with `pdftotext`: two A4 pages, every page
 * drawn (not blank) and nothing drawn into the outer 20 pt of the page (no clipping at the
 * edges), the statistics readable as text. poppler-utils: `apt-get install poppler-utils`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPlatform, type Platform } from "../support/local-platform.ts";
import { generateSynthetic } from "../../seed/synthetic.ts";

const TZ = "Europe/Berlin";
const DPI = 50;
let platform: Platform;
let dir: string;
let token: string;

async function call(path: string, init: { body?: unknown; token?: string } = {}) {
  return fetch(`${platform.url}${path}`, {
    method: init.body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json", ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

/** Width, height and grey pixels of a binary PGM (P5) image as pdftoppm -gray writes it. */
function readPgm(file: string) {
  const buf = readFileSync(file);
  const header = buf.toString("latin1", 0, 64).match(/^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  if (!header) throw new Error(`${file} is not a binary PGM`);
  const [, w, h] = header.map(Number);
  return { width: w!, height: h!, pixels: buf.subarray(header[0].length) };
}

beforeAll(async () => {
  platform = await startPlatform(Number(process.env.REPORT_RENDER_PORT ?? 8793), "report-render");
  dir = mkdtempSync(join(tmpdir(), "agp-pdf-"));
  const reg = await call("/api/v1/auth/register", { body: { email: `render-${Date.now()}@example.com`, password: "correct horse battery", name: "Render Check", timezone: TZ, unit: "mg/dL" } });
  token = ((await reg.json()) as { access_token: string }).access_token;
  const today = new Date(new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(new Date()) + "T00:00:00Z").getTime();
  const data = generateSynthetic({ days: 16, seed: 42, timezone: TZ, end: today - 2 * 3_600_000 });
  for (const [path, key, items] of [
    ["/api/v1/glucose/bulk", "readings", data.readings],
    ["/api/v1/meals/bulk", "items", data.meals],
    ["/api/v1/insulin/bulk", "items", data.insulin],
  ] as const) {
    const res = await call(path, { token, body: { [key]: items } });
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  }
});

afterAll(async () => {
  await platform?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the AGP report PDF rendered by poppler", () => {
  it("has two A4 pages, each drawn, nothing in the outer 20 pt, and its numbers as text", async () => {
    const res = await call("/api/v1/reports/agp.pdf?days=14", { token });
    expect(res.status).toBe(200);
    const file = join(dir, "report.pdf");
    writeFileSync(file, new Uint8Array(await res.arrayBuffer()));

    const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
    expect(info).toMatch(/^Pages:\s+2$/m);
    expect(info).toMatch(/^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)$/m);

    execFileSync("pdftoppm", ["-r", String(DPI), "-gray", file, join(dir, "page")]);
    const pages = readdirSync(dir).filter((f) => f.startsWith("page")).sort();
    expect(pages).toHaveLength(2);
    const edge = Math.floor((20 / 72) * DPI);
    for (const page of pages) {
      const { width, height, pixels } = readPgm(join(dir, page));
      expect([width, height]).toEqual([Math.ceil((595.28 / 72) * DPI), Math.ceil((841.89 / 72) * DPI)]);
      let inked = 0;
      let onEdge = 0;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (pixels[y * width + x]! > 245) continue;
          inked++;
          if (x < edge || y < edge || x >= width - edge || y >= height - edge) onEdge++;
        }
      }
      expect(inked, `${page} is blank`).toBeGreaterThan(width * height * 0.02);
      expect(onEdge, `${page} draws into its outer 20 pt`).toBe(0);
    }

    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    const agp = (await (await call("/api/v1/insights/agp?days=14", { token })).json()) as { metrics: Record<string, number> };
    expect(text).toContain("AGP Report: Continuous Glucose Monitoring");
    expect(text).toContain("Render Check");
    expect(text).toContain(`${agp.metrics.mean!.toFixed(0)} mg/dL`);
    expect(text).toContain(`${agp.metrics.tight_range_percent!.toFixed(1)} %`);
    expect(text).toContain(`${agp.metrics.gri!.toFixed(1)} (zone`);
    expect(text).toContain("GLYCEMIA RISK INDEX (GRI)");
  });
});
