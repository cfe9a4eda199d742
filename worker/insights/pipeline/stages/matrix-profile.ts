/**
 * @module worker/insights/pipeline/stages/matrix-profile
 * The matrix profile of the period's 5-minute glucose with a 2-hour window (plan.ts `MP_WINDOW`),
 * computed in chunks of diagonals (`mp`, part p = the p-th range of `planDiagonalChunks`, sized by
 * plan.ts `MP_MAX_CELLS`) and merged by `mp_merge` into motifs (recurring shapes, with every
 * occurrence) and discords (the stretches least like any other). Partials merge exactly
 * (analytics/matrix-profile merge.ts), so any order of chunks gives the same profile.
 *
 * Gaps up to 30 minutes are filled linearly first; windows that still hold a gap match nothing.
 */
import {
  computeDiagonals,
  emptyPartial,
  finalizePartial,
  mergePartials,
  prepareSeries,
  stumpyMotifs,
  topDiscords,
  type PartialProfile,
} from "../../../../analytics/matrix-profile/index.ts";
import { chunkData, chunkResults } from "../../repository.ts";
import { packArrays, unpackArrays } from "../codec.ts";
import { fillShortGaps } from "../grid.ts";
import { MP_WINDOW, mpRanges } from "../plan.ts";
import { isSkipped, loadDataset, timed, type Skipped, type StageHandler } from "./context.ts";

/** Longest gap filled before the pattern search: 6 steps = 30 minutes. */
const MAX_FILLED_GAP = 6;
/** The pattern search needs at least two days of gap-free windows. */
const MIN_WINDOWS = 2 * 288;

export interface MpPart {
  k0: number;
  k1: number;
  cells: number;
}

export interface MotifResult {
  /** Start of each occurrence (epoch ms), nearest to the motif first, and its distance. */
  occurrences: { start: number; distance: number }[];
  /** The glucose of each occurrence (mg/dL, one value per 5 minutes), same order. */
  values: number[][];
}

export interface DiscordResult {
  start: number;
  /** z-normalised distance to the most similar other window (higher = more unusual). */
  distance: number;
  values: number[];
  /** The most similar other stretch and its values. */
  nearest: { start: number; values: number[] } | null;
}

export interface PatternResult {
  windowMinutes: number;
  /** Median distance of a window to its nearest neighbour: what "usual" looks like. */
  typicalDistance: number;
  /** Median glucose range (max − min) of a window, mg/dL. */
  typicalRange: number;
  motifs: MotifResult[];
  discords: DiscordResult[];
}

function preparedGrid(grid: Float64Array): Float64Array | Skipped {
  const filled = fillShortGaps(grid, MAX_FILLED_GAP);
  let windows = 0;
  let run = 0;
  for (const v of filled) {
    run = Number.isNaN(v) ? 0 : run + 1;
    if (run >= MP_WINDOW) windows++;
  }
  if (windows < MIN_WINDOWS) return { skipped: `it needs at least two days of CGM data without long gaps; there are ${Math.round((windows / 288) * 10) / 10} days` };
  return filled;
}

export const mp: StageHandler = async (ctx) => {
  const ds = await loadDataset(ctx);
  const { value, ms } = timed((): { result: MpPart | Skipped; data: string | null } => {
    const series = preparedGrid(ds.grid);
    if (isSkipped(series)) return { result: series, data: null };
    const range = mpRanges(ds.n, ctx.job.plan.mp)[ctx.part];
    if (!range) return { result: { skipped: "no diagonals in this part" }, data: null };
    const partial = computeDiagonals(prepareSeries(series, MP_WINDOW), range.k0, range.k1);
    return { result: { k0: range.k0, k1: range.k1, cells: range.cells }, data: packArrays([partial.rhoLeft, partial.indexLeft, partial.rhoRight, partial.indexRight]) };
  });
  return { result: value.result, data: value.data, cpuMs: ms };
};

const round1 = (x: number) => Math.round(x * 10) / 10;
const windowValues = (s: Float64Array, start: number) => Array.from(s.subarray(start, start + MP_WINDOW), round1);

function median(xs: number[]): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Reads the partials one at a time and folds them into one (O(l) memory however many chunks: a
 * 180-day period has 27 partials of 1.2 MB each), then finds motifs and discords.
 */
export const mpMerge: StageHandler = async (ctx) => {
  const [ds, parts] = await Promise.all([loadDataset(ctx), chunkResults<MpPart | Skipped>(ctx.db, ctx.userId, ctx.job.id, "mp")]);
  let cpuMs = 0;
  const step = <T>(fn: () => T): T => {
    const { value, ms } = timed(fn);
    cpuMs += ms;
    return value;
  };
  const series = step(() => preparedGrid(ds.grid));
  if (isSkipped(series)) return { result: series, cpuMs };
  const l = ds.n - MP_WINDOW + 1;
  const empty = emptyPartial({ n: ds.n, m: MP_WINDOW, l, exclZone: Math.ceil(MP_WINDOW / 4) });
  let merged: PartialProfile = empty;
  for (const [part, result] of parts) {
    if (isSkipped(result)) continue;
    const text = (await chunkData(ctx.db, ctx.userId, ctx.job.id, "mp", part)).get(part);
    if (text === undefined) throw new Error(`mp_merge: the partial of part ${part} is missing`);
    merged = step(() => {
      const [rhoLeft, indexLeft, rhoRight, indexRight] = unpackArrays(text) as [Float64Array, Int32Array, Float64Array, Int32Array];
      if (rhoLeft.length !== l) throw new Error(`mp_merge: the partial of part ${part} has ${rhoLeft.length} rows, expected ${l}`);
      return mergePartials(merged, { ...empty, ranges: [[result.k0, result.k1]], rhoLeft, indexLeft, rhoRight, indexRight });
    });
  }
  const value = step((): PatternResult => {
    const profile = finalizePartial(merged);
    const finite: number[] = [];
    for (const d of profile.profile) if (Number.isFinite(d)) finite.push(d);
    const ranges: number[] = [];
    for (let i = 0; i < l; i += 6) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = i; k < i + MP_WINDOW; k++) {
        lo = Math.min(lo, series[k]!);
        hi = Math.max(hi, series[k]!);
      }
      if (Number.isFinite(hi - lo)) ranges.push(hi - lo);
    }
    const groups = stumpyMotifs(series, profile.profile, { maxMotifs: 3, maxMatches: 10 });
    const at = (i: number) => ds.gridStart + i * ds.step;
    return {
      windowMinutes: (MP_WINDOW * ds.step) / 60_000,
      typicalDistance: Math.round(median(finite) * 100) / 100,
      typicalRange: round1(median(ranges)),
      motifs: groups.indices.map((idx, q) => ({
        occurrences: idx.map((i, k) => ({ start: at(i), distance: Math.round(groups.distances[q]![k]! * 1000) / 1000 })),
        values: idx.map((i) => windowValues(series, i)),
      })),
      discords: topDiscords(profile, 3).map((d) => {
        const j = profile.indices[d.index]!;
        return {
          start: at(d.index),
          distance: Math.round(d.distance * 1000) / 1000,
          values: windowValues(series, d.index),
          nearest: j >= 0 ? { start: at(j), values: windowValues(series, j) } : null,
        };
      }),
    };
  });
  return { result: value, cpuMs };
};
