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
