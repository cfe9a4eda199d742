/**
 * The newcomer's journey against a cold `npm start` (test/support/npm-start.ts: scripts/start.mjs with a
 * fresh state folder, the built Worker and site on Miniflare, as the README's quick start runs them),
 * in real Chromium: register → confirm the address with the link of the verification mail (read
 * from the start log's mail.outbox lines, as scripts/start.mjs does for the demo) → upload the real
 * Dexcom Clarity sample through the import wizard → its days on the History chart → an uploader
 * secret created in Settings → a low reading posted with it through the Nightscout entries route
 * (`api-secret` = SHA-1 of the secret, as xDrip+ sends it; Nightscout's lib/authorization) → the
 * live alert banner on the dashboard, without a reload.
 *
 * No step is retried: each waits for what the page shows next. Screenshots in test-results/e2e/.
 */
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNpmStart, type NpmStart } from "../support/npm-start.ts";
import { launchChromium } from "./browser.ts";

const SHOTS = "test-results/e2e";
const CLARITY = fileURLToPath(new URL("../../../shared/data/dexcom-clarity/cgmquantify-sample.csv", import.meta.url));
/** test/interop-http/real-files.test.ts: 2,148 readings, 0 duplicates, 0 rejected, in America/New_York. */
const CLARITY_READINGS = 2148;
const ZONE = "America/New_York";
const PASSWORD = "cold start journey password";

const shown = (l: Locator, timeout = 60_000) => l.first().waitFor({ state: "visible", timeout });
let platform: NpmStart;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  platform = await startNpmStart({ apiPort: Number(process.env.E2E_START_API_PORT ?? 8815), webPort: Number(process.env.E2E_START_WEB_PORT ?? 8816), name: "e2e-npm-start" });
  console.log(`npm start (cold state) was running, its demo analysed, after ${platform.startSeconds.toFixed(0)} s`);
  browser = await launchChromium();
}, 660_000);

afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(60_000);
  page.setDefaultNavigationTimeout(90_000);
  return page;
}

describe("a cold npm start in the browser", () => {
  it("register → confirm the address from the mail → upload the Clarity sample → chart → live low alert", async () => {
    const email = `e2e-start-${Date.now()}@example.com`;
    const page = await newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    // Register.
    await page.goto(`${platform.web}/register`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Name").fill("Cold Start Tester");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByLabel("Time zone").selectOption(ZONE);
    await page.getByRole("button", { name: /create account/i }).click();
    await page.waitForURL(`${platform.web}/`);
    await shown(page.getByRole("heading", { name: "Dashboard" }));
    await shown(page.getByText(/Confirm your email address: open the link we sent to/));

    // Confirm the address with the mailed link (the API logs mail locally; registering mailed it).
    const link = platform.mailLink(email, "/verify-email");
    expect(link, "a verification mail in the npm start log").toMatch(new RegExp(`^${platform.web}/verify-email\\?token=`));
    await page.goto(link!);
    await page.getByRole("button", { name: "Confirm my address" }).click();
    await shown(page.getByRole("heading", { name: "Address confirmed" }));
    await page.goto(`${platform.web}/`);
    await shown(page.getByRole("heading", { name: "Dashboard" }));
    expect(await page.getByText(/Confirm your email address: open the link/).count()).toBe(0);

    // The Clarity sample through the wizard.
    await page.goto(`${platform.web}/upload`);
    await page.waitForLoadState("networkidle"); // hydrated: the wizard runs in the browser
    await page.getByLabel(/Dexcom Clarity CSV/).check();
    await page.getByRole("button", { name: "Next: choose the file" }).click();
    await page.getByLabel("Export file").setInputFiles(CLARITY);
    await shown(page.getByText(/looks like Dexcom Clarity CSV/));
    await page.getByRole("button", { name: "Next: preview" }).click();
    await shown(page.getByTestId("preview-counts").filter({ hasText: "2,148 glucose readings" }));
    await page.getByLabel(/The device clock was set to America\/New York time/).check();
    await page.getByRole("button", { name: /^Import 2,148 glucose readings/ }).click();
    const summary = page.getByTestId("upload-summary");
    await shown(summary, 120_000);
    expect(await summary.textContent()).toContain(`${CLARITY_READINGS.toLocaleString("en-US")} new records imported, 0 duplicates (already stored) and 0 rejected`);

    // The imported days on the chart.
    await page.getByRole("link", { name: "See the imported days" }).click();
    await page.waitForURL(/\/history\?from=2016-10-24&to=2016-11-01/);
    await page.locator(".history-chart canvas").first().waitFor();
    await page.screenshot({ path: `${SHOTS}/start-journey-history.png`, fullPage: true });

    // An uploader secret, shown once in Settings.
    await page.goto(`${platform.web}/settings`);
    await page.getByLabel("App or phone").fill("Cold start uploader");
    await page.getByRole("button", { name: "Create uploader secret" }).click();
    const secretBox = page.locator(".secret-once .secret-once__value");
    await shown(secretBox.nth(1));
    const secret = ((await secretBox.nth(1).textContent()) ?? "").trim();
    expect(secret.length).toBeGreaterThan(10);

    // Readings arrive as an uploader sends them: one in range, so the dashboard shows the current
    // value and its live connection; then, with the socket up, a low.
    const apiSecret = createHash("sha1").update(secret).digest("hex");
    const sendEntry = (sgv: number, date: number) =>
      fetch(`${platform.api}/api/v1/entries`, {
        method: "POST",
        headers: { "content-type": "application/json", "api-secret": apiSecret },
        body: JSON.stringify([{ type: "sgv", sgv, date, dateString: new Date(date).toISOString(), direction: "Flat", device: "e2e-uploader" }]),
      });
    const now = Date.now();
    expect((await sendEntry(112, now - 5 * 60_000)).status).toBe(200);
    await page.goto(`${platform.web}/`);
    await shown(page.getByTestId("current-glucose").getByText("112", { exact: true }));
    await shown(page.getByRole("status").filter({ hasText: /^Live$/ }));
    expect((await sendEntry(62, now)).status).toBe(200);
    const banner = page.getByRole("alert").filter({ hasText: /Low: 62 mg\/dL/ });
    await shown(banner);
    await page.screenshot({ path: `${SHOTS}/start-journey-alert.png` });
    expect(errors).toEqual([]);
    await page.close();
  }, 600_000);
});
