/**
 * The whole journey in real Chromium: register → upload the real Dexcom Clarity sample
 * through the wizard (source, file, preview with the zone confirmed, import, summary; the counts
 * equal test/interop-http/real-files.test.ts for that file) → the same file again is all
 * duplicates → the imported days in History → /agp → a meal through /log → Analyse on /insights
 * with its progress bar (the sample is 8 days from 2016, so the results are honest empty states)
 * → a second account with 35 seeded days (seed/synthetic.ts, posted over the API as
 * scripts/seed.ts does) analysed the same way, where real insight sentences, the causal graph
 * and the pattern pages render. The live alert banner is covered elsewhere.
 *
 * Screenshots of every wizard step, insights and a pattern page land in test-results/e2e/.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSynthetic } from "../../seed/synthetic.ts";
import { launchChromium } from "./browser.ts";
import { sharedWebPlatform, type PlatformUrls } from "./platform.ts";

const SHOTS = "test-results/e2e";
const CLARITY = fileURLToPath(new URL("../../../shared/data/dexcom-clarity/cgmquantify-sample.csv", import.meta.url));
/** test/interop-http/real-files.test.ts: 2,148 readings, 0 duplicates, 0 rejected, in America/New_York. */
const CLARITY_READINGS = 2148;
const ZONE = "America/New_York";
const PASSWORD = "browser journey password";

const shown = (l: Locator, timeout = 20_000) => l.first().waitFor({ state: "visible", timeout });
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

/** A page with timeouts for a loaded machine (the first request to the dev server compiles routes). */
async function newPage(width: number, height: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  page.setDefaultTimeout(60_000);
  page.setDefaultNavigationTimeout(90_000);
  return page;
}

async function register(page: Page, email: string, name: string) {
  await page.goto(`${platform.web}/register`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("Time zone").selectOption(ZONE);
  await page.getByRole("button", { name: /create account/i }).click();
  await page.waitForURL(`${platform.web}/`);
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
}

async function apiToken(email: string): Promise<string> {
  const res = await fetch(`${platform.api}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: PASSWORD }) });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Uploads the Clarity sample through the wizard; returns the summary text. */
async function uploadClarity(page: Page, shots: boolean): Promise<string> {
  await page.goto(`${platform.web}/upload`);
  await page.waitForLoadState("networkidle"); // hydrated: the wizard runs in the browser
  await shown(page.getByRole("heading", { name: "Where is your data from?" }));
  await page.getByLabel(/Dexcom Clarity CSV/).check();
  if (shots) await page.screenshot({ path: `${SHOTS}/upload-1-source.png`, fullPage: true });
  await page.getByRole("button", { name: "Next: choose the file" }).click();
  await page.getByLabel("Export file").setInputFiles(CLARITY);
  await shown(page.getByText(/looks like Dexcom Clarity CSV/));
  if (shots) await page.screenshot({ path: `${SHOTS}/upload-2-file.png`, fullPage: true });
  await page.getByRole("button", { name: "Next: preview" }).click();
  // The zone defaults to the profile's; the import waits for its confirmation.
  await expect(page.getByLabel("Time zone of the device clock").inputValue()).resolves.toBe(ZONE);
  await shown(page.getByTestId("preview-counts").filter({ hasText: "2,148 glucose readings" }));
  await shown(page.getByRole("cell", { name: "2016-10-24 11:24 (−04:00)" }));
  const importButton = page.getByRole("button", { name: /^Import 2,148 glucose readings/ });
  await expect(importButton.isDisabled()).resolves.toBe(true);
  await page.getByLabel(/The device clock was set to America\/New York time/).check();
  if (shots) await page.screenshot({ path: `${SHOTS}/upload-3-preview.png`, fullPage: true });
  // Hold the chunk a moment (the real request still goes through) so the progress step is seen.
  if (shots) {
    await page.route("**/api/upload-chunk", async (route) => {
      await new Promise((r) => setTimeout(r, 1_500));
      await route.continue();
    });
  }
  await importButton.click();
  if (shots) {
    await shown(page.getByRole("heading", { name: "Importing…" }));
    await page.screenshot({ path: `${SHOTS}/upload-4-import.png`, fullPage: true });
  }
  const summary = page.getByTestId("upload-summary");
  await shown(summary, 60_000);
  if (shots) await page.unroute("**/api/upload-chunk");
  if (shots) await page.screenshot({ path: `${SHOTS}/upload-5-summary.png`, fullPage: true });
  return (await summary.textContent()) ?? "";
}

/** Presses Analyse on /insights and waits for the job to finish; returns the final status. */
async function analyse(page: Page, shotName: string | null): Promise<string> {
  await page.goto(`${platform.web}/insights`);
  await page.waitForLoadState("networkidle");
  await page.getByRole("button", { name: "Analyse my data" }).click();
  await page.waitForURL(/\/insights\?job=/);
  const progress = page.locator(".job-progress");
  await shown(progress);
  if (shotName) await page.screenshot({ path: `${SHOTS}/${shotName}`, fullPage: true });
  await page.waitForFunction(() => ["done", "failed"].includes(document.querySelector(".job-progress")?.getAttribute("data-status") ?? ""), null, { timeout: 420_000, polling: 1_000 });
  return (await progress.getAttribute("data-status")) ?? "";
}

describe("the journey in the browser", () => {
  it("register → upload the Clarity sample → again as duplicates → history, AGP → log a meal → analyse", async () => {
    const email = `e2e-journey-${Date.now()}@example.com`;
    const page = await newPage(1280, 900);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await register(page, email, "Journey Tester");

    const first = await uploadClarity(page, true);
    expect(first).toContain(`${CLARITY_READINGS.toLocaleString("en-US")} new records imported, 0 duplicates (already stored) and 0 rejected`);
    await shown(page.getByRole("row", { name: /Glucose readings 2,148 0 0/ }));
    await shown(page.getByText(/Not imported on purpose: 11 metadata rows \(FirstName, LastName, DateOfBirth, Device, Alert\)/));

    // Stored exactly once, at the New York times.
    const token = await apiToken(email);
    const series = (await (await fetch(`${platform.api}/api/v1/glucose/series?start=2016-10-24T00:00:00Z&end=2016-11-02T00:00:00Z`, { headers: { authorization: `Bearer ${token}` } })).json()) as { count: number; t: number[] };
    expect(series.count).toBe(CLARITY_READINGS);
    expect(series.t[0]).toBe(Date.parse("2016-10-24T15:24:17Z") / 1000);

    // The imported days, from the summary's link.
    await page.getByRole("link", { name: "See the imported days" }).click();
    await page.waitForURL(/\/history\?from=2016-10-24&to=2016-11-01/);
    await page.waitForSelector(".history-chart canvas");
    await page.screenshot({ path: `${SHOTS}/journey-history.png`, fullPage: true });

    // The same file again stores nothing: everything is a duplicate.
    const again = await uploadClarity(page, false);
    expect(again).toContain(`0 new records imported, ${CLARITY_READINGS.toLocaleString("en-US")} duplicates (already stored) and 0 rejected`);

    // The wizard on a phone: the preview step.
    const phone = await newPage(375, 812);
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(`${platform.web}/upload`);
    await phone.waitForLoadState("networkidle"); // hydrated: the wizard's buttons work
    await phone.getByRole("button", { name: "Next: choose the file" }).click();
    await phone.getByLabel("Export file").setInputFiles(CLARITY);
    await phone.getByRole("button", { name: "Next: preview" }).click();
    await shown(phone.getByTestId("preview-counts"));
    await phone.screenshot({ path: `${SHOTS}/upload-3-preview-375.png`, fullPage: true });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.close();

    // AGP (the sample is from 2016, so the last 14 days are empty: the page must say so, not fail).
    await page.goto(`${platform.web}/agp`);
    await shown(page.getByRole("heading", { name: "AGP report", level: 1 }));
    await page.screenshot({ path: `${SHOTS}/journey-agp-empty.png`, fullPage: true });

    // A meal through /log.
    await page.goto(`${platform.web}/log?kind=meals`);
    await page.getByLabel(/What you ate/).fill("Journey porridge");
    await page.getByLabel(/Carbohydrates/).fill("45");
    await page.getByRole("button", { name: "Save meal" }).click();
    await page.waitForURL(/saved=/);
    await shown(page.getByText(/Journey porridge, 45 g carbohydrates/));

    // Insights: the empty state first, then an analysis that finds too little (honestly).
    await page.goto(`${platform.web}/insights`);
    await shown(page.getByText("Upload at least 14 days, then press Analyse."));
    await page.screenshot({ path: `${SHOTS}/insights-empty.png`, fullPage: true });
    const status = await analyse(page, "insights-progress.png");
    expect(status).toBe("done");
    await shown(page.getByText(/Analysis finished/));
    await shown(page.getByRole("heading", { name: "How your habits go with your glucose" }));
    await page.screenshot({ path: `${SHOTS}/insights-short-data.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 600_000);

  it("35 seeded days: the analysis shows sentences, the causal graph, rules and pattern pages", async () => {
    const email = `e2e-journey-seeded-${Date.now()}@example.com`;
    const page = await newPage(1280, 900);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await register(page, email, "Seeded Tester");

    // As scripts/seed.ts does: deterministic synthetic data ending now, over the bulk endpoints.
    const token = await apiToken(email);
    const data = generateSynthetic({ days: 35, seed: 7, timezone: ZONE, end: Math.floor(Date.now() / 300_000) * 300_000 });
    // A loaded machine can answer 503 now and then: retry (bulk uploads are idempotent).
    const post = async (path: string, body: unknown) => {
      let res: Response | null = null;
      for (let attempt = 1; attempt <= 3 && (res === null || res.status >= 500); attempt++) {
        if (res) await new Promise((r) => setTimeout(r, 2_000));
        res = await fetch(`${platform.api}${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
      }
      expect(res?.status).toBe(200);
      return (await res!.json()) as { rejected: unknown[] };
    };
    for (let i = 0; i < data.readings.length; i += 5_000) expect((await post("/api/v1/glucose/bulk", { readings: data.readings.slice(i, i + 5_000) })).rejected).toEqual([]);
    for (const [path, items] of [["sleep", data.sleep], ["meals", data.meals], ["activities", data.activities], ["insulin", data.insulin], ["medications", data.medications]] as const) {
      expect((await post(`/api/v1/${path}/bulk`, { items })).rejected).toEqual([]);
    }

    await page.goto(`${platform.web}/`);
    await page.locator("canvas").first().waitFor();
    await page.screenshot({ path: `${SHOTS}/journey-dashboard.png`, fullPage: true });
    await page.goto(`${platform.web}/agp`);
    await page.locator("svg.agp-chart").first().waitFor();
    await page.screenshot({ path: `${SHOTS}/journey-agp.png`, fullPage: true });

    const status = await analyse(page, null);
    expect(status).toBe("done");
    // Real sentences with their numbers, evidence in words, and the graph with its text version.
    await shown(page.locator(".insight__sentence").filter({ hasText: /r = -?\d\.\d\d/ }));
    await shown(page.locator(".evidence").filter({ hasText: /evidence/ }));
    await shown(page.locator(".causal-graph svg[role=img]"));
    await page.getByText("The graph as text").click();
    await shown(page.locator(".causal-graph__text li"));
    await page.screenshot({ path: `${SHOTS}/insights.png`, fullPage: true });

    const phone = await newPage(375, 812);
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(`${platform.web}/insights`);
    await shown(phone.locator(".insight__sentence"));
    await phone.screenshot({ path: `${SHOTS}/insights-375.png`, fullPage: true });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await phone.close();

    // A recurring shape: every occurrence overlaid on one chart.
    const motifLink = page.getByRole("link", { name: /See the \d+ times overlaid/ });
    await shown(motifLink);
    await motifLink.first().click();
    await page.waitForURL(/\/insights\/patterns\/motif-1$/);
    await page.locator(".pattern-chart canvas").first().waitFor();
    await page.screenshot({ path: `${SHOTS}/insights-pattern-motif.png`, fullPage: true });

    // An unusual stretch in context.
    await page.goto(`${platform.web}/insights`);
    const anomalyLink = page.getByRole("link", { name: /See it in context/ });
    if ((await anomalyLink.count()) > 0) {
      await anomalyLink.first().click();
      await page.waitForURL(/\/insights\/patterns\/anomaly-1$/);
      await page.locator(".pattern-chart canvas").first().waitFor();
      await page.screenshot({ path: `${SHOTS}/insights-pattern-anomaly.png`, fullPage: true });
    }

    // A pattern id that is not in the analysis answers 404 with a way back.
    const res = await page.goto(`${platform.web}/insights/patterns/motif-999`);
    expect(res?.status()).toBe(404);
    await shown(page.getByRole("heading", { name: "Pattern not found" }));
    // A path no page serves is 404 inside the app's layout (its navigation stays).
    const missing = await page.goto(`${platform.web}/no-such-page`);
    expect(missing?.status()).toBe(404);
    await shown(page.getByRole("link", { name: "Dashboard", exact: true }));
    expect(errors).toEqual([]);
    await page.close();
  }, 720_000);
});
