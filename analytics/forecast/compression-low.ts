/**
 * @module analytics/forecast/compression-low
 * Detection and masking of **compression lows**: false low readings produced when the wearer lies
 * on the sensor (pressure reduces interstitial fluid flow around the filament). Their signature is
 * a drop far faster than physiology allows, a short low plateau, and a quick return to the level
 * before the drop once the pressure goes, typically at night. See Baysal et al. 2014, "A
 * retrospective study of sensor compression artifacts in CGM", J Diabetes Sci Technol 8(6):1222–1229
 * (doi:10.1177/1932296814538080), and Mensh et al. 2013 (doi:10.1177/193229681300700405).
 *
 * **The rule (conservative: when in doubt, keep the data).** An episode starts at reading `a` and
 * is flagged when all of these hold:
 * 1. within `maxDropMinutes` (20) after `a` the glucose falls by at least `minDrop` (30 mg/dL) at an
 *    average of at least `minDropRate` (2 mg/dL/min), steeper than the ~2–3 mg/dL/min ceiling of
 *    physiological falls sustained over that span;
 * 2. the lowest reading of the episode is at most `maxNadir` (80 mg/dL);
 * 3. within `maxRecoveryMinutes` (90) after the lowest reading the glucose is back within
 *    `recoveryMargin` (15 mg/dL) of the reading at `a`, rising at an average of at least
 *    `minRiseRate` (1 mg/dL/min) from the lowest reading;
 * 4. when `minuteOfDay` is given, the drop starts between `nightStart` (22:00) and `nightEnd` (08:00).
 * The episode then starts at the last reading before the drop that is at least as high as `a` (the
 * end of the plateau), and the readings strictly between it and the recovery reading are masked.
 *
 * Masking needs the recovery, i.e. the future, so it is only applied to **training** data (the
 * model should not learn that glucose jumps back by 40 mg/dL); a live forecast cannot know yet
 * whether a fall is an artifact, and is made from the readings as they are.
 */
import type { GlucoseSeries, MinuteOfDay } from "./types.ts";

/** Thresholds of the compression-low rule (see the module header for defaults). */
export interface CompressionLowOptions {
  readonly minDrop?: number;
  readonly maxDropMinutes?: number;
  readonly minDropRate?: number;
  readonly maxNadir?: number;
  readonly maxRecoveryMinutes?: number;
  readonly recoveryMargin?: number;
  readonly minRiseRate?: number;
  /** The wearer's local clock; without it the night condition is not applied. */
  readonly minuteOfDay?: MinuteOfDay;
  readonly nightStart?: number;
  readonly nightEnd?: number;
}

/** One flagged episode: readings with `start < time < end` are artifacts. */
export interface CompressionLow {
  /** Time of the last trusted reading before the drop. */
  readonly start: number;
  /** Time of the recovery reading. */
  readonly end: number;
  /** The lowest value in the episode (mg/dL). */
  readonly nadir: number;
}

const MIN = 60_000;

/**
 * Finds compression-low episodes by the rule in the module header. Episodes do not overlap.
 * This runs in `O(n · k)` where `k` is the number of readings in 110 minutes.
 *
 * @example
 * // 5-minute readings: 120, 120, 85, 60, 58, 62, 95, 118, 120 → one episode from the 2nd reading (5 min) to the 8th (35 min)
 * const v = [120, 120, 85, 60, 58, 62, 95, 118, 120];
 * detectCompressionLows({ times: Float64Array.from(v, (_, i) => i * 300_000), values: Float64Array.from(v) });
 * // => [{ start: 300000, end: 2100000, nadir: 58 }]
 */
export function detectCompressionLows(series: GlucoseSeries, options: CompressionLowOptions = {}): CompressionLow[] {
  const minDrop = options.minDrop ?? 30;
  const maxDrop = (options.maxDropMinutes ?? 20) * MIN;
  const minDropRate = options.minDropRate ?? 2;
  const maxNadir = options.maxNadir ?? 80;
  const maxRecovery = (options.maxRecoveryMinutes ?? 90) * MIN;
  const margin = options.recoveryMargin ?? 15;
  const minRise = options.minRiseRate ?? 1;
  const nightStart = options.nightStart ?? 22 * 60;
  const nightEnd = options.nightEnd ?? 8 * 60;
  const { times, values } = series;
  const n = times.length;
  const out: CompressionLow[] = [];
  let a = 0;
  while (a < n) {
    let found: CompressionLow | undefined;
    if (options.minuteOfDay) {
      const m = options.minuteOfDay(times[a]);
      const night = nightStart > nightEnd ? m >= nightStart || m < nightEnd : m >= nightStart && m < nightEnd;
      if (!night) {
        a++;
        continue;
      }
    }
    // 1. a steep drop within maxDrop
    let b = -1;
    for (let j = a + 1; j < n && times[j] - times[a] <= maxDrop; j++) {
      const drop = values[a] - values[j];
      if (drop >= minDrop && drop / ((times[j] - times[a]) / MIN) >= minDropRate) {
        b = j;
        break;
      }
    }
    if (b >= 0) {
      // the episode starts at the last reading before the drop that is still at least as high as `a`
      let s = a;
      for (let j = a + 1; j < b; j++) if (values[j] >= values[a]) s = j;
      // 2–3. the lowest point, then a quick recovery to near the level before the drop
      let nadirIdx = b;
      for (let j = b + 1; j < n && times[j] - times[nadirIdx] <= maxRecovery; j++) {
        if (values[j] < values[nadirIdx]) nadirIdx = j;
        if (values[j] >= values[s] - margin) {
          const rise = (values[j] - values[nadirIdx]) / ((times[j] - times[nadirIdx]) / MIN);
          if (values[nadirIdx] <= maxNadir && rise >= minRise) found = { start: times[s], end: times[j], nadir: values[nadirIdx] };
          break;
        }
      }
    }
    if (found) {
      out.push(found);
      while (a < n && times[a] < found.end) a++;
    } else a++;
  }
  return out;
}

/**
 * A copy of the series without the readings inside compression-low episodes (the resampling rule
 * then leaves a gap there, so no training window or target crosses an artifact). This runs in
 * `O(n · k)`.
 *
 * @example
 * const v = [120, 120, 85, 60, 58, 62, 95, 118, 120];
 * maskCompressionLows({ times: Float64Array.from(v, (_, i) => i * 300_000), values: Float64Array.from(v) }).values;
 * // => Float64Array [120, 120, 120]
 */
export function maskCompressionLows(series: GlucoseSeries, options: CompressionLowOptions = {}): GlucoseSeries {
  const episodes = detectCompressionLows(series, options);
  if (episodes.length === 0) return series;
  const keepT: number[] = [];
  const keepV: number[] = [];
  let e = 0;
  for (let i = 0; i < series.times.length; i++) {
    const t = series.times[i];
    while (e < episodes.length && episodes[e].end <= t) e++;
    if (e < episodes.length && t > episodes[e].start && t < episodes[e].end) continue;
    keepT.push(t);
    keepV.push(series.values[i]);
  }
  return { times: Float64Array.from(keepT), values: Float64Array.from(keepV) };
}
