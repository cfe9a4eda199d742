/**
 * @module env.server
 * Reads and validates the site's environment once per env object. Loaders and actions call
 * `getServerEnv(context)`; nothing else reads `context.cloudflare.env` directly.
 *
 * Sources, in order: the Pages/wrangler env (web/wrangler.toml vars, secrets, .dev.vars), then,
 * during `vite dev` only (Node), `process.env` — so `API_URL=… npm run web:dev` works.
 *
 * Nothing here is sent to the browser. If the client ever needs configuration, add a separate
 * `getPublicEnv()` that picks public values explicitly; never return this object from a loader.
 */
import type { AppLoadContext } from "@remix-run/cloudflare";
import { z } from "zod";

/** Signs development cookies only. Refused when ENVIRONMENT is "production". */
const DEV_SESSION_SECRET = "dev-only-insecure-session-secret--never-use-in-production";

const DEFAULT_API_URL = "http://localhost:8787";

const schema = z.object({
  ENVIRONMENT: z.enum(["development", "test", "production"]).default("development"),
  API_URL: z.url().optional(),
  SESSION_SECRET: z.string().min(1).optional(),
});

export interface ServerEnv {
  isProduction: boolean;
  /** Base URL of the API Worker, without a trailing slash. */
  apiUrl: string;
  /** The service binding, used only in production (see api.server.ts). */
  apiBinding: Fetcher | undefined;
  sessionSecret: string;
  /** This request's visitor address, sent on to the API as CF-Connecting-IP (web/load-context.ts). */
  clientIp?: string;
}

const cache = new WeakMap<object, ServerEnv>();

/**
 * @throws Error when the environment is invalid, or when production lacks a strong
 *   SESSION_SECRET (the request then fails with a 500 rather than signing cookies with a
 *   public key).
 */
export function getServerEnv(context: AppLoadContext): ServerEnv {
  const shared = sharedEnv(context);
  return context.clientIp ? { ...shared, clientIp: context.clientIp } : shared;
}

/** What every request of one platform env shares (validated once). */
function sharedEnv(context: AppLoadContext): ServerEnv {
  const platformEnv = context.cloudflare.env;
  const cached = cache.get(platformEnv);
  if (cached) return cached;

  const processEnv = readProcessEnv();
  const parsed = schema.safeParse({
    ENVIRONMENT: platformEnv.ENVIRONMENT ?? processEnv.ENVIRONMENT,
    API_URL: platformEnv.API_URL,
    SESSION_SECRET: platformEnv.SESSION_SECRET ?? processEnv.SESSION_SECRET,
  });
  if (!parsed.success) {
    throw new Error(`Invalid web environment: ${z.prettifyError(parsed.error)}`);
  }
  const vars = parsed.data;
  const isProduction = vars.ENVIRONMENT === "production";

  let sessionSecret = vars.SESSION_SECRET;
  if (isProduction) {
    if (!sessionSecret || sessionSecret === DEV_SESSION_SECRET || sessionSecret.length < 32) {
      throw new Error(
        "SESSION_SECRET must be set to a random string of at least 32 characters in production " +
          "(wrangler pages secret put SESSION_SECRET).",
      );
    }
  } else {
    sessionSecret ??= DEV_SESSION_SECRET;
  }

  // In development an API_URL from the shell wins over web/wrangler.toml's default.
  const apiUrl = (!isProduction && processEnv.API_URL) || vars.API_URL || DEFAULT_API_URL;

  const env: ServerEnv = {
    isProduction,
    apiUrl: apiUrl.replace(/\/+$/, ""),
    apiBinding: platformEnv.API,
    sessionSecret,
  };
  cache.set(platformEnv, env);
  return env;
}

function readProcessEnv(): Record<string, string | undefined> {
  // `process` exists under `vite dev` (Node) but not in workerd without nodejs_compat.
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env ?? {};
}
