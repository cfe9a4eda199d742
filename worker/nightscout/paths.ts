/**
 * @module worker/nightscout/paths
 * Which request paths are Nightscout's: they authenticate with Nightscout credentials
 * (worker/nightscout/auth.ts) and count as uploader traffic for the rate limits. And the path a
 * Nightscout request is routed on.
 */
import { getPath } from "hono/utils/url";

/** Data routes under /api/v1 that need a credential (verifyauth answers without one). */
export const NIGHTSCOUT_DATA_PATH = /^\/api\/v1\/(entries|treatments|devicestatus|food|activity|status|experiments|echo|times|slice|count|notifications)(\/|\.[a-z]+$|$)/;

/** Every Nightscout path, credential or not. */
export const NIGHTSCOUT_PATH = /^\/(api\/(v3\/|v1\/(entries|treatments|devicestatus|food|activity|status|experiments|echo|times|slice|count|notifications|verifyauth|profiles?)(\/|\.[a-z]+$|$)|v2\/(authorization|properties)(\/|$)|versions$)|pebble(\.json)?$)/;

/**
 * An API v3 path's format extension (lib/api3/shared/renderer.js extension2accept): letters after a
 * dot in the last segment. Digits are not taken, so an ISO date in
 * `/history/2026-01-02T03:04:05.000Z` keeps its fraction.
 */
export const V3_EXTENSION = /^(\/api\/v3\/(?:[^/]+\/)*[^/.]+)\.([A-Za-z]+)$/;

/**
 * The path the API routes on (Hono's getPath option): an API v3 path without its format extension
 * (v3/render.ts answers in that format), and a Nightscout v1 path without its trailing slash, a
 * format after that slash joined to the segment before it: Express (not strict) routes
 * `/api/v1/entries/sgv/` and `/api/v1/entries/sgv/.json` as `/api/v1/entries/sgv[.json]`.
 */
export function routingPath(request: Request): string {
  const path = getPath(request);
  // Every request passes here (ingestion too): only /api/v3/ paths try the extension pattern.
  if (!path.startsWith("/api/v") && !path.startsWith("/pebble")) return path;
  const v3 = path.startsWith("/api/v3/") ? V3_EXTENSION.exec(path) : null;
  if (v3) return v3[1]!;
  return NIGHTSCOUT_PATH.test(path) ? path.replace(/(?<=[^/])\/(\.[a-z]+)?$/, "$1") : path;
}
