/**
 * @module worker/env
 * Bindings of the Worker: those in wrangler.toml (generated into worker-configuration.d.ts by
 * `npm run cf-typegen`, never edited by hand) plus the secrets and optional bindings that
 * wrangler.toml does not declare.
 */
import type { AuthUser } from "./middleware/auth.ts";

export type Bindings = Env & {
  /** Signs access tokens. `wrangler secret put JWT_SECRET`; a development default is used only outside production. */
  JWT_SECRET?: string;
  /** Cloudflare Email Routing binding for magic-link mail; without it mail goes to the outbox table. */
  SEND_EMAIL?: SendEmail;
};

export interface Variables {
  user: AuthUser;
  requestId: string;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
