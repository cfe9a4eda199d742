/**
 * A device status document as Nightscout keeps it (`devicestatus` collection): `mills` is its
 * `created_at`; `openaps`, `loop`, `pump`, `uploader` are what the loop, pump and phone report.
 */
export interface DeviceStatus {
  mills: number;
  device?: string;
  openaps?: Record<string, unknown>;
  loop?: Record<string, unknown>;
  pump?: Record<string, unknown>;
  connect?: unknown;
  uploader?: Record<string, unknown>;
  [extra: string]: unknown;
}

/** IOB as a loop or pump reported it. */
export interface DeviceIob {
  iob: number | undefined;
  basaliob?: number;
  activity?: number;
  source: "OpenAPS" | "Loop" | "MM Connect" | undefined;
  device: string | undefined;
  mills: number;
}

/** COB as a loop reported it. */
export interface DeviceCob {
  cob: number;
  source: "OpenAPS" | "Loop";
  device: string | undefined;
  mills: number;
}

/** How old a reported IOB or COB may be and still be used (Nightscout's `RECENCY_THRESHOLD`). */
export const DEVICE_STATUS_RECENCY_MS = 30 * 60_000;
/** How far ahead of the clock a report may be (clocks are a little off). */
export const DEVICE_STATUS_FUTURE_MS = 5 * 60_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** Epoch ms of a reported timestamp (epoch ms or ISO 8601); `now` when missing, as `moment(undefined)`. */
export function timestampMills(value: unknown, now: number): number {
  if (value === undefined || value === null) return now;
  if (typeof value === "number") return value;
  const ms = /^-?\d+$/.test(String(value)) ? Number(value) : Date.parse(String(value));
  return Number.isNaN(ms) ? NaN : ms;
}

/**
 * The IOB a device status reports, as Nightscout's `iob.fromDeviceStatus` (lib/plugins/iob.js):
 * OpenAPS `openaps.iob` (an object, or the first of an array, AMA style, `time` for `timestamp`),
 * else Loop `loop.iob`, else the pump's `pump.iob` (`iob` or `bolusiob`; "MM Connect" when the
 * status has `connect`). Null when it reports none. This runs in `O(1)`.
 *
 * @example
 * iobFromDeviceStatus({ mills: 5, device: "loop://iPhone", loop: { iob: { iob: 0.75, timestamp: 5 } } }, 5);
 * // => { iob: 0.75, source: "Loop", device: "loop://iPhone", mills: 5 }
 */
export function iobFromDeviceStatus(status: DeviceStatus, now: number): DeviceIob | null {
  let openaps = status.openaps?.["iob"];
  const loop = status.loop?.["iob"];
  const pump = status.pump?.["iob"];
  if (isObject(openaps)) {
    openaps = Array.isArray(openaps) ? openaps[0] : openaps;
    if (!isObject(openaps) || Object.keys(openaps).length === 0) return null;
    const o = openaps;
    const timestamp = o["time"] ?? o["timestamp"];
    return {
      iob: o["iob"] as number | undefined,
      ...(o["basaliob"] !== undefined && { basaliob: o["basaliob"] as number }),
      ...(o["activity"] !== undefined && { activity: o["activity"] as number }),
      source: "OpenAPS",
      device: status.device,
      mills: timestampMills(timestamp, now),
    };
  }
  if (isObject(loop)) return { iob: loop["iob"] as number | undefined, source: "Loop", device: status.device, mills: timestampMills(loop["timestamp"], now) };
  if (isObject(pump)) return { iob: (pump["iob"] || pump["bolusiob"]) as number | undefined, source: status.connect !== undefined ? "MM Connect" : undefined, device: status.device, mills: status.mills };
  return null;
}

const recent = (status: DeviceStatus, time: number) => status.mills <= time + DEVICE_STATUS_FUTURE_MS && status.mills >= time - DEVICE_STATUS_RECENCY_MS;
const byMills = <T extends { mills: number }>(a: T, b: T) => a.mills - b.mills;

/**
 * The latest IOB reported within 30 minutes before (or 5 after) `time`, Loop's own over its
 * pump's when Loop uploads both, as Nightscout's `iob.lastIOBDeviceStatus`. This runs in `O(n log n)`.
 */
export function lastIobDeviceStatus(statuses: readonly DeviceStatus[], time: number): DeviceIob | null {
  const iobs = statuses
    .filter((s) => recent(s, time))
    .map((s) => iobFromDeviceStatus(s, time))
    .filter((x): x is DeviceIob => x !== null)
    .sort(byMills);
  const loop = iobs.filter((x) => x.source === "Loop");
  return loop[loop.length - 1] ?? iobs[iobs.length - 1] ?? null;
}

/**
 * The COB a device status reports, as Nightscout's `cob.fromDeviceStatus` (lib/plugins/cob.js):
 * OpenAPS's newer of `enacted` and `suggested` `COB`, else Loop's `loop.cob`. Null when none.
 * This runs in `O(1)`.
 */
export function cobFromDeviceStatus(status: DeviceStatus, now: number): DeviceCob | null {
  if (status.openaps !== undefined) {
    const suggested = status.openaps["suggested"] as Record<string, unknown> | undefined;
    const enacted = status.openaps["enacted"] as Record<string, unknown> | undefined;
    let pick: Record<string, unknown> | undefined;
    if (isObject(suggested) && isObject(enacted)) pick = timestampMills(enacted["timestamp"], now) > timestampMills(suggested["timestamp"], now) ? enacted : suggested;
    else pick = isObject(enacted) ? enacted : isObject(suggested) ? suggested : undefined;
    if (!pick || pick["COB"] === undefined || pick["COB"] === null) return null;
    return { cob: pick["COB"] as number, source: "OpenAPS", device: status.device, mills: timestampMills(pick["timestamp"], now) };
  }
  const loop = status.loop?.["cob"];
  if (isObject(loop) && loop["cob"] !== undefined) return { cob: loop["cob"] as number, source: "Loop", device: status.device, mills: timestampMills(loop["timestamp"], now) };
  return null;
}

/** The latest COB reported within 30 minutes before (or 5 after) `time` (Nightscout's `cob.lastCOBDeviceStatus`). */
export function lastCobDeviceStatus(statuses: readonly DeviceStatus[], time: number): DeviceCob | null {
  const cobs = statuses
    .filter((s) => recent(s, time))
    .map((s) => cobFromDeviceStatus(s, time))
    .filter((x): x is DeviceCob => x !== null)
    .sort(byMills);
  return cobs[cobs.length - 1] ?? null;
}
