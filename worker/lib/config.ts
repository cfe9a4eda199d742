/**
 * @module worker/lib/config
 * Secrets with development defaults. The defaults exist only so that `npm start` and the tests
 * run without setup; when ENVIRONMENT is "production" a missing secret stops every request.
 */
import { ApiError } from "./errors.ts";
import type { Bindings } from "../env.ts";

/** DEVELOPMENT ONLY: signs access tokens in local runs and tests. Never used in production. */
const DEV_JWT_SECRET = "glucolens-development-jwt-secret-not-for-production";

export const isProduction = (env: Bindings) => env.ENVIRONMENT === "production";

export function jwtSecret(env: Bindings): string {
  if (env.JWT_SECRET) return env.JWT_SECRET;
  if (isProduction(env)) {
    throw new ApiError(500, "misconfigured", "JWT_SECRET is not set; run `wrangler secret put JWT_SECRET`");
  }
  return DEV_JWT_SECRET;
}

/**
 * What is wrong with the configuration for production, by setting name (never its value); empty
 * outside production. Checked on every API request (worker/app.ts) and by `GET /ready`, so a
 * deployment on development defaults refuses to serve instead of signing tokens with a public key.
 * VAPID keys are checked where they are used (worker/push/service.ts), and so is BRIDGE_KEY
 * (worker/bridges/crypto.ts): a deployment whose users connect no bridges needs neither, and a
 * problem here refuses every request; without it, connecting a bridge answers 500 misconfigured
 * naming BRIDGE_KEY before anything is stored.
 */
export function productionConfigProblems(env: Bindings): string[] {
  if (!isProduction(env)) return [];
  const problems: string[] = [];
  const secret = env.JWT_SECRET;
  if (!secret) problems.push("JWT_SECRET is not set (`wrangler secret put JWT_SECRET`)");
  else if (secret === DEV_JWT_SECRET || secret.length < 32) problems.push("JWT_SECRET must be 32 or more random characters, not the development default");
  let origin: URL | null = null;
  try {
    origin = new URL(env.WEB_ORIGIN);
  } catch {
    // reported below
  }
  if (!origin || origin.protocol !== "https:" || ["localhost", "127.0.0.1", "[::1]"].includes(origin.hostname)) {
    problems.push("WEB_ORIGIN must be the web site's public https origin");
  }
  return problems;
}
