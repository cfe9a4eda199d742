/**
 * @module worker/nightscout/bgnow
 * Nightscout's bgnow, delta, buckets and direction properties (lib/plugins/bgnow.js,
 * lib/plugins/direction.js, lib/sandbox.js) over a user's CGM values: the values of the last
 * 20 minutes in four 5-minute buckets ending 2.5 minutes after the newest, the newest bucket's
 * mean (`bgnow`), and the change against the previous bucket scaled to 5 minutes (`delta`).
 * Values are mg/dL; `scaled` and `delta.scaled`/`display` are in the display unit.
 * Pure functions: no Worker types.
 */
import { trendArrow } from "../../vocabulary/trend.ts";
import { mmolText } from "../../vocabulary/units.ts";

/** A CGM value as Nightscout's ddata holds it. */
export interface Sgv {
  _id: string;
  mgdl: number;
  mills: number;
  device: string;
  direction: string;
  type: "sgv";
  scaled?: number | string;
}

export type DisplayUnits = "mg/dl" | "mmol";

export interface Bucket {
  mean?: number;
  last?: number;
  mills?: number;
  errors?: Sgv[];
  index: number;
  fromMills: number;
  toMills: number;
  sgvs: Sgv[];
  isEmpty?: true;
}

const BUCKET_OFFSET_MS = 2.5 * 60_000;
const BUCKET_MS = 5 * 60_000;
const BUCKET_COUNT = 4;
/** A value older than this has no direction shown (sandbox `isCurrent`). */
const CURRENT_MS = 15 * 60_000;

/** Nightscout's `sbx.scaleMgdl`. */
export const scaleMgdl = (mgdl: number, units: DisplayUnits) => (units === "mmol" && mgdl ? Number(mmolText(mgdl)) : Number(mgdl));
/** Nightscout's `sbx.roundBGToDisplayFormat`. */
export const roundBg = (bg: number, units: DisplayUnits) => (units === "mmol" ? Math.round(bg * 10) / 10 : Math.round(bg));

/** The newest value at or before `time` (sandbox `lastSGVEntry`); `sgvs` ascending. */
export const lastSgv = (sgvs: readonly Sgv[], time: number) => sgvs.findLast((s) => s.mills <= time);

function analyzeBucket(bucket: Bucket): Bucket {
  if (!bucket.sgvs.length) return { ...bucket, isEmpty: true };
  const good = bucket.sgvs.filter((s) => s.mgdl > 39);
  const details: Partial<Bucket> = {};
  const mean = good.reduce((a, s) => a + Number(s.mgdl), 0) / good.length;
  if (mean) details.mean = mean;
  const newest = good.reduce<Sgv | undefined>((a, s) => (!a || s.mills > a.mills ? s : a), undefined);
  if (newest) {
    details.last = newest.mgdl;
    details.mills = newest.mills;
  }
  const errors = bucket.sgvs.filter((s) => !s.mgdl || s.mgdl < 39);
  if (errors.length) details.errors = errors;
  return { ...details, ...bucket };
}

/** `bgnow.fillBuckets`: the four buckets, newest first; `sgvs` ascending, copied with `scaled`. */
export function fillBuckets(sgvs: readonly Sgv[], time: number, units: DisplayUnits): Bucket[] {
  const last = lastSgv(sgvs, time)?.mills ?? NaN;
  const buckets: Bucket[] = Array.from({ length: BUCKET_COUNT }, (_, index) => {
    const fromMills = last - BUCKET_OFFSET_MS - index * BUCKET_MS;
    return { index, fromMills, toMills: fromMills + BUCKET_MS, sgvs: [] };
  });
  for (let i = sgvs.length - 1; i >= 0; i--) {
    const sgv = sgvs[i]!;
    if (sgv.mills > time) continue;
    const bucket = buckets.find((b) => sgv.mills >= b.fromMills && sgv.mills <= b.toMills);
    if (!bucket) break;
    bucket.sgvs.push({ ...sgv, scaled: units === "mmol" ? mmolText(sgv.mgdl) : sgv.mgdl });
  }
  return buckets.map(analyzeBucket);
}

function omitBucketFields(bucket: Bucket): Omit<Bucket, "index" | "fromMills" | "toMills"> {
  const rest: Partial<Bucket> = { ...bucket };
  delete rest.index;
  delete rest.fromMills;
  delete rest.toMills;
  return rest as Omit<Bucket, "index" | "fromMills" | "toMills">;
}

export interface Delta {
  absolute: number;
  elapsedMins: number;
  interpolated: boolean;
  mean5MinsAgo: number;
  times: { recent: number; previous: number };
  mgdl: number;
  scaled: number;
  display: string;
  previous: Omit<Bucket, "index" | "fromMills" | "toMills">;
}

/** `bgnow.calcDelta`: the change from the previous bucket's mean, scaled to 5 minutes when over 9 apart. */
export function calcDelta(recent: Bucket | undefined, previous: Bucket | undefined, units: DisplayUnits): Delta | null {
  if (!recent || recent.mean === undefined || !previous || previous.mean === undefined) return null;
  const absolute = recent.mean - previous.mean;
  const elapsedMins = (recent.mills! - previous.mills!) / 60_000;
  const interpolated = elapsedMins > 9;
  const mean5MinsAgo = interpolated ? recent.mean - (absolute / elapsedMins) * 5 : recent.mean - absolute;
  const mgdl = Math.round(recent.mean - mean5MinsAgo);
  const scaled = units === "mmol" ? roundBg(scaleMgdl(recent.mean, units) - scaleMgdl(mean5MinsAgo, units), units) : mgdl;
  return { absolute, elapsedMins, interpolated, mean5MinsAgo, times: { recent: recent.mills!, previous: previous.mills! }, mgdl, scaled, display: (scaled >= 0 ? "+" : "") + scaled, previous: omitBucketFields(previous) };
}

/** `bgnow.setProperties`: the bgnow, delta and buckets properties. */
export function bgnowProperties(sgvs: readonly Sgv[], time: number, units: DisplayUnits) {
  const buckets = fillBuckets(sgvs, time, units);
  const recent = buckets.find((b) => !b.isEmpty);
  const previous = recent ? buckets.find((b) => b.mills !== undefined && b.mills < recent.mills! && !b.isEmpty) : undefined;
  return { bgnow: recent ? omitBucketFields(recent) : {}, delta: calcDelta(recent, previous, units), buckets };
}

/** `direction.info` of the newest value when it is current (15 minutes), else undefined. */
export function directionProperty(sgvs: readonly Sgv[], time: number) {
  const last = lastSgv(sgvs, time);
  if (!last || time - last.mills > CURRENT_MS) return undefined;
  const label = trendArrow(last.direction) ?? "-";
  return { display: null, value: last.direction, label, entity: `&#${label.charCodeAt(0)};` };
}
