/**
 * The `analyze matrix-profile` command: end to end by spawning `npx tsx analytics/cli/index.ts
 * matrix-profile` from the repository root (output document, exit status 2 with a JSON error for bad
 * input), and every bad-input case in-process through the exported command (fast).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { matrixProfile } from "../cli/matrix-profile.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

function run(input: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync("npx", ["tsx", "analytics/cli/index.ts", "matrix-profile"], { cwd: root, input, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function errorOf(r: { stderr: string }): { field: string; message: string } {
  return (JSON.parse(r.stderr.trim().split("\n").pop() ?? "{}") as { error: { field: string; message: string } }).error;
}

const badInputs = [
  ["m < 3", { series: [1, 2, 3, 4], m: 2 }, "m"],
  ["m > length", { series: [1, 2, 3, 4], m: 5 }, "m"],
  ["non-integer m", { series: [1, 2, 3, 4], m: 3.5 }, "m"],
  ["missing m", { series: [1, 2, 3, 4] }, "m"],
  ["series not an array", { series: "1,2,3", m: 3 }, "series"],
  ["a non-number in series", { series: [1, 2, "x", 4], m: 3 }, "series[2]"],
  ["bad top_k", { series: [1, 2, 3, 4, 5, 6, 7], m: 3, top_k: -1 }, "top_k"],
  ["not an object", [1, 2, 3], "$"],
] as const;

describe("analyze matrix-profile (spawned CLI)", () => {
  it("writes profile, indices, motifs and discords; gaps as null become Infinity", () => {
    const series = [584, -11, 23, 79, 1001, 0, -19, 5, null, 12, 40, 3];
    const r = run(JSON.stringify({ series, m: 3, top_k: 2 }));
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      profile: Array<number | string>;
      indices: number[];
      left_indices: number[];
      right_indices: number[];
      motifs: Array<{ pair: [number, number]; distance: number }>;
      discords: Array<{ index: number; distance: number }>;
    };
    expect(out.profile.length).toBe(10);
    expect(out.profile.slice(6, 9)).toEqual(["Infinity", "Infinity", "Infinity"]); // windows 6, 7, 8 hold the null
    expect(out.indices.length).toBe(10);
    expect(out.left_indices[0]).toBe(-1);
    expect(out.right_indices[9]).toBe(-1);
    expect(out.motifs.length).toBe(2);
    expect(out.discords.length).toBe(2);
    expect(out.motifs[0].distance).toBeLessThanOrEqual(out.motifs[1].distance);
  }, 60_000);

  it("exits 2 with a JSON error naming m when m < 3", () => {
    const r = run(JSON.stringify({ series: [1, 2, 3, 4], m: 2 }));
    expect(r.status).toBe(2);
    expect(errorOf(r).field).toBe("m");
  }, 60_000);

  it("exits 2 with a JSON error naming series when it is not an array", () => {
    const r = run(JSON.stringify({ series: "1,2,3", m: 3 }));
    expect(r.status).toBe(2);
    expect(errorOf(r).field).toBe("series");
  }, 60_000);
});

describe("matrix-profile command: bad input names the field", () => {
  for (const [name, doc, field] of badInputs) {
    it(`${name} → ${field}`, () => {
      let caught: unknown;
      try {
        matrixProfile(doc);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(Error);
      expect((caught as { field?: string }).field).toBe(field);
    });
  }

  it("defaults top_k to 3", () => {
    const out = matrixProfile({ series: Array.from({ length: 60 }, (_, t) => Math.sin(t / 3) + (t % 7)), m: 6 }) as { motifs: unknown[]; discords: unknown[] };
    expect(out.motifs.length).toBe(3);
    expect(out.discords.length).toBe(3);
  });
});
