/**
 * @module analytics/clustering/kmeans
 * k-means (Lloyd's algorithm) with k-means++ seeding and several seeded restarts, and the mean
 * silhouette width that chooses k. Deterministic for a seed (mulberry32), so a re-run pipeline
 * chunk finds the same clusters.
 *
 * References: Arthur & Vassilvitskii 2007, "k-means++: the advantages of careful seeding", SODA;
 * Rousseeuw 1987, J. Comput. Appl. Math. 20:53–65, doi:10.1016/0377-0427(87)90125-7 (silhouettes).
 */

/** mulberry32: a small seeded uniform PRNG in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sqDist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

/** Result of {@link kMeans}. */
export interface KMeansResult {
  readonly k: number;
  /** Cluster of each row (0…k−1). */
  readonly labels: Int32Array;
  readonly centroids: Float64Array[];
  /** Within-cluster sum of squares. */
  readonly inertia: number;
}

/**
 * k-means of `rows` (equal lengths, no NaN) into `k` clusters, best of `restarts` seeded runs by
 * inertia. Runs in `O(restarts · iterations · n k d)`.
 *
 * @throws {RangeError} when k is not between 1 and the number of rows
 * @example
 * kMeans([[0], [0.1], [10], [10.2]], 2).labels; // => Int32Array [0, 0, 1, 1] (up to renaming)
 */
export function kMeans(rows: readonly ArrayLike<number>[], k: number, options: { seed?: number; restarts?: number; maxIterations?: number } = {}): KMeansResult {
  const n = rows.length;
  if (!(Number.isInteger(k) && k >= 1 && k <= n)) throw new RangeError(`kMeans: k must be between 1 and the number of rows (${n}), got ${k}`);
  const d = rows[0].length;
  const rand = seededRandom(options.seed ?? 1);
  let best: KMeansResult | undefined;
  for (let r = 0; r < (options.restarts ?? 8); r++) {
    // k-means++ seeding: each next centre drawn with probability ∝ squared distance to the nearest.
    const centroids: Float64Array[] = [Float64Array.from(rows[Math.floor(rand() * n)])];
    const nearest = new Float64Array(n).fill(Infinity);
    while (centroids.length < k) {
      const c = centroids[centroids.length - 1];
      let total = 0;
      for (let i = 0; i < n; i++) {
        nearest[i] = Math.min(nearest[i], sqDist(rows[i], c));
        total += nearest[i];
      }
      let pick = rand() * total;
      let chosen = n - 1;
      for (let i = 0; i < n; i++) {
        pick -= nearest[i];
        if (pick <= 0) {
          chosen = i;
          break;
        }
      }
      centroids.push(Float64Array.from(rows[chosen]));
    }
    const labels = new Int32Array(n).fill(-1);
    let inertia = 0;
    for (let it = 0; it < (options.maxIterations ?? 100); it++) {
      let changed = false;
      inertia = 0;
      for (let i = 0; i < n; i++) {
        let bj = 0;
        let bd = Infinity;
        for (let j = 0; j < k; j++) {
          const dist = sqDist(rows[i], centroids[j]);
          if (dist < bd) {
            bd = dist;
            bj = j;
          }
        }
        if (labels[i] !== bj) changed = true;
        labels[i] = bj;
        inertia += bd;
      }
      if (!changed) break;
      const sums = Array.from({ length: k }, () => new Float64Array(d));
      const counts = new Int32Array(k);
      for (let i = 0; i < n; i++) {
        counts[labels[i]]++;
        const s = sums[labels[i]];
        for (let t = 0; t < d; t++) s[t] += rows[i][t];
      }
      for (let j = 0; j < k; j++) {
        // An empty cluster keeps its centre (it may win rows back next round).
        if (counts[j] > 0) for (let t = 0; t < d; t++) centroids[j][t] = sums[j][t] / counts[j];
      }
    }
    if (!best || inertia < best.inertia) best = { k, labels, centroids, inertia };
  }
  return best as KMeansResult;
}

/**
 * Mean silhouette width of a labelling (Euclidean distance): for each row, (b − a) / max(a, b)
 * with a its mean distance to its own cluster and b to the nearest other; rows alone in their
 * cluster count 0. Ranges −1…1; higher is a clearer clustering. `O(n² d)`.
 *
 * @example
 * meanSilhouette([[0], [0.1], [10], [10.2]], Int32Array.of(0, 0, 1, 1), 2); // => 0.99
 */
export function meanSilhouette(rows: readonly ArrayLike<number>[], labels: ArrayLike<number>, k: number): number {
  const n = rows.length;
  if (n < 2 || k < 2) return 0;
  const dist = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) dist[i * n + j] = dist[j * n + i] = Math.sqrt(sqDist(rows[i], rows[j]));
  const sizes = new Int32Array(k);
  for (let i = 0; i < n; i++) sizes[labels[i]]++;
  let total = 0;
  const sums = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[labels[j]] += dist[i * n + j];
    const own = labels[i];
    if (sizes[own] <= 1) continue;
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
    if (Number.isFinite(b)) total += (b - a) / Math.max(a, b);
  }
  return total / n;
}
