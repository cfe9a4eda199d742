/** Debian's Chromium driven by playwright-core (never a downloaded browser). */
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Creates an account through the site's /register form and waits for the dashboard. */
export async function registerInBrowser(page: Page, web: string, account: { email: string; name: string; password: string; timezone: string }): Promise<void> {
  await page.goto(`${web}/register`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Name").fill(account.name);
  await page.getByLabel("Password").fill(account.password);
  await page.getByLabel("Time zone").selectOption(account.timezone);
  await page.getByRole("button", { name: /create account/i }).click();
  await page.waitForURL(`${web}/`);
}
