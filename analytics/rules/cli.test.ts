// End-to-end test of `analyze rules` on the reference case apriori_daily90 (mlxtend 0.23.4), and
// its exit status 2 for bad input.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const ref = JSON.parse(readFileSync(resolve(repoRoot, "../shared/data/reference/apriori_daily90.json"), "utf8")) as {
  input: { columns: Record<string, boolean[]> };
  settings: { min_support: number; min_threshold: number };
  expected: { frequent_itemsets: { itemset: string[]; support: number }[]; rules: Record<string, unknown>[] };
};

/** `node --import tsx analytics/cli/index.ts ARGS` from the repo root (what `npm run analyze` runs, minus the launchers). */
function analyze(args: string[], stdin: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", "analytics/cli/index.ts", ...args], { cwd: repoRoot });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", fail);
    child.on("close", (status) => done({ status, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe("analyze rules", () => {
  it.concurrent("reproduces the reference itemsets and rules", async () => {
    const input = { columns: ref.input.columns, min_support: ref.settings.min_support, min_confidence: ref.settings.min_threshold };
    const r = await analyze(["rules"], JSON.stringify(input));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as typeof ref.expected;
    expect(out.frequent_itemsets.map((s) => s.itemset)).toEqual(ref.expected.frequent_itemsets.map((s) => s.itemset));
    out.frequent_itemsets.forEach((s, i) => expect(Math.abs(s.support - ref.expected.frequent_itemsets[i].support)).toBeLessThanOrEqual(1e-12));
    expect(out.rules).toHaveLength(ref.expected.rules.length);
    out.rules.forEach((rule, i) => {
      const e = ref.expected.rules[i];
      // Same keys in the same order as the reference (which includes mlxtend's representativity).
      expect(Object.keys(rule)).toEqual(Object.keys(e));
      for (const [key, value] of Object.entries(e)) {
        // Numbers within 1e-12; item lists and the string "Infinity" (conviction at confidence 1) exactly.
        const ok = typeof value === "number" ? Math.abs((rule[key] as number) - value) <= 1e-12 : JSON.stringify(rule[key]) === JSON.stringify(value);
        expect(ok, `${key}: ${JSON.stringify(rule[key])} vs ${JSON.stringify(value)}`).toBe(true);
      }
    });
  });

  it.concurrent.each([
    ["a non-boolean value", { columns: { late_meal: [true, "no"] }, min_support: 0.1, min_confidence: 0.6 }, "columns.late_meal[1]"],
    ["columns of different lengths", { columns: { a: [true, false], b: [true] }, min_support: 0.1, min_confidence: 0.6 }, "columns.b"],
    ["a column that is not an array", { columns: { a: true }, min_support: 0.1, min_confidence: 0.6 }, "columns.a"],
    ["no columns", { columns: {}, min_support: 0.1, min_confidence: 0.6 }, "columns"],
    ["a zero min_support", { columns: { a: [true] }, min_support: 0, min_confidence: 0.6 }, "min_support"],
    ["a missing min_confidence", { columns: { a: [true] }, min_support: 0.5 }, "min_confidence"],
    ["a bad max_len", { columns: { a: [true] }, min_support: 0.5, min_confidence: 0.5, max_len: 0 }, "max_len"],
  ])("exits with status 2 for %s", async (_what, input, field) => {
    const r = await analyze(["rules"], JSON.stringify(input));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect((JSON.parse(r.stderr) as { error: { field: string } }).error.field).toBe(field);
  });
});
