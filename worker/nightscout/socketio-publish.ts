/**
 * @module worker/nightscout/socketio-publish
 * Tells the user's socket.io sessions about Nightscout documents the REST API has just stored
 * (they become `dataUpdate` deltas and storage socket events) or API v3 has deleted. Readings need
 * no call: they reach the sessions through the live monitor with every ingestion
 * (worker/monitor/client.ts notifyMonitor).
 */
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { errorFields } from "../lib/log.ts";
import { monitorStub } from "../monitor/client.ts";
import type { NightscoutDelta, StorageCollection } from "../../vocabulary/socketio.ts";

export function publishToSockets(c: Context<AppEnv>, delta: NightscoutDelta): void {
  if (!Object.values(delta).some((docs) => docs?.length)) return;
  const user = c.get("user");
  const log = c.get("log");
  c.executionCtx.waitUntil(
    monitorStub(c.env, user.publicId)
      .publishNightscout({ userId: user.id, publicId: user.publicId, requestId: c.get("requestId") }, delta)
      .catch((err: unknown) => log.error("socketio.publish_failed", { user: user.publicId, ...errorFields(err) })),
  );
}

/** API v3 stored (with no delta of its own) or deleted these documents: storage socket events. */
export function publishStorageChange(c: Context<AppEnv>, colName: StorageCollection, change: "stored" | "deleted", identifiers: string[]): void {
  const user = c.get("user");
  const log = c.get("log");
  c.executionCtx.waitUntil(
    monitorStub(c.env, user.publicId)
      .publishStorage({ userId: user.id, publicId: user.publicId, requestId: c.get("requestId") }, colName, change, identifiers)
      .catch((err: unknown) => log.error("socketio.publish_failed", { user: user.publicId, ...errorFields(err) })),
  );
}
