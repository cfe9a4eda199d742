/**
 * @module worker/nightscout/paths
 * Which request paths are Nightscout's: they authenticate with Nightscout credentials
 * (worker/nightscout/auth.ts) and count as uploader traffic for the rate limits.
 */

/** Data routes under /api/v1 that need a credential (verifyauth answers without one). */
export const NIGHTSCOUT_DATA_PATH = /^\/api\/v1\/(entries|treatments|devicestatus|food|status|experiments|echo|times|slice|count)(\/|\.[a-z]+$|$)/;

/** Every Nightscout path, credential or not. */
export const NIGHTSCOUT_PATH = /^\/(api\/(v3\/|v1\/(entries|treatments|devicestatus|food|status|experiments|echo|times|slice|count|verifyauth|profiles?)(\/|\.[a-z]+$|$)|v2\/(authorization|properties)(\/|$)|versions$)|pebble(\.json)?$)/;
