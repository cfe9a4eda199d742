// End-to-end test of `analyze correlate`: spawns the real CLI (npx tsx analytics/cli/index.ts) on the
// reference case correlation_daily and on bad input.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const ref = JSON.parse(readFileSync(resolve(repoRoot, "../shared/data/reference/correlation_daily.json"), "utf8")) as {
  input: { columns: Record<string, number[]>; extra_series: Record<string, number[]> };
  settings: { pairs: [string, string][]; lagged: { sources: string[]; target: string; lags: number[] } };
  expected: { pairs: Record<string, unknown>[]; lagged: Record<string, unknown>[] };
};
const dir = mkdtempSync(join(tmpdir(), "glucolens-correlate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the CLI from the repo root with `stdin` as standard input: `npx tsx analytics/cli/index.ts
 * ARGS` (what `npm run analyze` does), or with `fast`, `node --import tsx analytics/cli/index.ts
 * ARGS` — the same program without npx's and tsx's launcher processes (about 1 s instead of 3 s
 * on a 2-core machine), for the table of bad inputs.
 */
function analyze(args: string[], stdin = "", fast = false): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const [command, prefix] = fast ? [process.execPath, ["--import", "tsx"]] : ["npx", ["tsx"]];
  return new Promise((done, fail) => {
    const child = spawn(command, [...prefix, "analytics/cli/index.ts", ...args], { cwd: repoRoot });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", fail);
    child.on("close", (status) => done({ status, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const num = (v: unknown): number => (typeof v === "number" ? v : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : Number.NaN);

/** Reference tolerances: r and rho 1e-12 absolute; p 1e-8 relative, an expected 0 accepting up to 1e-15. */
function expectClose(actual: unknown, expected: unknown, key: string): void {
  const a = num(actual);
  const e = num(expected);
  const isCoefficient = key.endsWith("_r") || key.endsWith("_rho");
  // The error as a multiple of what is allowed: at most 1 passes.
  const error = isCoefficient ? Math.abs(a - e) / 1e-12 : e === 0 ? Math.abs(a) / 1e-15 : Math.abs(a - e) / (1e-8 * Math.abs(e));
  expect(error, `${key}: ${a} vs ${e}`).toBeLessThanOrEqual(1);
}

describe("analyze correlate", () => {
  it.concurrent("reproduces the reference outputs from a file, with BH q-values when fdr is set", async () => {
    const file = join(dir, "correlation_daily.json");
    writeFileSync(file, JSON.stringify({ columns: { ...ref.input.columns, ...ref.input.extra_series }, pairs: ref.settings.pairs, lagged: ref.settings.lagged, fdr: true }));
    const r = await analyze(["correlate", file]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { pairs: Record<string, unknown>[]; lagged: Record<string, unknown>[] };
    for (const family of ["pairs", "lagged"] as const) {
      expect(out[family]).toHaveLength(ref.expected[family].length);
      out[family].forEach((entry, i) => {
        const e = ref.expected[family][i];
        // The reference keys in the reference's order, plus pearson_q/spearman_q after each p.
        expect(Object.keys(entry).filter((k) => !k.endsWith("_q"))).toEqual(Object.keys(e));
        expect([entry.x, entry.y, entry.lag, entry.n]).toEqual([e.x, e.y, e.lag, e.n]);
        for (const key of ["pearson_r", "pearson_p", "spearman_rho", "spearman_p"]) expectClose(entry[key], e[key], key);
        for (const key of ["pearson_q", "spearman_q"]) {
          const q = num(entry[key]);
          expect(q).toBeGreaterThanOrEqual(num(entry[key.replace("_q", "_p")]));
          expect(q).toBeLessThanOrEqual(1);
        }
      });
    }
  });

  it.concurrent("writes non-finite numbers as strings and omits q without fdr", async () => {
    const r = await analyze(["correlate"], JSON.stringify({ columns: { a: [1, 1, 1], b: [1, 2, "NaN", 3], c: [3, 2, null, 1] }, pairs: [["a", "a"], ["b", "c"]] }));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { pairs: Record<string, unknown>[]; lagged: unknown[] };
    // a is constant: scipy returns nan for both statistics.
    expect(out.pairs[0]).toEqual({ x: "a", y: "a", n: 3, pearson_r: "NaN", pearson_p: "NaN", spearman_rho: "NaN", spearman_p: "NaN" });
    // b ~ c after dropping the gap: [1, 2, 3] vs [3, 2, 1]. scipy 1.10: pearsonr = (-0.9999999999999998,
    // 1.3415758552508151e-08) (rounding keeps r off -1 and n = 3 leaves one degree of freedom);
    // spearmanr = (-1.0, 0.0).
    expect(out.pairs[1]).toMatchObject({ n: 3, pearson_r: -0.9999999999999998, spearman_rho: -1, spearman_p: 0 });
    expectClose(out.pairs[1].pearson_p, 1.3415758552508151e-8, "pearson_p");
    expect(out.lagged).toEqual([]);
  });

  it.concurrent.each([
    ["a non-number value", { columns: { sleep_hours: [7, 6, "x"] }, pairs: [["sleep_hours", "sleep_hours"]] }, "columns.sleep_hours[2]"],
    ["an infinite value", { columns: { a: [1, "Infinity", 2], b: [1, 2, 3] }, pairs: [["a", "b"]] }, "columns.a[1]"],
    ["an unknown column", { columns: { a: [1, 2, 3] }, pairs: [["a", "b"]] }, "pairs[0][1]"],
    ["columns of different lengths", { columns: { a: [1, 2, 3], b: [1, 2] }, pairs: [["a", "b"]] }, "pairs[0]"],
    ["an empty pair of columns", { columns: { a: [], b: [] }, pairs: [["a", "b"]] }, "pairs[0]"],
    ["a lag that leaves one pair", { columns: { a: [1, 2, 3], b: [3, 2, 1] }, lagged: { sources: ["a"], target: "b", lags: [0, 2] } }, "lagged.lags[1]"],
    ["a negative lag", { columns: { a: [1, 2, 3], b: [3, 2, 1] }, lagged: { sources: ["a"], target: "b", lags: [-1] } }, "lagged.lags[0]"],
    ["missing columns", { pairs: [] }, "columns"],
    ["a non-boolean fdr", { columns: {}, fdr: "yes" }, "fdr"],
  ])("exits with status 2 for %s", async (_what, input, field) => {
    const r = await analyze(["correlate"], JSON.stringify(input), true);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    const err = JSON.parse(r.stderr) as { error: { field: string; message: string } };
    expect(err.error.field).toBe(field);
    expect(err.error.message.length).toBeGreaterThan(0);
  });

  it.concurrent("exits with status 2 for a document that is not JSON (through npx, as npm run analyze)", async () => {
    const r = await analyze(["correlate"], "{not json");
    expect(r.status).toBe(2);
    expect((JSON.parse(r.stderr) as { error: { field: string } }).error.field).toBe("$");
  });
});
