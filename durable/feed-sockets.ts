/**
 * @module durable/feed-sockets
 * The wire side of the live monitor's WebSocket feed (durable/glucose-monitor.ts decides what an
 * acknowledgement or a snooze does): accepting the upgrade the Worker forwarded with the
 * Hibernation API, reading a client message into a command (answering pings and bad messages
 * itself), sending a step's messages to every socket, and the close and error handshakes.
 * Shapes: worker/schemas/alerts.ts (ServerMessage, ClientMessage); ping text:
 * vocabulary/monitor-feed.ts.
 */
import { ClientMessage, type ServerMessage, type SnoozeRequest } from "../worker/schemas/alerts.ts";
import { PONG } from "../vocabulary/monitor-feed.ts";
import { followerOf, followerTags, isFollowerSocket } from "./followers.ts";

/** Every feed socket carries this tag (a caregiver's also the follower's: durable/followers.ts). */
const SOCKET_TAG = "feed";
const MAX_CLIENT_MESSAGE_BYTES = 4096;

/** Per-socket metadata; kept by the runtime across hibernation. */
interface SocketAttachment {
  connectedAt: number;
  client: string | null;
}

/** What a client may ask of the monitor over its socket. */
export type FeedCommand = { type: "ack"; id: string } | ({ type: "snooze" } & SnoozeRequest);

/** Accepts the socket of an upgrade request and greets it with `hello`; answers the 101. */
export function acceptFeedSocket(ctx: DurableObjectState, request: Request, hello: ServerMessage, now: number): Response {
  const { 0: client, 1: server } = new WebSocketPair();
  ctx.acceptWebSocket(server, [SOCKET_TAG, ...followerTags(followerOf(request))]);
  server.serializeAttachment({ connectedAt: now, client: request.headers.get("user-agent")?.slice(0, 120) ?? null } satisfies SocketAttachment);
  server.send(JSON.stringify(hello));
  return new Response(null, { status: 101, webSocket: client });
}

/**
 * A client's message as a command for the monitor, or null when it was answered here: a ping
 * spelled differently from the auto-response, anything that is not one of ack, snooze or ping
 * (an `error` naming what is wrong), and an ack or snooze on a caregiver's read-only feed.
 */
export function readClientMessage(ctx: DurableObjectState, ws: WebSocket, message: string | ArrayBuffer): FeedCommand | null {
  if (typeof message !== "string") return sendError(ws, "unsupported", "Binary messages are not supported; send JSON text");
  if (message.length > MAX_CLIENT_MESSAGE_BYTES) return sendError(ws, "too_large", `Messages are limited to ${MAX_CLIENT_MESSAGE_BYTES} bytes`);
  let data: unknown;
  try {
    data = JSON.parse(message);
  } catch {
    return sendError(ws, "invalid_json", "Message is not valid JSON");
  }
  const parsed = ClientMessage.safeParse(data);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => ({ path: i.path.map(String).join(".") || "message", message: i.message }));
    return sendError(ws, "invalid_message", "Message is not one of ack, snooze or ping", fields);
  }
  const msg = parsed.data;
  if (msg.type === "ping") {
    ws.send(PONG);
    return null;
  }
  if (isFollowerSocket(ctx, ws)) return sendError(ws, "read_only", "A caregiver's feed is read-only: acknowledge from the notification instead");
  return msg.type === "ack" ? { type: "ack", id: msg.id } : { type: "snooze", kind: msg.kind, minutes: msg.minutes };
}

/** Sends a step's messages to every feed socket of the user, in order. */
export function broadcast(ctx: DurableObjectState, messages: readonly ServerMessage[]): void {
  const texts = messages.map((m) => JSON.stringify(m));
  for (const ws of ctx.getWebSockets(SOCKET_TAG)) {
    try {
      for (const text of texts) ws.send(text);
    } catch {
      // A socket that is closing; the others still get everything.
    }
  }
}

/** An `error` message to one socket; answers null so a reader can return it. */
export function sendError(ws: WebSocket, code: string, message: string, fields: { path: string; message: string }[] = []): null {
  try {
    ws.send(JSON.stringify({ type: "error", code, message, fields } satisfies ServerMessage));
  } catch {
    // closing
  }
  return null;
}

/**
 * Answers the peer's close frame: under the Hibernation API the object must, or the client sees
 * 1006. 1005 and 1006 are reserved (never sent on the wire), so close() would throw on them:
 * those are answered with a normal closure.
 */
export function answerClose(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
  } catch {
    // already closed
  }
}

/** Closes a socket the runtime reported an error on. */
export function closeOnError(ws: WebSocket): void {
  try {
    ws.close(1011, "socket error");
  } catch {
    // already closed
  }
}

/** Closes a socket that outlived its account's deletion (a message raced the close); nothing is handled. */
export function closeDeleted(ws: WebSocket): void {
  try {
    ws.close(1000, "account deleted");
  } catch {
    // already closing
  }
}

/** The upgrade of a deleted account's feed: the Worker passes this answer on as it is. */
export const accountGoneResponse = () =>
  new Response(JSON.stringify({ error: { code: "unauthorized", message: "The account has been deleted", fields: [] } }), { status: 401, headers: { "content-type": "application/json" } });
