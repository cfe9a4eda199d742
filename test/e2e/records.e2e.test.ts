/**
 * Records in real Chromium: a new user logs a meal through the /log form, finds it in
 * /history's meal table, edits it (PATCH through the Remix action) and deletes it after the
 * confirmation step. Also checks that the history chart draws. Screenshots land in
 * test-results/e2e/ (look at them).
 */
import { mkdirSync } from "node:fs";
import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, registerInBrowser } from "./browser.ts";
import { sharedWebPlatform, type PlatformUrls } from "./platform.ts";

const SHOTS = "test-results/e2e";
/** Waits for the element to be visible (fails the test after 15 s). */
const shown = (l: Locator) => l.waitFor({ state: "visible", timeout: 15_000 });
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

describe("records in the browser", () => {
  it("log a meal → see it in history → edit it → delete it", async () => {
    const email = `e2e-records-${Date.now()}@example.com`;
    const password = "browser test password";
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await registerInBrowser(page, platform.web, { email, name: "Records Tester", password, timezone: "Europe/Berlin" });

    // Some glucose so the history chart has something to draw.
    const login = await (
      await fetch(`${platform.api}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) })
    ).json();
    const now = Math.floor(Date.now() / 300_000) * 300_000;
    const readings = Array.from({ length: 288 }, (_, i) => ({ time: now - (287 - i) * 300_000, value: Math.round(130 + 60 * Math.sin(i / 20)), source: "e2e-cgm" }));
    const bulk = await fetch(`${platform.api}/api/v1/glucose/bulk`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${login.access_token}` },
      body: JSON.stringify({ readings }),
    });
    expect(bulk.ok).toBe(true);

    // Quick add from the dashboard leads to the meal form.
    await page.getByRole("navigation", { name: "Quick add" }).getByRole("link", { name: "Meal" }).click();
    await page.waitForURL(/\/log\?kind=meals/);

    // A validation error first: shown on its field, nothing saved.
    await page.getByLabel(/Carbohydrates/).fill("5000");
    await page.getByRole("button", { name: "Save meal" }).click();
    await shown(page.getByText("Enter a value from 0 to 1000 g"));
    await expect(page.getByLabel(/Carbohydrates/).getAttribute("aria-invalid")).resolves.toBe("true");
    await page.screenshot({ path: `${SHOTS}/log-meal-error.png`, fullPage: true });

    // Two hours ago, in the user's zone (Europe/Berlin), as the datetime-local input wants it.
    const local = new Intl.DateTimeFormat("sv-SE", {
      timeZone: "Europe/Berlin",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .format(new Date(now - 2 * 3600_000))
      .replace(" ", "T");
    await page.getByLabel("Time", { exact: true }).fill(local);
    await page.getByLabel(/What you ate/).fill("E2E lasagne");
    await page.getByLabel(/Carbohydrates/).fill("62");
    await page.getByRole("button", { name: "Save meal" }).click();
    await page.waitForURL(/saved=/);
    await shown(page.getByRole("status").filter({ hasText: "Saved" }));
    await shown(page.getByText(/E2E lasagne, 62 g carbohydrates/));
    await page.screenshot({ path: `${SHOTS}/log-meal-saved.png`, fullPage: true });

    // The API stored the time with the Berlin offset applied.
    const stored = await (
      await fetch(`${platform.api}/api/v1/meals`, { headers: { authorization: `Bearer ${login.access_token}` } })
    ).json();
    expect(stored.items).toHaveLength(1);
    expect(Date.parse(stored.items[0].time)).toBe(now - 2 * 3600_000);

    // History: chart drawn, meal in the table. Seven days, not "Today": two hours ago is yesterday
    // in Berlin during the first two hours of its day.
    await page.goto(`${platform.web}/history?days=7`);
    await page.waitForSelector(".history-chart canvas");
    await page.waitForFunction(() => document.querySelector(".history-chart")?.getAttribute("data-draw-ms") !== null);
    const meals = page.locator("section#meals");
    await shown(meals.getByRole("cell", { name: "E2E lasagne", exact: true }));
    await shown(meals.getByRole("cell", { name: "62 g", exact: true }));
    await page.screenshot({ path: `${SHOTS}/history.png`, fullPage: true });

    // Edit: carbs 62 → 70, description changed.
    await meals.getByRole("link", { name: /^Edit / }).click();
    await page.waitForURL(/edit=meals/);
    await meals.getByLabel(/Carbohydrates/).fill("70");
    await meals.getByLabel(/What you ate/).fill("E2E lasagne, big portion");
    await page.screenshot({ path: `${SHOTS}/history-edit.png`, fullPage: true });
    await meals.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(/done=updated-meals/);
    await shown(page.getByRole("status").filter({ hasText: "Meal updated." }));
    await shown(meals.getByRole("cell", { name: "70 g", exact: true }));
    await shown(meals.getByRole("cell", { name: "E2E lasagne, big portion", exact: true }));

    // Delete asks first; "Keep it" keeps it, "Delete" deletes.
    await meals.getByRole("link", { name: /^Delete / }).click();
    await page.waitForURL(/delete=meals/);
    await shown(meals.getByText("Delete this meal?"));
    await page.screenshot({ path: `${SHOTS}/history-delete-confirm.png`, fullPage: true });
    await meals.getByRole("link", { name: "Keep it" }).click();
    await shown(meals.getByRole("cell", { name: "70 g", exact: true }));
    await meals.getByRole("link", { name: /^Delete / }).click();
    await meals.getByRole("button", { name: "Delete" }).click();
    await page.waitForURL(/done=deleted-meals/);
    await shown(page.getByRole("status").filter({ hasText: "Meal deleted." }));
    await shown(meals.getByText("No meals in this range."));
    await page.screenshot({ path: `${SHOTS}/history-deleted.png`, fullPage: true });

    const after = await (
      await fetch(`${platform.api}/api/v1/meals`, { headers: { authorization: `Bearer ${login.access_token}` } })
    ).json();
    expect(after.items).toHaveLength(0);
    expect(errors).toEqual([]);
  });
});
