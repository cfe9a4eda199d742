/**
 * @module worker/nightscout/device-plugins
 * Nightscout's upbat, pump, loop and openaps properties from device status reports
 * (lib/plugins/upbat.js, pump.js, loop.js, openaps.js) with Nightscout's default thresholds.
 * upbat and pump follow the plugins field for field; loop keeps `lastLoop`, `lastEnacted`,
 * `lastPredicted`, `lastOverride`, `lastOkMoment` and `display`; openaps keeps `lastEnacted`,
 * `lastSuggested`, `lastIOB`, `lastLoopMoment`, `lastEventualBG` and `status` (not its per-device
 * list nor its prediction curves). Pure functions: no Worker types.
 */
import { timestampMills, type DeviceStatus } from "../../analytics/insulin/index.ts";

const MINUTE = 60_000;
/** Nightscout's alarm levels (lib/levels.js). */
const LEVEL = { URGENT: 2, WARN: 1, NONE: -3 } as const;
const statusClass = (level: number | undefined) => (level === LEVEL.WARN ? "warn" : level === LEVEL.URGENT ? "urgent" : "current");

/** Nightscout's short "ago" label: "5m ago", "2h ago". */
function ago(mills: number, now: number): string {
  const minutes = Math.round((now - mills) / MINUTE);
  if (minutes < 60) return `${Math.max(minutes, 0)}m ago`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)}h ago`;
  return `${Math.round(minutes / 1440)}d ago`;
}

const iso = (ms: number) => new Date(ms).toISOString();

// ---------------------------------------------------------------------------------------------
// upbat

interface UploaderState {
  battery?: number;
  batteryVoltage?: number;
  value?: number;
  voltage?: number;
  voltageDisplay?: string;
  display?: string;
  level?: number;
  notification?: number;
  [extra: string]: unknown;
}

/** `upbat.analyzeData`: the lowest recent battery of each uploader (30 minutes), and the lowest of all. */
export function upbatProperty(statuses: readonly DeviceStatus[], time: number) {
  const warn = 30;
  const urgent = 20;
  const result: { level?: number; display: string; status?: string; devices: Record<string, { name: string; uri: string; statuses: Record<string, unknown>[]; min?: UploaderState }>; min?: UploaderState } = { display: "?%", devices: {} };
  for (const status of statuses) {
    if (!status.uploader || status.mills > time || status.mills < time - 30 * MINUTE) continue;
    const up: UploaderState = { ...(status.uploader as UploaderState) };
    const battery = up.battery;
    let voltage = up.batteryVoltage;
    const charging = Boolean(status["isCharging"]);
    let voltageDisplay: string | undefined;
    if (voltage) {
      if (voltage > 1000) voltage = voltage / 1000;
      voltageDisplay = voltage.toFixed(3) + "v";
    }
    if (battery || voltage) {
      up.value = battery || voltage;
      if (voltage) Object.assign(up, { voltage, voltageDisplay });
      up.display = (battery ? battery + "%" : voltageDisplay) + (charging ? "⚡" : "");
      const b = battery ?? NaN;
      up.level = b >= 95 ? 100 : b >= 55 ? 75 : b >= 30 ? 50 : 25;
      if (b <= warn && b > urgent) up.notification = LEVEL.WARN;
      else if (b <= urgent) up.notification = LEVEL.URGENT;
    }
    const uri = status.device || "uploader";
    const device = (result.devices[uri] ??= { name: uri.startsWith("openaps://") ? uri.slice("openaps://".length) : uri, uri, statuses: [] });
    device.statuses.push({ uploader: up, created_at: status["created_at"], mills: status.mills, _id: status["_id"] });
  }
  const lowests: { uploader: UploaderState }[] = [];
  for (const device of Object.values(result.devices)) {
    device.statuses.sort((a, b) => (b["mills"] as number) - (a["mills"] as number));
    const recent = (device.statuses[0]!["mills"] as number) - 10 * MINUTE;
    const lowest = (device.statuses as { uploader: UploaderState; mills: number }[]).filter((s) => s.mills > recent).reduce((a, s) => ((s.uploader.battery ?? Infinity) < (a.uploader.battery ?? Infinity) ? s : a));
    device.min = lowest.uploader;
    lowests.push(lowest);
  }
  const min = lowests.reduce<{ uploader: UploaderState } | undefined>((a, s) => (!a || (s.uploader.battery ?? Infinity) < (a.uploader.battery ?? Infinity) ? s : a), undefined);
  if (min) Object.assign(result, { level: min.uploader.level, display: min.uploader.display, status: statusClass(min.uploader.notification), min: min.uploader });
  return result;
}

// ---------------------------------------------------------------------------------------------
// pump

/** `pump.setProperties`: the newest pump report of the last 2 hours, with `data` shaped for display. */
export function pumpProperty(statuses: readonly DeviceStatus[], time: number, now = time) {
  const prefs = { warnClock: 30, urgentClock: 60, warnRes: 10, urgentRes: 5, warnBattV: 1.35, urgentBattV: 1.3, warnBattP: 30, urgentBattP: 20 };
  let newest: (DeviceStatus & { clockMills: number }) | null = null;
  for (const s of statuses) {
    if (!s.pump || s.mills > time || s.mills < time - prefs.urgentClock * 2 * MINUTE) continue;
    const clockMills = s.pump["clock"] ? timestampMills(s.pump["clock"], now) : s.mills;
    if (!newest || clockMills > newest.clockMills) newest = { ...s, clockMills };
  }
  const status: Record<string, unknown> = newest ?? {};
  const pump = (newest?.pump ?? {}) as Record<string, unknown>;
  type Field = { value?: unknown; label: string; display: string; level?: number; message?: string; unit?: string };
  const data: Record<string, unknown> & { level: number; title: string; message?: string } = { level: LEVEL.NONE, title: "Pump Status" };
  const fields: Record<string, Field | null> = {};
  if (pump["clock"]) {
    const clock = timestampMills(pump["clock"], now);
    const level = clock < time - prefs.urgentClock * MINUTE ? LEVEL.URGENT : clock < time - prefs.warnClock * MINUTE ? LEVEL.WARN : LEVEL.NONE;
    fields["clock"] = { value: iso(clock), label: "Last Clock", display: ago(clock, time), level, ...(level === LEVEL.URGENT ? { message: "URGENT: Pump data stale" } : level === LEVEL.WARN ? { message: "Warning, Pump data stale" } : {}) };
  }
  const reservoir = pump["reservoir"];
  if (typeof reservoir === "number") {
    const level = reservoir < prefs.urgentRes ? LEVEL.URGENT : reservoir < prefs.warnRes ? LEVEL.WARN : LEVEL.NONE;
    fields["reservoir"] = { value: reservoir, label: "Reservoir", display: reservoir.toPrecision(3) + "U", level, ...(level === LEVEL.URGENT ? { message: "URGENT: Pump Reservoir Low" } : level === LEVEL.WARN ? { message: "Warning, Pump Reservoir Low" } : {}) };
  } else if (pump["manufacturer"] === "Insulet") fields["reservoir"] = { label: "Reservoir", display: "50+ U" };
  const pumpStatus = pump["status"] as Record<string, unknown> | undefined;
  if (pumpStatus) {
    const value = pumpStatus["bolusing"] ? "bolusing" : pumpStatus["suspended"] ? "suspended" : String(pumpStatus["status"] ?? "normal");
    fields["status"] = { value, display: value, label: "Status" };
  }
  const battery = pump["battery"] as { percent?: number; voltage?: number } | undefined;
  if (battery?.percent || battery?.voltage) {
    const volts = !battery.percent;
    const value = (volts ? battery.voltage : battery.percent)!;
    const [urgent, warn] = volts ? [prefs.urgentBattV, prefs.warnBattV] : [prefs.urgentBattP, prefs.warnBattP];
    const level = value < urgent ? LEVEL.URGENT : value < warn ? LEVEL.WARN : LEVEL.NONE;
    fields["battery"] = { value, unit: volts ? "volts" : "percent", label: "Battery", display: value + (volts ? "v" : "%"), level, ...(level === LEVEL.URGENT ? { message: "URGENT: Pump Battery Low" } : level === LEVEL.WARN ? { message: "Warning, Pump Battery Low" } : {}) };
  }
  Object.assign(data, { clock: null, reservoir: null, ...fields, manufacturer: pump["manufacturer"], model: pump["model"], extended: pump["extended"] ?? null, device: { label: "Device", display: status["device"] } });
  for (const f of Object.values(fields)) {
    if (f?.level !== undefined && f.level > data.level) {
      data.level = f.level;
      data.title = f.message ?? data.title;
    }
  }
  if (data.level > LEVEL.NONE) data.message = [fields["battery"] && `Pump Battery: ${fields["battery"].display}`, fields["reservoir"] && `Pump Reservoir: ${fields["reservoir"].display}`].filter(Boolean).join("\n");
  const { clockMills, ...rest } = status as { clockMills?: number };
  return { ...rest, ...(clockMills !== undefined && { clockMills }), data };
}

// ---------------------------------------------------------------------------------------------
// loop

/** `loop.analyzeData`: the newest Loop report of the last 6 hours and its status symbol. */
export function loopProperty(statuses: readonly DeviceStatus[], time: number, now = time) {
  const warn = 30;
  const recent = time - (warn / 2) * MINUTE;
  const result: Record<string, unknown> & { lastLoop: Record<string, unknown> | null; lastEnacted: Record<string, unknown> | null; lastPredicted: unknown; lastOkMoment: string | null } = { lastLoop: null, lastEnacted: null, lastPredicted: null, lastOkMoment: null };
  let lastLoopMills = -Infinity;
  let lastEnactedMills = -Infinity;
  let lastOverrideMills = -Infinity;
  let lastOkMills = -Infinity;
  for (const s of statuses) {
    const loop = s.loop;
    if (!loop || s.mills > time || s.mills < time - 6 * 3600_000 || !loop["timestamp"]) continue;
    const mills = timestampMills(loop["timestamp"], now);
    const enacted = loop["enacted"] as Record<string, unknown> | undefined;
    if (enacted?.["timestamp"]) {
      const m = timestampMills(enacted["timestamp"], now);
      if (m > lastEnactedMills) [lastEnactedMills, result.lastEnacted] = [m, { ...enacted, moment: iso(m) }];
    }
    if (mills > lastLoopMills) [lastLoopMills, result.lastLoop] = [mills, { ...loop, moment: iso(mills) }];
    const predicted = loop["predicted"] as Record<string, unknown> | undefined;
    if (predicted?.["startDate"]) result.lastPredicted = predicted;
    const override = s["override"] as Record<string, unknown> | undefined;
    if (override?.["timestamp"]) {
      const m = timestampMills(override["timestamp"], now);
      if (m > lastOverrideMills) [lastOverrideMills, result["lastOverride"]] = [m, { ...override, moment: iso(m) }];
    }
    if (!loop["failureReason"] && mills > lastOkMills) [lastOkMills, result.lastOkMoment] = [mills, iso(mills)];
  }
  const last = result.lastLoop;
  let display = { symbol: "⚠", code: "warning", label: "Warning" };
  if (last) {
    const enacted = last["enacted"] as Record<string, unknown> | undefined;
    const recommended = last["recommendedTempBasal"] as Record<string, unknown> | undefined;
    if (last["failureReason"] || (enacted && !enacted["received"])) display = { symbol: "x", code: "error", label: "Error" };
    else if (enacted && lastLoopMills > recent) display = { symbol: "⌁", code: "enacted", label: "Enacted" };
    else if (recommended && timestampMills(recommended["timestamp"], now) > recent) display = { symbol: "⏀", code: "recommendation", label: "Recomendation" };
    else if (lastLoopMills > recent) display = { symbol: "↻", code: "looping", label: "Looping" };
  }
  return { ...result, display };
}

// ---------------------------------------------------------------------------------------------
// openaps

/** A subset of `openaps.analyzeData`: the newest enacted and suggested runs and IOB of the last 6 hours. */
export function openapsProperty(statuses: readonly DeviceStatus[], time: number, now = time) {
  const warn = 30;
  const out: Record<string, unknown> = {};
  let enactedMills = -Infinity;
  let suggestedMills = -Infinity;
  let iobMills = -Infinity;
  for (const s of statuses) {
    const o = s.openaps;
    if (!o || s.mills > time || s.mills < time - 6 * 3600_000) continue;
    const enacted = o["enacted"] as Record<string, unknown> | undefined;
    const suggested = o["suggested"] as Record<string, unknown> | undefined;
    const iobRaw = o["iob"];
    const iob = (Array.isArray(iobRaw) ? iobRaw[0] : iobRaw) as Record<string, unknown> | undefined;
    if (enacted?.["timestamp"] && (enacted["received"] || enacted["recieved"])) {
      const m = timestampMills(enacted["timestamp"], now);
      if (m > enactedMills) [enactedMills, out["lastEnacted"]] = [m, { ...enacted, moment: iso(m) }];
    }
    if (suggested?.["timestamp"]) {
      const m = timestampMills(suggested["timestamp"], now);
      if (m > suggestedMills) [suggestedMills, out["lastSuggested"]] = [m, { ...suggested, moment: iso(m) }];
    }
    if (iob && (iob["timestamp"] || iob["time"])) {
      const m = timestampMills(iob["timestamp"] ?? iob["time"], now);
      if (m > iobMills) [iobMills, out["lastIOB"]] = [m, { ...iob, moment: iso(m) }];
    }
  }
  const enactedNewer = enactedMills >= suggestedMills && enactedMills > -Infinity;
  const loopMills = Math.max(enactedMills, suggestedMills);
  if (loopMills > -Infinity) {
    out["lastLoopMoment"] = iso(loopMills);
    out["lastEventualBG"] = ((enactedNewer ? out["lastEnacted"] : out["lastSuggested"]) as Record<string, unknown>)["eventualBG"];
  }
  const recent = time - (warn / 2) * MINUTE;
  out["status"] =
    enactedMills > recent
      ? { symbol: "⌁", code: "enacted", label: "Enacted" }
      : suggestedMills > recent
        ? { symbol: "↻", code: "looping", label: "Looping" }
        : { symbol: "⚠", code: "warning", label: "Warning" };
  return out;
}
