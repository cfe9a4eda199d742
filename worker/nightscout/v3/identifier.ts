/**
 * @module worker/nightscout/v3/identifier
 * lib/api3/shared/operationTools.js calculateIdentifier: a document sent without `identifier`
 * gets the UUID v5 of `<device>_<date>[_<eventType>]` in Nightscout's namespace (the 16 bytes of
 * "NightscoutRocks!"), so the same reading or treatment sent twice gets the same identifier.
 * Written out (RFC 4122 §4.3, SHA-1 through WebCrypto) as no UUID library is installed and this is
 * its only use.
 */
const NAMESPACE = new TextEncoder().encode("NightscoutRocks!");

export async function uuidV5(name: string): Promise<string> {
  const bytes = new Uint8Array([...NAMESPACE, ...new TextEncoder().encode(name)]);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes)).slice(0, 16);
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** calculateIdentifier, with JavaScript's string forms of absent values ("undefined"). */
export function calculateIdentifier(doc: Record<string, unknown>): Promise<string> {
  let key = `${String(doc.device)}_${String(doc.date)}`;
  if (doc.eventType) key += `_${String(doc.eventType)}`;
  return uuidV5(key);
}
