/**
 * @module durable/socketio/subscribers
 * The GlucoseMonitor's side of socket.io: the sessions (durable/socketio/session.ts) that have
 * authorized as this user, kept in the monitor's storage so that they survive its eviction, and
 * the fan-out of new readings, Nightscout documents and alerts to them. With no subscriber
 * nothing is done on the alert path.
 */
import type { MonitorReading } from "../../vocabulary/monitor.ts";
import type { ServerMessage } from "../../worker/schemas/alerts.ts";
import { notificationsOf, type MonitorChange } from "./nightscout-shapes.ts";
import type { SocketIoSession } from "./session.ts";

export class SocketIoSubscribers {
  private readonly sids: Set<string>;
  /** One stub per session, so that changes reach each session in the order they were sent. */
  private readonly stubs = new Map<string, DurableObjectStub<SocketIoSession>>();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
  ) {
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS socketio_subscribers (sid TEXT PRIMARY KEY)");
    this.sids = new Set(ctx.storage.sql.exec<{ sid: string }>("SELECT sid FROM socketio_subscribers").toArray().map((r) => r.sid));
  }

  add(sid: string): void {
    if (this.sids.has(sid)) return;
    this.sids.add(sid);
    this.ctx.storage.sql.exec("INSERT OR IGNORE INTO socketio_subscribers (sid) VALUES (?)", sid);
  }

  remove(sid: string): void {
    this.sids.delete(sid);
    this.stubs.delete(sid);
    this.ctx.storage.sql.exec("DELETE FROM socketio_subscribers WHERE sid = ?", sid);
  }

  /** New readings (mg/dL) and the alert messages of one step. */
  step(readings: readonly MonitorReading[], messages: readonly ServerMessage[]): void {
    if (!this.sids.size) return;
    const changes: MonitorChange[] = [];
    if (readings.length) changes.push({ kind: "readings", readings: readings.map((r) => ({ time: r.time, value: r.value, source: r.source, trend: r.trend })) });
    for (const n of notificationsOf(messages)) changes.push({ kind: "notify", ...n });
    this.publish(changes);
  }

  publish(changes: MonitorChange[]): void {
    if (!changes.length) return;
    for (const sid of this.sids) {
      const sent = this.stub(sid)
        .deliver(changes)
        .then((alive) => {
          if (!alive) this.remove(sid);
        })
        .catch(() => undefined);
      this.ctx.waitUntil(sent);
    }
  }

  /** Account deletion: every session ends (the table goes with the monitor's storage). */
  async endAll(): Promise<void> {
    await Promise.all([...this.sids].map((sid) => this.stub(sid).end().catch(() => undefined)));
    this.sids.clear();
    this.stubs.clear();
  }

  /** After the monitor's storage was wiped. */
  recreate(): void {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS socketio_subscribers (sid TEXT PRIMARY KEY)");
  }

  private stub(sid: string) {
    let stub = this.stubs.get(sid);
    if (!stub) {
      stub = this.env.SOCKETIO_SESSION.get(this.env.SOCKETIO_SESSION.idFromName(sid));
      this.stubs.set(sid, stub);
    }
    return stub;
  }
}
