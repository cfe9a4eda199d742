/**
 * @module vocabulary/bytes
 * Base64 (RFC 4648 §4) and base64url (§5) without `btoa`/`atob`, so that it runs wherever
 * JavaScript does and never builds a string one byte at a time.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Character code → 6-bit value for both alphabets (`+`/`-` and `/`/`_` alike); 255 for anything else. */
const DECODE = new Uint8Array(128).fill(255);
for (let i = 0; i < 64; i++) {
  DECODE[ALPHABET.charCodeAt(i)] = i;
  DECODE[URL_ALPHABET.charCodeAt(i)] = i;
}

/** Output characters turned into a string per slice: `String.fromCharCode` takes its arguments on the stack. */
const SLICE = 0x8000;

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  const codes = new Uint16Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    codes[o++] = alphabet.charCodeAt(n >>> 18);
    codes[o++] = alphabet.charCodeAt((n >>> 12) & 63);
    codes[o++] = alphabet.charCodeAt((n >>> 6) & 63);
    codes[o++] = alphabet.charCodeAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    codes[o++] = alphabet.charCodeAt(n >>> 18);
    codes[o++] = alphabet.charCodeAt((n >>> 12) & 63);
    if (rest === 2) codes[o++] = alphabet.charCodeAt((n >>> 6) & 63);
    if (pad) {
      codes[o++] = 61;
      if (rest === 1) codes[o++] = 61;
    }
  }
  let out = "";
  for (let s = 0; s < o; s += SLICE) out += String.fromCharCode.apply(null, codes.subarray(s, Math.min(s + SLICE, o)) as unknown as number[]);
  return out;
}

/**
 * Standard base64 with `=` padding, as `btoa` writes it.
 *
 * @example
 * bytesToBase64(new Uint8Array([251, 255])); // => "+/8="
 */
export const bytesToBase64 = (bytes: Uint8Array) => encode(bytes, ALPHABET, true);

/**
 * base64url without padding (JWTs, VAPID keys, tokens in URLs).
 *
 * @example
 * bytesToBase64Url(new Uint8Array([251, 255])); // => "-_8"
 */
export const bytesToBase64Url = (bytes: Uint8Array) => encode(bytes, URL_ALPHABET, false);

/**
 * Decodes base64 or base64url, padded or not (either alphabet, as `atob` after the url
 * characters are swapped back). Throws a `SyntaxError` for any other character or an impossible
 * length, as `atob` does.
 *
 * @example
 * base64ToBytes("-_8"); // => Uint8Array [251, 255]
 */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  let end = text.length;
  if (end % 4 === 0 && text.charCodeAt(end - 1) === 61) end -= text.charCodeAt(end - 2) === 61 ? 2 : 1;
  if (end % 4 === 1) throw new SyntaxError("base64: the text is not a whole number of bytes");
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? DECODE[c] : 255;
    if (v === 255) throw new SyntaxError(`base64: unexpected character at ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 255;
    }
  }
  return out;
}
