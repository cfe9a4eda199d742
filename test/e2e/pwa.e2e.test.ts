/**
 * The installable app in real Chromium: the manifest is valid and Chromium reports no
 * installability errors (so the install prompt is offered), the service worker registers and
 * controls the page, an alert payload shaped as durable/push.ts sends it is shown as a
 * notification with the value, trend and both buttons (notification permission granted in the
 * test profile; there is no push service to receive from offline, so the payload is handed to
 * the service worker's push handler directly), the settings page offers notifications, and
 * offline navigations show the offline page with the last known value and its age.
 * Screenshots land in test-results/e2e/.
 */
import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.ts";
import { sharedWebPlatform, type PlatformUrls } from "./platform.ts";

const SHOTS = "test-results/e2e";
let platform: PlatformUrls;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  platform = sharedWebPlatform();
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
});

describe("progressive web app", () => {
  it("is installable, runs a service worker, shows alert notifications and an offline page", async () => {
    const context = await browser.newContext({ viewport: { width: 412, height: 860 } });
    await context.grantPermissions(["notifications"], { origin: platform.web });
    const page = await context.newPage();
    await page.goto(`${platform.web}/register`);
    await page.getByLabel("Email").fill(`pwa-${Date.now()}@example.com`);
    await page.getByLabel("Name").fill("Pat");
    await page.getByLabel("Password").fill("browser test password");
    await page.getByRole("button", { name: /create account/i }).click();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();

    // Manifest: linked from the page, with what Chromium needs to offer installation.
    const href = await page.locator('link[rel="manifest"]').getAttribute("href");
    expect(href).toBe("/manifest.webmanifest");
    const manifest = await (await fetch(`${platform.web}${href}`)).json();
    expect(manifest).toMatchObject({ name: "GlucoLens", short_name: "GlucoLens", start_url: expect.stringMatching(/^\//), display: "standalone" });
    for (const size of ["192x192", "512x512"]) {
      const icon = manifest.icons.find((i: any) => i.sizes === size && i.type === "image/png");
      const res = await fetch(`${platform.web}${icon.src}`);
      expect(res.headers.get("content-type")).toContain("image/png");
    }

    // The service worker registers and takes control.
    const scriptURL = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL);
    expect(scriptURL).toBe(`${platform.web}/sw.js`);
    await page.reload();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${platform.web}/sw.js`);

    // Chromium itself judges installability (what gates the install prompt): no errors.
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as { installabilityErrors: { errorId: string }[] };
    // Playwright's contexts are incognito, which alone blocks installing; nothing about the app does.
    expect(installabilityErrors.filter((e) => e.errorId !== "in-incognito")).toEqual([]);

    // An urgent-low push as the monitor sends it.
    const time = new Date(Date.now() - 2 * 60_000).toISOString();
    const payload = {
      v: 1,
      type: "alert",
      event: "raised",
      title: "Urgent low: 50 mg/dL ↘",
      body: "Urgent low: 50 mg/dL and falling (−2.0 mg/dL/min)",
      tag: "alert-1",
      urgent: true,
      person: { user_id: "me", name: "Pat", own: true },
      alert: { id: "alert-1", kind: "urgent_low", level: "urgent", value: 50, unit: "mg/dL", rate: -2, direction: "FortyFiveDown", time, message: "Urgent low: 50 mg/dL", repeat: 0 },
      actions: ["snooze", "acknowledge"],
      action: { path: "/api/v1/push/actions", subscription_id: 1, token: "t" },
      url: "/",
    };
    const shown = await page.evaluate(async (p) => {
      const reg = await navigator.serviceWorker.ready;
      reg.active!.postMessage({ type: "show-push", payload: p });
      for (let i = 0; i < 100; i++) {
        const list = await reg.getNotifications({ tag: "alert-1" });
        if (list.length) return list.map((n) => ({ title: n.title, body: n.body, requireInteraction: n.requireInteraction, actions: (n as any).actions.map((a: any) => a.title), data: n.data }));
        await new Promise((r) => setTimeout(r, 50));
      }
      return [];
    }, payload);
    expect(shown).toEqual([{ title: "Urgent low: 50 mg/dL ↘", body: payload.body, requireInteraction: true, actions: ["Snooze 30 min", "Acknowledge"], data: payload }]);
    expect(await page.evaluate(() => Notification.permission)).toBe("granted");

    // The notification buttons go through the site's resource route to the API, which checks the token.
    const action = await page.evaluate(async () => {
      const res = await fetch("/resources/push", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ intent: "action", action: "acknowledge", subscription_id: 1, user_id: "me", alert_id: "alert-1", kind: "urgent_low", token: "forged" }) });
      return { status: res.status, body: await res.json() };
    });
    expect(action.status).toBe(401);
    expect(action.body.error.fields[0].path).toBe("token");

    await page.goto(`${platform.web}/settings`);
    const section = page.getByTestId("push-settings");
    await section.getByRole("button", { name: "Turn on notifications" }).waitFor();
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/pwa-settings-push.png` });

    // Offline: a navigation shows the offline page with the last value and its age.
    await context.setOffline(true);
    await page.goto(`${platform.web}/history`).catch(() => undefined);
    await page.getByRole("heading", { name: "You are offline" }).waitFor();
    await page.locator("#value").filter({ hasText: "50" }).waitFor();
    expect(await page.locator("#age").textContent()).toMatch(/^2 minutes ago$/);
    await page.screenshot({ path: `${SHOTS}/pwa-offline.png` });
    await context.setOffline(false);
    await context.close();
  });
});
