/**
 * @module sealed-session.server
 * Cookie session storage whose value is encrypted, not only signed: AES-256-GCM with a key
 * derived (HKDF-SHA-256) from SESSION_SECRET, a fresh 96-bit IV per write. Whoever holds the
 * cookie cannot read the API tokens in it; a changed byte fails GCM's tag and the cookie is
 * treated as absent. The cookie is still signed by Remix with the same secret.
 *
 * Written with WebCrypto (in every runtime the site runs on) rather than a library: Remix's
 * `createCookieSessionStorage` only signs, and the sealing is two WebCrypto calls.
 *
 * Encryption hides the tokens; it does not end a copied session. That is the API's part: logout,
 * a password change and account deletion end the session there (its access and refresh tokens),
 * and every loader that calls the API, the app shell's included, then sends the copy to /login.
 */
import { createCookie, createSession, type CookieOptions, type SessionData, type SessionStorage } from "@remix-run/cloudflare";
import { base64ToBytes, bytesToBase64Url } from "../../../vocabulary/bytes.ts";

const IV_BYTES = 12;
/** Browsers drop larger cookies; Remix's own cookie storage refuses them the same way. */
const MAX_COOKIE_BYTES = 4096;

const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode("glucolens session cookie v1") },
        material,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
    keys.set(secret, key);
  }
  return key;
}


/** `iv.ciphertext`, both base64url. */
export async function seal(data: unknown, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const plain = new TextEncoder().encode(JSON.stringify(data));
  const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await keyFor(secret), plain));
  return `${bytesToBase64Url(iv)}.${bytesToBase64Url(cipher)}`;
}

/** The sealed value's data, or null when it was not sealed with this secret or was changed. */
export async function unseal(value: string, secret: string): Promise<unknown> {
  const [iv, cipher, extra] = value.split(".");
  if (!iv || !cipher || extra !== undefined) return null;
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: base64ToBytes(iv) }, await keyFor(secret), base64ToBytes(cipher));
    return JSON.parse(new TextDecoder().decode(plain));
  } catch {
    return null;
  }
}

export function createSealedCookieSessionStorage(name: string, options: CookieOptions & { secret: string }): SessionStorage {
  const { secret, ...cookieOptions } = options;
  const cookie = createCookie(name, { ...cookieOptions, secrets: [secret] });
  return {
    async getSession(cookieHeader, parseOptions) {
      const value = cookieHeader ? await cookie.parse(cookieHeader, parseOptions) : null;
      const data = typeof value === "string" ? await unseal(value, secret) : null;
      return createSession(data && typeof data === "object" ? (data as SessionData) : {});
    },
    async commitSession(session, serializeOptions) {
      const header = await cookie.serialize(await seal(session.data, secret), serializeOptions);
      if (header.length > MAX_COOKIE_BYTES) throw new Error(`Cookie length will exceed browser maximum. Length: ${header.length}`);
      return header;
    },
    async destroySession(_session, serializeOptions) {
      return cookie.serialize("", { ...serializeOptions, maxAge: undefined, expires: new Date(0) });
    },
  };
}
