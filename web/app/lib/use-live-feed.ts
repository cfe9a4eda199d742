/**
 * @module use-live-feed
 * The dashboard's connection to the alert WebSocket: gets a single-use ticket from
 * `/resources/live` (CSRF-checked; the server adds the bearer token), opens
 * `ws(s)://API/api/v1/alerts/stream?ticket=…`, feeds each frame through {@link liveReducer},
 * pings every 25 s (the runtime answers without waking the Durable Object), and after a drop
 * reconnects with a fresh ticket and exponential backoff. Coming back online or to the tab
 * reconnects at once. Ack and snooze go over the socket, or over HTTP when it is down.
 */
import { useCallback, useEffect, useReducer, useRef } from "react";
import { PING } from "../../../vocabulary/monitor-feed.ts";
import { backoffMs, initialLiveState, liveReducer, parseServerMessage, type Alert, type AlertKind, type ClientMessage, type LiveLatest } from "./live-state.ts";

const PING_EVERY_MS = 25_000;

async function postLive(csrf: string, fields: Record<string, string>): Promise<{ ok: boolean; body: unknown }> {
  const form = new FormData();
  form.set("csrf", csrf);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await fetch("/resources/live", { method: "POST", body: form, headers: { Accept: "application/json" } });
  // A redirect to /login (session ended) arrives as HTML: treat as a failure.
  const json = res.headers.get("content-type")?.includes("json") ? ((await res.json()) as unknown) : null;
  return { ok: res.ok && json !== null, body: json };
}

export function useLiveFeed(initialLatest: LiveLatest | null, csrf: string) {
  const [state, dispatch] = useReducer(liveReducer, initialLatest, initialLiveState);
  const socketRef = useRef<WebSocket | null>(null);

  useEffect(() => {
    if (!csrf) return;
    let stopped = false;
    let attempt = 0;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let ping: ReturnType<typeof setInterval> | undefined;

    const schedule = () => {
      if (stopped) return;
      dispatch({ type: "connection", connection: attempt >= 3 ? "offline" : "reconnecting" });
      clearTimeout(retry);
      retry = setTimeout(() => void connect(), backoffMs(attempt++));
    };

    const connect = async () => {
      if (stopped || socketRef.current) return;
      let url: string;
      try {
        const res = await postLive(csrf, { intent: "ticket" });
        const body = res.body as { url?: unknown } | null;
        if (!res.ok || typeof body?.url !== "string") throw new Error("no ticket");
        url = body.url;
      } catch {
        schedule();
        return;
      }
      if (stopped) return;
      const ws = new WebSocket(url);
      socketRef.current = ws;
      ws.onopen = () => {
        attempt = 0;
        clearInterval(ping);
        ping = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(PING), PING_EVERY_MS);
      };
      ws.onmessage = (e) => {
        const message = typeof e.data === "string" ? parseServerMessage(e.data) : null;
        if (message) dispatch({ type: "message", message });
      };
      ws.onclose = () => {
        clearInterval(ping);
        if (socketRef.current === ws) socketRef.current = null;
        schedule();
      };
    };

    const reconnectNow = () => {
      if (document.visibilityState !== "visible" || socketRef.current) return;
      attempt = 0;
      clearTimeout(retry);
      void connect();
    };
    void connect();
    window.addEventListener("online", reconnectNow);
    document.addEventListener("visibilitychange", reconnectNow);
    return () => {
      stopped = true;
      clearTimeout(retry);
      clearInterval(ping);
      window.removeEventListener("online", reconnectNow);
      document.removeEventListener("visibilitychange", reconnectNow);
      const ws = socketRef.current;
      socketRef.current = null;
      ws?.close(1000, "page left");
    };
  }, [csrf]);

  const send = useCallback((msg: ClientMessage): boolean => {
    const ws = socketRef.current;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(msg));
    return true;
  }, []);

  /** Acknowledges over the socket, else over HTTP; the banner hides at once either way. */
  const acknowledge = useCallback(
    async (alert: Alert) => {
      dispatch({ type: "message", message: { type: "acknowledged", alert: { ...alert, acknowledged_at: new Date().toISOString() } } });
      if (send({ type: "ack", id: alert.id })) return true;
      return (await postLive(csrf, { intent: "ack", id: alert.id }).catch(() => ({ ok: false }))).ok;
    },
    [csrf, send],
  );

  const snooze = useCallback(
    async (kind: AlertKind, minutes: 15 | 30 | 60) => {
      dispatch({ type: "message", message: { type: "snoozed", kind, minutes, until: new Date(Date.now() + minutes * 60_000).toISOString() } });
      if (send({ type: "snooze", kind, minutes })) return true;
      return (await postLive(csrf, { intent: "snooze", kind, minutes: String(minutes) }).catch(() => ({ ok: false }))).ok;
    },
    [csrf, send],
  );

  return { state, acknowledge, snooze, dismissError: () => dispatch({ type: "dismiss-error" }) };
}
