import { describe, expect, it } from "vitest";
import { anomalyContextColumns, evidenceOf, isJobActive, jobProgressText, motifColumns, motifMean, parsePatternId, patternId, pollDelayMs, strengthWord } from "./insights-data.ts";
import { formatP, graphViewBox, layoutCausalGraph } from "./insights-graph.ts";

describe("causal graph layout", () => {
  const graph = {
    nodes: [
      { id: "sleep_hours", label: "sleep" },
      { id: "carbs", label: "carbohydrates" },
      { id: "exercise_minutes", label: "exercise" },
      { id: "mean_glucose", label: "average glucose" },
      { id: "morning_glucose", label: "morning glucose" },
    ],
    edges: [
      { source: "sleep_hours", target: "mean_glucose", lag_days: 1, type: "-->", strength: -0.42, p: 0.0004 },
      { source: "sleep_hours", target: "mean_glucose", lag_days: 2, type: "-->", strength: -0.2, p: 0.03 },
      { source: "carbs", target: "mean_glucose", lag_days: 0, type: "o-o", strength: 0.31, p: 0.01 },
      { source: "mean_glucose", target: "morning_glucose", lag_days: 1, type: "-->", strength: 0.5, p: 0.001 },
      { source: "mean_glucose", target: "mean_glucose", lag_days: 1, type: "-->", strength: 0.6, p: 0.0001 },
      { source: "ghost", target: "mean_glucose", lag_days: 1, type: "-->", strength: 0.9, p: 0.0001 },
    ],
  };
  const layout = layoutCausalGraph(graph);

  it("puts lifestyle on the left and glucose on the right, shorter column centred, no overlaps", () => {
    const left = layout.nodes.filter((n) => n.side === "left");
    const right = layout.nodes.filter((n) => n.side === "right");
    expect(left.map((n) => n.id)).toEqual(["sleep_hours", "carbs", "exercise_minutes"]);
    expect(right.map((n) => n.id)).toEqual(["mean_glucose", "morning_glucose"]);
    expect(new Set(left.map((n) => n.x)).size).toBe(1);
    expect(right[0]!.x).toBeGreaterThan(left[0]!.x + left[0]!.width);
    for (const col of [left, right]) for (let i = 1; i < col.length; i++) expect(col[i]!.y).toBeGreaterThanOrEqual(col[i - 1]!.y + col[i - 1]!.height);
    // Centring: the middle of each column is at the same height.
    const mid = (c: typeof left) => (c[0]!.y + c.at(-1)!.y + c[0]!.height) / 2;
    expect(mid(right)).toBeCloseTo(mid(left), 5);
    expect(layout.height).toBeGreaterThan(left.at(-1)!.y + left.at(-1)!.height);
    expect(graphViewBox(layout)).toMatch(/^-80 0 800 \d+$/);
  });

  it("draws sign by style and text, strength by width, o-o without an arrow, and drops edges to unknown nodes", () => {
    expect(layout.edges).toHaveLength(5);
    const [lag1, lag2, oo, gg, loop] = layout.edges;
    expect(lag1!.sign).toBe("negative");
    expect(lag1!.label).toBe("−0.42 · 1 d");
    expect(oo!.directed).toBe(false);
    expect(oo!.description).toMatch(/direction unknown/);
    expect(gg!.strokeWidth).toBeGreaterThan(lag2!.strokeWidth);
    // Parallel links (lag 1 and 2 of the same pair) fan out: labels apart.
    expect(Math.abs(lag1!.labelY - lag2!.labelY)).toBeGreaterThanOrEqual(20);
    // Same-column link bows outwards (right of the glucose column), the loop too.
    const rightEdge = layout.nodes.find((n) => n.id === "mean_glucose")!;
    expect(gg!.labelX).toBeGreaterThan(rightEdge.x + rightEdge.width);
    expect(loop!.path).toMatch(/^M \d+ [\d.]+ C /);
    expect(loop!.labelX).toBeGreaterThan(rightEdge.x + rightEdge.width);
    expect(lag1!.description).toBe("sleep → average glucose, 1 day later: higher goes with lower, strength −0.42 (p < 0.001).");
    expect(new Set(layout.edges.map((e) => e.key)).size).toBe(5);
  });

  it("handles an empty graph", () => {
    const empty = layoutCausalGraph({ nodes: [], edges: [] });
    expect(empty.edges).toEqual([]);
    expect(empty.height).toBeGreaterThan(0);
    expect(formatP(0.0321)).toBe("p = 0.032");
  });
});

describe("insight wording", () => {
  it("strength bands and evidence", () => {
    expect([0.05, -0.2, 0.35, -0.7].map(strengthWord)).toEqual(["very weak", "weak", "moderate", "strong"]);
    expect(evidenceOf({ q: 0.004, p: 0.0001, n: 60, significant: true })).toBe("strong");
    expect(evidenceOf({ q: 0.004, p: 0.0001, n: 20, significant: true })).toBe("moderate"); // short data caps it
    expect(evidenceOf({ q: 0.03, p: 0.001, n: 90 })).toBe("moderate");
    expect(evidenceOf({ q: 0.1, p: 0.01, significant: false })).toBe("weak");
    expect(evidenceOf({ p: 0.6 })).toBe("none");
  });

  it("pattern ids round-trip and refuse anything else", () => {
    expect(patternId("motif", 0)).toBe("motif-1");
    expect(parsePatternId("anomaly-3")).toEqual({ kind: "anomaly", index: 2 });
    for (const bad of [undefined, "", "motif-0", "motif-01", "motif-1x", "../motif-1", "discord-1"]) expect(parsePatternId(bad)).toBeNull();
  });

  it("motif overlay columns and average", () => {
    const motif = { minutes: [0, 60], occurrences: [{ values: [100, 180] }, { values: [120, 160] }, { values: [110] }] };
    expect(motifColumns(motif)).toEqual([
      [0, 60],
      [100, 180],
      [120, 160],
      [110, Number.NaN],
    ]);
    expect(motifMean(motif)).toEqual([110, 170]);
  });

  it("anomaly context: the window as a second series, gaps broken", () => {
    const [xs, all, inside] = anomalyContextColumns({ t: [0, 300, 600, 3000, 3300], v: [1, 2, 3, 4, 5] }, 300, 600);
    expect(xs).toEqual([0, 300, 600, 1800, 3000, 3300]);
    expect(all).toEqual([1, 2, 3, null, 4, 5]);
    expect(inside).toEqual([null, 2, 3, null, null, null]);
  });

  it("job progress text and polling", () => {
    const job = { job_id: "j", status: "running" as const, progress: 0.4, stage: "correlations", stage_label: "correlations", error: null };
    expect(jobProgressText(job)).toBe("Working on correlations: 40 %");
    expect(jobProgressText({ ...job, status: "failed", error: "chunk failed 5 times" })).toMatch(/failed: chunk failed 5 times\. Your data is safe/);
    expect(isJobActive(job)).toBe(true);
    expect(isJobActive({ status: "done" })).toBe(false);
    expect(isJobActive(null)).toBe(false);
    expect([0, 4, 100].map(pollDelayMs)).toEqual([1000, 2000, 5000]);
  });
});
