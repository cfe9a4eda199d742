/**
 * `analyze forecast-backtest` end to end: spawns `npx tsx analytics/cli/index.ts forecast-backtest`
 * on a real Hall subject (shared/data/iglu/example_data_hall.csv, 2133-035) and checks the output
 * against the library's own backtest, the time conventions, the population fallback and exit
 * status 2 with a JSON error naming the field for bad input (a few spawned; the rest in process).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { forecastBacktest } from "../cli/forecast-backtest.ts";
import { loadIglu, SHARED_DATA } from "../../experiments/forecast/datasets.ts";
import { backtest, fixedOffsetMinuteOfDay, linearForecaster, prepareSeries, trainForecastModel } from "./index.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "forecast-cli-"));
let counter = 0;

function run(input: unknown, viaStdin = false): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const text = typeof input === "string" ? input : JSON.stringify(input);
  const file = join(dir, `in-${counter++}.json`);
  writeFileSync(file, text);
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", "analytics/cli/index.ts", "forecast-backtest", ...(viaStdin ? [] : [file])], { cwd: root });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    if (viaStdin) child.stdin.end(text);
  });
}

interface Output {
  model: { scope: string; reason: string; train_readings: number; horizons: number[]; size_bytes: number; refit_every_hours: number; refits: number; parameters: { scope: string } };
  origins: { time: number; predictions: Record<string, number>; intervals: Record<string, [number, number]> }[];
  omitted: number;
}

// Local clock times in R's EST (UTC−05:00), as in the file.
const readings = loadIglu(new URL("iglu/example_data_hall.csv", SHARED_DATA), "iglu Hall")
  .find((s) => s.id === "2133-035")
  ?.readings.map((r) => ({ time: new Date(r.time - 5 * 3_600_000).toISOString().slice(0, 19).replace("T", " "), value: r.value })) ?? [];

// Each spawn starts tsx on the whole CLI (a few seconds on a busy machine): allow more than the default.
const SPAWN_TIMEOUT = 180_000;

describe("analyze forecast-backtest", () => {
  it("backtests a real subject exactly as the library does", async () => {
    const r = await run({ readings, train_fraction: 0.6, horizons: [30, 60], tz: "-05:00" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Output;
    const n = readings.length;
    const split = Math.floor(n * 0.6);
    expect(out.model.scope).toBe("user");
    expect(out.model.train_readings).toBe(split);
    expect(out.model.size_bytes).toBeLessThan(5000);
    // online updating: retrained every 6 hours of the ~2.5-day test part
    expect(out.model.refit_every_hours).toBe(6);
    expect(out.model.refits).toBeGreaterThanOrEqual(8);
    expect(out.origins.length + out.omitted).toBe(n - split);
    expect(out.origins.length).toBeGreaterThan(600);
    expect(Object.keys(out.origins[0].predictions)).toEqual(["30", "60"]);
    // the same numbers from the library (rounded to 0.1 mg/dL by the command)
    const series = prepareSeries(readings.map((x) => ({ time: Date.parse(`${x.time.replace(" ", "T")}-05:00`), value: x.value })));
    const est = fixedOffsetMinuteOfDay(-300);
    const lib = backtest(series, { trainFraction: 0.6, horizons: [30, 60] }, (train) => linearForecaster(trainForecastModel(train, { minuteOfDay: est }).model, est));
    expect(out.origins.map((o) => o.time)).toEqual(lib.origins.map((o) => o.time));
    expect(out.origins[0].time).toBeGreaterThan(series.times[split - 1]);
    lib.origins.forEach((o, i) => {
      expect(out.origins[i].predictions["30"]).toBeCloseTo(o.forecast.values[0], 1);
      expect(out.origins[i].predictions["60"]).toBeCloseTo(o.forecast.values[1], 1);
      const [lo, hi] = out.origins[i].intervals["60"];
      expect(lo).toBeLessThanOrEqual(out.origins[i].predictions["60"]);
      expect(hi).toBeGreaterThanOrEqual(out.origins[i].predictions["60"]);
    });
  }, SPAWN_TIMEOUT);

  it("reads times without an offset as UTC when there is no tz, like Z times and epoch ms", async () => {
    const few = Array.from({ length: 200 }, (_, i) => ({ ms: Date.UTC(2024, 2, 1, 6) + i * 300_000, value: 120 + 30 * Math.sin(i / 12) }));
    const [plain, zulu, epoch] = await Promise.all([
      run({ readings: few.map((x) => ({ time: new Date(x.ms).toISOString().slice(0, 19), value: x.value })) }, true),
      run({ readings: few.map((x) => ({ time: new Date(x.ms).toISOString(), value: x.value })), train_fraction: 0.6, horizons: [30, 60] }),
      run({ readings: few.map((x) => ({ time: x.ms, value: x.value })), train_fraction: 0.6 }),
    ]);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toBe(zulu.stdout);
    expect(plain.stdout).toBe(epoch.stdout);
    const out = JSON.parse(plain.stdout) as Output;
    // 120 training readings: too little history for a per-user model
    expect(out.model.scope).toBe("population");
    expect(out.model.reason).toMatch(/population model/);
    expect(out.origins[0].time).toBe(few[120].ms);
  }, SPAWN_TIMEOUT);

  it("exits with status 2 and names the field for bad input", async () => {
    const ok = [{ time: 0, value: 100 }, { time: 300_000, value: 101 }];
    const cases: [unknown, string][] = [
      ["{not json", "$"],
      [{ readings: [ok[0], { time: 300_000, value: -1 }] }, "readings[1].value"],
      [{ readings: ok, horizons: [30, 90] }, "horizons[1]"],
    ];
    for (const [input, field] of cases) {
      const r = await run(input);
      expect(r.status, JSON.stringify(input)).toBe(2);
      expect(r.stdout).toBe("");
      expect((JSON.parse(r.stderr) as { error: { field: string } }).error.field).toBe(field);
    }
  }, SPAWN_TIMEOUT);

  it("names the field of every other kind of bad input (in process)", () => {
    const ok = [{ time: 0, value: 100 }, { time: 300_000, value: 101 }];
    const cases: [unknown, string][] = [
      [[1, 2], "$"],
      [{ train_fraction: 0.6 }, "readings"],
      [{ readings: [{ time: 0, value: 100 }] }, "readings"],
      [{ readings: [ok[0], { time: "yesterday", value: 90 }] }, "readings[1].time"],
      [{ readings: [ok[0], { time: true, value: 90 }] }, "readings[1].time"],
      [{ readings: [ok[0], "x"] }, "readings[1]"],
      [{ readings: ok, train_fraction: 1.5 }, "train_fraction"],
      [{ readings: ok, train_fraction: "0.6" }, "train_fraction"],
      [{ readings: ok, horizons: [] }, "horizons"],
      [{ readings: ok, horizons: [30, 30] }, "horizons"],
      [{ readings: ok, horizons: [7] }, "horizons[0]"],
      [{ readings: ok, tz: "Mars/Olympus" }, "tz"],
      [{ readings: ok, tz: 5 }, "tz"],
      [{ readings: ok, refit_hours: -1 }, "refit_hours"],
      [{ readings: ok, refit_hours: "6" }, "refit_hours"],
      [{ readings: [ok[0], { ...ok[0] }] }, "readings"], // one distinct time: nothing to forecast from
    ];
    for (const [input, field] of cases) {
      let caught: unknown;
      try {
        forecastBacktest(input);
      } catch (err) {
        caught = err;
      }
      expect(caught, JSON.stringify(input)).toBeInstanceOf(Error);
      expect((caught as { field?: string }).field, JSON.stringify(input)).toBe(field);
    }
  });
});
