/**
 * @module analytics/cgm/episode-calculation
 * Hypo- and hyperglycaemic episodes following the 2023 consensus, as iglu computes them.
 */
import { asGrid, type DayByDay, type DayByDayOptions } from "./day-by-day.ts";
import type { CgmSeries } from "./readings.ts";
import { rMean } from "./r-stats.ts";

/** Summary of one kind of episode (iglu's columns; `avg_ep_gl` is `NaN` when there is none). */
export interface EpisodeSummary {
  /** Episodes per 24 h of non-missing grid time. */
  avg_ep_per_day: number;
  /** Mean episode duration in minutes (0 when there is none). */
  avg_ep_duration: number;
  /** Mean of the episodes' mean glucose (mg/dL); `NaN` (iglu: `NA`) when there is none. */
  avg_ep_gl: number;
  total_episodes: number;
}

/** Keys are `<type>_<level>` as iglu's `type` and `level` columns. */
export interface EpisodeCalculation {
  hypo_lv1: EpisodeSummary;
  hypo_lv2: EpisodeSummary;
  hypo_extended: EpisodeSummary;
  hyper_lv1: EpisodeSummary;
  hyper_lv2: EpisodeSummary;
  hypo_lv1_excl: EpisodeSummary;
  hyper_lv1_excl: EpisodeSummary;
}

/** Options of {@link episodeCalculation}; defaults are iglu's (consensus thresholds). */
export interface EpisodeOptions extends DayByDayOptions {
  lv1Hypo?: number;
  lv2Hypo?: number;
  lv1Hyper?: number;
  lv2Hyper?: number;
  /** Minimum episode duration in minutes (rounded up to a multiple of dt0); default 15. */
  durLength?: number;
  /** Minutes back in range that end an episode (rounded up to a multiple of dt0); default 15. */
  endLength?: number;
}

/**
 * iglu's `event_class`: labels (1, 2, …; 0 = none) the points of one gap-free segment. An episode
 * starts at a run of ≥ `eventDuration` points beyond `threshold` (strictly below for hypo, above
 * for hyper) and lasts until the first later run of ≥ `endDuration` points not beyond it (the
 * episode ends just before that run, or at the segment's end). Starts that fall inside an earlier
 * episode are merged into it. This runs in `O(m)` for m points.
 */
export function classifyEvents(gl: ArrayLike<number>, hypo: boolean, threshold: number, eventDuration: number, endDuration: number): Int32Array {
  const m = gl.length;
  const out = new Int32Array(m);
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  while (i < m) {
    const level = hypo ? gl[i] < threshold : gl[i] > threshold;
    let j = i;
    while (j < m && (hypo ? gl[j] < threshold : gl[j] > threshold) === level) j++;
    const len = j - i;
    if (level && len >= eventDuration) starts.push(i);
    if (!level && len >= endDuration) ends.push(i);
    i = j;
  }
  let label = 0;
  let lastEnd = -1;
  let e = 0;
  for (const s of starts) {
    while (e < ends.length && ends[e] <= s) e++;
    const end = e < ends.length ? ends[e] - 1 : m - 1; // inclusive
    if (end === lastEnd) continue; // a start inside an episode already labelled
    label++;
    for (let k = s; k <= end; k++) out[k] = label;
    lastEnd = end;
  }
  return out;
}

interface Segment {
  gl: Float64Array;
  labels: Record<keyof EpisodeCalculation, Int32Array>;
}

function exclusive(lv1: Int32Array, lv2: Int32Array): Int32Array {
  const out = Int32Array.from(lv1);
  const reaches = new Set<number>();
  for (let k = 0; k < lv1.length; k++) if (lv1[k] > 0 && lv2[k] > 0) reaches.add(lv1[k]);
  for (let k = 0; k < lv1.length; k++) if (reaches.has(lv1[k])) out[k] = 0;
  return out;
}

/**
 * Episodes of hypo- and hyperglycaemia on iglu's interpolated grid, per iglu 4.3.0:
 *
 * - the grid is split into segments at missing values, and each segment is classified on its own
 *   (see {@link classifyEvents}) with duration round-up(durLength / dt0) and end
 *   round-up(endLength / dt0) points;
 * - level 1 / level 2 hypo: below 70 / 54 mg/dL; level 1 / level 2 hyper: above 180 / 250 mg/dL
 *   (level 2 is a subset of level 1); `hypo_extended`: below lv1 for more than 120 minutes
 *   (120 / dt0 + 1 points); `*_lv1_excl`: level-1 episodes that never reach level 2;
 * - `avg_ep_per_day` = episodes / (non-missing grid points · dt0 / 1440), `avg_ep_duration` in
 *   minutes, `avg_ep_gl` = mean of per-episode mean glucose.
 *
 * Reference: iglu `episode_calculation(data, lv1_hypo = 70, lv2_hypo = 54, lv1_hyper = 180,
 * lv2_hyper = 250, dur_length = 15, end_length = 15)`; Battelino et al. (2023) Continuous glucose
 * monitoring and metrics for clinical trials: an international consensus statement, Lancet Diabetes
 * Endocrinol 11(1):42–57, doi:10.1016/S2213-8587(22)00319-9. This runs in `O(grid)`.
 *
 * @example
 * episodeCalculation(series).hyper_lv1.total_episodes; // => 16 for iglu's Subject 1
 */
export function episodeCalculation(input: CgmSeries | DayByDay, options: EpisodeOptions = {}): EpisodeCalculation {
  const grid = asGrid(input, options);
  const { gd2d, dt0 } = grid;
  const lv1Hypo = options.lv1Hypo ?? 70;
  const lv2Hypo = options.lv2Hypo ?? 54;
  const lv1Hyper = options.lv1Hyper ?? 180;
  const lv2Hyper = options.lv2Hyper ?? 250;
  const durIdx = Math.ceil((options.durLength ?? 15) / dt0);
  const endIdx = Math.ceil((options.endLength ?? options.durLength ?? 15) / dt0);
  const extIdx = 120 / dt0 + 1;

  const segments: Segment[] = [];
  let nonMissing = 0;
  let i = 0;
  while (i < gd2d.length) {
    if (Number.isNaN(gd2d[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < gd2d.length && !Number.isNaN(gd2d[j])) j++;
    const gl = gd2d.slice(i, j);
    nonMissing += gl.length;
    const hypo1 = classifyEvents(gl, true, lv1Hypo, durIdx, endIdx);
    const hypo2 = classifyEvents(gl, true, lv2Hypo, durIdx, endIdx);
    const hyper1 = classifyEvents(gl, false, lv1Hyper, durIdx, endIdx);
    const hyper2 = classifyEvents(gl, false, lv2Hyper, durIdx, endIdx);
    segments.push({
      gl,
      labels: {
        hypo_lv1: hypo1,
        hypo_lv2: hypo2,
        hypo_extended: classifyEvents(gl, true, lv1Hypo, extIdx, endIdx),
        hyper_lv1: hyper1,
        hyper_lv2: hyper2,
        hypo_lv1_excl: exclusive(hypo1, hypo2),
        hyper_lv1_excl: exclusive(hyper1, hyper2),
      },
    });
    i = j;
  }

  const summarise = (key: keyof EpisodeCalculation): EpisodeSummary => {
    const durations: number[] = [];
    const means: number[] = [];
    for (const seg of segments) {
      const labels = seg.labels[key];
      const byLabel = new Map<number, number[]>();
      for (let k = 0; k < labels.length; k++) {
        if (labels[k] === 0) continue;
        let list = byLabel.get(labels[k]);
        if (!list) byLabel.set(labels[k], (list = []));
        list.push(seg.gl[k]);
      }
      for (const [, list] of [...byLabel.entries()].sort((a, b) => a[0] - b[0])) {
        durations.push(list.length * dt0);
        means.push(rMean(list));
      }
    }
    if (durations.length === 0) return { avg_ep_per_day: 0, avg_ep_duration: 0, avg_ep_gl: Number.NaN, total_episodes: 0 };
    return {
      avg_ep_per_day: durations.length / ((nonMissing * dt0) / 60 / 24),
      avg_ep_duration: rMean(durations),
      avg_ep_gl: rMean(means),
      total_episodes: durations.length,
    };
  };

  return {
    hypo_lv1: summarise("hypo_lv1"),
    hypo_lv2: summarise("hypo_lv2"),
    hypo_extended: summarise("hypo_extended"),
    hyper_lv1: summarise("hyper_lv1"),
    hyper_lv2: summarise("hyper_lv2"),
    hypo_lv1_excl: summarise("hypo_lv1_excl"),
    hyper_lv1_excl: summarise("hyper_lv1_excl"),
  };
}

/**
 * Total extended hypo- and hyperglycaemic episodes, the counts iglu's
 * `all_metrics(metrics_to_include = "consensus_only")` reports: extended hypoglycaemia is below
 * 70 mg/dL for more than 120 minutes (as `hypo_extended`), extended hyperglycaemia above 250 mg/dL
 * for at least 120 minutes; both end after 15 minutes back in range.
 *
 * Reference: Battelino et al. (2023), doi:10.1016/S2213-8587(22)00319-9. This runs in `O(grid)`.
 *
 * @example
 * extendedEpisodes(series); // => { hypo: 0, hyper: 11 } for iglu's Subject 2
 */
export function extendedEpisodes(input: CgmSeries | DayByDay, options: DayByDayOptions = {}): { hypo: number; hyper: number } {
  const { gd2d, dt0 } = asGrid(input, options);
  const endIdx = Math.ceil(15 / dt0);
  let hypo = 0;
  let hyper = 0;
  let i = 0;
  while (i < gd2d.length) {
    if (Number.isNaN(gd2d[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < gd2d.length && !Number.isNaN(gd2d[j])) j++;
    const gl = gd2d.subarray(i, j);
    hypo += maxLabel(classifyEvents(gl, true, 70, 120 / dt0 + 1, endIdx));
    hyper += maxLabel(classifyEvents(gl, false, 250, Math.ceil(120 / dt0), endIdx));
    i = j;
  }
  return { hypo, hyper };
}

function maxLabel(labels: Int32Array): number {
  let m = 0;
  for (const v of labels) if (v > m) m = v;
  return m;
}
