/**
 * @module worker/nightscout/socketio
 * `/socket.io/`: Nightscout's socket.io endpoint (AndroidAPS NSClient v1, followers, Nightscout's
 * own web client), served by one SocketIoSession Durable Object per Engine.IO session
 * (durable/socketio/session.ts). This route checks the query, draws the sid at the handshake
 * (a request without `sid`), and forwards the request to the session's object by that sid;
 * credentials come later, inside the session (`authorize`).
 */
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiError, type FieldError } from "../lib/errors.ts";
import { MAX_PAYLOAD_BYTES, SESSION_ID_BYTES, sessionIdFrom } from "../../vocabulary/socketio.ts";

const SID = /^[A-Za-z0-9_-]{20}$/;


export async function socketIoRoute(c: Context<AppEnv>): Promise<Response> {
  const q = c.req.query();
  const method = c.req.method;
  const upgrade = c.req.header("upgrade")?.toLowerCase() === "websocket";
  const fields: FieldError[] = [];
  if (q.EIO !== "3" && q.EIO !== "4") fields.push({ path: "EIO", message: "must be 3 or 4 (Engine.IO protocol version)" });
  if (q.transport !== "polling" && q.transport !== "websocket") fields.push({ path: "transport", message: 'must be "polling" or "websocket"' });
  else if ((q.transport === "websocket") !== upgrade) fields.push({ path: "transport", message: upgrade ? 'must be "websocket" for a WebSocket upgrade' : '"websocket" needs a WebSocket upgrade request' });
  if (q.j !== undefined) fields.push({ path: "j", message: "JSONP polling is not supported" });
  if (q.sid !== undefined && !SID.test(q.sid)) fields.push({ path: "sid", message: "Session ID unknown" });
  if (q.sid === undefined && method !== "GET") fields.push({ path: "method", message: "a handshake is a GET" });
  if (method !== "GET" && method !== "POST") fields.push({ path: "method", message: "must be GET or POST" });
  if (fields.length) throw new ApiError(400, "bad_request", "Not a valid Engine.IO request", fields);
  const length = Number(c.req.header("content-length") ?? 0);
  if (length > MAX_PAYLOAD_BYTES) throw new ApiError(413, "payload_too_large", `A polling body is limited to ${MAX_PAYLOAD_BYTES} bytes`, [{ path: "body", message: "is too large" }]);

  const sid = q.sid ?? sessionIdFrom(crypto.getRandomValues(new Uint8Array(SESSION_ID_BYTES)));
  const url = new URL("https://socketio.internal/socket.io/");
  url.searchParams.set("EIO", q.EIO!);
  url.searchParams.set("transport", q.transport!);
  url.searchParams.set("sid", sid);
  if (q.sid === undefined) url.searchParams.set("new", "1");
  // A new request, so that only what is set here reaches the object.
  const headers = new Headers();
  if (upgrade) headers.set("upgrade", "websocket");
  const body = method === "POST" ? await c.req.text() : undefined;
  if (body !== undefined && body.length > MAX_PAYLOAD_BYTES) throw new ApiError(413, "payload_too_large", `A polling body is limited to ${MAX_PAYLOAD_BYTES} bytes`, [{ path: "body", message: "is too large" }]);
  const stub = c.env.SOCKETIO_SESSION.get(c.env.SOCKETIO_SESSION.idFromName(sid));
  const res = await stub.fetch(url, { method, headers, body });
  // A stub's response has immutable headers; the app's middleware adds its own.
  if (res.webSocket) return new Response(null, { status: 101, webSocket: res.webSocket, headers: res.headers });
  return new Response(res.body, res);
}
