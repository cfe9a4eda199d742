/**
 * @module analytics/clustering/day-clusters
 * Groups days by the shape of their glucose profile and says what distinguishes each group.
 *
 * 1. Each day is its 24 hourly mean glucose values (local clock), z-normalised (shape, not level).
 * 2. k-means (k-means++, seeded restarts) for k = 2…6 (at most a third of the days); **k is the one
 *    with the highest mean silhouette width** (Rousseeuw 1987).
 * 3. Names come from the raw (mg/dL) mean profile of the cluster against the other days: the
 *    largest standardised difference among "higher/lower in the night (00–06), morning (06–12),
 *    afternoon (12–18), evening (18–24)" and "steadier" (within-day SD), e.g. "late-evening spikes",
 *    "night lows", "steady days".
 * 4. Representative days: the three closest to the cluster centre.
 * 5. Lifestyle features of the days (sleep, carbs, exercise…) are compared between each cluster and
 *    the other days with the two-sided Mann–Whitney U test; `significant` after Benjamini–Hochberg
 *    over all cluster × feature tests at q < 0.05.
 */
import { benjaminiHochberg } from "../correlation/benjamini-hochberg.ts";
import { kMeans, meanSilhouette } from "./kmeans.ts";
import { mannWhitney } from "./mann-whitney.ts";

/** One day to cluster. */
export interface ClusterDay {
  readonly date: string;
  /** 24 hourly mean glucose values (mg/dL, local clock), no NaN. */
  readonly profile: ArrayLike<number>;
  /** Lifestyle features of the day (null: not recorded). */
  readonly features: Readonly<Record<string, number | null>>;
}

export interface ClusterFeature {
  readonly name: string;
  readonly clusterMean: number | null;
  readonly otherMean: number | null;
  readonly p: number;
  readonly significant: boolean;
}

export interface DayCluster {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly days: number;
  readonly dates: readonly string[];
  readonly representativeDates: readonly string[];
  /** Mean hourly glucose of the cluster's days (mg/dL, 24 values from local 00:00). */
  readonly profile: readonly number[];
  readonly features: readonly ClusterFeature[];
}

export interface DayClustering {
  readonly k: number;
  readonly criterion: string;
  readonly silhouette: number;
  readonly clusters: readonly DayCluster[];
}

export interface DayClusterOptions {
  readonly kMin?: number;
  readonly kMax?: number;
  /** Fewest days to cluster at all (default 14). */
  readonly minDays?: number;
  readonly seed?: number;
  /** FDR level of `significant` (default 0.05). */
  readonly q?: number;
}

const WINDOWS = [
  { key: "night", from: 0, to: 6, high: "high nights", low: "night lows", label: "00:00–06:00" },
  { key: "morning", from: 6, to: 12, high: "morning highs", low: "low mornings", label: "06:00–12:00" },
  { key: "afternoon", from: 12, to: 18, high: "afternoon highs", low: "low afternoons", label: "12:00–18:00" },
  { key: "evening", from: 18, to: 24, high: "late-evening spikes", low: "low evenings", label: "18:00–24:00" },
] as const;

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const sd = (xs: ArrayLike<number>) => {
  const a = Array.from(xs);
  const m = mean(a);
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, a.length - 1));
};
const median = (xs: readonly number[]) => {
  const a = [...xs].sort((p, q) => p - q);
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** Z-normalises a profile (a flat one becomes zeros). `O(d)`. */
export function zNormalize(x: ArrayLike<number>): Float64Array {
  const a = Array.from(x);
  const m = mean(a);
  const s = Math.sqrt(a.reduce((t, v) => t + (v - m) ** 2, 0) / a.length);
  return Float64Array.from(a, (v) => (s > 1e-9 ? (v - m) / s : 0));
}

/**
 * Clusters days by profile shape, or says why not (`{ skipped }`). Runs in `O(K · restarts · it · n k d + K n² d)`.
 *
 * @example
 * clusterDays(days).clusters.map((c) => c.name); // => ["steady days", "late-evening spikes", "night lows"]
 */
export function clusterDays(days: readonly ClusterDay[], options: DayClusterOptions = {}): DayClustering | { skipped: string } {
  const minDays = options.minDays ?? 14;
  if (days.length < minDays) return { skipped: `clustering days needs at least ${minDays} days with a full glucose profile; there are ${days.length}` };
  const z = days.map((d) => zNormalize(d.profile));
  const kMin = options.kMin ?? 2;
  const kMax = Math.min(options.kMax ?? 6, Math.floor(days.length / 3));
  let best: { k: number; s: number; labels: Int32Array; centroids: Float64Array[] } | undefined;
  for (let k = kMin; k <= kMax; k++) {
    const r = kMeans(z, k, { seed: options.seed ?? 1 });
    const s = meanSilhouette(z, r.labels, k);
    if (!best || s > best.s + 1e-12) best = { k, s, labels: r.labels, centroids: r.centroids };
  }
  if (!best) return { skipped: `too few days (${days.length}) for ${kMin} clusters` };
  const { k, labels, centroids } = best;
  const criterion = `k-means on z-normalised hourly profiles; k = ${k} of ${kMin}–${kMax} has the highest mean silhouette width (${round(best.s, 3)})`;

  const raw = days.map((d) => Array.from(d.profile));
  const allValues = raw.flat();
  const overallSd = sd(allValues) || 1;
  const daySd = raw.map((p) => sd(p));
  const members = Array.from({ length: k }, (_, c) => days.map((_day, i) => i).filter((i) => labels[i] === c));

  // Candidate names per cluster with their scores: standardised differences from the typical day
  // (the median over all days), so a plain cluster is not named after what the others do.
  const all = days.map((_, i) => i);
  const typicalSd = median(all.map((i) => daySd[i]!));
  const candidates = members.map((idx) => {
    const out: { name: string; score: number; text: string }[] = [];
    for (const w of WINDOWS) {
      const win = (i: number) => mean(raw[i]!.slice(w.from, w.to));
      const diff = mean(idx.map(win)) - median(all.map(win));
      const text = `mean glucose ${round(Math.abs(diff), 0)} mg/dL ${diff > 0 ? "higher" : "lower"} than on a typical day between ${w.label}`;
      out.push({ name: w.high, score: diff / overallSd, text }, { name: w.low, score: -diff / overallSd, text });
    }
    const own = mean(idx.map((i) => daySd[i]!));
    out.push({ name: "steady days", score: (typicalSd - own) / overallSd, text: `glucose varies least within the day (SD ${round(own, 0)} mg/dL; typical day ${round(typicalSd, 0)})` });
    return out.sort((a, b) => b.score - a.score);
  });
  const names = new Array<string>(k);
  const texts = new Array<string>(k);
  const used = new Set<string>();
  const order = [...candidates.keys()].sort((a, b) => candidates[b]![0]!.score - candidates[a]![0]!.score);
  for (const c of order) {
    const pick = candidates[c]!.find((x) => !used.has(x.name)) ?? candidates[c]![0]!;
    names[c] = used.has(pick.name) ? `${pick.name} (${c + 1})` : pick.name;
    used.add(pick.name);
    texts[c] = pick.text;
  }

  // Lifestyle features: Mann–Whitney per cluster and feature, BH over all tests.
  const featureNames = [...new Set(days.flatMap((d) => Object.keys(d.features)))];
  const tests: { c: number; name: string; inMean: number | null; outMean: number | null; p: number }[] = [];
  for (let c = 0; c < k; c++) {
    for (const name of featureNames) {
      const vin: number[] = [];
      const vout: number[] = [];
      days.forEach((d, i) => {
        const v = d.features[name];
        if (v === null || v === undefined || !Number.isFinite(v)) return;
        (labels[i] === c ? vin : vout).push(v);
      });
      tests.push({ c, name, inMean: vin.length ? round(mean(vin), 2) : null, outMean: vout.length ? round(mean(vout), 2) : null, p: mannWhitney(vin, vout).p });
    }
  }
  const qs = tests.length ? benjaminiHochberg(tests.map((t) => t.p)) : [];
  const alpha = options.q ?? 0.05;

  const clusters: DayCluster[] = members.map((idx, c) => {
    const centre = centroids[c]!;
    const byCloseness = [...idx].sort((a, b) => dist2(z[a]!, centre) - dist2(z[b]!, centre) || a - b);
    const profile = Array.from({ length: raw[0]!.length }, (_, h) => round(mean(idx.map((i) => raw[i]![h]!))));
    const features = tests
      .map((t, j) => ({ ...t, q: qs[j]! }))
      .filter((t) => t.c === c)
      .map((t) => ({ name: t.name, clusterMean: t.inMean, otherMean: t.outMean, p: round(t.p, 6), significant: t.q < alpha }));
    const significant = features.filter((f) => f.significant).map((f) => `${f.name} (${f.clusterMean} vs ${f.otherMean})`);
    const description = `${idx.length} days: ${texts[c]}.${significant.length ? ` These days differ in ${significant.join(", ")}.` : " No lifestyle feature differs significantly from the other days."}`;
    return { id: c, name: names[c]!, description, days: idx.length, dates: idx.map((i) => days[i]!.date), representativeDates: byCloseness.slice(0, 3).map((i) => days[i]!.date), profile, features };
  });
  // Largest cluster first, ids renumbered in that order (stable for equal sizes).
  clusters.sort((a, b) => b.days - a.days || a.id - b.id);
  return { k, criterion, silhouette: round(best.s, 4), clusters: clusters.map((c, i) => ({ ...c, id: i })) };
}

function dist2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}
