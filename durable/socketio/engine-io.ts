/**
 * @module durable/socketio/engine-io
 * Engine.IO framing for protocol 3 (socket.io 1/2 clients, Nightscout's `allowEIO3: true`) and
 * protocol 4 (socket.io 3/4 clients), text packets only (Nightscout sends no binary).
 *
 * Packets are `<type digit>[<data>]` in both versions (engine.io-protocol README, "Protocol");
 * engine.io-parser 5 decodes them. Polling payloads differ: protocol 4 joins packets with the
 * record separator `\x1e` (engine.io-parser 5's encodePayload/decodePayload); protocol 3 prefixes
 * each with its length in characters, `<length>:<packet>` (engine.io-protocol v3 README,
 * "Payload"). The protocol-3 parser (engine.io-parser 2.x) is a callback API with five legacy
 * dependencies for binary XHR; its string framing is the few lines of {@link encodePayload} and
 * {@link decodePayload} below.
 *
 * Heartbeat direction (engine.io-protocol README, "From v3 to v4"): in protocol 3 the client
 * sends `2` (ping) and the server answers `3` (pong); in protocol 4 the server pings and the
 * client answers.
 */
import { decodePacket, decodePayload as decodePayload4, encodePayload as encodePayload4, type Packet } from "engine.io-parser";
import { MAX_PAYLOAD_BYTES, SESSION_ID_BYTES, sessionIdFrom } from "../../vocabulary/socketio.ts";

export type EioVersion = 3 | 4;
export type EnginePacket = Packet;

/** socket.io 4's defaults (and Nightscout's, which sets none): ping every 25 s, 20 s to answer. */
export const PING_INTERVAL_MS = 25_000;
export const PING_TIMEOUT_MS = 20_000;

export const PACKET = { open: "0", close: "1", ping: "2", pong: "3", message: "4", upgrade: "5", noop: "6" } as const;

/** A new Engine.IO sid or socket.io socket id ({@link sessionIdFrom}). */
export const randomId = () => sessionIdFrom(crypto.getRandomValues(new Uint8Array(SESSION_ID_BYTES)));

/** The `open` packet of the handshake (engine.io-protocol README, "Handshake"). */
export function openPacket(sid: string, upgrades: string[]): string {
  return PACKET.open + JSON.stringify({ sid, upgrades, pingInterval: PING_INTERVAL_MS, pingTimeout: PING_TIMEOUT_MS, maxPayload: MAX_PAYLOAD_BYTES });
}

/** Encoded packets (`4…`, `2`, …) as one polling response body. */
export function encodePayload(eio: EioVersion, packets: string[]): string {
  if (eio === 3) return packets.map((p) => `${p.length}:${p}`).join("");
  let out = "";
  // Synchronous for text packets (engine.io-parser calls back before returning).
  encodePayload4(
    packets.map((p) => decodePacket(p)),
    (s) => (out = s),
  );
  return out;
}

/** A polling request body as packets, or null when it is not a valid payload of that version. */
export function decodePayload(eio: EioVersion, body: string): EnginePacket[] | null {
  const packets = eio === 3 ? decodePayload3(body) : decodePayload4(body);
  if (!packets || !packets.length || packets.some((p) => p.type === "error")) return null;
  return packets;
}

function decodePayload3(body: string): EnginePacket[] | null {
  const out: EnginePacket[] = [];
  let i = 0;
  while (i < body.length) {
    const colon = body.indexOf(":", i);
    if (colon < 0) return null;
    const digits = body.slice(i, colon);
    const n = Number(digits);
    if (!/^\d{1,7}$/.test(digits) || n < 1 || colon + 1 + n > body.length) return null;
    out.push(decodePacket(body.slice(colon + 1, colon + 1 + n)));
    i = colon + 1 + n;
  }
  return out;
}

/** One WebSocket frame as a packet (text frames only). */
export function decodeFrame(frame: string): EnginePacket {
  return decodePacket(frame);
}
