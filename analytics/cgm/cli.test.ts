/**
 * `analyze metrics` end to end: spawns `npx tsx analytics/cli/index.ts metrics` with a JSON
 * document on standard input. Expected numbers: iglu 4.3.0 on Subject 1 of
 * example_data_5_subject (shared/data/reference/iglu/iglu_metrics_5_subject.json).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SHARED = new URL("../../../shared/data/", import.meta.url);
const reference = JSON.parse(readFileSync(new URL("reference/iglu/iglu_metrics_5_subject.json", SHARED), "utf8")) as { metrics: Record<string, { values: Record<string, unknown> }> };
const subject1 = readFileSync(new URL("iglu/example_data_5_subject.csv", SHARED), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((l) => l.split(","))
  .filter((f) => f[0] === '"Subject 1"')
  .map((f) => ({ time: f[1], value: Number(f[2]) }));

function analyze(input: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("npx", ["tsx", "analytics/cli/index.ts", "metrics"], { cwd: ROOT, input, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const close = (a: unknown, e: number) => typeof a === "number" && Math.abs(a - e) <= 1e-9 * Math.abs(e);

describe("analyze metrics", () => {
  it("computes iglu's metrics for Subject 1 from local ISO times in EST", () => {
    const r = analyze(JSON.stringify({ tz: "EST", readings: subject1 }));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const key of Object.keys(reference.metrics)) expect(out).toHaveProperty([key]);
    const v = (k: string) => reference.metrics[k].values["Subject 1"] as number;
    expect(close(out.mean_glu, v("mean_glu"))).toBe(true);
    expect(close(out.mage, v("mage"))).toBe(true);
    expect(close(out.modd, v("modd"))).toBe(true);
    expect(close(out.conga_n24, v("conga_n24"))).toBe(true);
    expect(close(out.adrr, v("adrr"))).toBe(true);
    expect(out.active_percent).toMatchObject({ ndays: 12.7, start_date: "2015-06-06 16:50:27", end_date: "2015-06-19 08:59:36" });
    expect((out.sd_measures as Record<string, number>).SDw).toBeCloseTo((reference.metrics.sd_measures.values["Subject 1"] as Record<string, number>).SDw, 9);
    // iglu's NA is written as "NaN"
    expect((out.episode_calculation as Record<string, Record<string, unknown>>).hypo_lv2.avg_ep_gl).toBe("NaN");
    const agp = out.agp_profile as { minute: number[]; percentiles: Record<string, unknown[]> };
    expect(agp.minute).toHaveLength(288);
    expect(Object.keys(agp.percentiles)).toEqual(["p5", "p25", "p50", "p75", "p95"]);
  }, 120_000);

  it("accepts epoch milliseconds and ISO times with an offset", () => {
    const readings = subject1.map((r, i) => ({ time: i % 2 ? Date.parse(`${r.time.replace(" ", "T")}-05:00`) : `${r.time.replace(" ", "T")}-05:00`, value: r.value }));
    const r = analyze(JSON.stringify({ tz: "America/New_York", readings }));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    // metrics that do not depend on local days agree with iglu whatever the zone
    expect(close(out.mean_glu, reference.metrics.mean_glu.values["Subject 1"] as number)).toBe(true);
    expect(close(out.mage_naive, reference.metrics.mage_naive.values["Subject 1"] as number)).toBe(true);
  }, 120_000);

  it("exits with status 2 and names the offending field", () => {
    const bad = subject1.slice(0, 20).map((r, i) => (i === 12 ? { ...r, value: "high" } : r));
    const r = analyze(JSON.stringify({ tz: "EST", readings: bad }));
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stderr)).toMatchObject({ error: { field: "readings[12].value" } });

    const noTz = analyze(JSON.stringify({ readings: subject1.slice(0, 5) }));
    expect(noTz.status).toBe(2);
    expect(JSON.parse(noTz.stderr)).toMatchObject({ error: { field: "tz" } });

    const empty = analyze(JSON.stringify({ tz: "UTC", readings: [] }));
    expect(empty.status).toBe(2);
    expect(JSON.parse(empty.stderr)).toMatchObject({ error: { field: "readings" } });

    const notJson = analyze("{");
    expect(notJson.status).toBe(2);
    expect(JSON.parse(notJson.stderr)).toMatchObject({ error: { field: "$" } });
  }, 240_000);
});
