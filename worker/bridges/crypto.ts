/**
 * @module worker/bridges/crypto
 * Bridge credentials at rest: AES-256-GCM (WebCrypto) under a key derived with HKDF-SHA-256 from
 * the `BRIDGE_KEY` Worker secret. Each ciphertext names the key it was made with (the first 8 hex
 * of the key's SHA-256), so a rotation can keep the old secret in `BRIDGE_KEY_PREVIOUS` while the
 * rows are re-encrypted (docs/bridges.md, "Key rotation"). The bridge id is the GCM additional
 * data: a ciphertext copied onto another bridge row does not decrypt.
 *
 * Format: `v1.<key id>.<base64url iv>.<base64url ciphertext+tag>`.
 */
import type { Bindings } from "../env.ts";
import { isProduction } from "../lib/config.ts";
import { base64ToBytes, bytesToBase64Url } from "../../vocabulary/bytes.ts";
import { sha256Hex } from "../lib/crypto.ts";
import { ApiError } from "../lib/errors.ts";

/** DEVELOPMENT ONLY: the key of local runs and tests. Never used when ENVIRONMENT is "production". */
export const DEV_BRIDGE_KEY = "glucolens-development-bridge-key-not-for-production";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** What a bridge logs in with (never returned by any route). */
export type BridgeCredentials = { username: string; password: string } | { token: string };

export function bridgeKeySecret(env: Pick<Bindings, "BRIDGE_KEY" | "ENVIRONMENT">): string {
  if (env.BRIDGE_KEY) return env.BRIDGE_KEY;
  if (isProduction(env as Bindings)) throw new ApiError(500, "misconfigured", "BRIDGE_KEY is not set; run `wrangler secret put BRIDGE_KEY`");
  return DEV_BRIDGE_KEY;
}

interface Key {
  id: string;
  key: CryptoKey;
}

const keyCache = new Map<string, Promise<Key>>();

function deriveKey(secret: string): Promise<Key> {
  let k = keyCache.get(secret);
  if (!k) {
    k = (async () => {
      const material = await crypto.subtle.importKey("raw", enc.encode(secret), "HKDF", false, ["deriveKey"]);
      const key = await crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: enc.encode("glucolens-bridges"), info: enc.encode("credentials v1") },
        material,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
      return { id: (await sha256Hex(`bridge-key:${secret}`)).slice(0, 8), key };
    })();
    keyCache.set(secret, k);
  }
  return k;
}

/** The current key, then the previous one (if set): decryption tries them by key id. */
async function keys(env: Pick<Bindings, "BRIDGE_KEY" | "BRIDGE_KEY_PREVIOUS" | "ENVIRONMENT">): Promise<Key[]> {
  const out = [await deriveKey(bridgeKeySecret(env))];
  if (env.BRIDGE_KEY_PREVIOUS) out.push(await deriveKey(env.BRIDGE_KEY_PREVIOUS));
  return out;
}

export async function encryptCredentials(env: Pick<Bindings, "BRIDGE_KEY" | "BRIDGE_KEY_PREVIOUS" | "ENVIRONMENT">, bridgeId: string, credentials: BridgeCredentials): Promise<string> {
  const [current] = await keys(env);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: enc.encode(bridgeId) }, current!.key, enc.encode(JSON.stringify(credentials)));
  return `v1.${current!.id}.${bytesToBase64Url(iv)}.${bytesToBase64Url(new Uint8Array(ct))}`;
}

/** The key id a ciphertext was made with (to find rows still under an old key). */
export const keyIdOf = (ciphertext: string) => ciphertext.split(".")[1] ?? "";

/** Whether the ciphertext was made with the current key. */
export async function isCurrentKey(env: Pick<Bindings, "BRIDGE_KEY" | "BRIDGE_KEY_PREVIOUS" | "ENVIRONMENT">, ciphertext: string): Promise<boolean> {
  return keyIdOf(ciphertext) === (await keys(env))[0]!.id;
}

export async function decryptCredentials(env: Pick<Bindings, "BRIDGE_KEY" | "BRIDGE_KEY_PREVIOUS" | "ENVIRONMENT">, bridgeId: string, ciphertext: string): Promise<BridgeCredentials> {
  const [version, keyId, iv, ct] = ciphertext.split(".");
  if (version !== "v1" || !keyId || !iv || !ct) throw new Error("bridge credentials: unknown format");
  const key = (await keys(env)).find((k) => k.id === keyId);
  if (!key) throw new Error(`bridge credentials: made with key ${keyId}, which is neither BRIDGE_KEY nor BRIDGE_KEY_PREVIOUS`);
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: base64ToBytes(iv), additionalData: enc.encode(bridgeId) }, key.key, base64ToBytes(ct));
  return JSON.parse(dec.decode(plain)) as BridgeCredentials;
}
