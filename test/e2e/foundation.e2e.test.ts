/**
 * A new user in real Chromium: registers on the web site, gets readings and a meal over the API,
 * sees them on the dashboard, signs out. Screenshots land in test-results/ (look at them).
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

describe("foundation in the browser", () => {
  it("register → readings over the API → dashboard → sign out", async () => {
    const email = `e2e-${Date.now()}@example.com`;
    const password = "browser test password";
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

    await page.goto(`${platform.web}/register`);
    await page.screenshot({ path: `${SHOTS}/register.png` });
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Name").fill("Browser Tester");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: /create account/i }).click();
    await page.waitForURL(`${platform.web}/`);
    // waitFor retries until the dashboard has rendered (isVisible() would not wait).
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    expect(page.url()).toBe(`${platform.web}/`);
    await page.screenshot({ path: `${SHOTS}/dashboard-empty.png` });

    // Data arrives over the public API, as an uploader would send it.
    const login = await (
      await fetch(`${platform.api}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) })
    ).json();
    const now = Math.floor(Date.now() / 300_000) * 300_000;
    const readings = Array.from({ length: 72 }, (_, i) => ({ time: now - (71 - i) * 300_000, value: Math.round(120 + 50 * Math.sin(i / 9)), source: "e2e-cgm" }));
    const bulk = await fetch(`${platform.api}/api/v1/glucose/bulk`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${login.access_token}` },
      body: JSON.stringify({ readings }),
    });
    expect((await bulk.json()).inserted).toBe(72);
    await fetch(`${platform.api}/api/v1/meals`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${login.access_token}` },
      body: JSON.stringify({ time: now - 2 * 3600_000, carbs: 60, description: "Lunch" }),
    });

    await page.reload();
    const latest = String(readings.at(-1)!.value);
    await page.getByText(latest, { exact: true }).first().waitFor();
    await page.locator("canvas").first().waitFor();
    await page.screenshot({ path: `${SHOTS}/dashboard.png` });

    const phone = await browser.newPage({ viewport: { width: 375, height: 812 } });
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(`${platform.web}/`);
    await phone.locator("canvas").first().waitFor();
    await phone.screenshot({ path: `${SHOTS}/dashboard-375.png`, fullPage: true });
    await phone.close();

    await page.getByRole("button", { name: /sign out/i }).click();
    await page.waitForURL(/\/login/);
    await page.close();
  }, 180_000);
});
