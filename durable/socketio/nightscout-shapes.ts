/**
 * @module durable/socketio/nightscout-shapes
 * What Nightscout's socket.io sends, built from GlucoLens's own shapes (pure functions):
 * - `dataUpdate` deltas as lib/data/calcdelta.js builds them: `{delta: true, lastUpdated, sgvs?,
 *   mbgs?, treatments?, devicestatus?, profiles?}`, arrays sorted by `mills`; entries in
 *   lib/data/dataloader.js loadEntries's runtime shape (`mgdl`, `mills`, `device`, `direction`,
 *   `type`), treatments and device status with `mills` (ddata.processRawDataForRuntime);
 * - notifications as lib/notifications.js and lib/plugins/simplealarms.js make them (`level`
 *   2 urgent / 1 warning, `title`, `message`, `eventName`, `plugin`, `group`, `key`), sent as
 *   `urgent_alarm` / `alarm`, and `clear_alarm` (`{clear: true, title: "All Clear", …}`) when an
 *   alert resolves (autoAckAlarms) or is acknowledged (notifications.ack with sendClear);
 * - `announcement` for an "Announcement" treatment (lib/plugins/treatmentnotify.js
 *   requestAnnouncementNotify).
 */
import { LEVEL, type NightscoutDelta, type NightscoutDoc, type StorageCollection } from "../../vocabulary/socketio.ts";
import type { Alert, AlertKind, ServerMessage } from "../../worker/schemas/alerts.ts";

export type { NightscoutDelta, NightscoutDoc };

/** A change a monitor sends to its sessions; the session turns it into socket.io events. */
export type MonitorChange =
  | { kind: "readings"; readings: { time: number; value: number; source: string; trend: string | null }[] }
  | { kind: "delta"; delta: NightscoutDelta }
  /** Documents stored through API v3 that no delta carries (device status, profile, food, settings), by identifier. */
  | { kind: "stored"; colName: StorageCollection; identifiers: string[] }
  /** Documents deleted through API v3 (storage socket `delete` events). */
  | { kind: "deleted"; colName: StorageCollection; identifiers: string[] }
  | { kind: "notify"; event: NotifyEvent; notify: NightscoutNotify };

export type NotifyEvent = "alarm" | "urgent_alarm" | "clear_alarm" | "announcement";

export interface NightscoutNotify {
  level?: number;
  title: string;
  message: string;
  group: string;
  plugin?: { name: string; label: string; pluginType: string; enabled: boolean };
  eventName?: string;
  key?: string;
  clear?: true;
  isAnnouncement?: true;
}


const PLUGIN = { name: "glucolens", label: "GlucoLens alerts", pluginType: "notification", enabled: true };

/** Nightscout's titles and event names for our alert kinds (simplealarms for thresholds, timeago for no data). */
const TITLE: Record<AlertKind, { title: string; eventName: string }> = {
  urgent_low: { title: "Urgent LOW", eventName: "low" },
  low: { title: "Warning LOW", eventName: "low" },
  predicted_low: { title: "Warning LOW predicted", eventName: "low" },
  falling_fast: { title: "Warning falling fast", eventName: "low" },
  high: { title: "Warning HIGH", eventName: "high" },
  urgent_high: { title: "Urgent HIGH", eventName: "high" },
  rising_fast: { title: "Warning rising fast", eventName: "high" },
  stale: { title: "Warning, stale data, check rig?", eventName: "timeago" },
  urgent_stale: { title: "Urgent, stale data, check rig?", eventName: "timeago" },
};

function alarmOf(alert: Alert): { event: NotifyEvent; notify: NightscoutNotify } {
  const urgent = alert.level === "urgent";
  const { title, eventName } = TITLE[alert.kind];
  return {
    event: urgent ? "urgent_alarm" : "alarm",
    notify: { level: urgent ? LEVEL.urgent : LEVEL.warning, title, message: alert.message, eventName, plugin: PLUGIN, group: "default", key: `glucolens_${alert.kind}` },
  };
}

/** The socket.io notifications for the monitor's messages of one step, in order. */
export function notificationsOf(messages: readonly ServerMessage[]): { event: NotifyEvent; notify: NightscoutNotify }[] {
  const out: { event: NotifyEvent; notify: NightscoutNotify }[] = [];
  for (const m of messages) {
    if (m.type === "alert") out.push(alarmOf(m.alert));
    else if (m.type === "resolved") out.push({ event: "clear_alarm", notify: { clear: true, title: "All Clear", message: "Auto ack'd alarm(s)", group: "default" } });
    else if (m.type === "acknowledged")
      out.push({ event: "clear_alarm", notify: { clear: true, title: "All Clear", message: `default - ${m.alert.level === "urgent" ? "Urgent" : "Warning"} was ack'd`, group: "default" } });
  }
  return out;
}

/** An "Announcement" treatment as Nightscout announces it, or null for any other treatment. */
export function announcementOf(treatment: NightscoutDoc): NightscoutNotify | null {
  if (treatment.eventType !== "Announcement" && treatment.isAnnouncement !== true) return null;
  const text = typeof treatment.notes === "string" ? treatment.notes : "";
  return { level: LEVEL.info, title: "Announcement", message: text, plugin: PLUGIN, group: "Announcement", isAnnouncement: true, key: `announcement_${String(treatment["_id"] ?? "")}` };
}

/** Sorted by `mills`, as calcdelta sorts every array of a delta. */
export const byMills = (docs: NightscoutDoc[]) => docs.sort((a, b) => Number(a.mills) - Number(b.mills));

/** A stored document (treatment, device status) with Nightscout's runtime `mills`. */
export function withMills(doc: NightscoutDoc): NightscoutDoc {
  const mills = typeof doc.created_at === "string" ? Date.parse(doc.created_at) : NaN;
  return Number.isFinite(mills) ? { ...doc, mills } : doc;
}
