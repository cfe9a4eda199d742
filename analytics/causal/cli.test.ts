/**
 * `analyze pcmci` command line: output shape and values on the reference case, and exit status 2
 * with a JSON error naming the field for bad input. Spawns `npx tsx analytics/cli/index.ts pcmci`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const ref = JSON.parse(readFileSync(new URL("../../../shared/data/reference/pcmci_tau3_pc005.json", import.meta.url), "utf8")) as {
  input: { var_names: string[]; data: number[][] };
  expected: {
    graph: string[][][];
    val_matrix: number[][][];
    significant_links: Array<{ source: string; target: string; lag: number; link: string; val: number; p: number }>;
    pc_parents: Record<string, Array<[string, number]>>;
  };
};
const dir = mkdtempSync(join(tmpdir(), "pcmci-cli-"));

let counter = 0;
function run(input: unknown): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const file = join(dir, `in-${counter++}.json`);
  writeFileSync(file, typeof input === "string" ? input : JSON.stringify(input));
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", "analytics/cli/index.ts", "pcmci", file], { cwd: root });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const base = { var_names: ref.input.var_names, data: ref.input.data, tau_min: 0, tau_max: 3, pc_alpha: 0.05, alpha_level: 0.05, fdr_method: "none" };

// the cases spawn independent processes, so they run concurrently
describe.concurrent("analyze pcmci", () => {
  it("writes val_matrix, p_matrix, graph, significant_links and pc_parents for the reference case", async () => {
    const r = await run(base);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(["graph", "p_matrix", "pc_parents", "significant_links", "val_matrix"]);
    const val = out.val_matrix as number[][][];
    expect(val).toHaveLength(7);
    for (const row of val) {
      expect(row).toHaveLength(7);
      for (const lags of row) expect(lags).toHaveLength(4);
    }
    expect(Math.abs(val[5]![6]![2]! - ref.expected.val_matrix[5]![6]![2]!)).toBeLessThan(1e-10);
    expect(out.graph).toEqual(ref.expected.graph);
    expect(out.pc_parents).toEqual(ref.expected.pc_parents);
    const links = out.significant_links as typeof ref.expected.significant_links;
    // same links in the same order (by target name, then p)
    expect(links.map((l) => [l.source, l.target, l.lag, l.link])).toEqual(ref.expected.significant_links.map((l) => [l.source, l.target, l.lag, l.link]));
  });

  it("reports the chosen pc_alpha per variable when pc_alpha is null", async () => {
    const r = await run({ ...base, pc_alpha: null, fdr_method: "fdr_bh" });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { optimal_pc_alpha: Record<string, number> };
    expect(Object.keys(out.optimal_pc_alpha)).toEqual(ref.input.var_names);
    for (const a of Object.values(out.optimal_pc_alpha)) expect([0.05, 0.1, 0.2, 0.3, 0.4, 0.5]).toContain(a);
  });

  const bad: Array<[string, unknown, string]> = [
    ["missing tau_max", { ...base, tau_max: undefined }, "tau_max"],
    ["too few time steps", { ...base, data: ref.input.data.slice(0, 8) }, "data"],
    ["var_names of the wrong length", { ...base, var_names: ["a", "b"] }, "var_names"],
    ["bad pc_alpha", { ...base, pc_alpha: "0.05" }, "pc_alpha"],
    ["unknown fdr_method", { ...base, fdr_method: "holm" }, "fdr_method"],
    ["a missing value", { ...base, data: [["NaN", ...ref.input.data[0]!.slice(1)], ...ref.input.data.slice(1)] }, "data[0][0]"],
  ];
  for (const [name, input, field] of bad) {
    it(`exits with status 2 and names the field for ${name}`, async () => {
      const r = await run(input);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      const err = JSON.parse(r.stderr) as { error: { field: string; message: string } };
      expect(err.error.field).toBe(field);
      expect(err.error.message.length).toBeGreaterThan(0);
    });
  }
});
