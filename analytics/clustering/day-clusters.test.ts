import { describe, expect, it } from "vitest";
import { clusterDays, kMeans, mannWhitney, meanSilhouette, seededRandom, type ClusterDay } from "./index.ts";

/** 60 days of three planted kinds: steady, a 19–22 h spike after late meals, a 02–05 h low after exercise. */
function planted(seed = 7): { days: ClusterDay[]; kinds: string[] } {
  const rand = seededRandom(seed);
  const noise = () => (rand() - 0.5) * 8;
  const days: ClusterDay[] = [];
  const kinds: string[] = [];
  for (let d = 0; d < 60; d++) {
    const kind = ["steady", "spike", "low"][d % 3]!;
    const profile = Array.from({ length: 24 }, (_, h) => {
      let v = 110 + 6 * Math.sin((2 * Math.PI * h) / 24) + noise();
      if (kind === "spike" && h >= 19 && h <= 22) v += 70 - 15 * Math.abs(h - 20.5);
      if (kind === "low" && h >= 2 && h <= 5) v -= 45 - 8 * Math.abs(h - 3.5);
      return v;
    });
    const lateMeals = kind === "spike" ? 1 + Math.floor(rand() * 2) : rand() < 0.1 ? 1 : 0;
    const exercise = kind === "low" ? 50 + rand() * 40 : rand() * 30;
    days.push({ date: `2024-01-${String(d + 1).padStart(2, "0")}`, profile, features: { late_meals: lateMeals, exercise_minutes: exercise, sleep_hours: 6.5 + rand() } });
    kinds.push(kind);
  }
  return { days, kinds };
}

describe("kMeans and silhouette", () => {
  it("separates two obvious groups; silhouette near 1 (hand-checked)", () => {
    const rows = Object.freeze([[0], [0.1], [10], [10.2]]);
    const r = kMeans(rows, 2);
    expect(r.labels[0]).toBe(r.labels[1]);
    expect(r.labels[2]).toBe(r.labels[3]);
    expect(r.labels[0]).not.toBe(r.labels[2]);
    // By hand: s = 1 − a/b per row: 1 − 0.1/10.1, 1 − 0.1/10, 1 − 0.2/9.95, 1 − 0.2/10.15 → mean 0.985074.
    expect(meanSilhouette(rows, r.labels, 2)).toBeCloseTo(0.985074, 5);
  });
});

describe("mannWhitney", () => {
  it("matches scipy's asymptotic two-sided p-values", () => {
    // scipy.stats.mannwhitneyu([1,2,3,4,5],[6,7,8,9,10], method="asymptotic") → U=0, p=0.01218578
    expect(mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).u).toBe(0);
    expect(mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).p).toBeCloseTo(0.012185, 4);
    // with ties (scipy 1.x, same call): U=2.5, p=0.13416918
    expect(mannWhitney([1, 2, 2, 3], [2, 3, 4, 4])).toEqual({ u: 2.5, p: expect.closeTo(0.134169, 5) });
    expect(mannWhitney([], [1]).p).toBe(1);
  });
});

describe("clusterDays", () => {
  it("recovers the planted kinds, names them and finds the lifestyle differences", () => {
    const { days, kinds } = planted();
    const r = clusterDays(days);
    if ("skipped" in r) throw new Error(r.skipped);
    expect(r.k).toBe(3);
    expect(r.criterion).toContain("silhouette");
    const byName = new Map(r.clusters.map((c) => [c.name, c]));
    expect([...byName.keys()].sort()).toEqual(["late-evening spikes", "night lows", "steady days"]);
    // Each cluster holds exactly one planted kind.
    for (const [name, kind] of [["late-evening spikes", "spike"], ["night lows", "low"], ["steady days", "steady"]] as const) {
      const c = byName.get(name)!;
      expect(c.days).toBe(20);
      for (const date of c.dates) expect(kinds[Number(date.slice(8)) - 1]).toBe(kind);
      expect(c.representativeDates).toHaveLength(3);
      expect(c.profile).toHaveLength(24);
    }
    const feature = (cluster: string, name: string) => byName.get(cluster)!.features.find((f) => f.name === name)!;
    expect(feature("late-evening spikes", "late_meals").significant).toBe(true);
    expect(feature("night lows", "exercise_minutes").significant).toBe(true);
    expect(feature("late-evening spikes", "sleep_hours").significant).toBe(false);
    expect(byName.get("late-evening spikes")!.description).toMatch(/higher than on a typical day between 18:00–24:00/);
  });

  it("is deterministic and leaves its input alone", () => {
    const { days } = planted(3);
    const frozen = Object.freeze(days.map((d) => Object.freeze({ ...d, profile: Object.freeze(Array.from(d.profile)) })));
    expect(clusterDays(frozen)).toEqual(clusterDays(frozen));
  });

  it("says why it cannot cluster too few days", () => {
    expect(clusterDays(planted().days.slice(0, 5))).toEqual({ skipped: expect.stringContaining("at least 14 days") });
  });
});
