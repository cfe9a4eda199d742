/**
 * @module worker/push/endpoint
 * Which Web Push endpoints the server may POST to. A subscription's endpoint is a URL the
 * browser's push service made (FCM, Mozilla autopush, Apple, WNS), always https on a public
 * name; anything else would let a user make the server send requests into its own network (SSRF).
 *
 * Refused: other schemes; credentials in the URL; a port other than the default; IP literals
 * of either family in any notation (the WHATWG URL parser turns `2130706433`, `0x7f.1` and
 * `0177.0.0.1` into `127.0.0.1`, so a dotted-quad or bracketed host after parsing is exactly an
 * IP literal); `localhost` and single-label names; special-use and private names (RFC 6761,
 * 6762, 8375, and `.internal`). The name is not resolved here: delivery follows no redirects
 * (worker/push/service.ts), and on Workers `fetch` reaches only public addresses.
 *
 * `allowLoopback` (development only, see worker/push/service.ts) admits http or https on
 * 127.0.0.1, [::1] or localhost with any port, for the local push service of the tests.
 *
 * @example
 * pushEndpointProblem("https://fcm.googleapis.com/fcm/send/abc");  // null
 * pushEndpointProblem("https://2130706433/x");                     // "must not be an IP address …"
 */

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
/** Names that never reach a public push service (RFC 6761 §6, RFC 6762 .local, RFC 8375 home.arpa, ICANN .internal). */
const PRIVATE_SUFFIXES = ["localhost", "local", "localdomain", "internal", "intranet", "lan", "home.arpa", "test", "invalid", "example", "onion"];
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

export function pushEndpointProblem(endpoint: string, options: { allowLoopback?: boolean } = {}): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return "must be an absolute URL";
  }
  if (options.allowLoopback && (url.protocol === "http:" || url.protocol === "https:") && LOOPBACK_HOSTS.has(url.hostname)) return null;
  if (url.protocol !== "https:") return "must be an https URL of a push service";
  if (url.username || url.password) return "must not contain credentials";
  if (url.port !== "") return "must use the default https port";
  const host = url.hostname.replace(/\.$/, "").toLowerCase();
  if (host.startsWith("[") || IPV4.test(host)) return "must not be an IP address: use the push service's host name";
  if (!host.includes(".")) return "must be a public host name (not localhost or a single-label name)";
  if (PRIVATE_SUFFIXES.some((s) => host === s || host.endsWith(`.${s}`))) return "must be a public host name of a push service";
  return null;
}
