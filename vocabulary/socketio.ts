/**
 * @module vocabulary/socketio
 * What the Worker's `/socket.io/` route and the SocketIoSession Durable Object both name: the
 * Engine.IO limits and session ids, the Nightscout delta a monitor publishes to its sessions, and
 * the collections of API v3's storage socket.
 */
import { bytesToBase64Url } from "./bytes.ts";

/** The largest polling body accepted, as the handshake announces it (`maxPayload`, socket.io 4's default is 1e6). */
export const MAX_PAYLOAD_BYTES = 1_000_000;

/** Random bytes behind an Engine.IO sid or a socket.io socket id. */
export const SESSION_ID_BYTES = 15;

/**
 * 20 characters of base64url from 15 random bytes: Engine.IO sids and socket.io socket ids
 * (engine.io's are 20 characters too).
 */
export const sessionIdFrom = (random: Uint8Array) => bytesToBase64Url(random);

export type NightscoutDoc = Record<string, unknown>;

/** Nightscout's alarm levels (lib/levels.js): `ack(level)` and `/notifications/ack?level=` take these. */
export const LEVEL = { urgent: 2, warning: 1, info: 0 } as const;

/** A `dataUpdate` delta as Nightscout's lib/data/calcdelta.js builds it. */
export interface NightscoutDelta {
  sgvs?: NightscoutDoc[];
  mbgs?: NightscoutDoc[];
  treatments?: NightscoutDoc[];
  devicestatus?: NightscoutDoc[];
  profiles?: NightscoutDoc[];
}

/** The collections of API v3 and its storage socket (lib/api3/index.js `enabledCollections`). */
export const STORAGE_COLLECTIONS = ["devicestatus", "entries", "food", "profile", "settings", "treatments"] as const;
export type StorageCollection = (typeof STORAGE_COLLECTIONS)[number];
