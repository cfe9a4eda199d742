// `npm run vapid-keys`: a new VAPID key pair (RFC 8292) for Web Push, printed with the commands
// that install it. The public key is the browsers' `applicationServerKey` (not secret); the
// private key signs every push request and must stay a Worker secret.
import { webcrypto } from "node:crypto";

const { subtle } = webcrypto;
const pair = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
const jwk = await subtle.exportKey("jwk", pair.privateKey);
const raw = new Uint8Array(await subtle.exportKey("raw", pair.publicKey));
const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
const publicKey = b64url(raw);
const privateKey = jwk.d;

if (process.argv.includes("--json")) {
  console.log(JSON.stringify({ publicKey, privateKey }));
} else {
  console.log(`VAPID_PUBLIC_KEY=${publicKey}`);
  console.log(`VAPID_PRIVATE_KEY=${privateKey}`);
  console.log("");
  console.log("Install them on the deployed Worker (the private key never goes into wrangler.toml):");
  console.log("  echo -n '<VAPID_PUBLIC_KEY>'  | npx wrangler secret put VAPID_PUBLIC_KEY");
  console.log("  echo -n '<VAPID_PRIVATE_KEY>' | npx wrangler secret put VAPID_PRIVATE_KEY");
  console.log("and set VAPID_SUBJECT in wrangler.toml [vars] to a contact (mailto:ops@example.org).");
  console.log("Locally, put both lines in .dev.vars; without them a development key pair is used.");
  console.log("Changing the keys invalidates every stored subscription (browsers must subscribe again).");
}
