/**
 * The "Notifications on this device" section of /settings: turns Web Push on or off for this
 * browser (permission, `pushManager.subscribe` with the API's VAPID key, the subscription stored
 * through /resources/push) and sends a test notification. The service worker (web/public/sw.js)
 * is registered by root.tsx.
 */
import { useRouteLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { loader as rootLoader } from "#app/root.tsx";
import { useHydrated } from "#app/lib/use-hydrated.ts";

type Status = "checking" | "unsupported" | "denied" | "off" | "on";

export function PushSettings() {
  const csrf = useRouteLoaderData<typeof rootLoader>("root")?.csrfToken ?? "";
  const [status, setStatus] = useState<Status>("checking");
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();

  const post = async (body: unknown) => {
    const res = await fetch("/resources/push", { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": csrf }, body: JSON.stringify(body) });
    const json = (await res.json().catch(() => null)) as { error?: { message?: string } } & Record<string, unknown>;
    if (!res.ok) throw new Error(json?.error?.message ?? `Request failed (${res.status})`);
    return json;
  };

  useEffect(() => {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return setStatus("unsupported");
    if (Notification.permission === "denied") return setStatus("denied");
    void navigator.serviceWorker.ready.then(async (reg) => setStatus((await reg.pushManager.getSubscription()) ? "on" : "off"));
  }, []);

  const enable = async () => {
    setBusy(true);
    setMessage(null);
    try {
      if ((await Notification.requestPermission()) !== "granted") return setStatus("denied");
      const reg = await navigator.serviceWorker.ready;
      const { public_key } = (await post({ intent: "key" })) as { public_key: string };
      const sub = (await reg.pushManager.getSubscription()) ?? (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: public_key /* base64url, as the Push API accepts */ }));
      await post({ intent: "subscribe", subscription: sub.toJSON() });
      setStatus("on");
      setMessage("Alerts will reach this device even when GlucoLens is closed.");
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const disable = async () => {
    setBusy(true);
    try {
      const reg = await navigator.serviceWorker.ready;
      const sub = await reg.pushManager.getSubscription();
      if (sub) {
        await post({ intent: "unsubscribe", endpoint: sub.endpoint });
        await sub.unsubscribe();
      }
      setStatus("off");
      setMessage("This device no longer gets alert notifications.");
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const test = async () => {
    setBusy(true);
    try {
      const r = await post({ intent: "test" });
      setMessage(Number(r.sent) > 0 ? "Test notification sent." : "No device received it; turn notifications off and on again.");
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="push-heading" data-testid="push-settings">
      <h2 id="push-heading" className="card__title">Notifications on this device</h2>
      <p>
        {/* Until the page runs its scripts (never, without JavaScript) the check cannot start: say why
            nothing can be set here. Plain text rather than <noscript>, which browsers that merely
            block scripts (site settings, extensions) do not show. */}
        {status === "checking" && !hydrated && "Notifications need JavaScript: turn it on for this site to set them up on this device."}
        {status === "checking" && hydrated && "Checking…"}
        {status === "unsupported" && "This browser cannot receive push notifications. Install GlucoLens to the home screen, or use a current Chrome, Edge, Firefox or Safari."}
        {status === "denied" && "Notifications are blocked for this site. Allow them in the browser's site settings, then reload."}
        {status === "off" && "Off: alerts show only while GlucoLens is open."}
        {status === "on" && "On: urgent alerts reach this device even when the phone is locked."}
      </p>
      <div className="form-actions">
        {status === "off" ? (
          <button type="button" className="button" onClick={enable} disabled={busy}>
            Turn on notifications
          </button>
        ) : null}
        {status === "on" ? (
          <>
            <button type="button" className="button button--ghost" onClick={test} disabled={busy}>
              Send a test notification
            </button>
            <button type="button" className="button button--ghost" onClick={disable} disabled={busy}>
              Turn off
            </button>
          </>
        ) : null}
      </div>
      {message ? (
        <p role="status" className="hint">
          {message}
        </p>
      ) : null}
    </section>
  );
}
