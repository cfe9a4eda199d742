/**
 * One platform (API + web dev server) for every browser test file that needs no start of its
 * own: starting `wrangler dev` and the web dev server takes 30–45 s, once instead of per file.
 * Each test registers its own accounts, so the files share the state. Files that test the start
 * command itself (start-journey, forms-without-js) still start `npm start` on their own ports.
 */
import type { TestProject } from "vitest/node";
import { startWebPlatform, type PlatformUrls } from "./platform.ts";

declare module "vitest" {
  export interface ProvidedContext {
    e2ePlatform: PlatformUrls;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const platform = await startWebPlatform();
  project.provide("e2ePlatform", { api: platform.api, web: platform.web });
  return () => platform.stop();
}
