/**
 * Splitting the diagonals `(exclZone, l)` of a self-join distance matrix into contiguous ranges of
 * roughly equal work (cells), for queued or parallel computation with `computeDiagonals` and
 * `mergeAll` (the work partition of STUMPY's `core._get_array_ranges` over `_count_diagonal_ndist`;
 * diagonal traversal after Zimmerman et al. 2019, Matrix Profile XIV, DOI 10.1109/ICDM.2018.00099).
 *
 * Diagonal `k` holds `l − k` cells; a chunk's CPU time is close to proportional to its cells
 * (plus one `O(m)` dot product per diagonal).
 *
 * @module analytics/matrix-profile/chunks
 */
import { AnalyticsInputError } from "../errors.ts";
import type { DiagonalChunk } from "./types.ts";

/**
 * A conservative throughput of `computeDiagonals` for budgeting Queue messages: measured about
 * 3–4·10⁸ cells/s single-threaded on a 2-core AMD EPYC under Node 20; halved for slower or shared CPUs.
 */
export const DEFAULT_CELLS_PER_SECOND = 2e8;

/**
 * Number of distance-matrix cells in the diagonals `[k0, k1)` of a matrix with `l` rows:
 * `Σ (l − k)`. This runs in `O(1)`.
 *
 * @example
 * cellsInRange(100, 10, 12); // 90 + 89 = 179
 */
export function cellsInRange(l: number, k0: number, k1: number): number {
  if (k1 <= k0) return 0;
  const count = k1 - k0;
  return count * l - (count * (k0 + k1 - 1)) / 2;
}

/** Options of {@link planDiagonalChunks}: give one of them. */
export interface ChunkPlanOptions {
  /** Number of chunks wanted (capped at the number of diagonals). */
  readonly chunks?: number;
  /** Largest number of cells per chunk (a single diagonal longer than this becomes its own chunk). */
  readonly maxCells?: number;
}

/**
 * Splits the diagonals `[exclZone + 1, l)` into contiguous chunks of about equal cell counts, in
 * ascending order. With `maxCells`, uses the fewest equal chunks whose largest is `<= maxCells`.
 * An empty list when there is no diagonal (`l <= exclZone + 1`).
 * This runs in `O(c·log l)` for `c` chunks (`O(c²·log l)` worst case with `maxCells`).
 *
 * @throws {AnalyticsInputError} field `l`/`exclZone` when they are not non-negative integers; field
 * `chunks`/`maxCells` when not a positive integer / positive number, or when neither or both are given.
 * @example
 * planDiagonalChunks(25633, 72, { chunks: 4 });
 * // [{ k0: 73, k1: 3498, cells: 81679400 }, { k0: 3498, k1: 7560, … }, …] (four ranges of ~81.7 M cells)
 * planDiagonalChunks(25633, 72, { maxCells: maxCellsForBudget(5) });
 */
export function planDiagonalChunks(l: number, exclZone: number, options: ChunkPlanOptions): DiagonalChunk[] {
  const fn = "planDiagonalChunks";
  if (!Number.isInteger(l) || l < 0) throw new AnalyticsInputError("l", `${fn}: l must be a non-negative integer, got ${String(l)}`);
  if (!Number.isInteger(exclZone) || exclZone < 0) throw new AnalyticsInputError("exclZone", `${fn}: exclZone must be a non-negative integer, got ${String(exclZone)}`);
  const { chunks, maxCells } = options;
  if ((chunks === undefined) === (maxCells === undefined)) throw new AnalyticsInputError("chunks", `${fn}: give exactly one of chunks and maxCells`);
  if (chunks !== undefined && (!Number.isInteger(chunks) || chunks < 1)) throw new AnalyticsInputError("chunks", `${fn}: chunks must be a positive integer, got ${String(chunks)}`);
  if (maxCells !== undefined && !(maxCells > 0)) throw new AnalyticsInputError("maxCells", `${fn}: maxCells must be a positive number, got ${String(maxCells)}`);
  const first = exclZone + 1;
  const nDiag = Math.max(0, l - first);
  if (nDiag === 0) return [];
  if (chunks !== undefined) return equalSplit(l, first, Math.min(chunks, nDiag));
  const total = cellsInRange(l, first, l);
  for (let c = Math.min(nDiag, Math.max(1, Math.ceil(total / (maxCells as number)))); ; c++) {
    const plan = equalSplit(l, first, c);
    if (c >= nDiag || plan.every((p) => p.cells <= (maxCells as number) || p.k1 - p.k0 === 1)) return plan;
  }
}

/**
 * Largest cell count that fits `seconds` of CPU at `cellsPerSecond`. This runs in `O(1)`.
 *
 * @example
 * maxCellsForBudget(5); // 1e9 with the default 2e8 cells/s
 */
export function maxCellsForBudget(seconds: number, cellsPerSecond = DEFAULT_CELLS_PER_SECOND): number {
  return Math.max(1, Math.floor(seconds * cellsPerSecond));
}

/** `c` contiguous chunks of `[first, l)`; boundary q is the first k whose prefix reaches q/c of the cells. */
function equalSplit(l: number, first: number, c: number): DiagonalChunk[] {
  const total = cellsInRange(l, first, l);
  const bounds = [first];
  for (let q = 1; q < c; q++) {
    const target = (total * q) / c;
    // smallest k in (prev, l) with cells[first, k) >= target
    let lo = bounds[q - 1] + 1;
    let hi = l - (c - q); // leave at least one diagonal for each later chunk
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cellsInRange(l, first, mid) >= target) hi = mid;
      else lo = mid + 1;
    }
    bounds.push(lo);
  }
  bounds.push(l);
  const out: DiagonalChunk[] = [];
  for (let q = 0; q < c; q++) out.push({ k0: bounds[q], k1: bounds[q + 1], cells: cellsInRange(l, bounds[q], bounds[q + 1]) });
  return out;
}
