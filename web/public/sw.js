/*
 * GlucoLens service worker (registered by web/app/root.tsx).
 *
 * - Web Push: every push is an alert from the user's live monitor (or a caregiver's alert about
 *   a followed person), payload shaped by durable/push.ts. It is shown as a notification with
 *   the value, the trend and the buttons "Snooze 30 min" and "Acknowledge". The buttons post to
 *   the web site's /resources/push with the action token the payload carried: a service worker
 *   has no session, and the token only allows acting on that one alert.
 * - Offline: navigations that fail show /offline.html, which reads the last known value this
 *   worker stored (from pushes, and from pages that post it) and says how old it is.
 */
const CACHE = "glucolens-v1";
const OFFLINE_URL = "/offline.html";
const LAST_READING_URL = "/__glucolens/last-reading.json";
const PRECACHE = [OFFLINE_URL, "/manifest.webmanifest", "/icons/icon-192.png", "/icons/icon.svg", "/favicon.svg"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === LAST_READING_URL) {
    event.respondWith(caches.match(LAST_READING_URL).then((r) => r || new Response("null", { headers: { "content-type": "application/json" } })));
    return;
  }
  // The offline page's own files (icons, manifest) from the cache, so it renders whole offline.
  if (PRECACHE.includes(url.pathname) && request.method === "GET") {
    event.respondWith(caches.match(url.pathname).then((r) => r || fetch(request)));
    return;
  }
  // Pages come from the network (they are live data); only when it fails, the offline page.
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
  }
});

/** Keeps the newest value seen, for the offline page. */
async function rememberReading(reading) {
  if (!reading || typeof reading.value !== "number" || !reading.time) return;
  const cache = await caches.open(CACHE);
  const old = await cache.match(LAST_READING_URL).then((r) => (r ? r.json() : null)).catch(() => null);
  if (old && Date.parse(old.time) > Date.parse(reading.time)) return;
  await cache.put(LAST_READING_URL, new Response(JSON.stringify(reading), { headers: { "content-type": "application/json" } }));
}

const BUTTONS = { snooze: "Snooze 30 min", acknowledge: "Acknowledge" };

/** Shows one push payload (durable/push.ts or POST /api/v1/push/test) as a notification. */
async function show(payload) {
  if (!payload || typeof payload !== "object") payload = { title: "GlucoLens", body: "New alert" };
  const alert = payload.alert;
  if (alert && payload.person && payload.person.own) await rememberReading({ value: alert.value, unit: alert.unit, direction: alert.direction, time: alert.time, name: null });
  const actions = (payload.actions || []).filter((a) => BUTTONS[a]).map((a) => ({ action: a, title: BUTTONS[a] }));
  await self.registration.showNotification(payload.title || "GlucoLens", {
    body: payload.body || "",
    tag: payload.tag || "glucolens",
    renotify: true,
    // Urgent alerts stay on screen until the user reacts.
    requireInteraction: Boolean(payload.urgent),
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
    timestamp: alert && alert.time ? Date.parse(alert.time) : Date.now(),
    actions,
    data: payload,
  });
}

self.addEventListener("push", (event) => {
  let payload = null;
  try {
    payload = event.data ? event.data.json() : null;
  } catch {
    payload = { title: "GlucoLens", body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(show(payload));
});

// Pages of this origin may hand over the newest reading (offline page) or a payload to show
// (the browser test, which has no push service to receive from).
self.addEventListener("message", (event) => {
  const msg = event.data || {};
  if (msg.type === "last-reading") event.waitUntil(rememberReading(msg.reading));
  if (msg.type === "show-push") event.waitUntil(show(msg.payload));
});

async function act(payload, action) {
  const res = await fetch("/resources/push", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      intent: "action",
      action,
      subscription_id: payload.action.subscription_id,
      token: payload.action.token,
      user_id: payload.person.user_id,
      alert_id: payload.alert.id,
      kind: payload.alert.kind,
      minutes: 30,
    }),
  });
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    await self.registration.showNotification("GlucoLens", { body: (body && body.error && body.error.message) || "That did not work; open GlucoLens.", tag: `${payload.tag}-failed` });
  }
}

self.addEventListener("notificationclick", (event) => {
  const payload = event.notification.data || {};
  event.notification.close();
  if ((event.action === "snooze" || event.action === "acknowledge") && payload.action) {
    event.waitUntil(act(payload, event.action));
    return;
  }
  const target = new URL(payload.url || "/", self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) => {
      for (const c of list) if (c.url === target && "focus" in c) return c.focus();
      return self.clients.openWindow(target);
    }),
  );
});
