/**
 * Cloudflare Pages Function that serves every non-asset request with the Remix server build.
 * Static assets under build/client are served by Pages before this function runs.
 */
import { createPagesFunctionHandler } from "@remix-run/cloudflare-pages";
import type { ServerBuild } from "@remix-run/cloudflare";

// The server build is produced by `npm run web:build`; it has no type declarations.
// @ts-ignore -- resolved at deploy time, after the build.
import * as build from "../build/server";

import { getLoadContext } from "../load-context";

export const onRequest = createPagesFunctionHandler({
  build: build as unknown as ServerBuild,
  getLoadContext: getLoadContext as never,
});
