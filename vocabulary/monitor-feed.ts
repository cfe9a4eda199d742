/**
 * @module vocabulary/monitor-feed
 * The live monitor's WebSocket feed (`/api/v1/alerts/stream`) as both ends name it without a
 * schema library: the message types each side may send and the exact ping and pong texts. The
 * full message shapes are the zod schemas of worker/schemas/alerts.ts (`ServerMessage`,
 * `ClientMessage`), whose types are these; the web app imports the shapes as types only and
 * these names at runtime, so its bundle carries no zod.
 */

/** The `type` of every message the monitor sends, in the order a session meets them. */
export const SERVER_MESSAGE_TYPES = ["hello", "reading", "alert", "resolved", "acknowledged", "snoozed", "error", "pong"] as const;
export type ServerMessageType = (typeof SERVER_MESSAGE_TYPES)[number];

/** The `type` of every message a client may send; anything else is answered with an `error`. */
export const CLIENT_MESSAGE_TYPES = ["ack", "snooze", "ping"] as const;
export type ClientMessageType = (typeof CLIENT_MESSAGE_TYPES)[number];

/**
 * The exact ping text answered by the runtime without waking the Durable Object
 * (`setWebSocketAutoResponse`), and its answer. Other spellings of a ping reach the object and
 * get the same pong.
 */
export const PING = '{"type":"ping"}';
export const PONG = '{"type":"pong"}';
