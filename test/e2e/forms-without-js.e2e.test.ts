/**
 * Every form of the site with JavaScript switched off in Chromium (playwright-core
 * `javaScriptEnabled: false`), against `npm start` (test/support/npm-start.ts, fresh state): each one
 * submits as a normal POST (a document request, not a fetch) and the page the server answers says
 * what happened: the success, or the problem naming the field. This is what a person sees before
 * the page has hydrated, or when a script failed to load. Forms follow Remix's progressive
 * enhancement (`<Form method="post">` + an action whose errors are rendered on the server;
 * remix-run/remix docs/discussion/progressive-enhancement.md).
 *
 * Covered: register (refused, then accepted), the banner's "Resend the link", verify-email (a bad
 * token, then the mailed one), sign out, sign in (refused, then accepted), the magic-link request,
 * the log (refused, then saved), the upload (no file, then the Clarity sample), Settings: profile,
 * alert thresholds, uploader secrets (create, revoke), report links (create, revoke), change
 * password and delete account (both refused with the wrong password), and Analyse on Insights.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNpmStart, type NpmStart } from "../support/npm-start.ts";
import { launchChromium } from "./browser.ts";

const SHOTS = "test-results/e2e";
const CLARITY = fileURLToPath(new URL("../../../shared/data/dexcom-clarity/cgmquantify-sample.csv", import.meta.url));
const PASSWORD = "forms without javascript";

const shown = (l: Locator, timeout = 60_000) => l.first().waitFor({ state: "visible", timeout });
let platform: NpmStart;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  platform = await startNpmStart({ apiPort: Number(process.env.E2E_NOJS_API_PORT ?? 8817), webPort: Number(process.env.E2E_NOJS_WEB_PORT ?? 8818), name: "e2e-no-js", env: { DEMO_LIVE: "0" } });
  browser = await launchChromium();
  context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
}, 660_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await platform?.stop();
});

/**
 * Clicks a submit button and waits for the browser's own POST of the form (a document
 * navigation to `path`) and the page it answers.
 */
async function submit(page: Page, button: Locator, path: string | RegExp) {
  const matches = (p: string) => (typeof path === "string" ? p === path : path.test(p));
  const posted = page.waitForRequest((r) => r.method() === "POST" && r.resourceType() === "document" && matches(new URL(r.url()).pathname));
  await button.click();
  await posted;
  await page.waitForLoadState("load");
}

describe("forms without JavaScript", () => {
  it("every form posts natively and says what happened", async () => {
    const page = await context.newPage();
    page.setDefaultTimeout(90_000);
    page.setDefaultNavigationTimeout(90_000);
    const email = `e2e-nojs-${Date.now()}@example.com`;
    const web = platform.web;

    // Register: refused with the fields named, then accepted.
    await page.goto(`${web}/register`);
    await page.getByLabel("Email").fill("not an address");
    await submit(page, page.getByRole("button", { name: "Create account" }), "/register");
    await shown(page.getByText("Enter a valid email address, like name@example.com"));
    await shown(page.locator("#register-password-error"));
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Name").fill("No Script");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByLabel("Time zone").selectOption("America/New_York");
    await submit(page, page.getByRole("button", { name: "Create account" }), "/register");
    await page.waitForURL(`${web}/`);
    await shown(page.getByRole("heading", { name: "Dashboard" }));

    // The banner's "Resend the link".
    await submit(page, page.getByRole("button", { name: "Resend the link" }), "/verify-email");
    await shown(page.getByText("A new confirmation link is on its way."));

    // Confirming: a token that is not one, then the mailed link.
    await page.goto(`${web}/verify-email?token=not-a-real-token`);
    await submit(page, page.getByRole("button", { name: "Confirm my address" }), "/verify-email");
    await shown(page.getByText("This confirmation link has expired or was already used. Sign in and ask for a new one."));
    const link = platform.mailLink(email, "/verify-email");
    expect(link).toMatch(/\/verify-email\?token=/);
    await page.goto(link!);
    await submit(page, page.getByRole("button", { name: "Confirm my address" }), "/verify-email");
    await shown(page.getByRole("heading", { name: "Address confirmed" }));

    // Sign out, sign in with the wrong password, then the right one; the magic-link request.
    await page.goto(`${web}/`);
    await submit(page, page.getByRole("button", { name: "Sign out" }), "/logout");
    await page.waitForURL(/\/login/);
    await page.locator("#login-email").fill(email);
    await page.locator("#login-password").fill("not the password");
    await submit(page, page.getByRole("button", { name: "Sign in", exact: true }), "/login");
    await shown(page.getByRole("alert").filter({ hasText: /password/i }));
    await page.locator("#magic-email").fill(email);
    await submit(page, page.getByRole("button", { name: "Email me a sign-in link" }), "/login");
    await shown(page.getByText(/we've emailed it a sign-in link/));
    await page.locator("#login-email").fill(email);
    await page.locator("#login-password").fill(PASSWORD);
    await submit(page, page.getByRole("button", { name: "Sign in", exact: true }), "/login");
    await page.waitForURL(`${web}/`);

    // The log: a dose is required; then a saved one.
    await page.goto(`${web}/log?kind=insulin`);
    await submit(page, page.getByRole("button", { name: /^Save/ }), "/log");
    await shown(page.locator(".field__errors").filter({ hasText: /./ }));
    await page.getByLabel(/^Dose/).fill("4");
    await submit(page, page.getByRole("button", { name: /^Save/ }), "/log");
    await page.waitForURL(/saved=/);
    await shown(page.getByText(/Saved\. It is listed under “Recent”/));

    // The upload without the wizard: no file, then the Clarity sample.
    await page.goto(`${web}/upload`);
    await submit(page, page.getByRole("button", { name: "Import the file" }), "/upload");
    await shown(page.getByText("Choose the export file to import."));
    await page.getByLabel("Export file").setInputFiles(CLARITY);
    await page.getByLabel("Source").selectOption("dexcom-clarity");
    await page.getByLabel("Time zone of the device clock").selectOption("America/New_York");
    await submit(page, page.getByRole("button", { name: "Import the file" }), "/upload");
    await shown(page.getByTestId("upload-summary").filter({ hasText: "2,148 new records imported, 0 duplicates (already stored) and 0 rejected" }), 120_000);
    await page.screenshot({ path: `${SHOTS}/no-js-upload.png`, fullPage: true });

    // Settings: push notifications cannot work without scripts, and the section says so.
    await page.goto(`${web}/settings`);
    await shown(page.getByText("Notifications need JavaScript: turn it on for this site to set them up on this device."));
    // The profile.
    await page.getByLabel("Name", { exact: true }).fill("");
    await submit(page, page.getByRole("button", { name: "Save profile" }), "/settings");
    await shown(page.locator("#profile-name-error, .field__errors").filter({ hasText: /name/i }));
    await page.getByLabel("Name", { exact: true }).fill("No Script Renamed");
    await submit(page, page.getByRole("button", { name: "Save profile" }), "/settings");
    await shown(page.getByText("Profile saved."));

    // Alert thresholds: a low above the high is refused with the field named, then saved.
    await page.locator('input[name="low_value"]').fill("abc");
    await submit(page, page.getByRole("button", { name: "Save alert settings" }), "/settings");
    await shown(page.locator("#alerts .field__errors, #alerts [role=alert]").filter({ hasText: /low/i }));
    await page.locator('input[name="low_value"]').fill("75");
    await submit(page, page.getByRole("button", { name: "Save alert settings" }), "/settings");
    await shown(page.getByText("Alert settings saved."));

    // Uploader secrets: a name is needed; created (shown once); revoked.
    await submit(page, page.getByRole("button", { name: "Create uploader secret" }), "/settings");
    await shown(page.getByText(/Name the app or phone/));
    await page.getByLabel("App or phone").fill("Phone without JS");
    await submit(page, page.getByRole("button", { name: "Create uploader secret" }), "/settings");
    await shown(page.getByTestId("nightscout-url"));
    await submit(page, page.getByRole("button", { name: "Revoke Phone without JS" }), "/settings");
    await shown(page.getByText("Uploader secret revoked."));

    // Report links: an expiry out of range is refused; a link is created, shown once, revoked.
    await page.getByLabel("Expires after (days)").fill("0");
    await submit(page, page.getByRole("button", { name: "Create link" }), "/settings");
    await shown(page.getByText("A link works for at least 1 day"));
    await page.getByLabel("Expires after (days)").fill("7");
    await submit(page, page.getByRole("button", { name: "Create link" }), "/settings");
    await shown(page.getByTestId("report-share-url"));
    expect(await page.getByTestId("report-share-url").textContent()).toMatch(/\/share\/\S+/);
    await submit(page, page.getByRole("button", { name: "Revoke the 14-day report link" }), "/settings");
    await shown(page.getByText("Report link revoked."));

    // Change password and delete account: both refused with a wrong password, saying so.
    await page.getByLabel("Current password").fill("wrong password here");
    await page.locator("#settings-new-password").fill("a brand new password");
    await page.locator("#settings-confirm-password").fill("a brand new password");
    await submit(page, page.getByRole("button", { name: "Change password" }), "/settings");
    await shown(page.locator("[role=alert], .field__errors").filter({ hasText: /password/i }));
    await page.locator('form:has(input[name="intent"][value="delete"]) input[name="password"]').fill("wrong password here");
    await page.locator('form:has(input[name="intent"][value="delete"]) input[name="confirm"]').check();
    await submit(page, page.locator('form:has(input[name="intent"][value="delete"]) button[type="submit"]'), "/settings");
    await shown(page.locator('form:has(input[name="intent"][value="delete"])').locator("[role=alert], .field__errors").filter({ hasText: /password/i }));
    await page.screenshot({ path: `${SHOTS}/no-js-settings.png`, fullPage: true });

    // Insights: Analyse starts a job and the page says so.
    await page.goto(`${web}/insights`);
    await submit(page, page.getByRole("button", { name: "Analyse my data" }), "/insights");
    await page.waitForURL(/\/insights\?job=/);
    await shown(page.locator(".job-progress"));
    await page.close();
  }, 600_000);
});
