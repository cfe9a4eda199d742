/**
 * Types the `context` that loaders and actions receive. Both the Pages Function
 * (functions/[[path]].ts) and the vite dev proxy put the platform under `context.cloudflare`;
 * this augmentation makes `context.cloudflare.env` typed everywhere.
 *
 * Mirrors cloudflare/templates `remix-starter-template`'s load-context.ts.
 */
import type { PlatformProxy } from "wrangler";

/** Bindings and vars of the Pages project (web/wrangler.toml). */
export interface WebEnv {
  /** Service binding to the API Worker. Used in production when present. */
  API?: Fetcher;
  /** Base URL of the API Worker, e.g. http://localhost:8787. */
  API_URL?: string;
  /** "development" | "production". Production refuses the development session secret. */
  ENVIRONMENT?: string;
  /** Secret used to sign the session cookie. */
  SESSION_SECRET?: string;
}

type Cloudflare = Omit<PlatformProxy<WebEnv>, "dispose">;

declare module "@remix-run/cloudflare" {
  interface AppLoadContext {
    cloudflare: Cloudflare;
    /**
     * The visitor's address (Cloudflare's CF-Connecting-IP), forwarded to the API so that its
     * per-IP limits (failed logins above all) count each visitor, not the web site as one client.
     */
    clientIp?: string;
  }
}

/** Used by the Pages Function and by the vite dev proxy alike. */
export function getLoadContext({ request, context }: { request: Request; context: { cloudflare: Cloudflare } }) {
  return { ...context, clientIp: request.headers.get("cf-connecting-ip") ?? undefined };
}
