/**
 * The live dashboard in real Chromium: a new user registers, readings arrive over the API and
 * show on the dashboard, a low reading posted over the API raises the alert banner live (timed:
 * under a second), it is snoozed, an urgent low is acknowledged, the AGP report draws its bands,
 * the unit switches to mmol/L everywhere, an uploader secret is created and shown once, the
 * export downloads through the site, and another user cannot acknowledge this user's alert.
 * Screenshots land in test-results/e2e/ (look at them).
 */
import { mkdirSync } from "node:fs";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "./browser.ts";
import { sharedWebPlatform, type PlatformUrls } from "./platform.ts";

const SHOTS = "test-results/e2e";
const shown = (l: Locator, timeout = 30_000) => l.waitFor({ state: "visible", timeout });
const MIN = 60_000;
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

async function register(page: Page, email: string, password: string, name: string) {
  await page.goto(`${platform.web}/register`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: /create account/i }).click();
  await page.waitForURL(`${platform.web}/`);
  await shown(page.getByRole("heading", { name: "Dashboard" }));
}

async function apiLogin(email: string, password: string): Promise<string> {
  const res = await fetch(`${platform.api}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  return ((await res.json()) as { access_token: string }).access_token;
}

function api(token: string, path: string, body?: unknown) {
  return fetch(`${platform.api}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe("live dashboard, AGP and settings in the browser", () => {
  it("readings → live low alert → snooze / ack → AGP → mmol/L → uploader secret → export; isolation", async () => {
    const email = `e2e-live-${Date.now()}@example.com`;
    const password = "browser test password";
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await register(page, email, password, "Live Tester");
    // No data yet: the empty state says what to do next.
    await shown(page.getByRole("link", { name: /upload a cgm export/i }));
    const token = await apiLogin(email, password);

    // Three days of 5-minute readings ending 10 minutes ago, gently waving in range, flat at the end.
    const now = Date.now();
    const end = Math.floor(now / (5 * MIN)) * 5 * MIN - 10 * MIN;
    const n = 3 * 288;
    const readings = Array.from({ length: n }, (_, i) => {
      const t = end - (n - 1 - i) * 5 * MIN;
      const value = i > n - 12 ? 110 : Math.round(130 + 40 * Math.sin(i / 20));
      return { time: t, value, source: "e2e-cgm" };
    });
    const bulk = await api(token, "/api/v1/glucose/bulk", { readings });
    expect((await bulk.json()).inserted).toBe(n);

    await page.reload();
    await shown(page.getByTestId("current-glucose").getByText("110", { exact: true }));
    await page.locator("canvas").first().waitFor();
    await shown(page.getByRole("heading", { name: "Last 14 days" }));
    await shown(page.getByRole("img", { name: /Time in ranges/ }));
    // The socket is up before the alert is sent.
    await shown(page.getByRole("status").filter({ hasText: /^Live$/ }), 30_000);
    await page.screenshot({ path: `${SHOTS}/live-dashboard.png`, fullPage: true });

    // A low reading over the API: the banner appears live, without a reload.
    const t0 = performance.now();
    const low = await api(token, "/api/v1/glucose/readings", { time: now, value: 62, source: "e2e-cgm" });
    expect(low.status).toBe(201);
    const banner = page.getByRole("alert").filter({ hasText: /Low: 62 mg\/dL/ });
    await shown(banner, 5_000);
    const bannerMs = performance.now() - t0;
    console.log(`alert banner visible ${bannerMs.toFixed(0)} ms after POST /glucose/readings was sent`);
    expect(bannerMs).toBeLessThan(1000);
    await shown(page.getByTestId("current-glucose").getByText("62", { exact: true }), 3_000);
    await shown(banner.getByText("Warning:"));
    await page.screenshot({ path: `${SHOTS}/live-banner.png` });

    // Keyboard: Tab reaches the banner's buttons (focus lands on Acknowledge first).
    await banner.getByRole("button", { name: "Acknowledge" }).focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Snooze for 15 minutes");
    await page.keyboard.press("Enter");
    await banner.waitFor({ state: "detached", timeout: 3_000 });

    // Urgent low (another kind): at most 30 minutes of snooze offered; acknowledge it.
    const urgentLow = await api(token, "/api/v1/glucose/readings", { time: Math.max(Date.now(), now + 60_000), value: 50, source: "e2e-cgm" });
    expect(urgentLow.status).toBe(201);
    const urgent = page.getByRole("alert").filter({ hasText: /Urgent low/ });
    try {
      await shown(urgent, 10_000);
    } catch (err) {
      await page.screenshot({ path: `${SHOTS}/live-failure.png`, fullPage: true });
      const state = await (await api(token, "/api/v1/alerts/state")).text();
      throw new Error(`urgent low banner missing; monitor state: ${state}; page errors: ${pageErrors.join(" | ")}`, { cause: err });
    }
    expect(await urgent.getByRole("button", { name: /Snooze for/ }).count()).toBe(2);
    await page.screenshot({ path: `${SHOTS}/live-banner-urgent.png` });
    await urgent.getByRole("button", { name: "Acknowledge" }).click();
    await urgent.waitFor({ state: "detached", timeout: 3_000 });

    // The API recorded both actions (the socket's ack is written asynchronously: poll briefly).
    type Event = { event: string; kind: string; alert_id: string | null };
    let history: { items: Event[] } = { items: [] };
    for (let i = 0; i < 50 && !history.items.some((e) => e.event === "acknowledged"); i++) {
      if (i) await new Promise((r) => setTimeout(r, 200));
      history = (await (await api(token, "/api/v1/alerts")).json()) as { items: Event[] };
    }
    expect(history.items.some((e) => e.event === "snoozed" && e.kind === "low")).toBe(true);
    const acked = history.items.find((e) => e.event === "acknowledged" && e.kind === "urgent_low");
    expect(acked).toBeDefined();

    // AGP report: bands drawn, metrics table, one mini trace per day.
    await page.goto(`${platform.web}/agp`);
    await shown(page.getByRole("heading", { name: "AGP report" }));
    expect(await page.locator("path.agp-chart__outer").getAttribute("d")).toMatch(/^M/);
    expect(await page.locator("path.agp-chart__inner").getAttribute("d")).toMatch(/^M/);
    expect(await page.locator("path.agp-chart__median").getAttribute("d")).toMatch(/^M/);
    await shown(page.getByRole("row", { name: /Coefficient of variation/ }));
    expect(await page.locator(".day-card").count()).toBe(14);
    await page.screenshot({ path: `${SHOTS}/agp.png`, fullPage: true });
    await page.getByRole("link", { name: "7 days" }).click();
    await page.waitForURL(/days=7/);
    // The URL changes before React renders the new loader data: wait for the page to say 7 days.
    await page.locator('a[aria-label="7 days"][aria-current="page"]').waitFor();
    expect(await page.locator(".day-card").count()).toBe(7);

    // Settings: a bad alert threshold is refused next to its field, nothing saved.
    await page.goto(`${platform.web}/settings`);
    await page.getByLabel("Low threshold", { exact: true }).fill("20");
    await page.getByRole("button", { name: "Save alert settings" }).click();
    await shown(page.locator("#alert-low_value-error"));
    expect(await page.locator("#alert-low_value-error").innerText()).toMatch(/Low must be between/);
    expect(((await (await api(token, "/api/v1/alerts/settings")).json()) as { low: { value: number } }).low.value).toBe(70);

    // Unit → mmol/L: the dashboard and the alert thresholds follow.
    await page.getByRole("radio", { name: /mmol\/L/ }).check();
    await page.getByRole("button", { name: "Save profile" }).click();
    await shown(page.getByText(/Profile saved/));
    expect(await page.getByLabel("Low threshold", { exact: true }).inputValue()).toBe("3.9");

    // An uploader secret, shown once with the xDrip+ URL.
    await page.getByLabel("App or phone").fill("xDrip+ on my phone");
    await page.getByRole("button", { name: "Create uploader secret" }).click();
    const url = await page.getByTestId("nightscout-url").innerText();
    expect(url).toMatch(/^http:\/\/[A-Za-z0-9]+@127\.0\.0\.1:\d+\/api\/v1\/$|^http:\/\/[A-Za-z0-9]+@localhost:\d+\/api\/v1\/$/);
    await shown(page.getByRole("cell", { name: "xDrip+ on my phone", exact: true }));
    await page.screenshot({ path: `${SHOTS}/settings.png`, fullPage: true });
    // The secret works as a Nightscout api-secret (SHA-1) … and is not shown again.
    const secret = /^http:\/\/([A-Za-z0-9]+)@/.exec(url)![1]!;
    const sha1 = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(secret))), (b) => b.toString(16).padStart(2, "0")).join("");
    expect((await fetch(`${platform.api}/api/v1/verifyauth`, { headers: { "api-secret": sha1 } })).status).toBe(200);
    await page.reload();
    expect(await page.getByTestId("nightscout-url").count()).toBe(0);

    // The export downloads through the site (the browser has no bearer token).
    const exp = await page.request.get(`${platform.web}/export?format=json`);
    expect(exp.status()).toBe(200);
    expect(exp.headers()["content-disposition"]).toMatch(/attachment/);
    expect(await exp.text()).toContain("e2e-cgm");
    const bad = await page.request.get(`${platform.web}/export?format=xml`);
    expect(bad.status()).toBe(400);
    expect(((await bad.json()) as { error: { fields: { path: string }[] } }).error.fields[0]!.path).toBe("format");

    await page.goto(`${platform.web}/`);
    await shown(page.getByTestId("current-glucose").getByText("2.8", { exact: true }));
    await shown(page.getByTestId("current-glucose").getByText("mmol/L"));
    await shown(page.getByRole("status").filter({ hasText: /^Live$/ }), 30_000);
    await page.screenshot({ path: `${SHOTS}/live-dashboard-mmol.png`, fullPage: true });

    const phone = await browser.newPage({ viewport: { width: 375, height: 812 } });
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(`${platform.web}/`);
    await phone.locator("canvas").first().waitFor();
    await phone.screenshot({ path: `${SHOTS}/live-dashboard-375.png`, fullPage: true });
    await phone.goto(`${platform.web}/agp`);
    await shown(phone.getByRole("heading", { name: "AGP report" }));
    await phone.screenshot({ path: `${SHOTS}/agp-375.png`, fullPage: true });
    await phone.close();

    // Another user cannot acknowledge this user's alert through the site.
    const other = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await register(other, `e2e-live-other-${Date.now()}@example.com`, password, "Other Tester");
    const csrf = await other.locator('input[name="csrf"]').first().inputValue();
    const ack = await other.request.post(`${platform.web}/resources/live`, { form: { csrf, intent: "ack", id: acked!.alert_id! } });
    expect(ack.status()).toBe(404);
    expect(((await ack.json()) as { error: { code: string } }).error.code).toBe("not_found");
    const noCsrf = await other.request.post(`${platform.web}/resources/live`, { form: { intent: "ticket" } });
    expect(noCsrf.status()).toBe(403);
    await other.close();

    expect(pageErrors).toEqual([]);
    await page.close();
  }, 240_000);
});
