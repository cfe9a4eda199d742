/**
 * @module durable/socketio/socket-io
 * socket.io packets inside Engine.IO `message` packets, encoded and decoded by socket.io-parser 4
 * (text only). The string format `<type>[<nsp>,][<ack id>][<json>]` is the same in socket.io
 * protocol 4 (socket.io 2, Engine.IO 3) and 5 (socket.io 3/4, Engine.IO 4); what differs is the
 * CONNECT exchange (socket.io-protocol README, "History"): in protocol 4 the server connects the
 * main namespace by itself right after the handshake and answers a namespace CONNECT with a bare
 * `0/nsp,`; in protocol 5 the client always sends CONNECT and the server answers with
 * `{"sid": …}`; a refused namespace is an ERROR with a string (4) or an object (5).
 */
import { Decoder, Encoder, PacketType, type Packet } from "socket.io-parser";
import { PACKET, type EioVersion } from "./engine-io.ts";

export { PacketType, type Packet };

const encoder = new Encoder();

/** A socket.io packet as an Engine.IO `message` packet (`4…`). */
function message(packet: Packet): string {
  const [text] = encoder.encode(packet) as [string];
  return PACKET.message + text;
}

export const eventPacket = (nsp: string, event: string, ...args: unknown[]) => message({ type: PacketType.EVENT, nsp, data: [event, ...args] });

export const ackPacket = (nsp: string, id: number, ...args: unknown[]) => message({ type: PacketType.ACK, nsp, id, data: args });

export function connectPacket(eio: EioVersion, nsp: string, socketId: string): string {
  return message(eio === 3 ? { type: PacketType.CONNECT, nsp } : { type: PacketType.CONNECT, nsp, data: { sid: socketId } });
}

export function connectErrorPacket(eio: EioVersion, nsp: string, text: string): string {
  return message({ type: PacketType.CONNECT_ERROR, nsp, data: eio === 3 ? text : { message: text } });
}

export const disconnectPacket = (nsp: string) => message({ type: PacketType.DISCONNECT, nsp });

/**
 * The socket.io packet in an Engine.IO message's data, or null when it is not one. A socket.io 2
 * client may put a query string on the namespace (`0/alarm?x=1,`): it is dropped.
 */
export function decodeSocketPacket(data: string): Packet | null {
  const decoder = new Decoder();
  let out: Packet | null = null;
  decoder.on("decoded", (p: Packet) => (out = p));
  try {
    decoder.add(data);
  } catch {
    return null;
  } finally {
    decoder.destroy();
  }
  const packet = out as Packet | null;
  if (packet) packet.nsp = packet.nsp.split("?")[0] || "/";
  return packet;
}
