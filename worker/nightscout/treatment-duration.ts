/**
 * @module worker/nightscout/treatment-duration
 * Nightscout's lib/treatmentDuration.js: a document's `endmills`, `durationInMilliseconds` and
 * `duration` (minutes) kept in step, as API v3's replace (update/replace.js) and patch
 * (patch/operation.js, with the stored document as fallback) do before they write.
 *
 * - The start is the first time found among the document's `mills`, the fallback's `mills`, the
 *   document's `created_at` and `date`, the fallback's `created_at` and `date` (epoch ms, a
 *   numeric string or a date string).
 * - Without an `endmills`, one is derived from the document's `durationInMilliseconds` (when
 *   positive), else its `duration` in minutes, else the fallback's, in that order.
 * - An `endmills` at or after the start then sets `durationInMilliseconds` to the difference and
 *   `duration` to it in whole minutes (rounded).
 */

type Doc = Record<string, unknown>;

const MINUTE_MS = 60_000;

const has = (doc: Doc | null | undefined, field: string): boolean => Boolean(doc) && Object.prototype.hasOwnProperty.call(doc, field);

/** A time as epoch ms: a finite number, a numeric string, or a date string; otherwise null. */
function toMills(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() === "") return null;
  const numeric = Number(value);
  if (Number.isFinite(numeric)) return numeric;
  const dateMills = new Date(value as string).getTime();
  return Number.isFinite(dateMills) ? dateMills : null;
}

/** The time a treatment's duration counts from (treatmentDuration.js resolveBaseMills). */
export function resolveBaseMills(doc: Doc | null | undefined, fallbackDoc?: Doc | null): number | null {
  return toMills(doc?.mills) ?? toMills(fallbackDoc?.mills) ?? toMills(doc?.created_at) ?? toMills(doc?.date) ?? toMills(fallbackDoc?.created_at) ?? toMills(fallbackDoc?.date);
}

/** Sets `endmills`, `durationInMilliseconds` and `duration` on `doc` in place (treatmentDuration.js normalizeTreatmentDuration); answers `doc`. */
export function normalizeTreatmentDuration<T extends Doc>(doc: T, fallbackDoc?: Doc | null): T {
  const d: Doc = doc;
  const baseMills = resolveBaseMills(d, fallbackDoc);
  if ((!has(d, "endmills") || d.endmills === null || d.endmills === undefined) && baseMills !== null) {
    const source = has(d, "durationInMilliseconds") || has(d, "duration") ? d : fallbackDoc;
    if (has(source, "durationInMilliseconds")) {
      const ms = Number(source?.durationInMilliseconds) || 0;
      if (ms > 0) d.endmills = baseMills + ms;
    } else if (has(source, "duration")) {
      d.endmills = baseMills + (Number(source?.duration) || 0) * MINUTE_MS;
    }
  }
  const endMills = has(d, "endmills") ? Number(d.endmills) : NaN;
  if (baseMills !== null && Number.isFinite(endMills) && endMills >= baseMills) {
    d.durationInMilliseconds = endMills - baseMills;
    d.duration = Math.round((endMills - baseMills) / MINUTE_MS);
  }
  return doc;
}
