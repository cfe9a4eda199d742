/**
 * @module validation
 * Rules shared by the forms (rendered in the browser as hints) and their zod schemas in
 * forms.server.ts. Kept free of zod so importing a constant into a component does not ship
 * zod to the browser.
 */
import { isValidTimeZone } from "../../../vocabulary/timezone.ts";

/** The API's password rule: at least 10 characters. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/** True for a name that `Intl` knows, e.g. "Europe/Berlin" or "UTC". */
export { isValidTimeZone };

/** IANA zone names for a picker, with UTC first. */
export function listTimeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return ["UTC", ...zones.filter((z) => z !== "UTC")];
}
