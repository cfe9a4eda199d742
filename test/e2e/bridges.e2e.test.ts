/**
 * Settings → Bridges in real Chromium, against a local Nightscout site (the stand-in of
 * test/worker/bridge-standins/nightscout.ts, which serves cgm-remote-monitor's lib/api/entries
 * shapes and its token / api-secret checks over real HTTP):
 * - connect a site with a wrong token: the card says the site refused the login and opens the
 *   credentials form; saving the right token brings it back, "Poll now" imports the readings, and
 *   the history backfill the refused token had stopped runs again;
 * - the imported readings are the user's (the API lists them), and the card counts them;
 * - remove takes the bridge away.
 * Dexcom Share and LibreLinkUp are not driven here: their forms reach the vendors' official hosts,
 * which this machine cannot (test/worker/bridges.test.ts covers them against stand-ins). Screenshots
 * land in test-results/e2e/ (look at them).
 */
import { mkdirSync } from "node:fs";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandins, type Standins } from "../worker/bridge-standins/server.ts";
import { launchChromium, registerInBrowser } from "./browser.ts";
import { sharedWebPlatform, type PlatformUrls } from "./platform.ts";

const SHOTS = "test-results/e2e";
const MIN = 60_000;
const shown = (l: Locator) => l.waitFor({ state: "visible", timeout: 15_000 });
let platform: PlatformUrls;
let browser: Browser;
let standins: Standins;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  standins = await startStandins();
  platform = sharedWebPlatform();
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await standins?.close();
});

/** Reloads the bridges page until the test id's text matches (the object and the queue work in the background). */
async function waitForText(page: Page, testId: string, want: string | RegExp): Promise<void> {
  const until = Date.now() + 30_000;
  for (;;) {
    const text = (await page.getByTestId(testId).textContent()) ?? "";
    if (typeof want === "string" ? text === want : want.test(text)) return;
    if (Date.now() > until) throw new Error(`${testId} stayed "${text}", expected ${String(want)}`);
    await new Promise((r) => setTimeout(r, 1_000));
    await page.reload();
  }
}

const waitForStatus = (page: Page, status: string) => waitForText(page, "bridge-status", status);

describe("Settings → Bridges in the browser", () => {
  it("connect a Nightscout site, see the refused login, fix the token, import its readings, remove it", async () => {
    const site = `e2e-site-${Date.now()}`;
    const now = Math.floor(Date.now() / (5 * MIN)) * 5 * MIN;
    const readings = Array.from({ length: 12 }, (_, i) => ({ time: now - (11 - i) * 5 * MIN, value: 120 + 3 * i }));
    const control = await fetch(`${standins.nightscout}/__control`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: site, token: "reader-e2e-token", readings }),
    });
    expect(control.ok).toBe(true);

    const email = `e2e-bridges-${Date.now()}@example.com`;
    const password = "browser test password";
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // The web dev server compiles each route on its first visit.
    page.setDefaultNavigationTimeout(90_000);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await registerInBrowser(page, platform.web, { email, name: "Bridges Tester", password, timezone: "Europe/Berlin" });

    // Settings links to the bridges page.
    await page.goto(`${platform.web}/settings`);
    await expect(page.getByRole("link", { name: "Manage bridges" }).getAttribute("href")).resolves.toBe("/settings/bridges");
    await page.goto(`${platform.web}/settings/bridges`);

    // A token the site refuses.
    const connect = page.locator("#connect-nightscout");
    await connect.getByLabel("Site address").fill(`${standins.nightscout}/site/${site}`);
    await connect.getByLabel("Access token or API secret").fill("not-the-token");
    await connect.getByRole("button", { name: "Connect Nightscout" }).click();
    const card = page.getByTestId("bridge-nightscout");
    await shown(card);
    await waitForStatus(page, "Login refused");
    await expect(card.getByRole("alert").textContent()).resolves.toContain("refused the login");
    await expect(card.getByRole("button", { name: "Poll now" }).isDisabled()).resolves.toBe(true);
    await page.screenshot({ path: `${SHOTS}/bridges-login-refused.png`, fullPage: true });

    // The credentials form is open on a refused login; the right token brings the bridge back.
    await card.getByLabel("Access token or API secret").fill("reader-e2e-token");
    await card.getByRole("button", { name: "Save credentials" }).click();
    await page.waitForLoadState("networkidle");
    await card.getByRole("button", { name: "Poll now" }).click();
    await waitForStatus(page, "Working");
    await expect(page.getByTestId("bridge-imported").textContent()).resolves.toBe("12");
    expect(await card.getByRole("alert").count()).toBe(0);
    // The history backfill the refused token stopped has run again; the old error is not shown as current.
    await waitForText(page, "bridge-backfill", /^Complete: /);
    expect(await card.getByText("Last error").count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/bridges-working.png`, fullPage: true });

    // The readings are the user's own now.
    const login = await (await fetch(`${platform.api}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) })).json();
    const list = await (await fetch(`${platform.api}/api/v1/glucose/readings?start=${now - 2 * 60 * MIN}&limit=100`, { headers: { authorization: `Bearer ${login.access_token}` } })).json();
    expect(list.items.map((r: { value: number }) => r.value)).toEqual(readings.map((r) => r.value));

    await card.getByRole("button", { name: "Remove Nightscout" }).click();
    await page.waitForLoadState("networkidle");
    await page.reload();
    expect(await page.getByTestId("bridge-nightscout").count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
