/**
 * @module worker/bridges/notify
 * Tells the user by Web Push (worker/services/push.ts) that a vendor refused a bridge's login,
 * so polling has stopped until the credentials are changed. Only the user's own devices; never throws.
 */
import { directoryDb } from "../db/shards.ts";
import type { Bindings } from "../env.ts";
import { pushRecipients } from "../push/repository.ts";
import { deliver } from "../push/service.ts";
import { VENDOR_NAMES } from "./vendors/index.ts";
import type { BridgeKind } from "./vendors/types.ts";

export async function pushLoginRefused(env: Bindings, userId: number, bridge: { id: string; kind: string }, reason: string): Promise<number> {
  try {
    const db = directoryDb(env);
    const recipients = await pushRecipients(db, userId);
    if (!recipients?.own.length) return 0;
    const name = VENDOR_NAMES[bridge.kind as BridgeKind] ?? bridge.kind;
    const payload = { v: 1, type: "bridge", event: "login_refused", title: `${name} bridge stopped`, body: `${reason}. Update the password in Settings → Bridges.`, tag: `bridge-${bridge.id}`, urgent: false, bridge: { id: bridge.id, kind: bridge.kind }, url: "/settings/bridges" };
    const counts = await deliver(env, db, recipients.own.map((subscription) => ({ subscription, payload, options: { ttl: 24 * 3600, urgency: "normal" as const, topic: `bridge-${bridge.id.slice(0, 20)}` } })));
    return counts.sent;
  } catch (err) {
    console.warn(JSON.stringify({ level: "warn", event: "bridge.push_failed", bridge: bridge.id, error: String(err) }));
    return 0;
  }
}
